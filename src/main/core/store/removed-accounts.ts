// What removing an account deletes, and the copy of it kept so the removal can be undone
// (migration 0012). Rows are copied as JSON objects inside SQLite (json_object over the table's
// own columns), so an account of 200,000 records is kept without passing through JavaScript.
import type Database from 'better-sqlite3';
import { z } from 'zod';
import { CANONICAL_FIELDS, OPEN_CHANGE_STATES, REMOVAL_UNDO_DAYS, type CanonicalField } from '../../../shared/domain';

export { REMOVAL_UNDO_DAYS };

const MINE = 'SELECT id FROM records WHERE account_id = @id';

/**
 * Every table the removal touches, in the order undo puts rows back (parents first), with the
 * rows of the account: `keep` selects what is copied, `drop` what is deleted (people are kept
 * in full but only those left with no record are deleted, by the caller).
 */
const TABLES: { table: string; keep: string; restoreIf?: string }[] = [
  { table: 'accounts', keep: 'id = @id' },
  // A person linked to other accounts' records stays; it is kept too, in case it is gone by the undo.
  { table: 'people', keep: 'id IN (SELECT person_id FROM records WHERE account_id = @id)' },
  { table: 'records', keep: 'account_id = @id' },
  { table: 'changes', keep: `account_id = @id OR record_id IN (${MINE})` },
  { table: 'conflicts', keep: `record_id IN (${MINE})` },
  // A pair whose other record has gone since stays gone.
  {
    table: 'match_candidates',
    keep: `record_a IN (${MINE}) OR record_b IN (${MINE})`,
    restoreIf:
      "json_extract(row, '$.record_a') IN (SELECT id FROM records) AND json_extract(row, '$.record_b') IN (SELECT id FROM records)",
  },
  { table: 'match_decisions', keep: "key_a LIKE @id || ':%' OR key_b LIKE @id || ':%'" },
  { table: 'pull_pages', keep: 'account_id = @id' },
];

/** A field policy that named the removed account, as it stood: undo sets it again. */
export interface FieldPolicyNote {
  field: CanonicalField;
  accounts: string[];
}

export interface RemovalPlan {
  records: number;
  peopleOnlyHere: number;
  peopleLinked: number;
  waiting: number;
  conflicts: number;
}

/** What removing an account would do, counted for the window to say before it is done. */
export function removalPlan(sqlite: Database.Database, accountId: string): RemovalPlan {
  const n = (sql: string): number => Number(sqlite.prepare(sql).pluck().get({ id: accountId }) ?? 0);
  const open = OPEN_CHANGE_STATES.map((s) => `'${s}'`).join(', ');
  return {
    records: n('SELECT count(*) FROM records WHERE account_id = @id'),
    peopleOnlyHere: n(
      'SELECT count(DISTINCT r.person_id) FROM records r WHERE r.account_id = @id AND NOT EXISTS (SELECT 1 FROM records o WHERE o.person_id = r.person_id AND o.account_id <> @id)',
    ),
    peopleLinked: n(
      'SELECT count(DISTINCT r.person_id) FROM records r WHERE r.account_id = @id AND EXISTS (SELECT 1 FROM records o WHERE o.person_id = r.person_id AND o.account_id <> @id)',
    ),
    waiting: n(`SELECT count(*) FROM changes WHERE account_id = @id AND state IN (${open})`),
    conflicts: n("SELECT count(*) FROM conflicts c JOIN records r ON r.id = c.record_id WHERE r.account_id = @id AND c.state = 'open'"),
  };
}

function columnsOf(sqlite: Database.Database, table: string): string[] {
  return sqlite.prepare('SELECT name FROM pragma_table_info(?)').pluck().all(table).map(String);
}

const q = (name: string): string => `"${name.replace(/"/g, '""')}"`;

/**
 * Copy the account's rows into removed_rows under the removal's journal entry, then delete
 * them (people excepted: the caller drops those left with no record). Returns the people of
 * its records and the number of records deleted. Runs inside the caller's transaction.
 */
export function keepAndDeleteAccount(
  sqlite: Database.Database,
  accountId: string,
  journalId: number,
): { people: string[]; records: number } {
  const people = sqlite.prepare('SELECT DISTINCT person_id FROM records WHERE account_id = ?').pluck().all(accountId).map(String);
  for (const { table, keep } of TABLES) {
    // JSON holds no BLOB: those are kept as {"blob": hex} and turned back by restore.
    const obj = columnsOf(sqlite, table)
      .map((c) => `'${c}', CASE WHEN typeof(${q(c)}) = 'blob' THEN json_object('blob', hex(${q(c)})) ELSE ${q(c)} END`)
      .join(', ');
    sqlite
      .prepare(
        `INSERT INTO removed_rows (journal_id, tbl, row) SELECT @journal, '${table}', json_object(${obj}) FROM ${table} WHERE ${keep}`,
      )
      .run({ id: accountId, journal: journalId });
  }
  // Children first; records last but one, the account last (page memory cascades with it).
  let records = 0;
  for (const { table, keep } of [...TABLES].reverse()) {
    if (table === 'people') continue;
    const n = sqlite.prepare(`DELETE FROM ${table} WHERE ${keep}`).run({ id: accountId }).changes;
    if (table === 'records') records = n;
  }
  return { people, records };
}

