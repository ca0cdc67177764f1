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
  a: Int32Array;
  b: Int32Array;
  score: Float64Array;

  constructor(capacity = 1024) {
    this.a = new Int32Array(capacity);
    this.b = new Int32Array(capacity);
    this.score = new Float64Array(capacity);
  }

  add(a: number, b: number, score: number): void {
    if (this.count === this.a.length) this.grow();
    this.a[this.count] = a;
    this.b[this.count] = b;
    this.score[this.count++] = score;
  }

  private grow(): void {
    const size = Math.max(16, this.a.length * 2);
    const [a, b, score] = [new Int32Array(size), new Int32Array(size), new Float64Array(size)];
    a.set(this.a);
    b.set(this.b);
    score.set(this.score);
    [this.a, this.b, this.score] = [a, b, score];
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

interface Group {
  members: number[];
  weakest: number;
  /** Indexes of the scored pairs inside the group, in the order they joined. */
  pairs: number[];
}

export function clusterPairs(input: ScoredPair[] | ScoredPairList, opts: ClusterOptions): Cluster[] {
  const floor = opts.floor ?? opts.threshold - 4;
  const maxSize = opts.maxSize ?? 40; // 12 cut people with more records in two (recall 0.87 on such a set)
  const hardFloor = opts.hardFloor ?? 0;
  const list = Array.isArray(input) ? listOf(input) : input;
  const pairOf = (i: number): ScoredPair =>
    Array.isArray(input) ? input[i]! : { a: list.a[i]!, b: list.b[i]!, score: list.score[i]!, reasons: [] };
  const { a: pa, b: pb, score: ps, count } = list;
  const known = new PairScores(list);
  const asked = new Map<number, number>();
  const scoreOf = (a: number, b: number): number => {
    const i = known.find(a, b);
    if (i >= 0) return ps[i]!;
    const k = key(a, b);
    let s = asked.get(k);
    if (s === undefined) {
      s = opts.score(a, b);
      asked.set(k, s);
    }
    return s;
  };
  const groupOf: (Group | undefined)[] = new Array<Group | undefined>(known.records);
  // Strongest first; equal scores in the order found.
  let strongCount = 0;
  for (let i = 0; i < count; i++) if (ps[i]! >= opts.threshold) strongCount++;
  const strong = new Int32Array(strongCount);
  for (let i = 0, j = 0; i < count; i++) if (ps[i]! >= opts.threshold) strong[j++] = i;
  strong.sort((x, y) => ps[y]! - ps[x]! || x - y);
  for (const i of strong) {
    const [a, b, score] = [pa[i]!, pb[i]!, ps[i]!];
    if (opts.different?.(a, b)) continue;
    const ga = groupOf[a] ?? { members: [a], weakest: Infinity, pairs: [] };
    const gb = groupOf[b] ?? { members: [b], weakest: Infinity, pairs: [] };
    if (ga === gb) {
      ga.pairs.push(i);
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
    const merged: Group = {
      members: [...ga.members, ...gb.members],
      weakest: Math.min(ga.weakest, gb.weakest, score),
      pairs: [...ga.pairs, ...gb.pairs, i],
    };
    for (const m of merged.members) groupOf[m] = merged;
  }
  const seen = new Set<Group>();
  const out: Cluster[] = [];
  for (const g of groupOf) {
    if (!g || seen.has(g)) continue;
    seen.add(g);
    out.push({ members: g.members.sort((x, y) => x - y), score: g.weakest, pairs: g.pairs.map(pairOf).sort((x, y) => y.score - x.score) });
  }
  return out.sort((x, y) => y.score - x.score || x.members[0]! - y.members[0]!);
}

function listOf(pairs: ScoredPair[]): ScoredPairList {
  const list = new ScoredPairList(pairs.length);
  for (const p of pairs) list.add(p.a, p.b, p.score);
  return list;
}

/**
 * Each record's scored pairs, to look a pair's score up without a map entry per pair: every
 * record's pair indexes side by side in one array (a record has a handful). Where a pair was
 * scored twice the later score counts.
 */
class PairScores {
  /** One more than the highest record index. */
  readonly records: number;
  private readonly start: Int32Array;
  private readonly other: Int32Array;
  private readonly at: Int32Array;

  constructor(list: ScoredPairList) {
    let n = 0;
    for (let i = 0; i < list.count; i++) n = Math.max(n, list.a[i]! + 1, list.b[i]! + 1);
    this.records = n;
    const start = new Int32Array(n + 1);
    for (let i = 0; i < list.count; i++) {
      start[list.a[i]! + 1]!++;
      start[list.b[i]! + 1]!++;
    }
    for (let r = 0; r < n; r++) start[r + 1]! += start[r]!;
    const fill = start.slice(0, n);
    this.other = new Int32Array(2 * list.count);
    this.at = new Int32Array(2 * list.count);
    for (let i = 0; i < list.count; i++) {
      const [a, b] = [list.a[i]!, list.b[i]!];
      this.other[fill[a]!] = b;
      this.at[fill[a]!++] = i;
      this.other[fill[b]!] = a;
      this.at[fill[b]!++] = i;
    }
    this.start = start;
  }

  /** The index of the last pair scored between a and b; -1 when there is none. */
  find(a: number, b: number): number {
    if (a >= this.records || b >= this.records) return -1;
    // The record with fewer pairs is looked through.
    const [x, y] = this.start[a + 1]! - this.start[a]! <= this.start[b + 1]! - this.start[b]! ? [a, b] : [b, a];
    let found = -1;
    for (let j = this.start[x]!; j < this.start[x + 1]!; j++) if (this.other[j] === y) found = this.at[j]!;
    return found;
  }
}
/** A pair's key as one number (record indexes are below 2^22): no string per pair. */
const key = (a: number, b: number): number => (a < b ? a * 4_194_304 + b : b * 4_194_304 + a);
