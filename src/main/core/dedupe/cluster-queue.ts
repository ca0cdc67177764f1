// The duplicates queue: clusters worked out from the stored candidates, best first, kept in one
// cache in the core. Selecting a cluster in the window plans a merge each time: with 100,000
// records, reloading them all per click would take seconds. So the last clusters are reused
// while the store has not been written since (SQLite's own counters: this connection's writes,
// and data_version for other connections such as the CLI); a merge or decision made here updates
// them in place instead of recomputing. The cache holds who is in each cluster and how strongly;
// their values and reasons are read when a cluster is shown or acted on (full), so opening the
// view costs no contact JSON and no reasons for the tens of thousands of clusters off screen.
// The queue is also kept in the store (store/saved-queue.ts), tagged with the store's write
// stamp: a restarted app, or this one after a write the queue does not depend on, reads it back
// instead of working it out from every record and pair again.
import type Database from 'better-sqlite3';
import { displayName, type AccountKind } from '../../../shared/domain';
import { NameCounts } from '../contacts/name-choice';
import { CoreError } from '../errors';
import { candidateReasonsReader, forEachOpenCandidateScore } from '../store/match-candidates';
import { decisionKey, standingDifferentPairs } from '../store/match-decisions';
import { lastQueueTally } from '../store/match-journal';
import { matchKeysKept, recordsWrittenSinceKeys } from '../store/match-keys';
import { forEachLiveMatchSource, liveMatchSourcesOf, liveRecordCount, type MatchSource } from '../store/match-records';
import { relinkStampOf, savedClustersHolding, savedTag, storeWriteStamp } from '../store/saved-queue';
import { othersWriteCount, ownWriteCounter } from '../store/write-counters';
import type { SyncStore } from '../sync/sync-store';
import { clusterPairs, ScoredPairList } from './cluster';
import {
  clusterIdOf,
  clusterSummaryOf,
  tally,
  type ClusterSummary,
  type ClusterView,
  type QueueTally,
  type QueuedCluster,
} from './cluster-view';
import { FLOOR_MARGIN, type MatchEstimator } from './estimator';
import { FormCache, Frequencies, toMatchRecord, type MatchRecord } from './features';
import { regroup, strongPartners } from './regroup';
import { SavedClusters } from './saved-clusters';
import { confidence, modelOf, scorePair } from './score';

interface ClusterCache {
  key: string;
  clusters: QueuedCluster[];
  byId: Map<string, QueuedCluster>;
  auto: number;
  rank: Map<string, number>;
  /** The queue least certain first, worked out when asked for. */
  unsure?: QueuedCluster[];
  /** The clusters last shown in full (a key press asks for one twice: to show it and to plan it). */
  shown: Map<string, ClusterView>;
  /** The saved queue's tag while it holds these clusters; null when it does not. */
  saved: string | null;
}

/** The queue served from the store (no cache in hand): the saved queue's tag, and the clusters last shown in full. */
interface InStore {
  tag: string;
  shown: Map<string, ClusterView>;
  /** What it holds, counted once and kept up to date by merges, decisions and undos. */
  tally: QueueTally;
}

/** Clusters kept in full: the one on screen, the one ahead, a few behind. */
const SHOWN_KEPT = 16;

/**
 * The matcher's input: the live records as the matcher compares them, in the store's order. The
 * contacts themselves are not kept (a million do not fit): the clusters' members are read again.
 */
export interface Loaded {
  recs: MatchRecord[];
  /** Each record's display name, by index: what the queue lists (the contacts are not kept). */
  names: string[];
  /** Each account's label, by id. */
  labels: Map<string, string>;
}

/** One more record for the matcher, indexed after those it has. */
function addToLoaded(l: Loaded, s: MatchSource, forms: FormCache): void {
  l.recs.push(toMatchRecord(l.recs.length, s, undefined, forms));
  l.names.push(displayName(s.contact));
  l.labels.set(s.accountId, s.label);
}

