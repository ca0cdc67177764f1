// Duplicate people (docs/design.md#duplicates-and-matching): scan the store, keep scored candidates, show clusters best
// first with their reasons, and act on a person's decision — always after a preview of the
// exact writes. This is the one door the core, the API handlers and the CLI use; the work is
// done by the parts it composes:
//   scan.ts          score what changed and store the candidates
//   estimator.ts     the weights (EM), the thresholds they imply, the pairs that teach most
//   cluster-queue.ts the clusters waiting for a person, cached in the core
//   merge-plan.ts    what a merge would write (pure)
//   merge-jobs.ts    merge, dismiss, undo, bulk merge and its undo, the links after a sync
// Their SQL is in store/ (match-candidates, match-decisions, match-records, match-journal).
import type Database from 'better-sqlite3';
import type { AccountKind } from '../../../shared/domain';
import type { Clock } from '../clock';
import type { SyncStore } from '../sync/sync-store';
import { ClusterQueue } from './cluster-queue';
import type { ClusterSummary, ClusterView } from './cluster-view';
import type { Decision } from './decision';
import { MatchEstimator, type Weights } from './estimator';
import { MergeJobs, type MergeResult, type Undone } from './merge-jobs';
import { planMerge, type BulkPlan, type MergePlan, type VendorAbilities } from './merge-plan';
import type { MatchParameters } from './parameters';
import { scan, type ScanResult } from './scan';
import type { Reason, Thresholds } from './score';

export type { ClusterRecord, ClusterSummary, ClusterView } from './cluster-view';
export type { BulkPlan, MergePlan, PlannedWrite } from './merge-plan';
export type { ScanResult } from './scan';
export { pinsOf } from './merge-plan';

export class DedupeService {
  private readonly estimator: MatchEstimator;
  private readonly queue: ClusterQueue;
  private readonly jobs: MergeJobs;
  private readonly vendors: VendorAbilities;

  constructor(
    private readonly sqlite: Database.Database,
    private readonly store: SyncStore,
    private readonly clock: Clock,
    writable: (vendor: AccountKind) => readonly string[],
    canDelete: (vendor: AccountKind) => boolean,
    hasOwnMerge: (vendor: AccountKind) => boolean,
    thresholds: Partial<Thresholds> = {},
    /** The address parts a vendor keeps (absent: all): a merge's preview shows only what it will hold. */
    addressParts: (vendor: AccountKind) => readonly string[] | undefined = () => undefined,
    /** The parts of phones and emails a vendor holds (`phones.label`, …); see FieldSupport.parts. */
    parts: (vendor: AccountKind) => readonly string[] = () => [],
  ) {
    this.vendors = { writable, canDelete, hasOwnMerge, addressParts, parts };
    this.estimator = new MatchEstimator(sqlite, thresholds);
    this.queue = new ClusterQueue(sqlite, store, this.estimator);
    this.jobs = new MergeJobs(
      sqlite,
      store,
      this.queue,
      (c, picks) => this.plan(c, picks),
      () => this.now(),
    );
  }

  setThresholds(t: Partial<Thresholds>): Thresholds {
    return this.estimator.setThresholds(t);
  }

  /** The thresholds in use: a person's, else those the estimated model implies, else the defaults. */
  get thresholds(): Thresholds {
    return this.estimator.thresholds;
  }

  /** What the model expects of its own thresholds (null before the first full scan). */
  decision(): Decision | null {
    return this.estimator.decision();
  }

  /**
   * Score what changed since the last scan (everything with `full`), store the candidates,
   * and return the clusters best first. With `autoLink`, clusters above the auto-link
   * threshold whose records are all in different vendors are linked (undoable).
   */
  scan(opts: { full?: boolean; autoLink?: boolean } = {}): ScanResult {
    return scan(
      {
        sqlite: this.sqlite,
        store: this.store,
        estimator: this.estimator,
        queue: this.queue,
        now: () => this.now(),
        linkNearCertain: () => this.jobs.linkNearCertain(),
      },
      opts,
    );
  }

  /** The current clusters from the stored candidates (no rescoring). */
  clusters(): ClusterView[] {
    return this.queue.clusters();
  }

