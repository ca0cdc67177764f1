// Where to draw the line, read from the estimated model rather than fixed (issue 22). Every
// candidate pair's score is the model's posterior log-odds (score.ts: confidence), so the model
// itself says how many true pairs lie above any threshold and how many strangers do: the
// expected precision/recall curve. The review threshold (what counts as "likely the same" and
// waits in the queue) is where that curve's F1 is highest; the auto-link threshold is where a
// single link is at least 99.5 % likely, the certainty the issue asks before Concord links
// records without asking.
import { confidence, DEFAULT_THRESHOLDS, type Thresholds } from './score';

/** A decision the model makes for the store, with what it expects of it. */
export interface Decision extends Thresholds {
  /** Expected share of the pairs at or above `review` that are one person. */
  expectedPrecision: number;
  /** Expected share of all true pairs (as the estimate counts them) at or above `review`. */
  expectedRecall: number;
  /** Expected share of the pairs at or above `autoLink` that are one person. */
  autoPrecision: number;
}

/**
 * Rails the choice stays between: below 8 bits a pair is under one chance in five, above 12 a
 * queue would hide pairs the model thinks more likely than not. Never tuned per store: they
 * only keep a poor estimate (a tiny or odd store) from emptying or flooding the queue.
 */
export const REVIEW_RANGE = [8, 12] as const;
/** The certainty one auto-linked pair must reach, as the model sees it. */
export const AUTO_LINK_CERTAINTY = 0.995;
const AUTO_LINK_SCORE = 10 + Math.log2(AUTO_LINK_CERTAINTY / (1 - AUTO_LINK_CERTAINTY));

/**
 * The thresholds for these candidate scores. `expectedMatches` is the estimate's count of
 * true pairs among all compared (its λ × pairs); pairs scored below the candidate floor are
 * not in `scores`, so the sum of their posteriors alone would undercount them.
 */
export function decide(scores: ArrayLike<number>, expectedMatches: number): Decision {
  const sorted = Float64Array.from(scores).sort().reverse();
  let sumP = 0;
  for (const s of sorted) sumP += confidence(s);
  const matches = Math.max(expectedMatches, sumP);
  if (!sorted.length || matches <= 0) return { ...DEFAULT_THRESHOLDS, expectedPrecision: 1, expectedRecall: 1, autoPrecision: 1 };
  // Walk down the scores once; at each distinct score, the pairs at or above it.
  let tp = 0;
  let best = { f1: -1, review: DEFAULT_THRESHOLDS.review, precision: 1, recall: 0 };
  let autoTp = 0;
  let autoN = 0;
  for (let i = 0; i < sorted.length; i++) {
    const s = sorted[i]!;
    const p = confidence(s);
    tp += p;
    if (s >= AUTO_LINK_SCORE) {
      autoTp += p;
      autoN++;
    }
    if (i + 1 < sorted.length && sorted[i + 1] === s) continue;
    if (s < REVIEW_RANGE[0] || s > REVIEW_RANGE[1]) continue;
    const precision = tp / (i + 1);
    const recall = tp / matches;
    const f1 = (2 * precision * recall) / (precision + recall);
    if (f1 > best.f1) best = { f1, review: s, precision, recall };
  }
  if (best.f1 < 0) {
    // Every score outside the rails: the nearer rail, with the pairs at or above it.
    const review = sorted[sorted.length - 1]! > REVIEW_RANGE[1] ? REVIEW_RANGE[1] : REVIEW_RANGE[0];
    const above = sorted.filter((s) => s >= review);
    const t = above.reduce((n, s) => n + confidence(s), 0);
    best = { f1: 0, review, precision: above.length ? t / above.length : 1, recall: t / matches };
  }
  const r3 = (x: number) => Math.round(x * 1000) / 1000;
  return {
    review: best.review,
    autoLink: Math.max(best.review, Math.round(AUTO_LINK_SCORE * 10) / 10),
    expectedPrecision: r3(best.precision),
    expectedRecall: r3(Math.min(1, best.recall)),
    autoPrecision: r3(autoN ? autoTp / autoN : 1),
  };
}
