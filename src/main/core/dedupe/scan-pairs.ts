// The scoring half of a scan: every candidate pair from blocking is put at its comparison
// levels once; on a full scan the parameters are estimated from those levels (EM) before
// any pair is scored, so the weights used are the store's own. Only pairs near or above
// the review threshold are kept, with their reasons.
import { candidateKeys, pairHi, pairLo } from './blocking';
import { estimateParameters, type Label } from './estimate-em';
import type { Frequencies, MatchRecord } from './features';
import { compareLevels, GAMMA_WIDTH, NF } from './levels';
import { PairLevels } from './pair-levels';
import type { MatchParameters } from './parameters';
import { exactCaps, modelOf, reasonsOf, scoreBound, weigh, type Model, type ScoredPair } from './score';

// Local copies of imported constants and helpers used per pair: under the loader benches and
// tests run with, every read of an imported binding is a getter call.
const W = GAMMA_WIDTH;
const nf = NF;
const levelsOf = compareLevels;
const weighPair = weigh;
const boundOf = scoreBound;
const loOf = pairLo;
const hiOf = pairHi;

export interface ScoredCandidates {
  /** How many pairs scored at or above the floor (kept), and each one's score, rounded to 0.1. */
  kept: number;
  scores: Float64Array;
  /**
   * Kept pair `i` with its reasons, worked out when asked: at a million records the kept pairs
   * and their reasons all at once take a gigabyte, and a scan writes them one by one.
   */
  pair(i: number): ScoredPair;
  comparisons: number;
  params: MatchParameters;
}

/** No pairs: an incremental scan with nothing changed. */
export const noCandidates = (params: MatchParameters): ScoredCandidates => ({
  kept: 0,
  scores: new Float64Array(0),
  pair: () => {
    throw new RangeError('no kept pairs');
  },
  comparisons: 0,
  params,
});

export function scoreCandidates(
  recs: MatchRecord[],
  freq: Frequencies,
  opts: {
    floor: number;
    dirty?: Set<number>;
    /** Score with these parameters; without them, estimate from the store first (a full scan). */
    params?: MatchParameters;
    /** Where the estimate starts, and the person's decisions as record index pairs. */
    estimate?: { start: MatchParameters; labels: [number, number, boolean][]; now: string };
    /** Milliseconds per phase (blocking, levels, estimate, weigh), added to when given. */
    phases?: Record<string, number>;
    /** The candidate pairs' keys (pairKeyOf), sorted, when blocked already (an incremental scan's, from the kept keys). */
    pairs?: Float64Array;
  },
): ScoredCandidates {
  let t = performance.now();
  const lap = (name: string): void => {
    const now = performance.now();
    if (opts.phases) opts.phases[name] = (opts.phases[name] ?? 0) + Math.round(now - t);
    t = now;
  };
  // The pairs first, then their levels in one array of exactly their size: at a million
  // records, tens of millions of pairs, so no array is grown by doubling.
  const keys = opts.pairs ?? candidateKeys(recs, opts.dirty);
  lap('blocking');
  const n = keys.length;
  const gammas = levelsOfPairs(recs, keys);
  lap('levels');
  let params = opts.params;
  if (!params) {
    const est = opts.estimate!;
    const labels: Label[] = est.labels.map(([a, b, same]) => {
      const gamma = new Int8Array(W);
      levelsOf(recs[a]!, recs[b]!, gamma);
      return { gamma, same };
    });
    params = estimateParameters({ records: recs, gammas, pairs: n, labels, start: est.start, now: est.now });
    lap('estimate');
  }
  const model: Model = modelOf(params);
  const parts = new Float64Array(nf + 2);
  // The kept pairs (few: those near or above the review threshold) keep their own keys and levels.
  const keptAt: number[] = [];
  const keptScores: number[] = [];
  // Most pairs are strangers: their levels alone bound their score under the floor, without
  // reading the two records (at a million records, a cache miss each). The margin keeps a
  // sum in another order from rounding across the floor.
  const caps = exactCaps(model, freq);
  const below = opts.floor - 1e-9;
  for (let i = 0; i < n; i++) {
    if (boundOf(gammas, i * W, model, caps) < below) continue;
    const score = weighPair(gammas, i * W, recs[loOf(keys[i]!)]!, recs[hiOf(keys[i]!)]!, freq, model, parts);
    if (score < opts.floor) continue;
    keptAt.push(i);
    keptScores.push(Math.round(score * 10) / 10);
  }
  const kept = keptAt.length;
  const keptKeys = new Float64Array(kept);
  const keptGammas = new Int8Array(W * kept);
  for (let k = 0; k < kept; k++) {
    const i = keptAt[k]!;
    keptKeys[k] = keys[i]!;
    keptGammas.set(gammas.subarray(i * W, (i + 1) * W), k * W);
  }
  const scores = Float64Array.from(keptScores);
  lap('weigh');
  const pair = (k: number): ScoredPair => {
    const x = recs[loOf(keptKeys[k]!)]!;
    const y = recs[hiOf(keptKeys[k]!)]!;
    // Weighed again for its parts (the same sum as above): reasons are read from them.
    weighPair(keptGammas, k * W, x, y, freq, model, parts);
    return { a: x.ix, b: y.ix, score: scores[k]!, reasons: reasonsOf(keptGammas.subarray(k * W, (k + 1) * W), parts, x, y) };
  };
  return { kept, scores, pair, comparisons: n, params };
}

/**
 * Every pair's levels in one array of exactly their size. The table of value ids (at a million
 * records, hundreds of MB of dictionaries) is out of reach once this returns, before the
 * estimate and the weighing.
 */
function levelsOfPairs(recs: MatchRecord[], keys: Float64Array): Int8Array {
  const gammas = new Int8Array(W * keys.length);
  const table = new PairLevels(recs);
  for (let i = 0; i < keys.length; i++) table.levels(loOf(keys[i]!), hiOf(keys[i]!), gammas, i * W);
  return gammas;
}
