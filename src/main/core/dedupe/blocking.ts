// Blocking (docs/design.md#duplicates-and-matching): only records that share a key are compared — the last 7 digits of a
// phone, an email's local part, phonetic family name + first initial (both ways round, for
// swapped names), company (records with no person's name), postcode + family-name prefix or
// given-name sound, birth date, birth year + both initials, house number + street. Each key is one pass;
// `npm run bench -- dedupe-quality` reports how many true pairs all passes together lose. A block bigger than BIG (a shared switchboard, a
// very common name) is compared by sorted neighbourhood: sorted by name and postcode, each
// record meets only its WINDOW nearest, so the work stays near-linear in the store size.
// Weak keys (postcode, birth date, house) have blocks that grow with the store itself: past
// 100,000 records their cap shrinks (weakCap), and a bigger block meets only its WEAK_WINDOW
// nearest by name: at a million records 28 % fewer pairs, 0.08 % of true pairs lost.
import type { MatchRecord } from './features';
import { formalNames } from './nicknames';
import { soundex } from './match-forms';

export const BIG = 40;
export const WINDOW = 6;
export const WEAK_WINDOW = 3;
/** Key kinds whose blocks are strangers more than namesakes: a postcode, a birth date, a house. */
const WEAK = new Set(['z', 'zg', 'b', 'y', 's']);

/** Whether a blocking key is of a weak kind (its block capped by weakCap, then WEAK_WINDOW wide). */
export const isWeakKey = (key: string): boolean => WEAK.has(key.slice(0, key.indexOf(':')));

/**
 * The weak keys' block cap for a store of `n` records: BIG up to 100,000 (every labelled set
 * and test), then down as 1/√n (13 at a million), never below 10. A weak block's size grows
 * with n, so its pairs per record would too.
 */
export const weakCap = (n: number): number => (n <= 100_000 ? BIG : Math.max(10, Math.round(BIG * Math.sqrt(100_000 / n))));

/**
 * The blocking passes, one per key kind. A key's kind is its prefix, so keys of different
 * passes never meet: a scan can block one pass at a time and hold only that pass's blocks.
 */
const PASSES: ((r: MatchRecord, keys: string[]) => void)[] = [
  // Last 7 digits: a local number written without its area code meets the full one.
  (r, keys) => {
    for (const p of r.phones7) keys.push(`p:${p}`);
  },
  // The email's local part: the same person at another domain (and the same address).
  (r, keys) => {
    for (const e of r.emailLocals) keys.push(`e:${e}`);
    for (const e of r.emails) if (!r.emailLocals.includes(e.split('@')[0]!.split('+')[0]!.replace(/\./g, ''))) keys.push(`e:${e}`);
  },
  (r, keys) => {
    // The given name's initial and those of the formal names it may be short for (Sandy: a, c, s).
    if (r.family) {
      const sound = soundex(r.family);
      for (const i of initials(r.given)) keys.push(`n:${sound}:${i}`);
    }
    // The other way round (once: a record is in a block once, as store/match-keys.ts keeps it).
    if (r.given && r.family) {
      const swapped = `n:${soundex(r.given)}:${r.family[0] ?? ''}`;
      if (!keys.includes(swapped)) keys.push(swapped);
    }
  },
  (r, keys) => {
    if (!r.family && r.full) keys.push(`f:${soundex(r.full)}`);
  },
  (r, keys) => {
    if (r.company && !r.given && !r.family) keys.push(`c:${r.company}`); // an organisation's own record
  },
  (r, keys) => {
    if (r.postcode && r.family) keys.push(`z:${r.postcode}:${r.family.slice(0, 3)}`);
  },
  // A family name changed or mistyped at its start: the given name's sound with the postcode.
  (r, keys) => {
    if (r.postcode && r.given) keys.push(`zg:${r.postcode}:${soundex(r.given)}`);
  },
  // A birth date alone is rare enough (one in ~30,000) to be a block; with a corrupted one,
  // the year and both initials.
  (r, keys) => {
    if (r.birth) keys.push(`b:${r.birth}`);
  },
  (r, keys) => {
    const gi = r.givenCanon[0] ?? '';
    const fi = r.family[0] ?? '';
    if (r.birth && gi && fi) keys.push(`y:${r.birth.slice(0, 4)}:${gi}${fi}`);
  },
  // The house: number and the start of the street name.
  (r, keys) => {
    if (r.streetNumber && r.streetName) keys.push(`s:${r.streetNumber}:${r.streetName.slice(0, 4)}`);
  },
];

