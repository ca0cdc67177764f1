// The duplicate scan's scored pairs (match_candidates) by intent: a full scan replaces the open
// ones, an incremental one those of the records that changed; a merge marks its pairs linked, a
// "not the same" dismissed, and their undos open them again. Reasons are stored as JSON and
// come back parsed.
import type Database from 'better-sqlite3';
import { noteMatchInputsWritten } from './saved-queue';
import type { matchCandidates } from './schema';

type MatchCandidate = typeof matchCandidates.$inferSelect;

/** A scored pair as the queue reads it (record_a < record_b). */
export type CandidateRow = Pick<MatchCandidate, 'recordA' | 'recordB' | 'score' | 'reasons'>;
/** The row as SQLite returns it: the reasons still JSON text. */
type StoredCandidate = Omit<CandidateRow, 'reasons'> & { reasons: string };

export type CandidateStatus = 'open' | 'linked' | 'dismissed';

const parsed = (r: StoredCandidate): CandidateRow => ({
  recordA: r.recordA,
  recordB: r.recordB,
  score: r.score,
  reasons: JSON.parse(r.reasons) as CandidateRow['reasons'],
});

/**
 * Every open pair's records and score, handed over one at a time in the order they were stored,
 * without their reasons: the queue is clustered on scores alone, and at a million records the
 * reasons of every pair at once do not fit (candidateReasonsReader reads a shown cluster's).
 */
export function forEachOpenCandidateScore(
  sqlite: Database.Database,
  visit: (recordA: string, recordB: string, score: number) => void,
): void {
  // In id order (a scan of the table: no index holds the status), without reading each pair's
  // reasons text into a string.
  const rows = sqlite
    .prepare("SELECT record_a, record_b, score FROM match_candidates WHERE status = 'open' ORDER BY id")
    .raw()
    .iterate() as IterableIterator<[string, string, number]>;
  for (const r of rows) visit(r[0], r[1], r[2]);
}

/** A reader of one record's open partners at or above a score (the pairs that can join it to a cluster). */
export function openPartnersReader(sqlite: Database.Database, minScore: number): (recordId: string) => string[] {
  const asA = sqlite.prepare("SELECT record_b FROM match_candidates WHERE record_a = ? AND status = 'open' AND score >= ?").pluck();
  const asB = sqlite.prepare("SELECT record_a FROM match_candidates WHERE record_b = ? AND status = 'open' AND score >= ?").pluck();
  return (recordId) => [...(asA.all(recordId, minScore) as string[]), ...(asB.all(recordId, minScore) as string[])];
}

/**
 * Every open pair with both records among these, in the order they were stored (as
 * forEachOpenCandidateScore hands them over): the pairs an incremental scan clusters again.
 */
export function openCandidatesAmong(sqlite: Database.Database, recordIds: ReadonlySet<string>): [string, string, number][] {
  const st = sqlite.prepare("SELECT id, record_b, score FROM match_candidates WHERE record_a = ? AND status = 'open'").raw();
  const found: [number, string, string, number][] = [];
  for (const a of recordIds)
    for (const [id, b, score] of st.all(a) as [number, string, number][]) if (recordIds.has(b)) found.push([id, a, b, score]);
  return found.sort((x, y) => x[0] - y[0]).map(([, a, b, score]) => [a, b, score]);
}

/** A reader of one stored pair's reasons (record_a < record_b as stored), prepared once for a queue's pairs; none when it is not stored. */
export function candidateReasonsReader(sqlite: Database.Database): (recordA: string, recordB: string) => CandidateRow['reasons'] {
  const st = sqlite.prepare('SELECT reasons FROM match_candidates WHERE record_a = ? AND record_b = ?').pluck();
  return (recordA, recordB) => {
    const text = st.get(recordA, recordB) as string | undefined;
    return text ? (JSON.parse(text) as CandidateRow['reasons']) : [];
  };
}

/** The open pairs nearest even odds (score 10 bits), where the model is least sure. */
export function leastCertainCandidates(sqlite: Database.Database, limit: number): CandidateRow[] {
  const rows = sqlite
    .prepare(
      "SELECT record_a AS recordA, record_b AS recordB, score, reasons FROM match_candidates WHERE status = 'open' ORDER BY abs(score - 10), record_a, record_b LIMIT ?",
    )
    .all(limit) as StoredCandidate[];
  return rows.map(parsed);
}

