// Estimating the matcher's parameters from the store itself, the way Splink does: no labels
// needed. u (how often strangers land at each level) from random pairs of records, with the
// exact level from how often values repeat; m (how often one person's records do) by
// expectation–maximisation over the candidate pairs, each pair's levels given. A person's
// decisions ("same person", "not the same") are labels: those pairs are known, not guessed,
// and they count for more than one guessed pair each.
import { createRng } from '../sandbox/rng';
import type { MatchRecord } from './features';
import { COMPARISONS, compareLevels, GAMMA_WIDTH, NF, NULL } from './levels';
import type { MatchParameters } from './parameters';

// Local copies of imported constants and helpers used per pair: under the loader benches and
// tests run with, every read of an imported binding is a getter call.
const W = GAMMA_WIDTH;
const nf = NF;
const NONE = NULL;
const levelsOf = compareLevels;

export interface Label {
  /** Levels of the labelled pair (GAMMA_WIDTH slots). */
  gamma: Int8Array;
  same: boolean;
}

export interface EstimateInput {
  records: MatchRecord[];
  /** Levels of the candidate pairs, GAMMA_WIDTH slots each. */
  gammas: Int8Array;
  pairs: number;
  labels?: Label[];
  /** Where EM starts and what it is smoothed toward where the store says little. */
  start: MatchParameters;
  now: string;
  seed?: number;
}

const RANDOM_PAIRS = 100_000;
const MIN_PAIRS = 10;
/** Prior odds are never taken as better than 1 in 8: a tiny store says little about them. */
const MAX_PRIOR_BITS = -3;
const MAX_ITER = 100;
/** Pseudo-pairs of the starting values behind every estimate: a level seen a handful of times does not swing. */
const PRIOR_PAIRS = 5;
/** One labelled pair counts as this many guessed ones: a person's word beats the model's. */
const LABEL_WEIGHT = 20;

// Single-valued fields whose exact level is "the same value": u from how often values repeat.
const EXACT_KEY: (((r: MatchRecord) => string) | null)[] = COMPARISONS.map((c) => {
  switch (c.key) {
    case 'given':
      return (r) => r.given;
    case 'family':
      return (r) => r.family;
    case 'birth':
      return (r) => r.birth;
    case 'street':
      return (r) => r.street;
    case 'line2':
      return (r) => r.line2;
    case 'postcode':
      return (r) => r.postcode;
    case 'city':
      return (r) => r.city;
    case 'company':
      return (r) => r.company;
    default:
      return null;
  }
});

/**
 * u per comparison level: strangers' level shares from random pairs (a level never seen in the
 * sample gets one pair's worth, not zero), exact levels from value counts.
 */
export function estimateU(records: MatchRecord[], start: MatchParameters, seed = 1): number[][] {
  const n = records.length;
  const counts = COMPARISONS.map((c) => new Float64Array(c.levels.length));
  const g = new Int8Array(W);
  if (n >= 2) {
    const rng = createRng(seed);
    const total = Math.min(RANDOM_PAIRS, (n * (n - 1)) / 2);
    for (let i = 0; i < total; i++) {
      const a = Math.floor(rng.next() * n);
      let b = Math.floor(rng.next() * (n - 1));
      if (b >= a) b++;
      levelsOf(records[a]!, records[b]!, g);
      for (let k = 0; k < nf; k++) if (g[k]! !== NONE) counts[k]![g[k]!]!++;
    }
  }
  return COMPARISONS.map((c, k) => {
    const cnt = counts[k]!;
    const seen = cnt.reduce((s, v) => s + v, 0);
    const u = seen ? Array.from(cnt, (v) => (v + 1) / (seen + cnt.length)) : [...start.u[k]!];
    const key = EXACT_KEY[k];
    if (key) {
      // P(two random non-blank values are equal) = sum over values of c(c-1) / (N(N-1)).
      const freq = new Map<string, number>();
      let filled = 0;
      for (const r of records) {
        const v = key(r);
        if (!v) continue;
        filled++;
        freq.set(v, (freq.get(v) ?? 0) + 1);
      }
      let equalPairs = 0;
      for (const v of freq.values()) equalPairs += (v * (v - 1)) / 2;
      // Repeats include one person's records, so this overstates u where a store is full of
      // duplicates (weights err low). Taking out the pairs EM calls matches would be exact only
      // when EM is right, and households fool it.
      const all = (filled * (filled - 1)) / 2;
      const exact = filled > 1 ? Math.max(equalPairs / all, 1 / all) : start.u[k]![0]!;
      const rest = u.slice(1).reduce((s, v) => s + v, 0);
      return [exact, ...u.slice(1).map((v) => ((1 - exact) * v) / rest)];
    }
    return u;
  });
}

