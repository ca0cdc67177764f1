// Blocking (docs/design.md#duplicates-and-matching): only records that share a key are compared — the last 7 digits of a
// phone, an email's local part, phonetic family name + first initial (both ways round, for
// swapped names), company (records with no person's name), postcode + family-name prefix or
// given-name sound, birth date, birth year + both initials, house number + street. Each key is one pass;
// `npm run bench -- dedupe-quality` reports how many true pairs all passes together lose. A block bigger than BIG (a shared switchboard, a
// very common name) is compared by sorted neighbourhood: sorted by name and postcode, each
// record meets only its WINDOW nearest, so the work stays near-linear in the store size.
import type { MatchRecord } from './features';
import { formalNames } from './nicknames';
import { soundex } from './match-forms';

const BIG = 40;
const WINDOW = 6;

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
    if (r.family) for (const i of initials(r.given)) keys.push(`n:${soundex(r.family)}:${i}`);
    if (r.given && r.family) keys.push(`n:${soundex(r.given)}:${r.family[0] ?? ''}`); // the other way round
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

/** A candidate pair's key: lo * SPAN + hi, so keys sort in index order. */
export const pairLo = (key: number): number => Math.floor(key / SPAN);
export const pairHi = (key: number): number => key % SPAN;

/**
 * Each candidate pair once (lo < hi) as its key (pairLo, pairHi), in index order, in an array
 * of exactly their number. Pairs are gathered as numbers in a typed array and sorted to drop
 * repeats (several keys find the same pair), which is much cheaper than a set of a few million
 * entries; when the array fills, the repeats are dropped before it grows (a million records
 * find tens of millions of pairs, each several times over).
 */
export function candidateKeys(records: MatchRecord[], dirty?: Set<number>): Float64Array {
  let found = new Float64Array(1 << 16);
  let n = 0;
  /** Sort what was found and drop the repeats, in place. */
  const compact = (): void => {
    const sorted = found.subarray(0, n).sort();
    let kept = 0;
    for (let i = 0; i < n; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) found[kept++] = sorted[i]!;
    n = kept;
  };
  const add = (a: number, b: number): void => {
    if (a === b) return;
    const lo = a < b ? a : b;
    const hi = a < b ? b : a;
    if (dirty && !dirty.has(lo) && !dirty.has(hi)) return;
    if (records[lo]!.personId === records[hi]!.personId) return; // already one person
    if (n === found.length) {
      compact();
      if (n > found.length / 2) {
        const grown = new Float64Array(found.length * 2);
        grown.set(found.subarray(0, n));
        found = grown;
      }
    }
    found[n++] = lo * SPAN + hi;
  };
  const sortKey = (ix: number): string => {
    const r = records[ix]!;
    return `${r.givenCanon}|${r.family}|${r.postcode}`;
  };
  // One pass (key kind) at a time: at a million records all the keys at once are tens of
  // millions of strings and arrays; one kind's blocks are a tenth of that, dropped after it.
  const keys: string[] = [];
  for (const pass of PASSES) {
    const blocks = new Map<string, number[]>();
    for (const r of records) {
      keys.length = 0;
      pass(r, keys);
      for (const k of keys) {
        const b = blocks.get(k);
        if (b) b.push(r.ix);
        else blocks.set(k, [r.ix]);
      }
    }
    for (const ids of blocks.values()) {
      if (ids.length < 2) continue;
      if (ids.length <= BIG) {
        for (let i = 0; i < ids.length; i++) for (let j = i + 1; j < ids.length; j++) add(ids[i]!, ids[j]!);
        continue;
      }
      const sorted = ids.map((ix) => [sortKey(ix), ix] as const).sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
      for (let i = 0; i < sorted.length; i++)
        for (let j = i + 1; j < Math.min(sorted.length, i + 1 + WINDOW); j++) add(sorted[i]![1], sorted[j]![1]);
    }
  }
  compact();
  return found.slice(0, n);
}

/** Record indexes up to 2^22 (4 million) fit in a pair's number. */
const SPAN = 4_194_304;
