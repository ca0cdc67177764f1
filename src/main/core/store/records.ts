// Reads of the records table by intent (the writes are the sync state machine's, sync-store.ts,
// on its way here: issue 24).
import type Database from 'better-sqlite3';

/** Whether an account holds a record under this vendor id; prepared once for a loop of lookups. */
export function recordLookup(sqlite: Database.Database): (accountId: string, remoteId: string) => boolean {
  const st = sqlite.prepare('SELECT 1 FROM records WHERE account_id = ? AND remote_id = ?');
  return (accountId, remoteId) => st.get(accountId, remoteId) !== undefined;
}
