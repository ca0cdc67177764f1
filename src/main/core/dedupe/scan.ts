// A duplicate scan (docs/design.md#duplicates-and-matching): score what changed since the last scan (everything on a full
// one, which estimates the weights first), keep the scored candidates in the store, and work
// the queue out from them.
import type Database from 'better-sqlite3';
import {
  candidateWriter,
  clearOpenCandidates,
  closedCandidatePairs,
  openCandidatesOfRecordDropper,
  withCandidateIndexesRebuilt,
} from '../store/match-candidates';
import { lastScanAt } from '../store/match-journal';
import { clearWrittenMarks, replaceMatchKeys } from '../store/match-keys';
import { liveRecordCount, liveRecordsChangedSince } from '../store/match-records';
import type { SyncStore } from '../sync/sync-store';
import { ScoredPairList } from './cluster';
import type { ClusterQueue } from './cluster-queue';
import { tally, type ClusterView, type QueuedCluster } from './cluster-view';
import type { MatchEstimator } from './estimator';
import { Frequencies } from './features';
import { recordKeys } from './match-keys';
import { saveParameters } from './parameter-store';
import { scanChanged } from './scan-incremental';

export interface ScanResult {
  /** The clusters in full, read when first asked for (the window pages the queue and never asks). */
  readonly clusters: ClusterView[];
  total: number;
  autoLinkable: number;
  records: number;
  rescored: number;
  /** How many records the scan read and parsed: every live one, or (incremental) those around what changed. */
  read: number;
  comparisons: number;
  autoLinked: number;
  ms: number;
  /** Milliseconds per phase of the scan (load, frequencies, blocking, levels, estimate, weigh, write, keys, cluster), for benches. */
  phases: Record<string, number>;
}

export interface ScanDeps {
  sqlite: Database.Database;
  store: SyncStore;
  estimator: MatchEstimator;
  queue: ClusterQueue;
  now: () => string;
  /** Link the near-certain clusters across vendors (merge-jobs.ts); how many. */
  linkNearCertain: () => { linked: number };
}

/**
 * Score what changed since the last scan (everything with `full`), store the candidates, and
 * return the clusters best first. With `autoLink`, clusters above the auto-link threshold
 * whose records are all in different vendors are linked (undoable).
 */
export function scan(d: ScanDeps, opts: { full?: boolean; autoLink?: boolean } = {}): ScanResult {
  const started = performance.now();
  const phases: Record<string, number> = {};
  let t = started;
  const lap = (name: string): void => {
    const now = performance.now();
    phases[name] = (phases[name] ?? 0) + Math.round(now - t);
    t = now;
  };
  // After a sync, only what changed and what is around it (scan-incremental.ts), when it can.
  const patched = opts.full ? null : scanChanged(d, lap, phases);
  if (patched) return finishPatched(d, opts, started, patched, phases);
  const last = opts.full ? null : lastScanAt(d.sqlite);
  const changed = last ? liveRecordsChangedSince(d.sqlite, last) : null;
  // Nothing written since the last scan: rescoring would find the stored candidates again, so
  // the queue as it stands (the one in hand when current) is the answer, without reading a record.
  if (changed?.length === 0)
    return finish(d, opts, started, d.queue.queued(), { records: liveRecordCount(d.sqlite), rescored: 0, read: 0, comparisons: 0 }, phases);
  const loaded = d.queue.load();
  lap('load');
  const { recs } = loaded;
  const dirtyIds = changed ? new Set(changed) : null;
  const freq = new Frequencies(recs);
  const dirty = dirtyIds ? new Set(recs.filter((r) => dirtyIds.has(r.id)).map((r) => r.ix)) : undefined;
  lap('frequencies');
  // A full scan estimates the weights from the store (and the person's decisions) first;
  // an incremental one scores with the stored estimate.
  const scored = d.estimator.score(recs, freq, dirty, d.now, phases);
  t = performance.now();
  // A full scan clusters the pairs it writes, as written, without reading them back (at a
  // million records, about a million rows); an incremental one clusters the stored ones, old and new.
  const written = dirty ? undefined : new ScoredPairList(scored.kept);
  const write = (): void => {
    let closed: Set<string> | undefined;
    if (!dirty) {
      saveParameters(d.sqlite, scored.params, d.now());
      clearOpenCandidates(d.sqlite);
      closed = new Set(closedCandidatePairs(d.sqlite).map(([a, b]) => `${a}|${b}`));
    } else {
      const drop = openCandidatesOfRecordDropper(d.sqlite);
      for (const ix of dirty) drop(recs[ix]!.id);
    }
    // Every record was read: their keys and the value counts are kept whole for the next scan.
    lap('write');
    replaceMatchKeys(d.sqlite, (put) => {
      for (const r of recs) put(recordKeys(r));
    });
    clearWrittenMarks(d.sqlite);
    lap('keys');
    const writer = candidateWriter(d.sqlite);
    const now = d.now();
    // Pair by pair, each with its reasons worked out as it is written: never all at once.
    for (let i = 0; i < scored.kept; i++) {
      const p = scored.pair(i);
      const [x, y] = recs[p.a]!.id < recs[p.b]!.id ? [p.a, p.b] : [p.b, p.a];
      const [a, b] = [recs[x]!.id, recs[y]!.id];
      writer.write(a, b, p.score, p.reasons, now);
      // A pair stored linked or dismissed keeps that status (the write takes only its score): not open, not clustered.
      if (written && !(closed!.size && closed!.has(`${a}|${b}`))) written.add(x, y, p.score);
    }
    writer.done();
  };
  // A full scan rewrites every open pair: its indexes are built once after, not row by row.
  d.store.tx(() => (dirty ? write() : withCandidateIndexesRebuilt(d.sqlite, write)));
  lap('write');
  const found = d.queue.clustersOf(loaded, freq, written);
  lap('cluster');
  return finish(
    d,
    opts,
    started,
    found,
    {
      records: recs.length,
      rescored: dirty ? dirty.size : recs.length,
      read: recs.length,
      comparisons: scored.comparisons,
    },
    phases,
  );
}

