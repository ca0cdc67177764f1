// An account removed and brought back (issue 26): its rows leave in one transaction, with a copy
// kept (store/removed-accounts.ts) so the removal can be undone for REMOVAL_UNDO_DAYS.
import type { CanonicalContact } from '../../../shared/domain';
import { CoreError } from '../errors';
import {
  keepAndDeleteAccount,
  purgeRemovals as purgeKept,
  removalKept,
  removalPlan,
  restoreAccount as restoreKept,
  REMOVAL_UNDO_DAYS,
  type FieldPolicyNote,
} from '../store/removed-accounts';
import type { SyncState } from './sync-state';

/** See SyncStore.removeAccount. */
export function removeAccount(
  s: SyncState,
  accountId: string,
  label: string,
  keep: { policies: FieldPolicyNote[] },
): { records: number; people: number; journalId: number } {
  return s.tx(() => {
    const plan = removalPlan(s.sqlite, accountId);
    if (plan.waiting)
      throw new CoreError(
        'bad_request',
        `${plan.waiting} change${plan.waiting === 1 ? '' : 's'} to ${label} ${plan.waiting === 1 ? 'is' : 'are'} still open (waiting, in conflict or refused): send, settle or undo ${plan.waiting === 1 ? 'it' : 'them'} first`,
      );
    const journalId = s.journal(
      'account.remove',
      'account',
      accountId,
      `removed the account ${label}`,
      { label, policies: keep.policies },
      null,
      'user',
    );
    const { people, records } = keepAndDeleteAccount(s.sqlite, accountId, journalId);
    s.counted('records', -records);
    let gone = 0;
    for (const p of people) {
      const dropped = s.people.dropIfEmpty(p);
      gone += dropped;
      if (!dropped) s.refreshPerson(p);
    }
    s.counted('people', -gone);
    const summary = `removed the account ${label}: ${records} record${records === 1 ? '' : 's'} and ${gone} ${gone === 1 ? 'person' : 'people'} only there`;
    s.journalRows.amend(journalId, summary, JSON.stringify({ label, records, people: gone }));
    return { records, people: gone, journalId };
  });
}

/** See SyncStore.restoreAccount. */
export function restoreAccount(
  s: SyncState,
  journalId: number,
): { accountId: string; records: number; people: number; policies: FieldPolicyNote[] } {
  return s.tx(() => {
    if (!removalKept(s.sqlite, journalId))
      throw new CoreError(
        'bad_request',
        `That removal can no longer be undone: its copy was kept for ${REMOVAL_UNDO_DAYS} days, or it was already undone`,
      );
    const r = restoreKept(s.sqlite, journalId);
    for (const rec of r.records) s.inserted(rec.rowid, JSON.parse(rec.local) as CanonicalContact);
    s.counted('people', r.people);
    for (const p of r.stayed) s.refreshPerson(p);
    s.journalRows.markUndone(journalId);
    const said = `brought back the account ${r.label}: ${r.records.length} record${r.records.length === 1 ? '' : 's'}`;
    s.journal('undo', 'account', r.accountId, said, null, { undoOf: journalId }, 'user');
    return { accountId: r.accountId, records: r.records.length, people: r.people, policies: r.policies };
  });
}

/** See SyncStore.purgeRemovals. */
export function purgeRemovals(s: SyncState): string[] {
  return s.tx(() => purgeKept(s.sqlite, new Date(s.clock.now().getTime() - REMOVAL_UNDO_DAYS * 86_400_000).toISOString()));
}
