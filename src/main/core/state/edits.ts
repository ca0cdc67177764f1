// A person's transitions on records and people: an edit (with its outbox row, in the same
// transaction), pinned fields, a create, a delete, a record taken out of its person, a vendor
// merge queued, the latest unsent edit undone.
import { displayName, VENDOR_LABELS, type CanonicalContact } from '../../../shared/domain';
import { CoreError } from '../errors';
import { uuidv7 } from '../ids';
import { applyPatch, intentOf } from '../sync/merge';
import type { SyncState } from './sync-state';
import { partInWords, pick, refusal, summaryOf, unheldParts } from './types';

/** See SyncStore.edit. */
export function edit(
  s: SyncState,
  recordId: string,
  typed: Partial<CanonicalContact>,
  actor = 'user',
): { changeId: number | null; journalId: number } {
  return s.tx(() => {
    const rec = s.record(recordId);
    if (rec.state === 'deleted_local') throw new CoreError('bad_request', 'This record was deleted here; it cannot be edited');
    if (rec.vendor === 'csv') throw new CoreError('bad_request', 'A CSV source changes only by importing the file again');
    const writable = s.writable(rec.vendor);
    const refused = Object.keys(typed).filter((f) => !writable.includes(f));
    if (refused.length) throw new CoreError('bad_request', `${rec.vendor} records cannot hold ${refused.join(', ')}`);
    const checked = s.check(rec.vendor, rec.accountId, typed, rec.local, rec.server);
    if (checked.problems.length) throw new CoreError('bad_request', refusal(rec.vendor, checked.problems));
    const patch = checked.patch;
    const before = rec.local;
    const local = applyPatch(rec.local, patch);
    const intent = intentOf(before, local);
    const unheld = unheldParts(intent, writable);
    if (unheld.length)
      throw new CoreError('bad_request', `Not saved — ${VENDOR_LABELS[rec.vendor]} cannot hold ${unheld.map(partInWords).join(' or ')}`);
    // A vendor that cannot hold which entry is primary keeps its own rule (its first entry), so
    // the stored list carries no primary flags of its own there: what is shown is what it holds.
    for (const f of ['phones', 'emails'] as const) {
      if (f in patch && !writable.includes(`${f}.primary`) && Array.isArray(local[f]))
        (local as Record<string, unknown>)[f] = (local[f] as { primary?: boolean }[]).map(({ primary: _p, ...rest }) => rest);
    }
    s.records.setLocal(recordId, JSON.stringify(local), s.now());
    const journalId = s.journal(
      'edit',
      'record',
      recordId,
      `edited ${summaryOf(patch)}`,
      pick(before, Object.keys(patch)),
      pick(local, Object.keys(patch)),
      actor,
    );
    const changeId = s.refreshChange(recordId, intent);
    s.refreshPerson(rec.personId);
    return { changeId, journalId };
  });
}

/** See SyncStore.pin. */
export function pin(s: SyncState, personId: string, fields: Partial<CanonicalContact>, actor = 'user'): void {
  s.tx(() => {
    const current = s.people.pinned(personId);
    if (current === undefined) throw new CoreError('not_found', `No person with id ${personId}`);
    const pinned = { ...(JSON.parse(current) as Record<string, unknown>), ...fields };
    s.people.setPinned(personId, JSON.stringify(pinned));
    s.journal('edit', 'person', personId, `pinned ${Object.keys(fields).join(', ')}`, null, pinned, actor);
    s.refreshPerson(personId);
  });
}

/** See SyncStore.create. */
export function create(
  s: SyncState,
  accountId: string,
  personId: string,
  contact: CanonicalContact,
  actor = 'user',
  values: Record<string, string> = {},
  summary = 'created here',
): { recordId: string; changeId: number } {
  return s.tx(() => {
    const id = uuidv7();
    const now = s.now();
    const rowid = s.records.insert(id, accountId, null, personId, null, null, JSON.stringify(contact), '{}', 'modified', now);
    s.inserted(rowid, contact);
    const changeId = s.insertChange(id, accountId, 'create', contact as Record<string, unknown>, {}, Object.keys(contact));
    if (Object.keys(values).length) s.changes.setCreateValues(changeId, JSON.stringify(values));
    s.journal('edit', 'record', id, summary, null, contact, actor);
    s.refreshPerson(personId);
    return { recordId: id, changeId };
  });
}

/** See SyncStore.delete. */
export function deleteRecord(s: SyncState, recordId: string, actor = 'user'): number {
  return s.tx(() => {
    const rec = s.record(recordId);
    for (const c of s.openChangesOf(recordId)) if (c.state !== 'in_flight') s.setChange(c.id, 'cancelled', null);
    s.setRecordState(recordId, 'deleted_local');
    // A create never sent (one that met an existing record waits as a conflict) has nothing left to settle.
    if (!rec.remoteId) s.closeConflicts(recordId, 'deleted here before it was created');
    s.journal('edit', 'record', recordId, 'deleted here', rec.local, null, actor);
    return rec.remoteId ? s.insertChange(recordId, rec.accountId, 'delete', {}, rec.versions) : 0;
  });
}

/** See SyncStore.unlinkRecord. */
export function unlinkRecord(s: SyncState, recordId: string, actor = 'user'): string {
  return s.tx(() => {
    const rec = s.record(recordId);
    const personId = uuidv7();
    const now = s.now();
    s.people.insert(personId, JSON.stringify(rec.local), displayName(rec.local), now);
    s.counted('people', 1);
    s.records.moveToPersonAt(recordId, personId, now);
    s.journal('unlink', 'record', recordId, 'no longer linked to the person', { personId: rec.personId }, { personId }, actor);
    s.refreshPerson(rec.personId);
    s.refreshPerson(personId);
    return personId;
  });
}

/** See SyncStore.queueVendorMerge. */
export function queueVendorMerge(s: SyncState, recordId: string, winnerRecordId: string | undefined): number {
  return s.tx(() => s.insertChange(recordId, s.record(recordId).accountId, 'merge', { winnerRecordId }, {}));
}

/** See SyncStore.undoLatestEdit. */
export function undoLatestEdit(s: SyncState, recordId: string, actor = 'user'): boolean {
  return s.tx(() => {
    if (s.openChangesOf(recordId).some((c) => c.state === 'in_flight')) return false;
    const entry = s.journalRows.latestUndoableEdit(recordId);
    if (!entry) return false;
    // Only an edit not yet sent: a push since then makes it history, not something to undo.
    if (s.journalRows.pushedSince(recordId, entry.id)) return false;
    const rec = s.record(recordId);
    const before = JSON.parse(entry.before) as Record<string, unknown>;
    const local = { ...rec.local } as Record<string, unknown>;
    for (const [f, v] of Object.entries(before)) {
      if (v === null) delete local[f];
      else local[f] = v;
    }
    s.records.setLocal(recordId, JSON.stringify(local), s.now());
    s.journalRows.markUndone(entry.id);
    s.journal('undo', 'record', recordId, `undid ${Object.keys(before).join(', ')}`, JSON.parse(entry.after ?? 'null'), before, actor);
    s.refreshChange(recordId);
    s.refreshPerson(rec.personId);
    return true;
  });
}
