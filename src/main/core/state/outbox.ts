// The push's transitions on the outbox: a change claimed before it is sent (a crash leaves it
// `in_flight`, checked by the next sync), a create's step kept, the vendor's answer stored
// (accepted, merged, refused), a change put back in the queue.
import { baseBeside } from '../store/sync-records';
import { packServerCopy } from '../sync/server-copy';
import type { CreateProgress, RemoteRecord } from '../vendors/connector';
import { upsertFromServer } from './pull';
import type { SyncState } from './sync-state';
import { summaryOf } from './types';

/** See SyncStore.claim. */
export function claim(s: SyncState, changeId: number): void {
  s.tx(() => {
    const c = s.change(changeId);
    s.changes.claim(changeId, s.now());
    if (c.op !== 'delete') s.setRecordState(c.recordId, 'pushing'); // a record deleted here stays deleted_local
  });
}

/** See SyncStore.step. */
export function step(s: SyncState, changeId: number, progress: CreateProgress): void {
  s.changes.setProgress(changeId, JSON.stringify(progress), s.now());
}

/** See SyncStore.pushed. */
export function pushed(s: SyncState, changeId: number, result: RemoteRecord | null, remoteId?: string): void {
  s.tx(() => {
    const c = s.change(changeId);
    const rec = s.record(c.recordId);
    s.pages.forgetAll(rec.accountId); // a server copy stored outside a page (see rememberPage)
    s.setChange(changeId, 'done', null);
    const others = s.openChangesOf(rec.id).filter((x) => x.id !== changeId);
    if (c.op === 'delete') {
      s.setRecordState(rec.id, 'deleted_local');
      // The delete was queued by some action (a merge): the push says so too, sent much later.
      s.journal('sync.push', 'record', rec.id, 'deleted on the server', null, null, 'sync', s.journalRows.deleteCause(rec.id));
      return;
    }
    if (remoteId && rec.remoteId !== remoteId) {
      const holder = s.records.otherHolder(rec.accountId, remoteId, rec.id);
      if (holder) {
        // The vendor matched an existing contact instead of creating one (CallTools MERGE,
        // LiveVox 202), or a pull saw our create before its answer was settled: Concord
        // already has it as another record, so this one folds into it.
        s.setRecordState(rec.id, 'deleted_local');
        if (result)
          upsertFromServer(s, {
            accountId: rec.accountId,
            remoteId,
            raw: result.raw,
            canonical: result.canonical,
            versions: result.versions,
          });
        // A holder alone in a person of its own (what a pull makes) joins the person the
        // record was created for; one already linked to others stays where a person put it.
        const alone = s.records.countOfPerson(holder.person_id) === 1;
        if (alone && holder.person_id !== rec.personId) {
          s.records.moveToPerson(holder.id, rec.personId);
          s.counted('people', -s.people.dropIfEmpty(holder.person_id));
        }
        s.journal(
          'sync.push',
          'record',
          rec.id,
          `already existed at the vendor as record ${holder.id}; folded into it`,
          null,
          { existingRecord: holder.id, remoteId },
          'sync',
        );
        s.refreshPerson(rec.personId);
        return;
      }
      s.records.setRemoteId(rec.id, remoteId);
    }
    if (result) {
      const local = others.length ? rec.local : result.canonical;
      s.records.setServerCopy(
        rec.id,
        packServerCopy(JSON.stringify(result.raw ?? null), rec.vendor),
        baseBeside(JSON.stringify(result.canonical), JSON.stringify(local)),
        JSON.stringify(local),
        JSON.stringify(result.versions),
        s.now(),
      );
    }
    s.setRecordState(rec.id, others.length ? (others.some((o) => o.state === 'conflict') ? 'conflicted' : 'modified') : 'synced');
    s.closeConflicts(rec.id, 'pushed');
    s.journal('sync.push', 'record', rec.id, `${c.op} sent: ${summaryOf(c.patch)}`, null, c.patch, 'sync');
    s.refreshPerson(rec.personId);
  });
}

/** See SyncStore.merged. */
export function merged(s: SyncState, changeId: number, loserRemoteId: string | null): void {
  s.tx(() => {
    const c = s.change(changeId);
    s.setChange(changeId, 'done', null);
    if (loserRemoteId) s.records.setRemoteIdAt(c.recordId, loserRemoteId, s.now());
    else s.setRecordState(c.recordId, 'deleted_local');
    if (loserRemoteId && !s.openChangesOf(c.recordId).length) s.setRecordState(c.recordId, 'synced');
    s.journal(
      'sync.push',
      'record',
      c.recordId,
      `merged at the vendor into record ${String(c.patch.winnerRecordId)}`,
      null,
      c.patch,
      'sync',
    );
  });
}

/** See SyncStore.release. */
export function release(s: SyncState, changeId: number, error: string | null, nextAttemptAt: string | null = null): void {
  s.tx(() => {
    const c = s.change(changeId);
    s.changes.release(changeId, error, nextAttemptAt, s.now());
    if (c.op !== 'delete') s.setRecordState(c.recordId, s.openConflict(c.recordId) ? 'conflicted' : 'modified');
  });
}

/** See SyncStore.reject. */
export function reject(s: SyncState, changeId: number, message: string): void {
  s.tx(() => {
    const c = s.change(changeId);
    s.setChange(changeId, 'rejected', message);
    s.setRecordState(c.recordId, 'rejected');
    s.journal('sync.reject', 'record', c.recordId, message, null, c.patch, 'sync');
  });
}