/** m and the share of matches among the candidates, by EM; u from estimateU. */
export function estimateParameters(input: EstimateInput): MatchParameters {
  const { records, gammas, pairs, start } = input;
  const labels = input.labels ?? [];
  // A handful of pairs says nothing reliable: keep what we had (the defaults at first).
  if (pairs < MIN_PAIRS) return start;
  // Pairs with the same levels are one pattern with a count: EM runs over a few thousand
  // patterns, not millions of pairs, so every candidate counts and big stores stay fast.
  const patterns = new Map<number, { gamma: Int8Array; count: number }>();
  for (let i = 0; i < pairs; i++) {
    let key = 0;
    for (let k = 0; k < nf; k++) key = key * 6 + gammas[i * W + k]! + 1;
    const p = patterns.get(key);
    if (p) p.count++;
    else patterns.set(key, { gamma: gammas.slice(i * W, (i + 1) * W), count: 1 });
  }
  let m = start.m.map((l) => [...l]);
  // Among the candidates strangers agree far more than at random (blocking picked them for
  // agreeing): their levels get their own distribution, uc, during EM only.
  let uc = COMPARISONS.map((c) => c.levels.map(() => 1 / c.levels.length));
  // EM finds a local optimum; it starts from "duplicates are rare among the candidates", so a
  // family of look-alikes (a household: one surname, address and phone) is not taken for one
  // person entered many times unless the data insists.
  let lambda = 0.01;
  let iterations = 0;
  const mAcc = COMPARISONS.map((c) => new Float64Array(c.levels.length));
  const uAcc = COMPARISONS.map((c) => new Float64Array(c.levels.length));
  const observed = [...patterns.values()].map((p) => ({ gamma: p.gamma, fixed: null as number | null, weight: p.count }));
  const all = [...observed, ...labels.map((lb) => ({ gamma: lb.gamma, fixed: lb.same ? 1 : 0, weight: LABEL_WEIGHT }))];
  for (; iterations < MAX_ITER; iterations++) {
    for (const a of mAcc) a.fill(0);
    for (const a of uAcc) a.fill(0);
    let pSum = 0;
    let wSum = 0;
    for (const { gamma: g, fixed, weight } of all) {
      let p = fixed;
      if (p === null) {
        let lm = lambda;
        let lu = 1 - lambda;
        for (let k = 0; k < nf; k++) {
          const l = g[k]!;
          if (l === NONE) continue;
          lm *= m[k]![l]!;
          lu *= uc[k]![l]!;
        }
        p = lm / (lm + lu);
      }
      // The share of matches is the candidates' own: labelled pairs were picked by a person, not at random.
      if (fixed === null) {
        pSum += p * weight;
        wSum += weight;
      }
      for (let k = 0; k < nf; k++) {
        const l = g[k]!;
        if (l === NONE) continue;
        mAcc[k]![l]! += p * weight;
        uAcc[k]![l]! += (1 - p) * weight;
      }
    }
    const nextLambda = wSum ? pSum / wSum : lambda;
    const next = mAcc.map((acc, k) => normalise(acc, start.m[k]!));
    uc = uAcc.map((acc, k) => normalise(acc, uc[k]!));
    const moved = Math.max(Math.abs(nextLambda - lambda), ...next.flatMap((l, k) => l.map((v, i) => Math.abs(v - m[k]![i]!))));
    m = next;
    lambda = nextLambda;
    if (moved < 1e-5) break;
  }
  const u = estimateU(records, start, input.seed);
  // Prior odds over all pairs: the matches expected among the candidates (blocking keeps
  // nearly all of them) against every pair the store could form.
  const n = records.length;
  const allPairs = Math.max(1, (n * (n - 1)) / 2);
  const expected = Math.max(1, lambda * pairs);
  return {
    m,
    u,
    priorBits: Math.min(MAX_PRIOR_BITS, Math.log2(expected / allPairs)),
    lambda,
    source: 'estimated',
    estimatedAt: input.now,
    records: n,
    pairs,
    labels: labels.length,
    iterations,
  };
}

function normalise(acc: Float64Array, toward: number[]): number[] {
  const total = acc.reduce((s, v) => s + v, 0);
  return Array.from(acc, (v, l) => (v + PRIOR_PAIRS * toward[l]!) / (total + PRIOR_PAIRS));
}
