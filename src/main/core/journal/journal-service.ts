// The activity log: every edit, sync write, conflict, merge and undo, newest first, with
// what "undo" would do where something can be undone.
import type Database from 'better-sqlite3';

export interface JournalEntryView {
  id: number;
  at: string;
  actor: string;
  kind: string;
  entityType: string;
  entityId: string;
  summary: string;
  undone: boolean;
  undo: 'edit' | 'merge' | 'dismiss' | null;
}

// Scans are bookkeeping, not activity a person did.
const HIDDEN = "('dedupe.scan')";

export class JournalService {
  constructor(private readonly sqlite: Database.Database) {}

  list(q: { kind?: string; entityIds?: string[]; limit: number; offset: number }): { total: number; entries: JournalEntryView[] } {
    const where = `WHERE kind NOT IN ${HIDDEN}${q.kind ? ' AND (kind = @kind OR kind LIKE @prefix)' : ''}${q.entityIds ? ' AND entity_id IN (SELECT value FROM json_each(@ids))' : ''}`;
    const params = { kind: q.kind ?? '', prefix: `${q.kind ?? ''}.%`, ids: JSON.stringify(q.entityIds ?? []), limit: q.limit, offset: q.offset };
    const total = (this.sqlite.prepare(`SELECT count(*) AS n FROM journal ${where}`).get(params) as { n: number }).n;
    // An edit can be undone while it has not been sent and no later edit of the record is still
    // standing (entity_type first, so the lookup uses the journal_entity index).
    const rows = this.sqlite.prepare(`SELECT id, at, actor, kind, entity_type, entity_id, summary, undone,
        (kind = 'edit' AND before IS NOT NULL AND NOT EXISTS (SELECT 1 FROM journal l WHERE l.entity_type = journal.entity_type AND l.entity_id = journal.entity_id AND l.id > journal.id AND (l.kind = 'sync.push' OR (l.kind = 'edit' AND l.undone = 0)))) AS edit_undoable
      FROM journal ${where} ORDER BY id DESC LIMIT @limit OFFSET @offset`).all(params) as { id: number; at: string; actor: string; kind: string; entity_type: string; entity_id: string; summary: string; undone: number; edit_undoable: number }[];
    return {
      total,
      entries: rows.map((r) => ({
        id: r.id, at: r.at, actor: r.actor, kind: r.kind, entityType: r.entity_type, entityId: r.entity_id, summary: r.summary, undone: r.undone === 1,
        undo: r.undone ? null : r.kind === 'edit' && r.entity_type === 'record' ? (r.edit_undoable ? 'edit' : null) : r.kind === 'merge' ? 'merge' : r.kind === 'dismiss' ? 'dismiss' : null,
      })),
    };
  }

  kindOf(id: number): string | null {
    return (this.sqlite.prepare('SELECT kind FROM journal WHERE id = ?').get(id) as { kind: string } | undefined)?.kind ?? null;
  }
}
