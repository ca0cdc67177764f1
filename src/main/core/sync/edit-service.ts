// Edits a person makes, offline or not: on one vendor record, or on a person (golden record),
// which fans out to every linked record whose vendor can hold the field. Fields no linked
// record can hold are pinned on the person, so nothing typed is dropped. Conflict resolution
// and undo live here too: each is journaled and goes out with the next push.
import type Database from 'better-sqlite3';
import { VENDOR_LABELS, type AccountKind, type CanonicalContact } from '../../../shared/domain';
import { CoreError } from '../errors';
import { applyPatch, intentOf, type FieldConflict } from './merge';
import { existingOf, partInWords, unheldParts, type ConflictKind, type Resolution, type SyncStore } from './sync-store';
import { latestEditOfRecord, recordOfStandingEdit } from '../store/journal-entries';
import { openConflicts, openOutbox, refusedChanges } from '../store/outbox-reads';
import { liveRecordsOfPerson, personExists, recordExists, recordIdsOf } from '../store/records';

export type { Resolution };

export interface EditResult {
  /** Records that took the edit, with their outbox change (null: nothing left to push). */
  records: { recordId: string; vendor: AccountKind; changeId: number | null }[];
  /** Fields kept on the person only, because no linked record can hold them. */
  pinned: string[];
  /** Records that did not take the edit, and why (their vendor cannot hold a part of it). */
  notHeld: { recordId: string; vendor: AccountKind; reason: string }[];
}

export interface ConflictView {
  id: string;
  recordId: string;
  personId: string;
  account: string;
  accountLabel: string;
  vendor: AccountKind;
  kind: ConflictKind;
  fields: FieldConflict[];
  /** kind "exists": the record the create met, and the key a different person needs. */
  existing?: { remoteId: string; mergedByVendor: boolean; key: { name: string; label: string; value: string } | null };
  createdAt: string;
  name: string;
}

export class EditService {
  constructor(
    private readonly sqlite: Database.Database,
    private readonly store: SyncStore,
    private readonly writable: (vendor: AccountKind) => readonly string[],
  ) {}

  /** `id` is a record id or a person id. */
  edit(id: string, patch: Partial<CanonicalContact>): EditResult {
    if (!Object.keys(patch).length) throw new CoreError('bad_request', 'Nothing to change');
    // A person edit fans out to each linked record: one action in the journal.
    return this.store.withAction(null, () => {
      if (recordExists(this.sqlite, id)) {
        const rec = this.store.record(id);
        const { changeId } = this.store.edit(id, patch);
        return { records: [{ recordId: id, vendor: rec.vendor, changeId }], pinned: [], notHeld: [] };
      }
      if (!personExists(this.sqlite, id)) throw new CoreError('not_found', `No person or record with id ${id}`);
      const recs = liveRecordsOfPerson(this.sqlite, id);
      const out: EditResult = { records: [], pinned: [], notHeld: [] };
      const held = new Set<string>();
      for (const r of recs) {
        const fields = Object.keys(patch).filter((f) => this.writable(r.kind).includes(f));
        if (!fields.length) continue;
        fields.forEach((f) => held.add(f));
        const sub = Object.fromEntries(fields.map((f) => [f, patch[f as keyof CanonicalContact]]));
        // A part of a phone or email this vendor cannot hold (say, which one is primary): its
        // record keeps what it has, and the result says so rather than dropping it quietly.
        const local = this.store.record(r.id).local;
        const unheld = unheldParts(intentOf(local, applyPatch(local, sub)), this.writable(r.kind));
        if (unheld.length) {
          out.notHeld.push({
            recordId: r.id,
            vendor: r.kind,
            reason: `${VENDOR_LABELS[r.kind]} cannot hold ${unheld.map(partInWords).join(' or ')}`,
          });
          continue;
        }
        try {
          out.records.push({ recordId: r.id, vendor: r.kind, changeId: this.store.edit(r.id, sub).changeId });
        } catch (e) {
          // This vendor cannot hold the value (LiveVox and a second email): the other records
          // still take it, and the result says which did not and why. SyncStore.edit refuses
          // before writing anything, so nothing of this record changed.
          if (!(e instanceof CoreError && e.code === 'bad_request')) throw e;
          out.notHeld.push({ recordId: r.id, vendor: r.kind, reason: e.message });
        }
      }
      // Nobody could take it: that is a refusal, not a save.
      if (!out.records.length && out.notHeld.length) throw new CoreError('bad_request', out.notHeld.map((x) => x.reason).join('; '));
      out.pinned = Object.keys(patch).filter((f) => !held.has(f));
      if (out.pinned.length) this.store.pin(id, Object.fromEntries(out.pinned.map((f) => [f, patch[f as keyof CanonicalContact]])));
      return out;
    });
  }