/** A full scan starts over: every open pair goes (linked and dismissed ones stay). */
export function clearOpenCandidates(sqlite: Database.Database): void {
  noteMatchInputsWritten(sqlite);
  sqlite.prepare("DELETE FROM match_candidates WHERE status = 'open'").run();
}

/**
 * A full scan's bulk write, inside its transaction: the indexes other than the pair's own (by
 * score, by second record) are dropped for it and built again after, one sort each, instead of
 * taking every row in random order (at a million records, hundreds of thousands of rows in
 * indexes far larger than SQLite's page cache). Rebuilt from their own definitions as stored.
 */
export function withCandidateIndexesRebuilt<T>(sqlite: Database.Database, write: () => T): T {
  const indexes = sqlite
    .prepare(
      "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'match_candidates' AND sql IS NOT NULL AND name != 'match_pair'",
    )
    .all() as { name: string; sql: string }[];
  for (const i of indexes) sqlite.prepare(`DROP INDEX "${i.name}"`).run();
  const out = write();
  for (const i of indexes) sqlite.prepare(i.sql).run();
  return out;
}

/** A dropper of one record's open pairs, prepared once for an incremental scan's changed records. */
export function openCandidatesOfRecordDropper(sqlite: Database.Database): (recordId: string) => void {
  const st = sqlite.prepare("DELETE FROM match_candidates WHERE status = 'open' AND (record_a = ? OR record_b = ?)");
  noteMatchInputsWritten(sqlite);
  return (recordId) => void st.run(recordId, recordId);
}

/** The pairs stored linked or dismissed (after a full scan's clear, every pair left), as [record_a, record_b]. */
export function closedCandidatePairs(sqlite: Database.Database): [string, string][] {
  return sqlite.prepare("SELECT record_a, record_b FROM match_candidates WHERE status != 'open'").raw().all() as [string, string][];
}

/** Pairs per INSERT: one statement per pair cost more in binding and stepping than SQLite's own work. */
const WRITE_BATCH = 64;

const CANDIDATE_INSERT = (rows: number): string =>
  `INSERT INTO match_candidates (record_a, record_b, score, reasons, status, created_at) VALUES ${Array<string>(rows).fill("(?, ?, ?, ?, 'open', ?)").join(', ')} ON CONFLICT(record_a, record_b) DO UPDATE SET score = excluded.score, reasons = excluded.reasons`;

/**
 * A writer of scored pairs, prepared once for a scan's thousands: a new pair is stored open, a
 * pair already stored (whatever its status) takes the new score and reasons. Pairs are written
 * in batches, in the order given (their ids keep it); `done` writes the last ones.
 */
export function candidateWriter(sqlite: Database.Database): {
  write(recordA: string, recordB: string, score: number, reasons: CandidateRow['reasons'], at: string): void;
  done(): void;
} {
  const batch = sqlite.prepare(CANDIDATE_INSERT(WRITE_BATCH));
  const one = sqlite.prepare(CANDIDATE_INSERT(1));
  noteMatchInputsWritten(sqlite);
  const params: (string | number)[] = [];
  return {
    write(recordA, recordB, score, reasons, at) {
      params.push(recordA, recordB, score, JSON.stringify(reasons), at);
      if (params.length === WRITE_BATCH * 5) {
        batch.run(params);
        params.length = 0;
      }
    },
    done() {
      for (let i = 0; i < params.length; i += 5) one.run(params.slice(i, i + 5));
      params.length = 0;
    },
  };
}

/** Every pair between these records takes this status (a merge: linked; "not the same": dismissed). */
export function markCandidatesAmong(
  sqlite: Database.Database,
  recordIds: readonly string[],
  status: Exclude<CandidateStatus, 'open'>,
): void {
  const ids = JSON.stringify(recordIds);
  noteMatchInputsWritten(sqlite);
  sqlite
    .prepare(
      'UPDATE match_candidates SET status = ? WHERE record_a IN (SELECT value FROM json_each(?)) AND record_b IN (SELECT value FROM json_each(?))',
    )
    .run(status, ids, ids);
}

/** An undo: the pairs between these records that were `from` are open again. */
export function reopenCandidatesAmong(
  sqlite: Database.Database,
  recordIds: readonly string[],
  from: Exclude<CandidateStatus, 'open'>,
): void {
  const ids = JSON.stringify(recordIds);
  noteMatchInputsWritten(sqlite);
  sqlite
    .prepare(
      "UPDATE match_candidates SET status = 'open' WHERE status = ? AND record_a IN (SELECT value FROM json_each(?)) AND record_b IN (SELECT value FROM json_each(?))",
    )
    .run(from, ids, ids);
}
