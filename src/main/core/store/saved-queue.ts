// The duplicates queue kept in the store (migration 0013), so a restarted app opens Duplicates
// from it instead of reading every record and pair again (minutes at a million records). A saved
// queue holds only while nothing it was worked out from has changed: it carries a tag (the
// store's write stamp and the thresholds) and is read only when the tag still matches.
// The stamp moves with every write the queue depends on: triggers on records, decisions and
// accounts; the match-pair and parameter writers call `noteMatchInputsWritten` (a trigger per
// pair would cost a full scan one per each of millions); an insert into records shows as a new
// largest rowid (no insert trigger: migration 0011).
import type Database from 'better-sqlite3';

/** A cluster as saved: its place, score and flags, who is in it and its pairs. */
export interface SavedCluster<R, P> {
  rank: number;
  /** Its first record's rowid: the queue's order within one score (what working it out gives). */
  first: number;
  id: string;
  score: number;
  confidence: number;
  auto: boolean;
  records: R[];
  pairs: P[];
}

/** The queue's two orders: best first, or nearest even odds first (then best first). */
export type SavedOrder = 'best' | 'unsure';

const ORDER_BY: Record<SavedOrder, string> = {
  best: 'score DESC, first',
  unsure: 'abs(confidence - 0.5), score DESC, first',
};

/**
 * The store's write stamp now: changes whenever the records, decisions, accounts or match pairs
 * do. Its last part is the relink stamp (migration 0014): every write but a contact's own edit.
 */
export function storeWriteStamp(sqlite: Database.Database): string {
  const [n, max, s] = sqlite.prepare('SELECT n, (SELECT max(rowid) FROM records), s FROM store_writes WHERE id = 1').raw().get() as [
    number,
    number | null,
    number,
  ];
  return `${n}.${max ?? 0}.${s}`;
}

/** The relink stamp a write stamp holds (storeWriteStamp's last part). */
export const relinkStampOf = (stamp: string): string => stamp.slice(stamp.lastIndexOf('.') + 1);

/** A writer of what the queue is worked out from that no trigger sees (match pairs, parameters) moves the stamp. */
export function noteMatchInputsWritten(sqlite: Database.Database): void {
  sqlite.prepare('UPDATE store_writes SET n = n + 1, s = s + 1 WHERE id = 1').run();
}

/** The saved queue's tag; null when none is saved. */
export function savedTag(sqlite: Database.Database): string | null {
  return (sqlite.prepare('SELECT tag FROM saved_queue_state WHERE id = 1').pluck().get() as string | undefined) ?? null;
}

/** Replace the saved queue with these clusters and the name counts they were worked out with, tagged. */
export function saveQueue<R extends { recordId: string }, P>(
  sqlite: Database.Database,
  tag: string,
  clusters: readonly SavedCluster<R, P>[],
  names: unknown,
): void {
  sqlite.transaction(() => {
    sqlite.prepare('DELETE FROM saved_queue').run();
    sqlite.prepare('DELETE FROM saved_queue_members').run();
    insertClusters(sqlite, clusters);
    sqlite
      .prepare(
        'INSERT INTO saved_queue_state (id, tag, names) VALUES (1, ?, ?) ON CONFLICT(id) DO UPDATE SET tag = excluded.tag, names = excluded.names',
      )
      .run(tag, JSON.stringify(names));
  })();
}

/** Clusters back in the saved queue (an undo), and the new tag; only when the saved queue had `was`. */
export function addToSavedQueue<R extends { recordId: string }, P>(
  sqlite: Database.Database,
  was: string,
  tag: string,
  clusters: readonly SavedCluster<R, P>[],
): boolean {
  return sqlite.transaction(() => {
    if (savedTag(sqlite) !== was) return false;
    insertClusters(sqlite, clusters);
    setTag(sqlite, tag);
    return true;
  })();
}

