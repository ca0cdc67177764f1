// Reads of the records table by intent (the writes are the sync state machine's, sync-store.ts,
// on its way here: issue 24).
import type Database from 'better-sqlite3';
import { liveRecord } from './predicates';
import type { AccountSqlRow, SqlColumns } from './rows';
import type { people, records } from './schema';

/** Whether an account holds a record under this vendor id; prepared once for a loop of lookups. */
export function recordLookup(sqlite: Database.Database): (accountId: string, remoteId: string) => boolean {
  const st = sqlite.prepare('SELECT 1 FROM records WHERE account_id = ? AND remote_id = ?');
  return (accountId, remoteId) => st.get(accountId, remoteId) !== undefined;
}

/** A record (its canonical JSON in `local`) with its person's name and golden record JSON. */
export type LinkedRecordRow = SqlColumns<typeof records, 'id' | 'person_id' | 'account_id' | 'local'> &
  SqlColumns<typeof people, 'golden'> & {
    /** The person's display name. */
    name: string;
  };

/**
 * The live records in these accounts of every person who has live records in two or more of
 * them, with the person's name and golden record; by name, then person.
 */
export function recordsLinkedAcross(sqlite: Database.Database, accountIds: readonly string[]): LinkedRecordRow[] {
  const ids = JSON.stringify(accountIds);
  return sqlite
    .prepare(
      `SELECT r.id, r.person_id, r.account_id, r.local, p.display_name AS name, p.golden FROM records r JOIN people p ON p.id = r.person_id
      WHERE r.account_id IN (SELECT value FROM json_each(?)) AND ${liveRecord('r')}
        AND r.person_id IN (SELECT person_id FROM records WHERE account_id IN (SELECT value FROM json_each(?)) AND ${liveRecord()} GROUP BY person_id HAVING count(DISTINCT account_id) >= 2)
      ORDER BY p.display_name COLLATE NOCASE, r.person_id`,
    )
    .all(ids, ids) as LinkedRecordRow[];
}

export function recordExists(sqlite: Database.Database, id: string): boolean {
  return sqlite.prepare('SELECT 1 FROM records WHERE id = ?').get(id) !== undefined;
}

export function personExists(sqlite: Database.Database, id: string): boolean {
  return sqlite.prepare('SELECT 1 FROM people WHERE id = ?').get(id) !== undefined;
}

/** A record and the vendor of its account. */
export type RecordVendorRow = SqlColumns<typeof records, 'id'> & Pick<AccountSqlRow, 'kind'>;

/** A person's live records with their vendor, oldest first. */
export function liveRecordsOfPerson(sqlite: Database.Database, personId: string): RecordVendorRow[] {
  return sqlite
    .prepare(
      `SELECT r.id, a.kind FROM records r JOIN accounts a ON a.id = r.account_id WHERE r.person_id = ? AND ${liveRecord('r')} ORDER BY r.created_at`,
    )
    .all(personId) as RecordVendorRow[];
}

/** The record `id`, or every record of the person `id`. */
export function recordIdsOf(sqlite: Database.Database, id: string): string[] {
  return (sqlite.prepare('SELECT id FROM records WHERE id = ? OR person_id = ?').all(id, id) as SqlColumns<typeof records, 'id'>[]).map(
    (r) => r.id,
  );
}

/**
 * Whether a vendor id is another record's for good: a record Concord created itself, or one
 * linked to other records. A lone pulled record is not: it may be the copy a pull made of a
 * create whose answer was lost, which the create folds into (state/outbox.ts).
 */
export function remoteIdClaimed(sqlite: Database.Database): (accountId: string, remoteId: string) => boolean {
  const st = sqlite.prepare(
    `SELECT 1 FROM records r WHERE r.account_id = ? AND r.remote_id = ? AND (
       EXISTS (SELECT 1 FROM changes c WHERE c.record_id = r.id AND c.op = 'create')
       OR (SELECT count(*) FROM records o WHERE o.person_id = r.person_id) > 1)`,
  );
  return (accountId, remoteId) => st.get(accountId, remoteId) !== undefined;
}
