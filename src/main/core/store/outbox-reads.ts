// What the outbox and the conflict queue show a person, read by intent (the changes and
// conflicts themselves are written by the sync state machine, sync-store.ts).
import type Database from 'better-sqlite3';
import type { AccountKind } from '../../../shared/domain';
import type { AccountSqlRow, SqlColumns } from './rows';
import type { changes, conflicts, people, records } from './schema';

/** An open change with its person and the account it goes to. */
export type OutboxRow = SqlColumns<
  typeof changes,
  'id' | 'record_id' | 'op' | 'state' | 'patch' | 'last_error' | 'attempts' | 'created_at'
> &
  SqlColumns<typeof records, 'person_id'> &
  SqlColumns<typeof people, 'display_name'> &
  Pick<AccountSqlRow, 'kind' | 'label'>;

/** Changes not yet settled (waiting, sending, in conflict, refused), oldest first, at most `limit`. */
export function openOutbox(sqlite: Database.Database, limit = 2000): OutboxRow[] {
  return sqlite
    .prepare(
      "SELECT c.id, c.record_id, r.person_id, p.display_name, a.kind, a.label, c.op, c.state, c.patch, c.last_error, c.attempts, c.created_at FROM changes c JOIN records r ON r.id = c.record_id JOIN accounts a ON a.id = c.account_id JOIN people p ON p.id = r.person_id WHERE c.state IN ('pending', 'in_flight', 'conflict', 'rejected') ORDER BY c.id LIMIT ?",
    )
    .all(limit) as OutboxRow[];
}

/** A refused change, with the person and the account it was for. */
export type RefusedChangeRow = SqlColumns<typeof changes, 'id' | 'record_id' | 'last_error'> &
  SqlColumns<typeof records, 'person_id'> &
  Pick<AccountSqlRow, 'kind' | 'label'>;

/** Changes a vendor refused, oldest first. */
export function refusedChanges(sqlite: Database.Database): RefusedChangeRow[] {
  return sqlite
    .prepare(
      "SELECT c.id, c.record_id, r.person_id, a.kind, a.label, c.last_error FROM changes c JOIN records r ON r.id = c.record_id JOIN accounts a ON a.id = c.account_id WHERE c.state = 'rejected' ORDER BY c.id",
    )
    .all() as RefusedChangeRow[];
}

/** An open conflict with its record's person and account (`vendor`: the account's kind). */
export type OpenConflictRow = SqlColumns<typeof conflicts, 'id' | 'record_id' | 'kind' | 'fields' | 'remote_versions' | 'created_at'> &
  SqlColumns<typeof records, 'person_id' | 'account_id'> &
  Pick<AccountSqlRow, 'label'> &
  SqlColumns<typeof people, 'display_name'> & { vendor: AccountKind };

/** Conflicts waiting for a person, oldest first. */
export function openConflicts(sqlite: Database.Database): OpenConflictRow[] {
  return sqlite
    .prepare(
      "SELECT c.id, c.record_id, r.person_id, r.account_id, a.label, a.kind AS vendor, c.kind, c.fields, c.remote_versions, c.created_at, p.display_name FROM conflicts c JOIN records r ON r.id = c.record_id JOIN accounts a ON a.id = r.account_id JOIN people p ON p.id = r.person_id WHERE c.state = 'open' ORDER BY c.created_at, c.rowid",
    )
    .all() as OpenConflictRow[];
}