/** Journal a scan that patched the saved queue (scan-incremental.ts), link the near-certain ones when asked. */
function finishPatched(
  d: ScanDeps,
  opts: { autoLink?: boolean },
  started: number,
  counts: { records: number; rescored: number; read: number; comparisons: number },
  phases: Record<string, number>,
): ScanResult {
  const waiting = d.queue.waiting() ?? { waiting: 0, autoLinkable: 0 };
  d.store.journal(
    'dedupe.scan',
    'store',
    'dedupe',
    `scanned ${counts.rescored} changed of ${counts.records} records, ${counts.comparisons} comparisons`,
    null,
    { records: counts.records, rescored: counts.rescored, ...waiting },
    'system',
  );
  const autoLinked = opts.autoLink ? d.linkNearCertain().linked : 0;
  const now = autoLinked ? (d.queue.waiting() ?? waiting) : waiting;
  let full: ClusterView[] | undefined;
  return {
    // The clusters in full only when asked for: at a million records, hundreds of thousands.
    get clusters() {
      return (full ??= d.queue.full(d.queue.queued()));
    },
    total: now.waiting,
    autoLinkable: now.autoLinkable,
    ...counts,
    autoLinked,
    ms: Math.round(performance.now() - started),
    phases,
  };
}

/** Journal the scan, keep its clusters as the queue, link the near-certain ones when asked. */
function finish(
  d: ScanDeps,
  opts: { autoLink?: boolean },
  started: number,
  found: readonly QueuedCluster[],
  counts: { records: number; rescored: number; read: number; comparisons: number },
  phases: Record<string, number>,
): ScanResult {
  // Journaled after clustering so the entry carries what waits for review (status reads it),
  // and before remembering: the cache is keyed on the store's write counter.
  d.store.journal(
    'dedupe.scan',
    'store',
    'dedupe',
    `scanned ${counts.records} records, ${counts.comparisons} comparisons`,
    null,
    { records: counts.records, rescored: counts.rescored, ...tally(found) },
    'system',
  );
  const clusters = d.queue.remember([...found]);
  const autoLinked = opts.autoLink ? d.linkNearCertain().linked : 0;
  const now = autoLinked ? d.queue.queued() : clusters;
  let full: ClusterView[] | undefined;
  return {
    get clusters() {
      return (full ??= d.queue.full(now));
    },
    total: now.length,
    autoLinkable: now.filter((c) => c.auto).length,
    ...counts,
    autoLinked,
    ms: Math.round(performance.now() - started),
    phases,
  };
}
