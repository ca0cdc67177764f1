// Reads of single journal entries by intent, for the undos that look back at what they did
// (the journal's writes and its paged listing are sync-store.ts and journal-service.ts, on
// their way here: issue 24).
import type Database from 'better-sqlite3';
import type { SqlColumns } from './rows';
import type { journal } from './schema';

export interface JournalEntryRow {
  id: number;
  entityId: string;
  after: string | null;
  undone: boolean;
}

/** The entry `id` if it is of this kind, else undefined. */
export function journalEntryOfKind(sqlite: Database.Database, id: number, kind: string): JournalEntryRow | undefined {
  const r = sqlite.prepare('SELECT id, entity_id, after, undone FROM journal WHERE id = ? AND kind = ?').get(id, kind) as SqlColumns<typeof journal, 'id' | 'entity_id' | 'after' | 'undone'> | undefined;
  return r && { id: r.id, entityId: r.entity_id, after: r.after, undone: r.undone === 1 };
}

/** A `max(id) AS id`: null when no row matched. */
interface MaxIdRow {
  id: number | null;
}

/** The newest edit of a record not undone yet (only it can be taken back without undoing a later one). */
export function latestEditOfRecord(sqlite: Database.Database, recordId: string): number | null {
  return (sqlite.prepare("SELECT max(id) AS id FROM journal WHERE entity_type = 'record' AND entity_id = ? AND kind = 'edit' AND undone = 0").get(recordId) as MaxIdRow).id;
}

/** The record an edit entry (not undone) is about; undefined for anything else. */
export function recordOfStandingEdit(sqlite: Database.Database, journalId: number): string | undefined {
  return (sqlite.prepare("SELECT entity_id FROM journal WHERE id = ? AND kind = 'edit' AND entity_type = 'record' AND undone = 0").get(journalId) as SqlColumns<typeof journal, 'entity_id'> | undefined)?.entity_id;
}

/** A journal entry by id, whatever its kind. */
export function journalEntry(sqlite: Database.Database, id: number): (JournalEntryRow & { kind: string }) | undefined {
  const r = sqlite.prepare('SELECT id, kind, entity_id, after, undone FROM journal WHERE id = ?').get(id) as SqlColumns<typeof journal, 'id' | 'kind' | 'entity_id' | 'after' | 'undone'> | undefined;
  return r && { id: r.id, kind: r.kind, entityId: r.entity_id, after: r.after, undone: r.undone === 1 };
}