/**
 * Clusters out of the saved queue (a merge or decision), and the new tag; only when the saved
 * queue had `was`. They stay as gone, so an undo puts each back in its place. How many were
 * taken out, and how many of them were at or above the auto-link line; null when not `was`.
 */
export function dropFromSavedQueue(
  sqlite: Database.Database,
  was: string,
  tag: string,
  ids: readonly string[],
): { waiting: number; autoLinkable: number } | null {
  return sqlite.transaction(() => {
    if (savedTag(sqlite) !== was) return null;
    const gone = sqlite.prepare('UPDATE saved_queue SET gone = 1 WHERE id = ? AND +gone = 0 RETURNING auto').pluck();
    const taken = { waiting: 0, autoLinkable: 0 };
    for (const id of ids) {
      const auto = gone.get(id) as number | undefined;
      if (auto === undefined) continue;
      taken.waiting++;
      taken.autoLinkable += auto;
    }
    setTag(sqlite, tag);
    return taken;
  })();
}

/** Each of these clusters' rank in the saved queue and whether it is gone, by id (absent when never saved). */
export function savedPlaces(sqlite: Database.Database, ids: readonly string[]): Map<string, { rank: number; gone: boolean }> {
  const st = sqlite.prepare('SELECT rank, gone FROM saved_queue WHERE id = ?').raw();
  const out = new Map<string, { rank: number; gone: boolean }>();
  for (const id of ids) {
    const row = st.get(id) as [number, number] | undefined;
    if (row) out.set(id, { rank: row[0], gone: row[1] === 1 });
  }
  return out;
}

/** The first (least) rowid among these records: a cluster's place within its score. */
export function firstRowidOf(sqlite: Database.Database, recordIds: readonly string[]): number {
  const st = sqlite.prepare('SELECT rowid FROM records WHERE id = ?').pluck();
  let first = Number.MAX_SAFE_INTEGER;
  for (const id of recordIds) {
    const r = st.get(id) as number | undefined;
    if (r !== undefined && r < first) first = r;
  }
  return first;
}

/** The saved clusters (not gone) that hold any of these records, by id. */
export function savedClustersHolding(sqlite: Database.Database, recordIds: Iterable<string>): Set<string> {
  const st = sqlite
    .prepare('SELECT q.id FROM saved_queue_members m JOIN saved_queue q ON q.rank = m.rank WHERE m.record = ? AND q.gone = 0')
    .pluck();
  const out = new Set<string>();
  for (const r of recordIds) for (const id of st.all(r) as string[]) out.add(id);
  return out;
}

/** The next rank after every saved one (for a cluster that was never in the saved queue). */
export function nextSavedRank(sqlite: Database.Database): number {
  return ((sqlite.prepare('SELECT max(rank) FROM saved_queue').pluck().get() as number | null) ?? -1) + 1;
}

/** How many clusters the saved queue holds, and how many of them are at or above the auto-link line. */
export function savedTally(sqlite: Database.Database): { waiting: number; autoLinkable: number } {
  const [waiting, auto] = sqlite.prepare('SELECT count(*), total(auto) FROM saved_queue WHERE gone = 0').raw().get() as [number, number];
  return { waiting, autoLinkable: auto };
}

/** One page of the saved queue in either order, each cluster whole. */
export function savedPage<R, P>(sqlite: Database.Database, order: SavedOrder, offset: number, limit: number): SavedCluster<R, P>[] {
  const rows = sqlite
    .prepare(
      `SELECT rank, first, id, score, confidence, auto, records, pairs FROM saved_queue WHERE gone = 0 ORDER BY ${ORDER_BY[order]} LIMIT ? OFFSET ?`,
    )
    .raw()
    .all(limit, offset) as SavedRow[];
  return rows.map(parsedRow<R, P>);
}

