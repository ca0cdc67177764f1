// The duplicates queue kept in the store (migration 0013), so a restarted app opens Duplicates
// from it instead of reading every record and pair again (a minute at a million records). A saved
// queue holds only while nothing it was worked out from has changed: it carries a tag (the
// store's write stamp and the thresholds) and is read only when the tag still matches.
// The stamp moves with every write the queue depends on: triggers on records, decisions and
// accounts; the match-pair and parameter writers call `noteMatchInputsWritten` (a trigger per
// pair would cost a full scan one per each of millions); an insert into records shows as a new
// largest rowid (no insert trigger: migration 0011).
import type Database from 'better-sqlite3';

/** A cluster as saved: its place, score and flags as columns; who is in it read when asked. */
export interface SavedCluster<R, P> {
  rank: number;
  id: string;
  score: number;
  confidence: number;
  auto: boolean;
  /** The members and pairs, read (and parsed) on first use. */
  contents(): { records: R[]; pairs: P[] };
}

/** The store's write stamp now: changes whenever the records, decisions, accounts or match pairs do. */
export function storeWriteStamp(sqlite: Database.Database): string {
  const [n, max] = sqlite.prepare('SELECT n, (SELECT max(rowid) FROM records) FROM store_writes WHERE id = 1').raw().get() as [
    number,
    number | null,
  ];
  return `${n}.${max ?? 0}`;
}

/** A writer of what the queue is worked out from that no trigger sees (match pairs, parameters) moves the stamp. */
export function noteMatchInputsWritten(sqlite: Database.Database): void {
  sqlite.prepare('UPDATE store_writes SET n = n + 1 WHERE id = 1').run();
}

/** Replace the saved queue with these clusters (each with its rank) and the name counts they were worked out with, tagged. */
export function saveQueue<R, P>(
  sqlite: Database.Database,
  tag: string,
  clusters: readonly { rank: number; id: string; score: number; confidence: number; auto: boolean; records: R[]; pairs: P[] }[],
  names: unknown,
): void {
  sqlite.transaction(() => {
    sqlite.prepare('DELETE FROM saved_queue').run();
    insertClusters(sqlite, clusters);
    sqlite
      .prepare(
        'INSERT INTO saved_queue_state (id, tag, names) VALUES (1, ?, ?) ON CONFLICT(id) DO UPDATE SET tag = excluded.tag, names = excluded.names',
      )
      .run(tag, JSON.stringify(names));
  })();
}

/** Clusters back in the saved queue (an undo), and the new tag; only when the saved queue had `was`. */
export function addToSavedQueue<R, P>(
  sqlite: Database.Database,
  was: string,
  tag: string,
  clusters: readonly { rank: number; id: string; score: number; confidence: number; auto: boolean; records: R[]; pairs: P[] }[],
): boolean {
  return sqlite.transaction(() => {
    if (savedTag(sqlite) !== was) return false;
    insertClusters(sqlite, clusters);
    setTag(sqlite, tag);
    return true;
  })();
}

/** Clusters out of the saved queue (a merge or decision), and the new tag; only when the saved queue had `was`. */
export function dropFromSavedQueue(sqlite: Database.Database, was: string, tag: string, ids: readonly string[]): boolean {
  return sqlite.transaction(() => {
    if (savedTag(sqlite) !== was) return false;
    const del = sqlite.prepare('DELETE FROM saved_queue WHERE id = ?');
    for (const id of ids) del.run(id);
    setTag(sqlite, tag);
    return true;
  })();
}

/** The saved queue in queue order (best first, then rank) with its name counts, when its tag is `tag`; else null. */
export function savedQueue<R, P>(sqlite: Database.Database, tag: string): { clusters: SavedCluster<R, P>[]; names: unknown } | null {
  const state = sqlite.prepare('SELECT tag, names FROM saved_queue_state WHERE id = 1').raw().get() as [string, string] | undefined;
  if (state?.[0] !== tag) return null;
  const rows = sqlite.prepare('SELECT rank, id, score, confidence, auto FROM saved_queue ORDER BY score DESC, rank').raw().all() as [
    number,
    string,
    number,
    number,
    number,
  ][];
  const read = sqlite.prepare('SELECT records, pairs FROM saved_queue WHERE rank = ?').raw();
  const clusters = rows.map(([rank, id, score, confidence, auto]): SavedCluster<R, P> => {
    let got: { records: R[]; pairs: P[] } | undefined;
    return {
      rank,
      id,
      score,
      confidence,
      auto: auto === 1,
      contents: () => {
        if (got) return got;
        const [records, pairs] = read.get(rank) as [string, string];
        return (got = { records: JSON.parse(records) as R[], pairs: JSON.parse(pairs) as P[] });
      },
    };
  });
  return { clusters, names: JSON.parse(state[1]) };
}

/** The saved queue's tag; null when none is saved. */
export function savedTag(sqlite: Database.Database): string | null {
  return (sqlite.prepare('SELECT tag FROM saved_queue_state WHERE id = 1').pluck().get() as string | undefined) ?? null;
}

/** A changed queue's new tag (its name counts stay: the row is there, `was` matched). */
function setTag(sqlite: Database.Database, tag: string): void {
  sqlite.prepare('UPDATE saved_queue_state SET tag = ? WHERE id = 1').run(tag);
}

function insertClusters<R, P>(
  sqlite: Database.Database,
  clusters: readonly { rank: number; id: string; score: number; confidence: number; auto: boolean; records: R[]; pairs: P[] }[],
): void {
  const ins = sqlite.prepare(
    'INSERT OR REPLACE INTO saved_queue (rank, id, score, confidence, auto, records, pairs) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  for (const c of clusters)
    ins.run(c.rank, c.id, c.score, c.confidence, c.auto ? 1 : 0, JSON.stringify(c.records), JSON.stringify(c.pairs));
}
