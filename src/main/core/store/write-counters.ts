// Whether the store was written since a cache was worked out, from SQLite's own counters: no
// table is read. `data_version` moves when another connection (the CLI, another process)
// commits; `total_changes()` when this one writes.
import type Database from 'better-sqlite3';

/** SQLite's data_version: changes when another connection commits to the file. */
export function othersWriteCount(sqlite: Database.Database): number {
  return sqlite.pragma('data_version', { simple: true }) as number;
}

/** A reader of this connection's write counter (rows it inserted, updated or deleted), prepared once: it is read on every queue request. */
export function ownWriteCounter(sqlite: Database.Database): () => number {
  const st = sqlite.prepare('SELECT total_changes()').pluck();
  return () => st.get() as number;
}
