// Clusters from scored pairs. Strongest pairs join first; two groups join only if every
// record of one is plausibly the same as every record of the other (complete linkage
// against a floor), so a single weak link — a shared household phone, a common name —
// cannot chain strangers together. "Not the same" decisions are never crossed.
import type { ScoredPair } from './score';

/**
 * Scored pairs by record index in typed arrays, in the order they were found: a full scan's
 * kept pairs (about a million at a million records) without an object each.
 */
export class ScoredPairList {
  count = 0;
  readonly a: Int32Array;
  readonly b: Int32Array;
  readonly score: Float64Array;

  constructor(capacity: number) {
    this.a = new Int32Array(capacity);
    this.b = new Int32Array(capacity);
    this.score = new Float64Array(capacity);
  }

  add(a: number, b: number, score: number): void {
    this.a[this.count] = a;
    this.b[this.count] = b;
    this.score[this.count++] = score;
  }
}

export interface Cluster {
  members: number[];
  /** The weakest link that holds the cluster together. */
  score: number;
  /** The pairs inside the cluster that were scored. */
  pairs: ScoredPair[];
}

export interface ClusterOptions {
  /** Pairs at or above this are linked. */
  threshold: number;
  /** The mean score across two groups must reach this for them to join (default threshold - 4; 2 more when the joined group would exceed 4 records). */
  floor?: number;
  /** No pair across two joining groups may score below this (default 0). */
  hardFloor?: number;
  maxSize?: number;
  /** Score of a pair not among the candidates (compared on demand). */
  score(a: number, b: number): number;
  /** True when a person said these two are not the same. */
  different?(a: number, b: number): boolean;
}

export function clusterPairs(pairs: ScoredPair[], opts: ClusterOptions): Cluster[] {
  const floor = opts.floor ?? opts.threshold - 4;
  const maxSize = opts.maxSize ?? 40; // 12 cut people with more records in two (recall 0.87 on such a set)
  const hardFloor = opts.hardFloor ?? 0;
  const known = new Map<number, number>();
  for (const p of pairs) known.set(key(p.a, p.b), p.score);
  const scoreOf = (a: number, b: number): number => {
    const k = key(a, b);
    let s = known.get(k);
    if (s === undefined) {
      s = opts.score(a, b);
      known.set(k, s);
    }
    return s;
  };
  const groupOf = new Map<number, { members: number[]; weakest: number; pairs: ScoredPair[] }>();
  const strong = pairs.filter((p) => p.score >= opts.threshold).sort((x, y) => y.score - x.score);
  for (const p of strong) {
    if (opts.different?.(p.a, p.b)) continue;
    const ga = groupOf.get(p.a) ?? { members: [p.a], weakest: Infinity, pairs: [] };
    const gb = groupOf.get(p.b) ?? { members: [p.b], weakest: Infinity, pairs: [] };
    if (ga === gb) {
      ga.pairs.push(p);
      continue;
    }
    if (ga.members.length + gb.members.length > maxSize) continue;
    // Average linkage with a hard floor: the groups must agree on the whole, and no pair
    // across them may look like two different people.
    let ok = true;
    let sum = 0;
    for (const x of ga.members) {
      for (const y of gb.members) {
        const sc = scoreOf(x, y);
        if (opts.different?.(x, y) || sc < hardFloor) {
          ok = false;
          break;
        }
        sum += sc;
      }
      if (!ok) break;
    }
    // Many records per person is common (a person in every campaign list); two big groups
    // must agree more on the whole, or one household's members, sharing address and phone,
    // join through a single corrupted record.
    const big = ga.members.length + gb.members.length > 4;
    if (!ok || sum / (ga.members.length * gb.members.length) < (big ? floor + 2 : floor)) continue;
    const merged = {
      members: [...ga.members, ...gb.members],
      weakest: Math.min(ga.weakest, gb.weakest, p.score),
      pairs: [...ga.pairs, ...gb.pairs, p],
    };
    for (const m of merged.members) groupOf.set(m, merged);
  }
  const seen = new Set<object>();
  const out: Cluster[] = [];
  for (const g of groupOf.values()) {
    if (seen.has(g)) continue;
    seen.add(g);
    out.push({ members: g.members.sort((a, b) => a - b), score: g.weakest, pairs: g.pairs.sort((x, y) => y.score - x.score) });
  }
  return out.sort((x, y) => y.score - x.score || x.members[0]! - y.members[0]!);
}

/** A pair's key as one number (record indexes are below 2^22): no string per pair. */
const key = (a: number, b: number): number => (a < b ? a * 4_194_304 + b : b * 4_194_304 + a);