/** These records as the matcher reads them, indexed in the order given (the store's, for a scan around some records). */
export function loadedOf(sources: Iterable<MatchSource>, forms = new FormCache()): Loaded {
  const out: Loaded = { recs: [], names: [], labels: new Map() };
  for (const s of sources) addToLoaded(out, s, forms);
  return out;
}

const pairKey = (a: string, b: string): string => (a < b ? `${a}|${b}` : `${b}|${a}`);

export class ClusterQueue {
  private cache: ClusterCache | null = null;
  /** With no cache in hand and the saved queue current, pages and clusters are read from it. */
  private stored: InStore | null = null;
  /** The saved queue's tag `isCurrent` saw, for the `drop` or `restore` after the write. */
  private storedWas: string | null = null;
  private readonly saved: SavedClusters;
  private lastTally: QueueTally | null = null;
  private readonly ownWrites: () => number;
  /** Clusters taken out of the queue by a merge or dismissal in this process, by journal id (for undo). */
  private readonly taken = new Map<number, ClusterView>();

  constructor(
    private readonly sqlite: Database.Database,
    private readonly store: SyncStore,
    private readonly estimator: MatchEstimator,
  ) {
    this.ownWrites = ownWriteCounter(sqlite);
    this.saved = new SavedClusters(sqlite);
  }

  /** The current clusters from the stored candidates (no rescoring), in full. */
  clusters(): ClusterView[] {
    return this.full(this.current().clusters);
  }

  /** The current clusters as the queue keeps them (who is in each, no values): pick, then ask `full` for those. */
  queued(): readonly QueuedCluster[] {
    return this.current().clusters;
  }

  /** The clusters at or above the auto-link line, best first (from the saved queue when it serves: no whole read). */
  autoLinkable(): QueuedCluster[] {
    return this.inStore() ? this.saved.auto() : this.current().clusters.filter((c) => c.auto);
  }

  /** These clusters in full: their records' values and their pairs' reasons, read now. */
  full(clusters: readonly QueuedCluster[]): ClusterView[] {
    const sources = liveMatchSourcesOf(
      this.sqlite,
      clusters.flatMap((c) => c.records.map((r) => r.recordId)),
    );
    const reasonsOf = candidateReasonsReader(this.sqlite);
    const out: ClusterView[] = [];
    for (const c of clusters) {
      // A record deleted since the queue was worked out (a job's clusters outlive a sync's
      // writes) leaves its cluster; one with fewer than two records left is no longer a cluster.
      const records = c.records.flatMap((r) => {
        const s = sources.get(r.recordId);
        return s ? [{ ...r, contact: s.contact }] : [];
      });
      if (records.length < 2) continue;
      const pairs = c.pairs
        .filter((p) => sources.has(p.a) && sources.has(p.b))
        .map((p) => ({ ...p, reasons: reasonsOf(p.a < p.b ? p.a : p.b, p.a < p.b ? p.b : p.a) }));
      out.push({ ...c, records, reasons: pairs[0]?.reasons ?? [], pairs });
    }
    return out;
  }

  /**
   * One page of the queue, best first, as light summaries: at 100,000 records the queue is
   * tens of thousands of clusters, and the window only ever shows a screenful.
   */
  page(offset: number, limit: number, order: 'best' | 'unsure' = 'best'): { total: number; autoLinkable: number; items: ClusterSummary[] } {
    const s = this.inStore();
    if (s) return { total: s.tally.waiting, autoLinkable: s.tally.autoLinkable, items: this.saved.page(order, offset, limit) };
    const c = this.current();
    return {
      total: c.clusters.length,
      autoLinkable: c.auto,
      items: this.ordered(c, order)
        .slice(offset, offset + limit)
        .map(clusterSummaryOf),
    };
  }

