// A cluster as the duplicates queue shows it: its records with their values, its score and the
// reasons. Plain data, shared by the queue (cluster-queue.ts), the merge planner (merge-plan.ts)
// and the jobs that act on clusters (merge-jobs.ts). The queue itself keeps only who is in each
// cluster (QueuedCluster): values and reasons are read for the clusters shown or acted on.
import { createHash } from 'node:crypto';
import type { AccountKind, CanonicalContact } from '../../../shared/domain';
import type { Reason } from './score';

export interface ClusterRecord {
  recordId: string;
  personId: string;
  account: string;
  accountLabel: string;
  vendor: AccountKind;
  remoteId: string | null;
  name: string;
  contact: CanonicalContact;
}

/** A cluster as the queue keeps it: who is in it and how strongly, without their values or reasons. */
export interface QueuedCluster {
  id: string;
  score: number;
  confidence: number;
  /** At or above the auto-link threshold. */
  auto: boolean;
  records: Omit<ClusterRecord, 'contact'>[];
  pairs: { a: string; b: string; score: number }[];
  /** Its first record's place in the store (rowid): the queue's order within one score. */
  first?: number;
}

/** A cluster in full: its records' values and why its pairs matched (read when it is shown or acted on). */
export interface ClusterView extends QueuedCluster {
  records: ClusterRecord[];
  /** Reasons of the strongest pair, then the others' pairs. */
  reasons: Reason[];
  pairs: { a: string; b: string; score: number; reasons: Reason[] }[];
}

export interface ClusterSummary {
  id: string;
  score: number;
  confidence: number;
  auto: boolean;
  /** The records' names, each once. */
  names: string[];
  vendors: AccountKind[];
  size: number;
}

/** What waits for a person: clusters, and how many of them are above the auto-link line. */
export interface QueueTally {
  waiting: number;
  autoLinkable: number;
}

export const clusterSummaryOf = (c: QueuedCluster): ClusterSummary => ({
  id: c.id,
  score: c.score,
  confidence: c.confidence,
  auto: c.auto,
  names: [...new Set(c.records.map((r) => r.name))],
  vendors: c.records.map((r) => r.vendor),
  size: c.records.length,
});

export const tally = (clusters: readonly { auto: boolean }[]): QueueTally => ({
  waiting: clusters.length,
  autoLinkable: clusters.filter((c) => c.auto).length,
});

/** A cluster's id: its records, whatever their order. */
export const clusterIdOf = (recordIds: string[]): string =>
  createHash('sha1')
    .update([...recordIds].sort().join(','))
    .digest('hex')
    .slice(0, 12);