  /** Undo the latest edit of a record (or of each record of a person) that has not been pushed yet. */
  undo(id: string): { undone: number } {
    return this.store.withAction(null, () => {
      const recordIds = recordIdsOf(this.sqlite, id);
      if (!recordIds.length) throw new CoreError('not_found', `No person or record with id ${id}`);
      return { undone: recordIds.filter((r) => this.store.undoLatestEdit(r)).length };
    });
  }

  /** The outbox as a person reads it: what waits, what is being sent, what was refused. */
  outboxItems(): {
    id: number;
    recordId: string;
    personId: string;
    name: string;
    vendor: AccountKind;
    accountLabel: string;
    op: string;
    state: string;
    fields: string[];
    lastError: string | null;
    attempts: number;
    createdAt: string;
  }[] {
    const rows = openOutbox(this.sqlite);
    return rows.map((r) => ({
      id: r.id,
      recordId: r.record_id,
      personId: r.person_id,
      name: r.display_name,
      vendor: r.kind,
      accountLabel: r.label,
      op: r.op,
      state: r.state,
      fields: r.op === 'update' ? Object.keys(JSON.parse(r.patch) as object) : [],
      lastError: r.last_error,
      attempts: r.attempts,
      createdAt: r.created_at,
    }));
  }

  /** Undo one journaled edit (if it was not pushed since and its values are still there). */
  undoEntry(journalId: number): { undone: number } {
    const recordId = recordOfStandingEdit(this.sqlite, journalId);
    if (!recordId) throw new CoreError('not_found', 'That edit cannot be undone (already undone, or not an edit)');
    if (latestEditOfRecord(this.sqlite, recordId) !== journalId)
      throw new CoreError('bad_request', 'Undo the later edits of this record first');
    const r = this.undo(recordId);
    if (!r.undone) throw new CoreError('bad_request', 'That edit was already sent to the vendor; edit the record again to change it back');
    return r;
  }

  /** Changes a vendor refused, with its message, for the person to fix. */
  rejected(): { changeId: number; recordId: string; personId: string; vendor: AccountKind; accountLabel: string; message: string }[] {
    return refusedChanges(this.sqlite).map((c) => ({
      changeId: c.id,
      recordId: c.record_id,
      personId: c.person_id,
      vendor: c.kind,
      accountLabel: c.label,
      message: c.last_error ?? 'refused by the vendor',
    }));
  }

  conflicts(): ConflictView[] {
    const rows = openConflicts(this.sqlite);
    return rows.map((r) => {
      const existing = existingOf(r.kind, r.remote_versions);
      return {
        id: r.id,
        recordId: r.record_id,
        personId: r.person_id,
        account: r.account_id,
        accountLabel: r.label,
        vendor: r.vendor,
        kind: r.kind as ConflictKind,
        fields: JSON.parse(r.fields) as FieldConflict[],
        createdAt: r.created_at,
        name: r.display_name,
        ...(existing
          ? {
              existing: {
                remoteId: existing.remoteId,
                mergedByVendor: existing.mergedByVendor,
                key: existing.key ? { ...existing.key, value: existing.remoteId } : null,
              },
            }
          : {}),
      };
    });
  }

  /** Settle a conflict (see SyncStore.resolve). */
  resolve(conflictId: string, resolution: Resolution, by = 'user'): { changeId: number | null } {
    return this.store.resolve(conflictId, resolution, by);
  }
}