  /** One cluster in full (records and their values), or null when it is gone. */
  cluster(id: string): ClusterView | null {
    const s = this.inStore();
    const cache = s ?? this.current();
    const had = cache.shown.get(id);
    if (had) return had;
    const c = s ? this.saved.cluster(id) : this.current().byId.get(id);
    const view = c ? this.full([c])[0] : undefined;
    if (!view) return null;
    if (cache.shown.size >= SHOWN_KEPT) cache.shown.delete(cache.shown.keys().next().value!);
    cache.shown.set(id, view);
    return view;
  }

  /** One cluster in full; not_found when it is gone. */
  find(id: string): ClusterView {
    const c = this.cluster(id);
    if (!c) throw new CoreError('not_found', `No duplicate cluster ${id} (run a scan; clusters change as records change)`);
    return c;
  }

  /**
   * Likely duplicates waiting for a person: from the clusters this process last worked out,
   * else from the last scan's journal entry (a fresh CLI process), null before any scan. Cheap
   * enough for every status call; a scan, merge or decision brings it up to date.
   */
  waiting(): QueueTally | null {
    if (this.lastTally) return this.lastTally;
    // The last scan's tally, or the links after it (they take clusters out of the queue), as
    // another process (the CLI) wrote them.
    const after = lastQueueTally(this.sqlite) as Partial<QueueTally> | null | undefined;
    return after && typeof after.waiting === 'number' ? { waiting: after.waiting, autoLinkable: after.autoLinkable ?? 0 } : null;
  }

  /** The live records, ready to match; the store's name statistics are counted from them on the way. */
  load(): Loaded {
    const out: Loaded = { recs: [], names: [], labels: new Map() };
    // Dropped with the load: it holds each distinct value once, the records keep only the forms.
    const forms = new FormCache();
    forEachLiveMatchSource(this.sqlite, (r) => addToLoaded(out, r, forms));
    this.countNames(out.recs);
    return out;
  }

  /**
   * The clusters the open candidates between these records form, best first: the stored ones,
   * or `scanned` when a full scan hands over the pairs it just stored open (the same pairs, in
   * the same order, without reading them back).
   */
  clustersOf({ recs, names, labels }: Loaded, freq: Frequencies, scanned?: ScoredPairList): QueuedCluster[] {
    // Clustered on the scores alone; the reasons of the pairs the clusters hold are read after.
    const pairs = new ScoredPairList(scanned?.count);
    if (scanned) {
      for (let i = 0; i < scanned.count; i++) {
        const [a, b] = [scanned.a[i]!, scanned.b[i]!];
        if (recs[a]!.personId !== recs[b]!.personId) pairs.add(a, b, scanned.score[i]!);
      }
    } else {
      const ixOf = new Map(recs.map((r) => [r.id, r.ix]));
      forEachOpenCandidateScore(this.sqlite, (recordA, recordB, score) => {
        const a = ixOf.get(recordA);
        const b = ixOf.get(recordB);
        if (a !== undefined && b !== undefined && recs[a]!.personId !== recs[b]!.personId) pairs.add(a, b, score);
      });
    }
    const different = new Set(standingDifferentPairs(this.sqlite).map((r) => pairKey(r.keyA, r.keyB)));
    const model = modelOf(this.estimator.parameters());
    const keyOf = (r: MatchRecord) => decisionKey(r.accountId, r.remoteId, r.id);
    const { review, autoLink } = this.estimator.thresholds;
    const clusters = clusterPairs(pairs, {
      threshold: review,
      floor: review - FLOOR_MARGIN,
      score: (a, b) => (recs[a]!.personId === recs[b]!.personId ? 100 : scorePair(recs[a]!, recs[b]!, freq, false, model).score),
      different: different.size ? (a, b) => different.has(pairKey(keyOf(recs[a]!), keyOf(recs[b]!))) : undefined,
    });
    return clusters.map((c) => {
      const members = c.members.map((ix) => recs[ix]!);
      return {
        id: clusterIdOf(members.map((m) => m.id)),
        first: members[0]!.rowid,
        score: c.score,
        confidence: Math.round(confidence(c.score) * 1000) / 1000,
        auto: c.score >= autoLink,
        records: members.map((m) => ({
          recordId: m.id,
          personId: m.personId,
          account: m.accountId,
          accountLabel: labels.get(m.accountId) ?? '',
          vendor: m.vendor as AccountKind,
          remoteId: m.remoteId,
          name: names[m.ix]!,
        })),
        pairs: c.pairs.map((p) => ({ a: recs[p.a]!.id, b: recs[p.b]!.id, score: p.score })),
      };
    });
  }

