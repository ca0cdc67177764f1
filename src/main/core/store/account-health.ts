// How each account is, as its last attempt found it (the Sync view's cards, status): written by
// pull, push, test and the end of a sync, always through here.
import type Database from 'better-sqlite3';

export type AccountHealth = 'ok' | 'offline' | 'auth' | 'error';

/** The health a failure of this kind means (a vendor error's kind; anything else is an error). */
export const healthOfFailure = (kind: string): AccountHealth => (kind === 'offline' ? 'offline' : kind === 'auth' ? 'auth' : 'error');

/** Record how the account is; `message` says why when it is not ok. */
export function setAccountHealth(sqlite: Database.Database, accountId: string, health: AccountHealth, message: string | null = null): void {
  sqlite
    .prepare('UPDATE accounts SET health = ?, health_message = ? WHERE id = ?')
    .run(health, health === 'ok' ? null : message, accountId);
}

/** Something reached the vendor from this account's outbox at `at`. */
export function markPushed(sqlite: Database.Database, accountId: string, at: string): void {
  sqlite.prepare('UPDATE accounts SET last_push_at = ? WHERE id = ?').run(at, accountId);
}
