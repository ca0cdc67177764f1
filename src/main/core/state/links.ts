// Records joined into one person and taken apart again: a merge's snapshot, the link, and
// its undo (unsent changes cancelled, sent ones compensated, people restored).
import type { CanonicalContact } from '../../../shared/domain';
import { CoreError } from '../errors';
import { edit } from './edits';
import type { SyncState } from './sync-state';
import type { MergeSnapshot } from './types';

/** See SyncStore.refreshPeople. */
export function refreshPeople(s: SyncState, personIds: Iterable<string>): void {
  s.tx(() => {
    for (const id of personIds) s.refreshPerson(id);
  });
}

/** See SyncStore.snapshot. */
export function snapshot(s: SyncState, recordIds: string[]): MergeSnapshot {
  const records = recordIds.map((id) => {
    const r = s.records.snapshot(id);
    return { id: r.id, personId: r.person_id, local: JSON.parse(r.local) as CanonicalContact, state: r.state };
  });
  const people = [...new Set(records.map((r) => r.personId))].map((id) => s.people.snapshot(id));
  return { records, people };
}

/** See SyncStore.link. */
export function link(s: SyncState, recordIds: string[], target: string, pinned: Record<string, unknown>, formerPeople: string[]): void {
  s.tx(() => {
    s.records.moveAllToPerson(recordIds, target);
    s.people.setPinned(target, JSON.stringify(pinned));
    for (const p of formerPeople) if (p !== target) s.counted('people', -s.people.dropIfEmpty(p));
    s.refreshPerson(target);
  });
}

/** See SyncStore.unlink. */
export function unlink(s: SyncState, before: MergeSnapshot, changeIds: number[]): { compensating: number } {
  return s.tx(() => {
    const now = s.now();
    let compensating = 0;
    for (const id of changeIds) {
      const ch = s.change(id);
      const rec = before.records.find((r) => r.id === ch.recordId)!;
      if (ch.state === 'pending' || ch.state === 'rejected' || ch.state === 'conflict') {
        s.setChange(id, 'cancelled', 'merge undone');
        s.records.restoreLocal(rec.id, JSON.stringify(rec.local), rec.state === 'deleted_local' ? 'deleted_local' : 'synced');
        s.refreshChange(rec.id);
        continue;
      }
      if (ch.state === 'cancelled') continue;
      if (ch.state !== 'done') throw new CoreError('conflict', 'A write of this merge is being sent right now; try again after the sync');
      if (ch.op === 'update') {
        const back = Object.fromEntries(Object.keys(ch.patch).map((f) => [f, rec.local[f as keyof CanonicalContact] ?? null]));
        edit(s, rec.id, back as Partial<CanonicalContact>, 'undo');
        compensating++;
      } else if (ch.op === 'delete') {
        s.records.forgetServerWithLocal(rec.id, JSON.stringify(rec.local));
        s.insertChange(rec.id, ch.accountId, 'create', rec.local as Record<string, unknown>, {}, Object.keys(rec.local));
        compensating++;
      }
    }
    for (const p of before.people) {
      if (s.people.restore(p, now)) s.counted('people', 1);
      else s.people.setPinned(p.id, p.pinned);
    }
    for (const r of before.records) s.records.moveToPerson(r.id, r.personId);
    for (const p of before.people) s.refreshPerson(p.id);
    return { compensating };
  });
}