  /** Keep these clusters as the queue, current as of the store's counters now, and save them in the store. */
  remember<C extends QueuedCluster>(clusters: C[]): C[] {
    const tag = this.tag();
    // An incremental scan that found the queue as it was (and is saved): nothing to write again.
    const had = this.cache;
    if (had?.saved === tag && had.clusters.length === clusters.length && had.clusters.every((c, i) => c.id === clusters[i]!.id))
      return this.keep(clusters, had.rank, tag);
    // Rank: the place each cluster had when the queue was worked out, so an undo puts one back exactly there.
    const rank = new Map(clusters.map((c, i) => [c.id, i]));
    this.saved.save(tag, clusters, this.store.nameStats instanceof NameCounts ? this.store.nameStats : null);
    return this.keep(clusters, rank, tag);
  }

  /** Hold these clusters as the queue in hand (the saved queue holds them when `saved` is its tag). */
  private keep<C extends QueuedCluster>(clusters: C[], rank: Map<string, number>, saved: string | null): C[] {
    this.stored = null;
    this.cache = {
      key: this.key(),
      clusters,
      byId: new Map(clusters.map((c) => [c.id, c])),
      auto: clusters.filter((c) => c.auto).length,
      rank,
      shown: new Map(),
      saved,
    };
    this.lastTally = tally(clusters);
    return clusters;
  }

  /** Whether the queue in hand is current: call before a write, and hand the answer to `drop` or `restore` after it. */
  isCurrent(): boolean {
    this.storedWas = null;
    if (this.cache && this.cache.key === this.key()) return true;
    this.storedWas = this.inStore()?.tag ?? null;
    return this.storedWas !== null;
  }

  /**
   * After a merge or decision made here: take its clusters out of the queue in place (valid
   * only when the cache was current before the write, i.e. `wasCurrent`).
   */
  drop(wasCurrent: boolean, ids: string[]): void {
    if (!this.cache && wasCurrent && this.storedWas) return this.dropStored(this.storedWas, ids);
    if (!this.cache || !wasCurrent) return void this.recompute();
    const c = this.cache;
    if (ids.length > 1) {
      const gone = new Set(ids);
      c.clusters = c.clusters.filter((x) => !gone.has(x.id));
    } else {
      // One merge or decision: splice it out where it is, without rebuilding the rest.
      const at = c.clusters.findIndex((x) => x.id === ids[0]);
      if (at >= 0) c.clusters.splice(at, 1);
    }
    for (const id of ids) {
      if (c.byId.get(id)?.auto) c.auto--;
      c.byId.delete(id);
      c.shown.delete(id);
    }
    c.unsure = undefined;
    // The saved queue follows, tagged as of the write: it held what the cache held before it.
    if (c.saved) {
      const tag = this.tag();
      c.saved = this.saved.drop(c.saved, tag, ids) ? tag : null;
    }
    c.key = this.key();
    this.lastTally = { waiting: c.clusters.length, autoLinkable: c.auto };
  }

