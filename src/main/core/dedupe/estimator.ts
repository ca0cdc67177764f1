// The matcher's model as the store holds it: the weights a full scan estimates (EM over the
// store's own pairs, with a person's decisions as labels), the thresholds they imply
// (decision.ts) unless a person set their own, and the pairs a decision would teach most.
import type Database from 'better-sqlite3';
import { decisionKey, standingDecisions } from '../store/match-decisions';
import { leastCertainCandidates } from '../store/match-candidates';
import { othersWriteCount } from '../store/write-counters';
import { decide, type Decision } from './decision';
import type { Frequencies, MatchRecord } from './features';
import { loadParameters } from './parameter-store';
import { DEFAULT_PARAMETERS, describeParameters, type MatchParameters } from './parameters';
import { noCandidates, scoreCandidates, type ScoredCandidates } from './scan-pairs';
import { confidence, DEFAULT_THRESHOLDS, type Reason, type Thresholds } from './score';

/** Candidates are kept from this far below the lowest review threshold, so the next full scan's curve (decision.ts) sees the pairs around it. */
export const FLOOR_MARGIN = 4;

export type Weights = Omit<MatchParameters, 'm' | 'u' | 'iterations'> & { fields: ReturnType<typeof describeParameters> };

export class MatchEstimator {
  /** Thresholds a person set (CLI, settings): they win over the model's own (decision.ts). */
  private overrides: Partial<Thresholds>;
  /** The last full scan's decision, read from the store again when another connection (the CLI) wrote it. */
  private decided?: { decision: Decision | null; version: number };

  constructor(
    private readonly sqlite: Database.Database,
    thresholds: Partial<Thresholds> = {},
  ) {
    this.overrides = { ...thresholds };
  }

  setThresholds(t: Partial<Thresholds>): Thresholds {
    this.overrides = { ...this.overrides, ...t };
    return this.thresholds;
  }

  /** The thresholds in use: a person's, else those the estimated model implies, else the defaults. */
  get thresholds(): Thresholds {
    const version = othersWriteCount(this.sqlite);
    if (this.decided?.version !== version) this.decided = { decision: this.parameters().decision ?? null, version };
    const d = this.decided.decision;
    return { ...DEFAULT_THRESHOLDS, ...(d ? { review: d.review, autoLink: d.autoLink } : {}), ...this.overrides };
  }

  /** What the model expects of its own thresholds (null before the first full scan). */
  decision(): Decision | null {
    return this.parameters().decision ?? null;
  }

  /** The weights in use: the last full scan's estimate, or the defaults before one. */
  parameters(): MatchParameters {
    return loadParameters(this.sqlite);
  }

  /** The weights in use, per field and level, for the match-weights chart. */
  weights(): Weights {
    const p = this.parameters();
    return {
      source: p.source,
      estimatedAt: p.estimatedAt,
      records: p.records,
      pairs: p.pairs,
      labels: p.labels,
      lambda: p.lambda,
      priorBits: p.priorBits,
      fields: describeParameters(p),
    };
  }

  /**
   * Score the candidate pairs of a scan. `dirty` (an incremental scan) scores the pairs of those
   * records with the stored estimate; without it (a full scan) the weights are estimated from
   * the store and the person's decisions first, and the thresholds they imply are decided — the
   * returned parameters carry them, for the caller to save with the candidates.
   */
  score(
    recs: MatchRecord[],
    freq: Frequencies,
    dirty: Set<number> | undefined,
    now: () => string,
    phases?: Record<string, number>,
    pairs?: Float64Array,
  ): ScoredCandidates {
    const floor = Math.min(this.thresholds.review, DEFAULT_THRESHOLDS.review) - FLOOR_MARGIN;
    const scored =
      dirty?.size === 0
        ? noCandidates(this.parameters())
        : scoreCandidates(
            recs,
            freq,
            !dirty
              ? { floor, dirty, phases, estimate: { start: DEFAULT_PARAMETERS, labels: this.labels(recs), now: now() } }
              : { floor, dirty, phases, pairs, params: this.parameters() },
          );
    if (!dirty) {
      scored.params = {
        ...scored.params,
        decision: decide(scored.scores, scored.params.lambda * scored.params.pairs),
      };
      this.decided = { decision: scored.params.decision ?? null, version: othersWriteCount(this.sqlite) };
    }
    return scored;
  }

  /**
   * Open candidate pairs a decision would teach most, as active learning picks them: those
   * nearest even odds (score 10 bits, confidence 0.5), where the model is least sure.
   */
  informativePairs(limit = 20): { a: string; b: string; score: number; confidence: number; reasons: Reason[] }[] {
    return leastCertainCandidates(this.sqlite, limit).map((r) => ({
      a: r.recordA,
      b: r.recordB,
      score: r.score,
      confidence: Math.round(confidence(r.score) * 1000) / 1000,
      reasons: r.reasons,
    }));
  }

  /** The person's standing decisions as record index pairs: labels for the estimate. */
  private labels(recs: MatchRecord[]): [number, number, boolean][] {
    const ixOf = new Map(recs.map((r) => [decisionKey(r.accountId, r.remoteId, r.id), r.ix]));
    return standingDecisions(this.sqlite).flatMap((r) => {
      const [a, b] = [ixOf.get(r.keyA), ixOf.get(r.keyB)];
      return a === undefined || b === undefined ? [] : [[a, b, r.decision === 'same'] as [number, number, boolean]];
    });
  }
}