export function blockingKeys(r: MatchRecord): string[] {
  const keys: string[] = [];
  for (const pass of PASSES) pass(r, keys);
  return keys;
}

function initials(given: string): string[] {
  const out = given ? [given[0]!] : [''];
  for (const f of formalNames(given)) if (!out.includes(f[0]!)) out.push(f[0]!);
  return out;
}

/** Candidate pairs as [lo, hi] index pairs, each once. With `dirty`, only pairs touching a dirty record. */
export function candidatePairs(records: MatchRecord[], dirty?: Set<number>): [number, number][] {
  const out: [number, number][] = [];
  forEachCandidate(records, (a, b) => out.push([a, b]), dirty);
  return out;
}

/**
 * Visit each candidate pair once (lo < hi), in index order: a 100,000-record scan makes over
 * a million comparisons, and only the few that score well are kept. The number of pairs visited.
 */
export function forEachCandidate(records: MatchRecord[], visit: (lo: number, hi: number) => void, dirty?: Set<number>): number {
  const keys = candidateKeys(records, dirty);
  for (let i = 0; i < keys.length; i++) visit(pairLo(keys[i]!), pairHi(keys[i]!));
  return keys.length;
}

/** A candidate pair's key from its two record indexes (lo < hi). */
export const pairKeyOf = (lo: number, hi: number): number => lo * SPAN + hi;

/** A candidate pair's key: lo * SPAN + hi, so keys sort in index order. */
export const pairLo = (key: number): number => Math.floor(key / SPAN);
export const pairHi = (key: number): number => key % SPAN;

/**
 * Each candidate pair once (lo < hi) as its key (pairLo, pairHi), in index order, in an array
 * of exactly their number. The blocks of every pass are first kept as typed arrays (the
 * members of each block, and each record's places in its blocks); then each record in turn
 * gathers its partners of higher index from all its blocks, drops the repeats (several keys
 * find the same pair) among those few, and appends them. No pair is held twice, so a million
 * records' tens of millions of pairs are never sorted or grown as a whole. With `dirty`, only
 * the dirty records gather (partners on both sides): the work is theirs, not the store's.
 */
export function candidateKeys(records: MatchRecord[], dirty?: Set<number>): Float64Array {
  const got = collectKeys(records, dirty);
  // Joined once the blocks are out of reach: at a million records they and the pairs' chunks
  // are each hundreds of MB, so the joined copy is not made beside both.
  return got instanceof PairList ? got.done() : got;
}