  /** After an undo: put the clusters it reopened back in place, best first. */
  restore(wasCurrent: boolean, views: QueuedCluster[]): void {
    if (!this.cache && wasCurrent && this.storedWas) return this.restoreStored(this.storedWas, views);
    if (!this.cache || !wasCurrent) return void this.recompute();
    const have = new Set(this.cache.clusters.map((c) => c.id));
    const back = views.filter((v) => !have.has(v.id));
    const rank = this.cache.rank;
    // Within one score, by first record as working the queue out orders them (the saved queue too).
    const at = (c: QueuedCluster): number => c.first ?? rank.get(c.id) ?? Number.MAX_SAFE_INTEGER;
    let saved = this.cache.saved;
    if (saved) {
      // Back in the saved queue at their old places; one it never held goes last, here too.
      const tag = this.tag();
      const put = this.saved.restore(saved, tag, back);
      for (const [id, r] of put?.ranks ?? []) if (!rank.has(id)) rank.set(id, r);
      saved = put ? tag : null;
    }
    this.keep(
      [...this.cache.clusters, ...back].sort((x, y) => y.score - x.score || at(x) - at(y)),
      rank,
      saved,
    );
  }

  /**
   * The saved queue's tag when an incremental scan may patch it: saved with the thresholds in
   * use, and nothing written since but contacts' own edits and inserts (the relink stamp has not
   * moved), which the scan follows record by record. Null when the queue must be worked out again.
   */
  patchable(): string | null {
    const saved = savedTag(this.sqlite);
    if (!saved) return null;
    const [stamp, ...thresholds] = saved.split(':');
    const [now, ...nowThresholds] = this.tag().split(':');
    // A queue saved before the relink stamp (migration 0014) has a two-part stamp: never patched.
    const same = stamp!.split('.').length === 3 && relinkStampOf(stamp!) === relinkStampOf(now!);
    return same && thresholds.join(':') === nowThresholds.join(':') ? saved : null;
  }

  /** Whether an incremental scan can patch the saved queue now (it is patchable and the store's keys are kept). */
  canPatch(): boolean {
    return this.patchable() !== null && matchKeysKept(this.sqlite) > 0;
  }

  /**
   * An incremental scan's patch of the saved queue `was`: the clusters holding any of these
   * records out, these in (each goes where working the queue out would put it: by score, then
   * first record). The queue is served from the store after. False when the saved queue was not `was`.
   */
  patch(was: string, around: Iterable<string>, clusters: QueuedCluster[]): boolean {
    const tag = this.tag();
    const out = [...savedClustersHolding(this.sqlite, around)];
    if (!this.saved.drop(was, tag, out) || !this.saved.restore(tag, tag, clusters)) return false;
    this.cache = null;
    this.stored = null;
    this.lastTally = this.saved.tally();
    return true;
  }

  /**
   * After these records were linked: the queue worked out again around them only (regroup.ts),
   * when the saved queue can be patched and the store's kept counts are current; else the whole
   * queue (rework). What now waits.
   */
  regroupAround(recordIds: readonly string[]): QueueTally {
    const was = this.patchable();
    if (!was || matchKeysKept(this.sqlite) === 0 || recordsWrittenSinceKeys(this.sqlite).length) return this.rework();
    const { review } = this.estimator.thresholds;
    const strong = strongPartners(this.sqlite, review);
    const seeds = new Set(recordIds);
    for (const id of recordIds) for (const p of strong(id)) seeds.add(p);
    const live = liveRecordCount(this.sqlite);
    return this.store.tx(() => regroup(this.sqlite, this, was, { review, live, seeds, around: recordIds })) === null
      ? this.rework()
      : this.waiting()!;
  }

  /** Work the queue out again from the store (clusters that held records just linked regroup); what now waits. */
  rework(): QueueTally {
    this.cache = null;
    this.stored = null;
    return tally(this.queued());
  }

  /** A merge or dismissal (journal id) took this cluster out of the queue: its undo puts it back. */
  took(journalId: number, c: ClusterView): void {
    this.taken.set(journalId, c);
  }

  /** The cluster a merge or dismissal in this process took out, if any. */
  takenBy(journalId: number): ClusterView | undefined {
    return this.taken.get(journalId);
  }

