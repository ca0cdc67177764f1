// The whole matching pipeline over an in-memory set of records: features, frequencies,
// blocking, scoring, clustering. The dedupe service feeds it from SQLite; the evaluation and
// the benchmark feed it generated sets.
import type { CanonicalContact } from '../../../shared/domain';
import { candidatePairs } from './blocking';
import { clusterPairs, type Cluster } from './cluster';
import { Frequencies, toMatchRecord, type MatchRecord } from './features';
import { DEFAULT_THRESHOLDS, scorePair, type ScoredPair, type Thresholds } from './score';

export interface MatchInput {
  id: string;
  accountId: string;
  vendor: string;
  remoteId: string | null;
  personId: string;
  contact: CanonicalContact;
}

export interface MatchRun {
  records: MatchRecord[];
  freq: Frequencies;
  /** Every scored candidate pair (any score). */
  pairs: ScoredPair[];
  clusters: Cluster[];
  comparisons: number;
}

export function runMatcher(input: MatchInput[], opts: { thresholds?: Thresholds; different?: (a: MatchRecord, b: MatchRecord) => boolean; dirty?: Set<string> } = {}): MatchRun {
  const t = opts.thresholds ?? DEFAULT_THRESHOLDS;
  const records = input.map((r, i) => toMatchRecord(i, r));
  const freq = new Frequencies(records);
  const dirty = opts.dirty ? new Set(records.filter((r) => opts.dirty!.has(r.id)).map((r) => r.ix)) : undefined;
  const cands = candidatePairs(records, dirty);
  const pairs = cands.map(([a, b]) => scorePair(records[a]!, records[b]!, freq));
  const clusters = clusterPairs(pairs, {
    threshold: t.review,
    score: (a, b) => scorePair(records[a]!, records[b]!, freq).score,
    different: opts.different ? (a, b) => opts.different!(records[a]!, records[b]!) : undefined,
  });
  return { records, freq, pairs, clusters, comparisons: cands.length };
}

/** Pairwise precision and recall of clusters against the truth (record id -> entity id). */
export function pairwiseQuality(clusters: Cluster[], records: MatchRecord[], truth: Map<string, string>): { precision: number; recall: number; truePairs: number; predictedPairs: number; correct: number } {
  let predicted = 0;
  let correct = 0;
  for (const c of clusters) {
    for (let i = 0; i < c.members.length; i++) {
      for (let j = i + 1; j < c.members.length; j++) {
        predicted++;
        if (truth.get(records[c.members[i]!]!.id) === truth.get(records[c.members[j]!]!.id)) correct++;
      }
    }
  }
  const sizes = new Map<string, number>();
  for (const r of records) {
    const e = truth.get(r.id);
    if (e !== undefined) sizes.set(e, (sizes.get(e) ?? 0) + 1);
  }
  let truePairs = 0;
  for (const n of sizes.values()) truePairs += (n * (n - 1)) / 2;
  return { precision: predicted ? correct / predicted : 1, recall: truePairs ? correct / truePairs : 1, truePairs, predictedPairs: predicted, correct };
}