/** One saved cluster by id, whole; undefined when the saved queue does not hold it. */
export function savedCluster<R, P>(sqlite: Database.Database, id: string): SavedCluster<R, P> | undefined {
  const row = sqlite
    .prepare('SELECT rank, first, id, score, confidence, auto, records, pairs FROM saved_queue WHERE id = ? AND +gone = 0')
    .raw()
    .get(id) as SavedRow | undefined;
  return row && parsedRow<R, P>(row);
}

/**
 * The whole saved queue, best first, handed over one cluster at a time as its place, id, score
 * and flags; its members and pairs are read by `contents(rank)` when first needed.
 */
export function forEachSavedCluster(
  sqlite: Database.Database,
  visit: (rank: number, first: number, id: string, score: number, confidence: number, auto: boolean) => void,
): void {
  const rows = sqlite
    .prepare(`SELECT rank, first, id, score, confidence, auto FROM saved_queue WHERE gone = 0 ORDER BY ${ORDER_BY.best}`)
    .raw()
    .iterate() as IterableIterator<[number, number, string, number, number, number]>;
  for (const [rank, first, id, score, confidence, auto] of rows) visit(rank, first, id, score, confidence, auto === 1);
}

/** The saved clusters at or above the auto-link line, best first, each whole (they lead the queue's order). */
export function savedAutoClusters<R, P>(sqlite: Database.Database): SavedCluster<R, P>[] {
  const rows = sqlite
    .prepare(
      `SELECT rank, first, id, score, confidence, auto, records, pairs FROM saved_queue WHERE gone = 0 AND auto = 1 ORDER BY ${ORDER_BY.best}`,
    )
    .raw()
    .all() as SavedRow[];
  return rows.map(parsedRow<R, P>);
}

/** A reader of one saved cluster's members and pairs by rank, prepared once. */
export function savedContentsReader<R, P>(sqlite: Database.Database): (rank: number) => { records: R[]; pairs: P[] } {
  const st = sqlite.prepare('SELECT records, pairs FROM saved_queue WHERE rank = ?').raw();
  return (rank) => {
    const [records, pairs] = (st.get(rank) as [string, string] | undefined) ?? ['[]', '[]'];
    return { records: JSON.parse(records) as R[], pairs: JSON.parse(pairs) as P[] };
  };
}

/** The name counts saved with the queue (null when none is saved). */
export function savedNames(sqlite: Database.Database): unknown {
  const names = sqlite.prepare('SELECT names FROM saved_queue_state WHERE id = 1').pluck().get() as string | undefined;
  return names ? JSON.parse(names) : null;
}

type SavedRow = [number, number, string, number, number, number, string, string];

const parsedRow = <R, P>([rank, first, id, score, confidence, auto, records, pairs]: SavedRow): SavedCluster<R, P> => ({
  rank,
  first,
  id,
  score,
  confidence,
  auto: auto === 1,
  records: JSON.parse(records) as R[],
  pairs: JSON.parse(pairs) as P[],
});

/** A changed queue's new tag (its name counts stay: the row is there, `was` matched). */
function setTag(sqlite: Database.Database, tag: string): void {
  sqlite.prepare('UPDATE saved_queue_state SET tag = ? WHERE id = 1').run(tag);
}

function insertClusters<R extends { recordId: string }, P>(sqlite: Database.Database, clusters: readonly SavedCluster<R, P>[]): void {
  // A cluster put back takes its row again (with the rank it had), no longer gone.
  const ins = sqlite.prepare(
    'INSERT OR REPLACE INTO saved_queue (rank, first, id, score, confidence, auto, records, pairs, gone) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0)',
  );
  const member = sqlite.prepare('INSERT OR IGNORE INTO saved_queue_members (record, rank) VALUES (?, ?)');
  for (const c of clusters) {
    ins.run(c.rank, c.first, c.id, c.score, c.confidence, c.auto ? 1 : 0, JSON.stringify(c.records), JSON.stringify(c.pairs));
    for (const r of c.records) member.run(r.recordId, c.rank);
  }
}
