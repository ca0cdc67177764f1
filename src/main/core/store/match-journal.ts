// The journal entries the duplicates queue looks back at: when the last scan ran (an incremental
// scan rescores what changed since), what the queue held when another process last worked it out,
// and a merge or dismissal to undo. Reads only; SyncStore writes the journal. JSON comes back parsed.
import type Database from 'better-sqlite3';
import type { journal } from './schema';

type JournalRow = typeof journal.$inferSelect;

export type UndoableEntry = Pick<JournalRow, 'id' | 'kind' | 'before' | 'after' | 'undone'>;
/** The row as SQLite returns it: JSON as text, `undone` as 0 or 1. */
type StoredEntry = Pick<JournalRow, 'id' | 'kind'> & { before: string | null; after: string | null; undone: number };

const json = (text: string | null): unknown => (text ? JSON.parse(text) : null);

/** When the last duplicate scan ran; null before the first. */
export function lastScanAt(sqlite: Database.Database): JournalRow['at'] | null {
  return sqlite.prepare("SELECT max(at) FROM journal WHERE kind = 'dedupe.scan'").pluck().get() as JournalRow['at'] | null;
}

/**
 * What the newest entry that tallies the queue says it left (its `after`, parsed): the last scan,
 * or the automatic links after it (not undone), as whichever process wrote them. Undefined when
 * there is none, null when it says nothing.
 */
export function lastQueueTally(sqlite: Database.Database): JournalRow['after'] | undefined {
  const row = sqlite
    .prepare(
      "SELECT after FROM journal WHERE kind = 'dedupe.scan' OR (kind = 'bulk-merge' AND actor = 'auto' AND undone = 0) ORDER BY id DESC LIMIT 1",
    )
    .get() as Pick<StoredEntry, 'after'> | undefined;
  return row && json(row.after);
}

/** A journal entry with what it changed (before, after), for an undo to check and take back. */
export function undoableEntry(sqlite: Database.Database, id: number): UndoableEntry | undefined {
  const r = sqlite.prepare('SELECT id, kind, before, after, undone FROM journal WHERE id = ?').get(id) as StoredEntry | undefined;
  return r && { id: r.id, kind: r.kind, before: json(r.before), after: json(r.after), undone: r.undone === 1 };
}
