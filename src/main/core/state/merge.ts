// The merge's transitions: a server copy met by local edits (three-way merge per field, a
// conflict where both sides changed the same field), a create that met a record the vendor
// already holds, a record with edits gone at the vendor.
import { VENDOR_LABELS, type CanonicalContact } from '../../../shared/domain';
import { baseBeside } from '../store/sync-records';
import { diff, merge3, sameValue } from '../sync/merge';
import { packServerCopy } from '../sync/server-copy';
import type { RemoteRecord } from '../vendors/connector';
import { markDeletedRemote } from './pull';
import type { SyncState } from './sync-state';
import type { MergeOutcome } from './types';

/** See SyncStore.mergeRemote. */
export function mergeRemote(
  s: SyncState,
  recordId: string,
  remote: RemoteRecord,
  opts: { contested?: readonly string[] } = {},
): MergeOutcome {
  return s.tx(() => {
    const rec = s.record(recordId);
    s.pages.forgetAll(rec.accountId); // a server copy stored outside a page (see rememberPage)
    const writable = s.writable(rec.vendor);
    const { merged, conflicts } = merge3(rec.base ?? {}, rec.local, remote.canonical, writable);
    // The vendor said both sides wrote the same part (MPDX: a 409 on one phone): where both
    // changed that field, a person decides, even if the lists would merge entry by entry.
    for (const f of opts.contested ?? []) {
      const field = f as keyof CanonicalContact;
      if (
        conflicts.some((c) => c.field === f) ||
        sameValue(f, rec.local[field], rec.base?.[field]) ||
        sameValue(f, remote.canonical[field], rec.base?.[field]) ||
        sameValue(f, rec.local[field], remote.canonical[field])
      )
        continue;
      conflicts.push({
        field: f,
        base: rec.base?.[field] ?? null,
        local: rec.local[field] ?? null,
        remote: remote.canonical[field] ?? null,
      });
      merged[field] = rec.local[field] as never;
    }
    s.records.setServerCopy(
      recordId,
      packServerCopy(JSON.stringify(remote.raw ?? null), rec.vendor),
      baseBeside(JSON.stringify(remote.canonical), JSON.stringify(merged)),
      JSON.stringify(merged),
      JSON.stringify(remote.versions),
      s.now(),
    );
    for (const c of s.openChangesOf(recordId)) {
      if (c.op === 'update') s.changes.setBaseVersions(c.id, JSON.stringify(remote.versions));
    }
    // A field already in dispute stays in dispute until a person settles it, unless the
    // server now holds the local value (the merge above would see it as a local-only edit).
    const prior = s.openConflict(recordId);
    if (prior?.kind === 'fields') {
      for (const f of prior.fields) {
        if (conflicts.some((c) => c.field === f.field)) continue;
        const field = f.field as keyof CanonicalContact;
        if (!sameValue(f.field, merged[field], remote.canonical[field]))
          conflicts.push({ ...f, local: merged[field] ?? null, remote: remote.canonical[field] ?? null });
      }
    }
    if (prior && !conflicts.length) s.settleConflict(recordId, prior.changeId);
    let outcome: MergeOutcome;
    if (conflicts.length) {
      s.raiseConflict(recordId, 'fields', conflicts, remote.versions);
      outcome = 'conflict';
    } else {
      outcome = Object.keys(diff(remote.canonical, merged, writable)).length ? 'clean' : 'already_there';
    }
    const id = s.refreshChange(recordId);
    if (outcome === 'conflict' && id !== null) {
      s.setChange(id, 'conflict', null);
      s.setRecordState(recordId, 'conflicted');
    }
    s.refreshPerson(rec.personId);
    return outcome;
  });
}

/** See SyncStore.raiseExists. */
export function raiseExists(
  s: SyncState,
  changeId: number,
  existing: RemoteRecord,
  how: { mergedByVendor: boolean; key: { name: string; label: string } | null },
): void {
  s.tx(() => {
    const c = s.change(changeId);
    const rec = s.record(c.recordId);
    const names = [...new Set([...Object.keys(rec.local), ...Object.keys(existing.canonical)])];
    const fields = names.map((field) => ({
      field,
      base: null,
      local: rec.local[field as keyof CanonicalContact] ?? null,
      remote: existing.canonical[field as keyof CanonicalContact] ?? null,
    }));
    const vendor = VENDOR_LABELS[rec.vendor];
    const why = how.mergedByVendor
      ? `${vendor} merged this new contact into its contact ${existing.remoteId}: is it the same person?`
      : `${vendor} already has a contact${how.key ? ` under ${how.key.label} ${existing.remoteId}` : ` ${existing.remoteId}`}: is it the same person?`;
    s.setChange(changeId, 'conflict', why);
    const meta: Record<string, string> = {
      existingRemoteId: existing.remoteId,
      mergedByVendor: String(how.mergedByVendor),
      ...(how.key ? { keyName: how.key.name, keyLabel: how.key.label } : {}),
    };
    s.raiseConflict(rec.id, 'exists', fields, meta);
    s.setRecordState(rec.id, 'conflicted');
  });
}

/** See SyncStore.raiseDeleted. */
export function raiseDeleted(s: SyncState, recordId: string): void {
  s.tx(() => {
    const rec = s.record(recordId);
    const fields = Object.entries(diff(rec.base ?? {}, rec.local)).map(([field, local]) => ({
      field,
      base: rec.base?.[field as keyof CanonicalContact] ?? null,
      local,
      remote: null,
    }));
    s.raiseConflict(recordId, 'deleted', fields, {});
    for (const c of s.openChangesOf(recordId)) if (c.state !== 'in_flight') s.setChange(c.id, 'conflict', 'Deleted on the server');
    s.setRecordState(recordId, 'conflicted');
  });
}

/** See SyncStore.markGroupDeleted. */
export function markGroupDeleted(s: SyncState, accountId: string, group: string): { deleted: number; conflicts: number } {
  return s.tx(() => {
    const n = { deleted: 0, conflicts: 0 };
    for (const r of s.records.inGroup(accountId, group)) {
      if (r.state === 'synced') {
        if (markDeletedRemote(s, accountId, r.remote_id)) n.deleted++;
      } else if (s.openConflict(r.id)?.kind !== 'deleted') {
        raiseDeleted(s, r.id);
        n.conflicts++;
      }
    }
    return n;
  });
}
