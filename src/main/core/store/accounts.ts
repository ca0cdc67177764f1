// The accounts table by intent (health has its own module, account-health.ts). Settings are one
// JSON object per account; secrets never come here (the SecretStore keeps them).
import type Database from 'better-sqlite3';
import type { AccountKind } from '../../../shared/domain';
import type { AccountSqlRow, SqlColumns } from './rows';
import type { records } from './schema';

export interface AccountRow {
  id: string;
  kind: AccountKind;
  label: string;
  baseUrl: string | null;
  lastPull: string | null;
  lastPush: string | null;
  health: string;
  healthMessage: string | null;
  recordCount: number;
  /** The settings JSON as stored. */
  settings: string;
}

/** Every account with how many records it holds, oldest first. */
export function listAccountRows(sqlite: Database.Database): AccountRow[] {
  const rows = sqlite
    .prepare(
      'SELECT a.*, (SELECT count(*) FROM records r WHERE r.account_id = a.id) AS record_count FROM accounts a ORDER BY a.created_at, a.id',
    )
    .all() as (AccountSqlRow & { record_count: number })[];
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    label: r.label,
    baseUrl: r.base_url,
    lastPull: r.last_pull_at,
    lastPush: r.last_push_at,
    health: r.health,
    healthMessage: r.health_message,
    recordCount: r.record_count,
    settings: r.settings,
  }));
}

export function insertAccount(
  sqlite: Database.Database,
  a: { id: string; kind: AccountKind; label: string; baseUrl: string | null; settings: Record<string, unknown>; createdAt: string },
): void {
  sqlite
    .prepare('INSERT INTO accounts (id, kind, label, base_url, settings, created_at) VALUES (?, ?, ?, ?, ?, ?)')
    .run(a.id, a.kind, a.label, a.baseUrl, JSON.stringify(a.settings), a.createdAt);
}

/** Label, address and settings as edited; a new address or new credentials (`reached`) make the health unknown again. */
export function saveAccount(
  sqlite: Database.Database,
  id: string,
  a: { label: string; baseUrl: string | null; settings: Record<string, unknown>; reached: boolean },
): void {
  sqlite
    .prepare(
      `UPDATE accounts SET label = ?, base_url = ?, settings = ?${a.reached ? ", health = 'unknown', health_message = NULL" : ''} WHERE id = ?`,
    )
    .run(a.label, a.baseUrl, JSON.stringify(a.settings), id);
}

export function saveAccountSettings(sqlite: Database.Database, id: string, settings: Record<string, unknown>): void {
  sqlite.prepare('UPDATE accounts SET settings = ? WHERE id = ?').run(JSON.stringify(settings), id);
}

/** The stored address and settings of one account; undefined when there is no such account. */
export function accountAddress(
  sqlite: Database.Database,
  id: string,
): { baseUrl: string | null; settings: Record<string, unknown> } | undefined {
  const row = sqlite.prepare('SELECT base_url, settings FROM accounts WHERE id = ?').get(id) as
    Pick<AccountSqlRow, 'base_url' | 'settings'> | undefined;
  return row && { baseUrl: row.base_url, settings: JSON.parse(row.settings) as Record<string, unknown> };
}

/** The people with a record in this account. */
export function peopleOfAccount(sqlite: Database.Database, id: string): string[] {
  return (
    sqlite.prepare('SELECT DISTINCT person_id FROM records WHERE account_id = ?').all(id) as SqlColumns<typeof records, 'person_id'>[]
  ).map((r) => r.person_id);
}