  /** One page of the queue as light summaries, best first or least certain first. */
  page(offset: number, limit: number, order: 'best' | 'unsure' = 'best'): { total: number; autoLinkable: number; items: ClusterSummary[] } {
    this.freshen();
    return this.queue.page(offset, limit, order);
  }

  /** One cluster in full (records and their values), or null when it is gone. */
  cluster(id: string): ClusterView | null {
    this.freshen();
    return this.queue.cluster(id);
  }

  /**
   * Records written since the last scan (an edit, a pull in another process) leave the queue
   * stale. When a scan can follow them record by record (scan-incremental.ts: a fraction of a
   * second), it runs before the queue is shown, instead of the whole queue being worked out
   * again from pairs that do not yet know those writes (a minute or more at a million records).
   */
  private freshen(): void {
    if (!this.queue.isCurrent() && this.queue.canPatch()) this.scan();
  }

  /** Likely duplicates waiting for a person (null before any scan); cheap enough for every status call. */
  waiting(): { waiting: number; autoLinkable: number } | null {
    return this.queue.waiting();
  }

  /**
   * The exact writes a merge would make, per vendor record. `picks` chooses a field's value
   * from one record (FIELD -> record id); inside an account the record with the most filled
   * fields stays.
   */
  plan(clusterIdOrView: string | ClusterView, picks: Record<string, string> = {}): MergePlan {
    const c = typeof clusterIdOrView === 'string' ? this.queue.find(clusterIdOrView) : clusterIdOrView;
    return planMerge(c, picks, this.vendors, this.store.nameStats);
  }

  /** Apply a merge: link, pin the picks, queue the writes. Returns the journal id to undo it with. */
  merge(clusterId: string, opts: { picks?: Record<string, string>; actor?: string; clusters?: ClusterView[] } = {}): MergeResult {
    return this.jobs.merge(clusterId, opts);
  }

  /** Link the clusters the model is near-certain about across vendors, as one undoable entry (nothing sent to a vendor). */
  linkNearCertain(): { linked: number; linkId: number | null } {
    return this.jobs.linkNearCertain();
  }

  /** Whether each sync ends by linking the near-certain duplicates (on unless a person turned it off). */
  linksAfterSync(): boolean {
    return this.jobs.linksAfterSync();
  }

  setLinksAfterSync(on: boolean): boolean {
    return this.jobs.setLinksAfterSync(on);
  }

  /** "Not the same person", remembered on the vendors' ids for every pair in the cluster. */
  dismiss(clusterId: string): { dismissId: number } {
    return this.jobs.dismiss(clusterId);
  }

  /** Undo a merge or a dismissal from the journal (a bulk merge: undoBulk). */
  undo(journalId: number): Undone {
    return this.jobs.undo(journalId);
  }

  /** One undo for a whole bulk merge, run as a job in batches. */
  undoBulk(journalId: number, onProgress?: (done: number, total: number) => void): Promise<Undone> {
    return this.jobs.undoBulk(journalId, onProgress);
  }

  /** What merging every cluster above the auto-link threshold would write, for the confirmation. */
  bulkPlan(): BulkPlan {
    return this.jobs.bulkPlan();
  }

  /** Merge every cluster above the auto-link threshold as one job; `expected` is the count the person confirmed. */
  bulkMerge(opts: {
    expected: number;
    onProgress?: (done: number, total: number) => void;
  }): Promise<{ merged: number; total: number; cancelled: boolean; bulkId: number | null }> {
    return this.jobs.bulkMerge(opts);
  }

  /** Stop a running bulk merge after the batch in hand (whole merges only). */
  cancelBulkMerge(): { cancelled: boolean } {
    return this.jobs.cancelBulkMerge();
  }

  /** The weights in use: the last full scan's estimate, or the defaults before one. */
  parameters(): MatchParameters {
    return this.estimator.parameters();
  }

  /** The weights in use, per field and level, for the match-weights chart. */
  weights(): Weights {
    return this.estimator.weights();
  }

  /** Open candidate pairs a decision would teach most (nearest even odds). */
  informativePairs(limit = 20): { a: string; b: string; score: number; confidence: number; reasons: Reason[] }[] {
    return this.estimator.informativePairs(limit);
  }

  private now(): string {
    return this.clock.now().toISOString();
  }
}
