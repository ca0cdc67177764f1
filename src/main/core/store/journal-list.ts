// The journal read for the activity log (journal-service.ts turns it into entries): one page
// of actions, newest first, with the rows each shows and how many it has in all.
import type Database from 'better-sqlite3';
import type { AccountKind } from '../../../shared/domain';
import type { CountRow, SqlColumns } from './rows';
import type { journal, people, records } from './schema';

/** A journal row as the log shows it, with what it says about the row's person and vendor. */
export type JournalRowSql = SqlColumns<
  typeof journal,
  'id' | 'at' | 'actor' | 'kind' | 'entity_type' | 'entity_id' | 'summary' | 'undone' | 'action_id' | 'cause' | 'after'
> & {
  /** 1 when the row is an edit that can still be undone. */
  edit_undoable: number;
  person_id: string | null;
  vendor: AccountKind | null;
  /** An unmerge's merged person. */
  merged_person: string | null;
  /** A dismissal's `after` JSON (its record ids). */
  dismissed: string | null;
};

/** An action (or a single row) of the page: `top` is its newest row. */
export type ActionGroupRow = SqlColumns<typeof journal, 'action_id'> & { top: number };

// Scans are bookkeeping, not activity a person did.
const HIDDEN = "('dedupe.scan')";

export interface JournalPage {
  total: number;
  /** The page's actions (or single rows), newest first: `top` is the action's newest row. */
  groups: ActionGroupRow[];
  /** Rows per action, in all. */
  counts: Map<string, number>;
  rows: JournalRowSql[];
}

/** One page of the journal's actions; of each, the first `shownPerAction` rows (and a bulk action's lead). */
export function journalPage(
  sqlite: Database.Database,
  q: { kind?: string; entityIds?: string[]; limit: number; offset: number },
  shownPerAction: number,
): JournalPage {
  const ENTRY_ROWS_SHOWN = shownPerAction;
  // An action is in the list when any of its rows matches; it is paged as one entry.
  const where = `WHERE kind NOT IN ${HIDDEN}${q.kind ? ' AND (kind = @kind OR kind LIKE @prefix)' : ''}${q.entityIds ? ' AND entity_id IN (SELECT value FROM json_each(@ids))' : ''}`;
  const params = {
    kind: q.kind ?? '',
    prefix: `${q.kind ?? ''}.%`,
    ids: JSON.stringify(q.entityIds ?? []),
    limit: q.limit,
    offset: q.offset,
  };
  const total = (sqlite.prepare(`SELECT count(DISTINCT coalesce(action_id, 'j' || id)) AS n FROM journal ${where}`).get(params) as CountRow)
    .n;
  const groups = sqlite
    .prepare(
      `SELECT action_id, max(id) AS top FROM journal ${where} GROUP BY coalesce(action_id, 'j' || id) ORDER BY top DESC LIMIT @limit OFFSET @offset`,
    )
    .all(params) as ActionGroupRow[];
  const actions = groups.filter((g) => g.action_id).map((g) => g.action_id!);
  const singles = groups.filter((g) => !g.action_id).map((g) => g.top);
  // A bulk merge is one action of tens of thousands of rows: count them all, read the first
  // ENTRY_ROWS_SHOWN of each (and a bulk action's own lead row, written after its first batch).
  const counts = new Map(
    (
      sqlite
        .prepare(
          `SELECT action_id, count(*) AS n FROM journal WHERE action_id IN (SELECT value FROM json_each(?)) AND kind NOT IN ${HIDDEN} GROUP BY action_id`,
        )
        .all(JSON.stringify(actions)) as (CountRow & { action_id: string })[]
    ).map((c) => [c.action_id, c.n]),
  );
  const shownIds = (
    sqlite
      .prepare(
        `SELECT id FROM (SELECT id, kind, ROW_NUMBER() OVER (PARTITION BY action_id ORDER BY id) AS rn FROM journal WHERE action_id IN (SELECT value FROM json_each(?)) AND kind NOT IN ${HIDDEN})
      WHERE rn <= ${ENTRY_ROWS_SHOWN + 1} OR kind IN ('bulk-merge', 'bulk-unmerge', 'bulk-add', 'policy-apply')`,
      )
      .all(JSON.stringify(actions)) as SqlColumns<typeof journal, 'id'>[]
  ).map((r) => r.id);
  // An edit can be undone while it has not been sent and no later edit of the record is still
  // standing (entity_type first, so the lookup uses the journal_entity index). The person: a
  // record's person now, a person row's own, an unmerge's merged person, a dismissal's records'.
  const rows = sqlite
    .prepare(
      `SELECT j.id, j.at, j.actor, j.kind, j.entity_type, j.entity_id, j.summary, j.undone, j.action_id, j.cause, j.after,
      (j.kind = 'edit' AND j.before IS NOT NULL AND NOT EXISTS (SELECT 1 FROM journal l WHERE l.entity_type = j.entity_type AND l.entity_id = j.entity_id AND l.id > j.id AND (l.kind = 'sync.push' OR (l.kind = 'edit' AND l.undone = 0)))) AS edit_undoable,
      CASE j.entity_type WHEN 'record' THEN r.person_id WHEN 'person' THEN j.entity_id END AS person_id,
      a.kind AS vendor,
      (SELECT m.entity_id FROM journal m WHERE j.kind = 'unmerge' AND m.id = CAST(j.entity_id AS INTEGER)) AS merged_person,
      CASE WHEN j.kind = 'dismiss' THEN j.after WHEN j.entity_type = 'cluster' THEN (SELECT d.after FROM journal d WHERE d.kind = 'dismiss' AND d.id = CAST(j.entity_id AS INTEGER)) END AS dismissed
    FROM journal j
    LEFT JOIN records r ON j.entity_type = 'record' AND r.id = j.entity_id
    LEFT JOIN accounts a ON a.id = r.account_id
    WHERE j.id IN (SELECT value FROM json_each(@ids)) AND j.kind NOT IN ${HIDDEN}
    ORDER BY j.id`,
    )
    .all({ ids: JSON.stringify([...shownIds, ...singles]) }) as JournalRowSql[];
  return { total, groups, counts, rows };
}

export function journalKind(sqlite: Database.Database, id: number): string | null {
  return (sqlite.prepare('SELECT kind FROM journal WHERE id = ?').get(id) as SqlColumns<typeof journal, 'kind'> | undefined)?.kind ?? null;
}

/** The people these records belong to now. */
export function personIdsOfRecords(sqlite: Database.Database, recordIds: string[]): string[] {
  return (
    sqlite
      .prepare('SELECT DISTINCT person_id FROM records WHERE id IN (SELECT value FROM json_each(?))')
      .all(JSON.stringify(recordIds)) as SqlColumns<typeof records, 'person_id'>[]
  ).map((r) => r.person_id);
}

/** People's names by id ('Unnamed' for a blank one). */
export function peopleNames(sqlite: Database.Database, ids: string[]): Map<string, string> {
  const rows = sqlite
    .prepare('SELECT id, display_name FROM people WHERE id IN (SELECT value FROM json_each(?))')
    .all(JSON.stringify(ids)) as SqlColumns<typeof people, 'id' | 'display_name'>[];
  return new Map(rows.map((r) => [r.id, r.display_name || 'Unnamed']));
}
