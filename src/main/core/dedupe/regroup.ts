// The duplicates queue worked out again only around some records (those an incremental scan
// rescored, or those just linked), and patched into the saved queue. Clusters form only along
// pairs strong enough to join two records (cluster.ts), so starting from those records and
// their strong partners and following every strong pair gives whole groups: each is clustered
// with all its pairs, as working out the whole queue would, and every other cluster is left as
// it is. Used only while the store's kept value counts are current (store/match-keys.ts).
import type Database from 'better-sqlite3';
import { openCandidatesAmong, openPartnersReader } from '../store/match-candidates';
import { valueCountReader } from '../store/match-keys';
import { liveMatchSourcesOf, type MatchSource } from '../store/match-records';
import { ScoredPairList } from './cluster';
import { loadedOf, type ClusterQueue } from './cluster-queue';
import { Frequencies, type FormCache } from './features';

/** A reader of the records strong enough to join each record (its open pairs at or above the review line). */
export const strongPartners = (sqlite: Database.Database, review: number): ((id: string) => string[]) => openPartnersReader(sqlite, review);

/**
 * Work the clusters out again from `seeds` along strong pairs, and patch the saved queue `was`:
 * out every cluster holding one of the group's records or of `around` (records gone or
 * changed), in the group's clusters. How many records were read; null when the saved queue
 * was not `was`.
 */
export function regroup(
  sqlite: Database.Database,
  queue: ClusterQueue,
  was: string,
  opts: { review: number; live: number; seeds: Iterable<string>; around: Iterable<string>; forms?: FormCache },
): number | null {
  const strong = strongPartners(sqlite, opts.review);
  // Every live record joined to the seeds by strong pairs (the queue clusters live records only).
  const group = new Map<string, MatchSource>();
  let next = [...opts.seeds];
  while (next.length) {
    const found = liveMatchSourcesOf(
      sqlite,
      next.filter((id) => !group.has(id)),
    );
    next = [];
    for (const s of found.values()) {
      group.set(s.id, s);
      for (const p of strong(s.id)) if (!group.has(p)) next.push(p);
    }
  }
  const members = loadedOf(
    [...group.values()].sort((x, y) => x.rowid - y.rowid),
    opts.forms,
  );
  const ids = new Set(group.keys());
  const ixOf = new Map(members.recs.map((r) => [r.id, r.ix]));
  const pairs = new ScoredPairList();
  for (const [a, b, score] of openCandidatesAmong(sqlite, ids)) pairs.add(ixOf.get(a)!, ixOf.get(b)!, score);
  const freq = new Frequencies(members.recs, { n: opts.live, count: valueCountReader(sqlite) });
  const clusters = queue.clustersOf(members, freq, pairs);
  return queue.patch(was, [...ids, ...opts.around], clusters) ? members.recs.length : null;
}