// What the removal's journal entry notes beside the rows (older entries have no policies).
const RemovalNote = z.object({
  policies: z.array(z.object({ field: z.enum(CANONICAL_FIELDS), accounts: z.array(z.string()) })).default([]),
});

/** Whether a removal's rows are still kept (not purged, not already put back). */
export function removalKept(sqlite: Database.Database, journalId: number): boolean {
  return sqlite.prepare("SELECT 1 FROM removed_rows WHERE journal_id = ? AND tbl = 'accounts'").get(journalId) !== undefined;
}

/**
 * Put a removed account's rows back (inside the caller's transaction) and forget the copy.
 * Rows that exist again are left as they are (a person still linked elsewhere). Returns the
 * account id and label, the rowids and contents of the records put back (to index them for search),
 * how many people were put back and which stayed.
 */
export function restoreAccount(
  sqlite: Database.Database,
  journalId: number,
): {
  accountId: string;
  label: string;
  records: { rowid: number; local: string; personId: string }[];
  people: number;
  stayed: string[];
  policies: FieldPolicyNote[];
} {
  const accountId = sqlite
    .prepare("SELECT json_extract(row, '$.id') FROM removed_rows WHERE journal_id = ? AND tbl = 'accounts'")
    .pluck()
    .get(journalId);
  if (typeof accountId !== 'string') throw new Error(`removal ${journalId} is not kept`);
  // People that stayed (linked elsewhere) get their golden record recomputed by the caller;
  // those put back keep the one they had.
  const stayed = sqlite
    .prepare(
      "SELECT DISTINCT p.id FROM removed_rows k JOIN people p ON p.id = json_extract(k.row, '$.id') WHERE k.journal_id = ? AND k.tbl = 'people'",
    )
    .pluck()
    .all(journalId)
    .map(String);
  let people = 0;
  for (const { table, restoreIf } of TABLES) {
    const cols = columnsOf(sqlite, table);
    const values = cols
      .map(
        (c) =>
          `CASE WHEN json_type(row, '$.${c}') = 'object' THEN unhex(json_extract(row, '$.${c}.blob')) ELSE json_extract(row, '$.${c}') END`,
      )
      .join(', ');
    const n = sqlite
      .prepare(
        `INSERT OR IGNORE INTO ${table} (${cols.map(q).join(', ')}) SELECT ${values} FROM removed_rows WHERE journal_id = ? AND tbl = '${table}'${restoreIf ? ` AND ${restoreIf}` : ''} ORDER BY rowid`,
      )
      .run(journalId).changes;
    if (table === 'people') people = n;
  }
  sqlite.prepare('DELETE FROM removed_rows WHERE journal_id = ?').run(journalId);
  const records = sqlite
    .prepare('SELECT rowid, local, person_id FROM records WHERE account_id = ?')
    .all(accountId)
    .map((r) => {
      const row = r as Record<string, unknown>;
      return { rowid: Number(row.rowid), local: String(row.local), personId: String(row.person_id) };
    });
  const label = String(sqlite.prepare('SELECT label FROM accounts WHERE id = ?').pluck().get(accountId));
  const note = RemovalNote.safeParse(
    JSON.parse(String(sqlite.prepare('SELECT before FROM journal WHERE id = ?').pluck().get(journalId) ?? 'null')),
  );
  return { accountId, label, records, people, stayed, policies: note.success ? note.data.policies : [] };
}

/** Removals whose undo window has passed: their kept rows go; returns their account ids (for the keychain). */
export function purgeRemovals(sqlite: Database.Database, before: string): string[] {
  // A store opened with older migrations (tests of upgrades) has no copies to purge.
  if (!sqlite.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'removed_rows'").get()) return [];
  const old = sqlite
    .prepare(
      "SELECT DISTINCT k.journal_id, json_extract(k.row, '$.id') AS account_id FROM removed_rows k JOIN journal j ON j.id = k.journal_id WHERE k.tbl = 'accounts' AND j.at < ?",
    )
    .all(before)
    .map((r) => r as Record<string, unknown>);
  const del = sqlite.prepare('DELETE FROM removed_rows WHERE journal_id = ?');
  for (const r of old) del.run(r.journal_id);
  return old.map((r) => String(r.account_id));
}
