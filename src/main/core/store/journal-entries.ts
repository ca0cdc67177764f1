// Single journal entries by intent: the reads of the undos that look back at what they did,
// and the sync state machine's writes (`journalTable`; the paged listing is journal-list.ts).
import type Database from 'better-sqlite3';
import type { SqlColumns, SqlRow } from './rows';
import type { journal } from './schema';

export interface JournalEntryRow {
  id: number;
  entityId: string;
  after: string | null;
  undone: boolean;
}

/** The entry `id` if it is of this kind, else undefined. */
export function journalEntryOfKind(sqlite: Database.Database, id: number, kind: string): JournalEntryRow | undefined {
  const r = sqlite.prepare('SELECT id, entity_id, after, undone FROM journal WHERE id = ? AND kind = ?').get(id, kind) as
    SqlColumns<typeof journal, 'id' | 'entity_id' | 'after' | 'undone'> | undefined;
  return r && { id: r.id, entityId: r.entity_id, after: r.after, undone: r.undone === 1 };
}

/** A `max(id) AS id`: null when no row matched. */
interface MaxIdRow {
  id: number | null;
}

/** The newest edit of a record not undone yet (only it can be taken back without undoing a later one). */
export function latestEditOfRecord(sqlite: Database.Database, recordId: string): number | null {
  return (
    sqlite
      .prepare("SELECT max(id) AS id FROM journal WHERE entity_type = 'record' AND entity_id = ? AND kind = 'edit' AND undone = 0")
      .get(recordId) as MaxIdRow
  ).id;
}

/** The record an edit entry (not undone) is about; undefined for anything else. */
export function recordOfStandingEdit(sqlite: Database.Database, journalId: number): string | undefined {
  return (
    sqlite
      .prepare("SELECT entity_id FROM journal WHERE id = ? AND kind = 'edit' AND entity_type = 'record' AND undone = 0")
      .get(journalId) as SqlColumns<typeof journal, 'entity_id'> | undefined
  )?.entity_id;
}

/** A journal entry by id, whatever its kind. */
export function journalEntry(sqlite: Database.Database, id: number): (JournalEntryRow & { kind: string }) | undefined {
  const r = sqlite.prepare('SELECT id, kind, entity_id, after, undone FROM journal WHERE id = ?').get(id) as
    SqlColumns<typeof journal, 'id' | 'kind' | 'entity_id' | 'after' | 'undone'> | undefined;
  return r && { id: r.id, kind: r.kind, entityId: r.entity_id, after: r.after, undone: r.undone === 1 };
}

type JournalCols = SqlRow<typeof journal>;

export type JournalTable = ReturnType<typeof journalTable>;

/** The journal's statements for the sync state machine; the append is prepared once. */
export function journalTable(sqlite: Database.Database) {
  const append = sqlite.prepare(
    'INSERT INTO journal (at, actor, kind, entity_type, entity_id, summary, before, after, action_id, cause) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
  );
  return {
    /** A new entry (before/after as JSON); its id. */
    append: (
      at: string,
      actor: string,
      kind: string,
      entityType: string,
      entityId: string,
      summary: string,
      before: string | null,
      after: string | null,
      actionId: string | null,
      cause: string | null,
    ): number => Number(append.run(at, actor, kind, entityType, entityId, summary, before, after, actionId, cause).lastInsertRowid),
    amend: (id: number, summary: string, after: string): void =>
      void sqlite.prepare('UPDATE journal SET summary = ?, after = ? WHERE id = ?').run(summary, after, id),
    markUndone: (id: number): void => void sqlite.prepare('UPDATE journal SET undone = 1 WHERE id = ?').run(id),
    /** A record's newest edit not undone that has a before to go back to. */
    latestUndoableEdit: (recordId: string) =>
      sqlite
        .prepare(
          "SELECT id, before, after FROM journal WHERE entity_type = 'record' AND entity_id = ? AND kind = 'edit' AND undone = 0 AND before IS NOT NULL ORDER BY id DESC LIMIT 1",
        )
        .get(recordId) as (Pick<JournalCols, 'id' | 'after'> & { before: string }) | undefined,
    /** Whether the record was pushed after entry `id`. */
    pushedSince: (recordId: string, id: number): boolean =>
      sqlite
        .prepare("SELECT 1 FROM journal WHERE entity_type = 'record' AND entity_id = ? AND kind = 'sync.push' AND id > ?")
        .get(recordId, id) !== undefined,
    /** What the record's latest delete here was queued by, if it was. */
    deleteCause: (recordId: string): string | null =>
      (
        sqlite
          .prepare(
            "SELECT cause FROM journal WHERE entity_type = 'record' AND entity_id = ? AND kind = 'edit' AND after IS NULL ORDER BY id DESC LIMIT 1",
          )
          .get(recordId) as Pick<JournalCols, 'cause'> | undefined
      )?.cause ?? null,
  };
}
