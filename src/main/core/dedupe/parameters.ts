// The matcher's parameters, Fellegi–Sunter style: per comparison level, m (how often two
// records of one person land at that level) and u (how often two strangers do). A level's
// weight is log2(m/u) bits. The defaults below are what a store starts with; every full scan
// replaces them with estimates from the store itself (estimate-em.ts), kept in the store.
import type { Decision } from './decision';
import { COMPARISONS, NF } from './levels';

export interface MatchParameters {
  /** m per comparison, per level (COMPARISONS order). */
  m: number[][];
  /** u per comparison, per level. */
  u: number[][];
  /** log2 of the prior odds that two records picked at random are one person. */
  priorBits: number;
  /** Share of the candidate pairs that are one person, as estimated. */
  lambda: number;
  /** How the parameters were made. */
  source: 'default' | 'estimated';
  estimatedAt: string | null;
  records: number;
  pairs: number;
  /** Person decisions ("same", "not the same") the estimate used. */
  labels: number;
  iterations: number;
  /** The thresholds this estimate implies (decision.ts), worked out by the full scan that made it. */
  decision?: Decision;
}

// Starting values: general, not fitted to any set — most people's records agree on a field,
// strangers rarely do; the estimate moves them to what the store shows.
const DEFAULT_M: number[][] = [
  [0.86, 0.05, 0.05, 0.01, 0.01, 0.02], // given
  [0.9, 0.06, 0.04], // family
  [0.9, 0.05, 0.05], // name in one field
  [0.9, 0.02, 0.05, 0.01, 0.02], // birth
  [0.8, 0.05, 0.05, 0.1], // street
  [0.8, 0.1, 0.1], // line 2
  [0.85, 0.05, 0.1], // postcode
  [0.85, 0.05, 0.1], // city
  [0.85, 0.05, 0.1], // phone
  [0.8, 0.05, 0.15], // email
  [0.85, 0.1, 0.05], // company
];
const DEFAULT_U: number[][] = [
  [0.002, 0.0004, 0.004, 0.0008, 0.01, 0.9828],
  [0.001, 0.01, 0.989],
  [0.001, 0.005, 0.994],
  [0.00005, 0.00001, 0.0005, 0.012, 0.98744],
  [0.0002, 0.0001, 0.002, 0.9977],
  [0.001, 0.002, 0.997],
  [0.002, 0.01, 0.988],
  [0.005, 0.005, 0.99],
  [0.0001, 0.0001, 0.9998],
  [0.0001, 0.0005, 0.9994],
  [0.01, 0.01, 0.98],
];

export const DEFAULT_PARAMETERS: MatchParameters = {
  m: DEFAULT_M,
  u: DEFAULT_U,
  priorBits: -10,
  lambda: 0,
  source: 'default',
  estimatedAt: null,
  records: 0,
  pairs: 0,
  labels: 0,
  iterations: 0,
};

/** Bits per comparison level: log2(m/u), bounded so one field can never decide alone. */
export function levelWeights(p: MatchParameters): Float64Array[] {
  return p.m.map((ms, f) => {
    const w = Float64Array.from(ms, (m, l) => bound(Math.log2(Math.max(m, 1e-6) / Math.max(p.u[f]![l]!, 1e-9))));
    // Levels are ordered from closest to furthest: a closer agreement is never weaker evidence
    // than a looser one (an estimate can say so when a store has few pairs at some level).
    for (let l = w.length - 2; l >= 0; l--) if (w[l]! < w[l + 1]!) w[l] = w[l + 1]!;
    return w;
  });
}

export const bound = (w: number): number => Math.max(-20, Math.min(20, w));

/** A stored value is trusted only if it has the current shape (comparisons and levels). */
export function validParameters(p: unknown): p is MatchParameters {
  const q = p as MatchParameters | null;
  return (
    !!q &&
    Array.isArray(q.m) &&
    Array.isArray(q.u) &&
    q.m.length === NF &&
    q.u.length === NF &&
    COMPARISONS.every((c, i) => q.m[i]!.length === c.levels.length && q.u[i]!.length === c.levels.length) &&
    typeof q.priorBits === 'number'
  );
}

/** Per comparison level: m, u and weight, for the match-weights chart. */
export function describeParameters(
  p: MatchParameters,
): { field: string; label: string; levels: { level: string; m: number; u: number; weight: number }[] }[] {
  const w = levelWeights(p);
  return COMPARISONS.map((c, f) => ({
    field: c.key,
    label: c.label,
    levels: c.levels.map((level, l) => ({ level, m: p.m[f]![l]!, u: p.u[f]![l]!, weight: Math.round(w[f]![l]! * 100) / 100 })),
  }));
}