function collectKeys(records: MatchRecord[], dirty?: Set<number>): PairList | Float64Array {
  const n = records.length;
  const b = buildBlocks(records);
  const { start, members, recStart, refBlock, refPos, window } = b;
  let scratch = new Int32Array(1024);
  let got = 0;
  const take = (j: number): void => {
    if (got === scratch.length) {
      const grown = new Int32Array(scratch.length * 2);
      grown.set(scratch);
      scratch = grown;
    }
    scratch[got++] = j;
  };
  /** The partners of record i in its blocks, into scratch (all of them, or those of higher index only). */
  const gather = (i: number, higherOnly: boolean): void => {
    got = 0;
    for (let r = recStart[i]!; r < recStart[i + 1]!; r++) {
      const blk = refBlock[r]!;
      const from = start[blk]!;
      const to = start[blk + 1]!;
      const pos = from + refPos[r]!;
      const w = window[blk]!;
      if (!w) {
        // Members in index order: those after i's own place have higher indexes.
        for (let k = higherOnly ? pos + 1 : from; k < to; k++) if (members[k] !== i) take(members[k]!);
      } else {
        // Sorted neighbourhood: the w nearest on either side in the block's sorted order.
        const lo = Math.max(from, pos - w);
        const hi = Math.min(to - 1, pos + w);
        for (let k = lo; k <= hi; k++) {
          const j = members[k]!;
          if (j !== i && (!higherOnly || j > i)) take(j);
        }
      }
    }
  };
  const out = new PairList();
  if (dirty) {
    for (const i of dirty) {
      gather(i, false);
      for (let k = 0; k < got; k++) {
        const j = scratch[k]!;
        if (records[i]!.personId === records[j]!.personId) continue;
        out.push(i < j ? i * SPAN + j : j * SPAN + i);
      }
    }
    const all = out.done().sort();
    let kept = 0;
    for (let k = 0; k < all.length; k++) if (k === 0 || all[k] !== all[k - 1]) all[kept++] = all[k]!;
    return all.slice(0, kept);
  }
  // Each record's person as a number: a partner's person is then read from one array, not
  // from its record (at a million records, a cache miss per pair).
  const personOf = personNumbers(records);
  for (let i = 0; i < n; i++) {
    gather(i, true);
    if (got === 0) continue;
    const mine = scratch.subarray(0, got).sort();
    const person = personOf[i]!;
    for (let k = 0; k < got; k++) {
      const j = mine[k]!;
      if (k > 0 && j === mine[k - 1]) continue;
      if (personOf[j] === person) continue; // already one person
      out.push(i * SPAN + j);
    }
  }
  return out;
}

function personNumbers(records: MatchRecord[]): Int32Array {
  const ids = new Map<string, number>();
  const out = new Int32Array(records.length);
  for (let i = 0; i < records.length; i++) {
    const p = records[i]!.personId;
    let id = ids.get(p);
    if (id === undefined) ids.set(p, (id = ids.size));
    out[i] = id;
  }
  return out;
}

/** Pair keys appended in chunks, joined once at the end: no doubling copy of tens of millions. */
class PairList {
  private chunks: Float64Array[] = [];
  private cur = new Float64Array(1 << 20);
  private at = 0;
  push(key: number): void {
    if (this.at === this.cur.length) {
      this.chunks.push(this.cur);
      this.cur = new Float64Array(1 << 20);
      this.at = 0;
    }
    this.cur[this.at++] = key;
  }
  done(): Float64Array {
    const all = new Float64Array(this.chunks.length * (1 << 20) + this.at);
    let o = 0;
    for (const c of this.chunks) {
      all.set(c, o);
      o += c.length;
    }
    all.set(this.cur.subarray(0, this.at), o);
    this.chunks = [];
    return all;
  }
}

/** Growable Int32 list. */
class IntList {
  a = new Int32Array(1 << 16);
  n = 0;
  push(v: number): void {
    if (this.n === this.a.length) {
      const g = new Int32Array(this.a.length * 2);
      g.set(this.a);
      this.a = g;
    }
    this.a[this.n++] = v;
  }
}

/**
 * Every pass's blocks of two or more as typed arrays: block `k`'s members are
 * members[start[k] .. start[k+1]) (in index order; sorted by name and postcode when the block
 * is big, window[k] then its sorted-neighbourhood window, else 0), and record `i`'s places are
 * refBlock/refPos[recStart[i] .. recStart[i+1]).
 * One pass's keys (strings) at a time: at a million records all the keys at once are tens of
 * millions of strings; one kind's map is a tenth of that, dropped after it.
 */
