// The duplicates queue as the store keeps it between runs (store/saved-queue.ts), in the queue's
// own terms: clusters as the queue holds them (who is in each, no values). The window can page
// it and show a cluster straight from the store, so Duplicates opens at once after a restart
// whatever the queue's size; a merge, dismissal or undo updates it in place.
import { NameCounts } from '../contacts/name-choice';
import {
  addToSavedQueue,
  dropFromSavedQueue,
  firstRowidOf,
  forEachSavedCluster,
  nextSavedRank,
  savedPlaces,
  savedAutoClusters,
  savedCluster,
  savedContentsReader,
  savedNames,
  savedPage,
  savedTag,
  savedTally,
  saveQueue,
  type SavedCluster,
} from '../store/saved-queue';
import type Database from 'better-sqlite3';
import { clusterSummaryOf, type ClusterSummary, type QueueTally, type QueuedCluster } from './cluster-view';

type QueuedRecord = QueuedCluster['records'][number];
type QueuedPair = QueuedCluster['pairs'][number];

export class SavedClusters {
  constructor(private readonly sqlite: Database.Database) {}

  /** Whether the saved queue is the one tagged `tag` (i.e. still what working it out would give). */
  holds(tag: string): boolean {
    return savedTag(this.sqlite) === tag;
  }

  /** Save the queue as worked out, best first (each cluster's rank is its place), with the name counts used. */
  save(tag: string, clusters: readonly QueuedCluster[], names: unknown): void {
    saveQueue(
      this.sqlite,
      tag,
      clusters.map((c, rank) => this.asSaved(c, rank)),
      names,
    );
  }

  /** The whole saved queue tagged `tag` as the queue holds it, with each cluster's rank; null when it is not. */
  load(tag: string): { clusters: QueuedCluster[]; rank: Map<string, number> } | null {
    if (!this.holds(tag)) return null;
    const contents = savedContentsReader<QueuedRecord, QueuedPair>(this.sqlite);
    const clusters: QueuedCluster[] = [];
    const rank = new Map<string, number>();
    forEachSavedCluster(this.sqlite, (at, first, id, score, confidence, auto) => {
      let got: { records: QueuedRecord[]; pairs: QueuedPair[] } | undefined;
      // Members and pairs read on first use: a bulk job reads them all, the window a page.
      clusters.push({
        id,
        score,
        confidence,
        auto,
        first,
        get records() {
          return (got ??= contents(at)).records;
        },
        get pairs() {
          return (got ??= contents(at)).pairs;
        },
      });
      rank.set(id, at);
    });
    return { clusters, rank };
  }

  /** The name counts saved with the queue. */
  names(): NameCounts | null {
    const n = savedNames(this.sqlite);
    return n ? NameCounts.fromJSON(n) : null;
  }

  page(order: 'best' | 'unsure', offset: number, limit: number): ClusterSummary[] {
    return savedPage<QueuedRecord, QueuedPair>(this.sqlite, order, offset, limit).map(asQueued).map(clusterSummaryOf);
  }

  tally(): QueueTally {
    return savedTally(this.sqlite);
  }

  /** The clusters at or above the auto-link line, best first. */
  auto(): QueuedCluster[] {
    return savedAutoClusters<QueuedRecord, QueuedPair>(this.sqlite).map(asQueued);
  }

  cluster(id: string): QueuedCluster | undefined {
    const c = savedCluster<QueuedRecord, QueuedPair>(this.sqlite, id);
    return c && asQueued(c);
  }

  /** Take clusters out (a merge or decision made when the saved queue was `was`), tagging it `tag`. */
  /** Take clusters out (a merge or decision made when the saved queue was `was`), tagging it `tag`; what was taken, or null. */
  drop(was: string, tag: string, ids: readonly string[]): QueueTally | null {
    return dropFromSavedQueue(this.sqlite, was, tag, ids);
  }

  /**
   * Put clusters back (an undo made when the saved queue was `was`), each at the place it had
   * (a cluster it never held goes after all the others), tagging it `tag`. The ranks used and
   * what came back into the queue, or null when the saved queue was not `was`.
   */
  restore(was: string, tag: string, clusters: readonly QueuedCluster[]): { ranks: Map<string, number>; added: QueueTally } | null {
    const places = savedPlaces(
      this.sqlite,
      clusters.map((c) => c.id),
    );
    const ranks = new Map<string, number>();
    const added = { waiting: 0, autoLinkable: 0 };
    let next = -1;
    for (const c of clusters) {
      const place = places.get(c.id);
      if (place && !place.gone) {
        ranks.set(c.id, place.rank);
        continue;
      }
      if (place) ranks.set(c.id, place.rank);
      else {
        if (next < 0) next = nextSavedRank(this.sqlite);
        ranks.set(c.id, next++);
      }
      added.waiting++;
      if (c.auto) added.autoLinkable++;
    }
    const ok = addToSavedQueue(
      this.sqlite,
      was,
      tag,
      clusters.map((c) => this.asSaved(c, ranks.get(c.id)!)),
    );
    return ok ? { ranks, added } : null;
  }

  /** A cluster as saved: members without their values, pairs without their reasons. */
  private asSaved(c: QueuedCluster, rank: number): SavedCluster<QueuedRecord, QueuedPair> {
    return asSaved(
      c,
      rank,
      c.first ??
        firstRowidOf(
          this.sqlite,
          c.records.map((r) => r.recordId),
        ),
    );
  }
}

const asSaved = (c: QueuedCluster, rank: number, first: number): SavedCluster<QueuedRecord, QueuedPair> => ({
  rank,
  first,
  id: c.id,
  score: c.score,
  confidence: c.confidence,
  auto: c.auto,
  records: c.records.map(({ recordId, personId, account, accountLabel, vendor, remoteId, name }) => ({
    recordId,
    personId,
    account,
    accountLabel,
    vendor,
    remoteId,
    name,
  })),
  pairs: c.pairs.map(({ a, b, score }) => ({ a, b, score })),
});

const asQueued = ({ id, score, confidence, auto, records, pairs, first }: SavedCluster<QueuedRecord, QueuedPair>): QueuedCluster => ({
  id,
  first,
  score,
  confidence,
  auto,
  records,
  pairs,
});
