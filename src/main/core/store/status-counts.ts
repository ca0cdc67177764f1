// The counts `status` shows, read in one place: outbox states, accounts, people and records
// (kept by triggers, migration 0008: no count over 100,000 rows on every status), open conflicts.
import type Database from 'better-sqlite3';
import type { AccountKind } from '../../../shared/domain';
import type { AccountSqlRow, CountRow, SqlColumns, SqlRow } from './rows';
import type { changes } from './schema';
import { OPEN_STATES_SQL } from './sync-changes';

export interface StatusCounts {
  outbox: Partial<Record<'pending' | 'in_flight' | 'conflict' | 'rejected' | 'done', number>>;
  accounts: { id: string; kind: AccountKind; label: string; lastPull: string | null; lastPush: string | null; health: string }[];
  people: number;
  records: number;
  openConflicts: number;
}

type AccountStatusRow = Pick<AccountSqlRow, 'id' | 'kind' | 'label' | 'last_pull_at' | 'last_push_at' | 'health'>;

export function readStatusCounts(sqlite: Database.Database): StatusCounts {
  const count = (sql: string): number => (sqlite.prepare(sql).get() as CountRow).n;
  const outbox = Object.fromEntries(
    (
      sqlite.prepare('SELECT state, count(*) AS n FROM changes GROUP BY state').all() as (SqlColumns<typeof changes, 'state'> & CountRow)[]
    ).map((r) => [r.state, r.n]),
  );
  const accounts = (
    sqlite
      .prepare('SELECT id, kind, label, last_pull_at, last_push_at, health FROM accounts ORDER BY created_at, id')
      .all() as AccountStatusRow[]
  ).map((a) => ({ id: a.id, kind: a.kind, label: a.label, lastPull: a.last_pull_at, lastPush: a.last_push_at, health: a.health }));
  return {
    outbox,
    accounts,
    people: count("SELECT coalesce((SELECT n FROM row_counts WHERE name = 'people'), (SELECT count(*) FROM people)) AS n"),
    records: count("SELECT coalesce((SELECT n FROM row_counts WHERE name = 'records'), (SELECT count(*) FROM records)) AS n"),
    openConflicts: count("SELECT count(*) AS n FROM conflicts WHERE state = 'open'"),
  };
}

export type StateCountRow = Pick<SqlRow<typeof changes>, 'state'> & { n: number };

/** Open changes by state (waiting, sending, in conflict, refused). */
export function openChangeCounts(sqlite: Database.Database): StateCountRow[] {
  return sqlite
    .prepare(`SELECT state, count(*) AS n FROM changes WHERE state IN ${OPEN_STATES_SQL} GROUP BY state`)
    .all() as StateCountRow[];
}

/** A writer of row_counts (migration 0011: the sync state machine keeps them, not triggers), prepared once. */
export function rowCountBumper(sqlite: Database.Database): (name: 'people' | 'records', by: number) => void {
  const st = sqlite.prepare('UPDATE row_counts SET n = n + ? WHERE name = ?');
  return (name, by) => void st.run(by, name);
}