function buildBlocks(records: MatchRecord[]): {
  start: Int32Array;
  members: Int32Array;
  recStart: Int32Array;
  refBlock: Int32Array;
  refPos: Int32Array;
  window: Uint8Array;
} {
  const n = records.length;
  // (record, block) entries of every pass, blocks numbered across passes.
  const entRec = new IntList();
  const entBlock = new IntList();
  let blocks = 0;
  const weakBlock = new IntList();
  const keys: string[] = [];
  for (const pass of PASSES) {
    const ids = new Map<string, number>();
    for (const r of records) {
      keys.length = 0;
      pass(r, keys);
      for (const k of keys) {
        let id = ids.get(k);
        if (id === undefined) {
          ids.set(k, (id = blocks + ids.size));
          weakBlock.push(isWeakKey(k) ? 1 : 0);
        }
        entRec.push(r.ix);
        entBlock.push(id);
      }
    }
    blocks += ids.size;
  }
  // Sizes, and single-member blocks dropped (they find no pair).
  const size = new Int32Array(blocks);
  for (let e = 0; e < entBlock.n; e++) size[entBlock.a[e]!]!++;
  const start = new Int32Array(blocks + 1);
  for (let k = 0; k < blocks; k++) start[k + 1] = start[k]! + (size[k]! >= 2 ? size[k]! : 0);
  const members = new Int32Array(start[blocks]!);
  const fill = new Int32Array(blocks);
  const perRec = new Int32Array(n + 1);
  for (let e = 0; e < entBlock.n; e++) if (size[entBlock.a[e]!]! >= 2) perRec[entRec.a[e]! + 1]!++;
  for (let i = 0; i < n; i++) perRec[i + 1]! += perRec[i]!;
  const recStart = perRec;
  const refBlock = new Int32Array(recStart[n]!);
  const refPos = new Int32Array(recStart[n]!);
  const recFill = new Int32Array(n);
  /** The record place (refBlock/refPos index) of each member slot, as first filled. */
  const refAt = new Int32Array(members.length);
  // Entries are in record order within each pass, so each block's members come in index order.
  for (let e = 0; e < entBlock.n; e++) {
    const k = entBlock.a[e]!;
    if (size[k]! < 2) continue;
    const i = entRec.a[e]!;
    const pos = fill[k]!++;
    members[start[k]! + pos] = i;
    const r = recStart[i]! + recFill[i]!++;
    refBlock[r] = k;
    refPos[r] = pos;
    refAt[start[k]! + pos] = r;
  }
  // Big blocks: members in sorted-neighbourhood order (name, postcode; ties in index order),
  // and each record's place in that order. Every record's rank in that order is worked out
  // once, so a block sorts numbers, not strings.
  const window = new Uint8Array(blocks);
  const weakBig = weakCap(n);
  let rank: Int32Array | null = null;
  for (let k = 0; k < blocks; k++) {
    const weak = weakBlock.a[k] === 1;
    if (size[k]! <= (weak ? weakBig : BIG)) continue;
    window[k] = weak ? WEAK_WINDOW : WINDOW;
    rank ??= sortRanks(records);
    const from = start[k]!;
    const len = start[k + 1]! - from;
    // rank * SPAN + place: sorts by rank, then (one record's repeats) by place.
    const order = new Float64Array(len);
    for (let p = 0; p < len; p++) order[p] = rank[members[from + p]!]! * SPAN + p;
    order.sort();
    const was = members.slice(from, from + len);
    for (let q = 0; q < len; q++) {
      const p = order[q]! % SPAN;
      members[from + q] = was[p]!;
      refPos[refAt[from + p]!] = q;
    }
  }
  return { start, members, recStart, refBlock, refPos, window };
}

/** Each record's place when all are sorted by given name (folded), family name and postcode, ties in index order. */
function sortRanks(records: MatchRecord[]): Int32Array {
  const keyOf = records.map(sortKeyOf);
  const byKey = Array.from(records, (_, i) => i).sort((x, y) => (keyOf[x]! < keyOf[y]! ? -1 : keyOf[x]! > keyOf[y]! ? 1 : x - y));
  const rank = new Int32Array(records.length);
  byKey.forEach((ix, q) => (rank[ix] = q));
  return rank;
}

/** What a big block is sorted by (then by index: the store's order). */
export const sortKeyOf = (r: MatchRecord): string => `${r.givenCanon}|${r.family}|${r.postcode}`;

/** Record indexes up to 2^22 (4 million) fit in a pair's number. */
const SPAN = 4_194_304;
