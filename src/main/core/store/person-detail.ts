// One person as the person pane shows them: their row, their records with the account each is
// in, and each record's open outbox change. Reads only.
import type Database from 'better-sqlite3';
import type { RecordState } from '../../../shared/domain';
import type { AccountSqlRow, Narrowed, SqlColumns } from './rows';
import type { changes, people, records } from './schema';

export type PersonRow = SqlColumns<typeof people, 'id' | 'display_name' | 'golden' | 'pinned'>;

/** A record of the person with the label and vendor of its account. */
export type PersonRecordRow = Narrowed<
  SqlColumns<typeof records, 'id' | 'account_id' | 'remote_id' | 'state' | 'local' | 'base' | 'versions' | 'updated_at'>,
  { state: RecordState }
> &
  Pick<AccountSqlRow, 'label' | 'kind'>;

export type OpenChangeRow = SqlColumns<typeof changes, 'id' | 'op' | 'state' | 'patch' | 'last_error'>;

export function personRow(sqlite: Database.Database, id: string): PersonRow | undefined {
  return sqlite.prepare('SELECT id, display_name, golden, pinned FROM people WHERE id = ?').get(id) as PersonRow | undefined;
}

/** The person a record belongs to (the CLI and deep links may hold a record id). */
export function personOfRecord(sqlite: Database.Database, recordId: string): string | undefined {
  return (sqlite.prepare('SELECT person_id FROM records WHERE id = ?').get(recordId) as SqlColumns<typeof records, 'person_id'> | undefined)
    ?.person_id;
}

/** A person's records with their account, by vendor then vendor id. */
export function recordsOfPerson(sqlite: Database.Database, personId: string): PersonRecordRow[] {
  return sqlite
    .prepare(
      'SELECT r.id, r.account_id, a.label, a.kind, r.remote_id, r.state, r.local, r.base, r.versions, r.updated_at FROM records r JOIN accounts a ON a.id = r.account_id WHERE r.person_id = ? ORDER BY a.kind, r.remote_id',
    )
    .all(personId) as PersonRecordRow[];
}

/** A reader of each record's newest open outbox change (waiting, sending, in conflict or refused). */
export function openChangeOfRecord(sqlite: Database.Database): (recordId: string) => OpenChangeRow | undefined {
  const st = sqlite.prepare(
    "SELECT id, op, state, patch, last_error FROM changes WHERE record_id = ? AND state IN ('pending', 'in_flight', 'conflict', 'rejected') ORDER BY id DESC LIMIT 1",
  );
  return (recordId) => st.get(recordId) as OpenChangeRow | undefined;
}