  /**
   * 'unsure' puts the clusters nearest even odds first: a person's answer there teaches the
   * matcher most (its decisions are labels at the next full scan), and they are the ones it
   * cannot settle alone. Kept until the queue changes.
   */
  private ordered(c: ClusterCache, order: 'best' | 'unsure'): QueuedCluster[] {
    if (order === 'best') return c.clusters;
    if (c.unsure?.length !== c.clusters.length)
      c.unsure = [...c.clusters].sort((x, y) => Math.abs(x.confidence - 0.5) - Math.abs(y.confidence - 0.5) || y.score - x.score);
    return c.unsure;
  }

  private current(): ClusterCache {
    if (this.cache && this.cache.key === this.key()) return this.cache;
    // Saved by this process or another (a scan in the CLI) and still current: read back, not worked out.
    const tag = this.tag();
    const saved = this.saved.load(tag);
    if (saved) {
      this.useSavedNames();
      this.keep(saved.clusters, saved.rank, tag);
      return this.cache!;
    }
    const loaded = this.load();
    this.remember(this.clustersOf(loaded, new Frequencies(loaded.recs)));
    return this.cache!;
  }

  /** The queue was not current before the write: work it out again now, so counts stay true. */
  private recompute(): void {
    this.cache = null;
    this.stored = null;
    this.current();
  }

  /**
   * The saved queue, when no queue is in hand and it is current (a restart, or a write it does
   * not depend on): the window pages it and reads clusters from it without loading it all.
   */
  private inStore(): InStore | null {
    if (this.cache && this.cache.key === this.key()) return null;
    const tag = this.tag();
    if (this.stored?.tag === tag) return this.stored;
    this.stored = null;
    if (!this.saved.holds(tag)) return null;
    this.cache = null;
    this.useSavedNames();
    return (this.stored = { tag, shown: new Map(), tally: this.saved.tally() });
  }

  /** A merge or decision made while the queue was served from the store: take its clusters out there. */
  private dropStored(was: string, ids: string[]): void {
    const had = this.stored?.tag === was ? this.stored : null;
    const tag = this.tag();
    const taken = this.saved.drop(was, tag, ids);
    if (!taken) return void this.recompute();
    const shown = had?.shown ?? new Map<string, ClusterView>();
    for (const id of ids) shown.delete(id);
    const before = had?.tally ?? this.saved.tally();
    const tally = had ? { waiting: before.waiting - taken.waiting, autoLinkable: before.autoLinkable - taken.autoLinkable } : before;
    this.stored = { tag, shown, tally };
    this.lastTally = tally;
  }

  /** An undo made while the queue was served from the store: its clusters back there, in their places. */
  private restoreStored(was: string, views: QueuedCluster[]): void {
    const had = this.stored?.tag === was ? this.stored : null;
    const tag = this.tag();
    const put = this.saved.restore(was, tag, views);
    if (!put) return void this.recompute();
    const tally = had
      ? { waiting: had.tally.waiting + put.added.waiting, autoLinkable: had.tally.autoLinkable + put.added.autoLinkable }
      : this.saved.tally();
    this.stored = { tag, shown: had?.shown ?? new Map<string, ClusterView>(), tally };
    this.lastTally = tally;
  }

  /** Golden records choose names by the counts the saved queue was worked out with (a restart has no scan's). */
  private useSavedNames(): void {
    if (this.store.nameStats) return;
    const names = this.saved.names();
    if (names) this.store.useNameStats(names);
  }

  /** The store's name statistics, for golden records to repair swaps and prefer common spellings (name-choice.ts). */
  private countNames(recs: MatchRecord[]): void {
    const counts = new NameCounts();
    for (const r of recs) counts.add(r.given, r.family);
    this.store.useNameStats(counts);
  }

  private key(): string {
    const { review, autoLink } = this.estimator.thresholds;
    return `${this.ownWrites()}:${othersWriteCount(this.sqlite)}:${review}:${autoLink}`;
  }

  /** What the saved queue is tagged with: the store's write stamp and the thresholds. */
  private tag(): string {
    const { review, autoLink } = this.estimator.thresholds;
    return `${storeWriteStamp(this.sqlite)}:${review}:${autoLink}`;
  }
}
