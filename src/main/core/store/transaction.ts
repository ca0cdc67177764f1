// The one door into a transaction for the core's state machine (issue 24): a caller already in
// one joins it, so a pull's page and its cursor commit together.
import type Database from 'better-sqlite3';

/** Run `fn` in a transaction: its own, or the one the connection is in. */
export function inTransaction<T>(sqlite: Database.Database, fn: () => T): T {
  return sqlite.inTransaction ? fn() : sqlite.transaction(fn)();
}
