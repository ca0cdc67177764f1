// Blocking (DESIGN §5): only records that share a key are compared — same phone, same email,
// phonetic family name + first initial (both ways round, for swapped names), postcode +
// family-name prefix, birth date + initial. A block bigger than BIG (a shared switchboard, a
// very common name) is compared by sorted neighbourhood: sorted by name and postcode, each
// record meets only its WINDOW nearest, so the work stays near-linear in the store size.
import type { MatchRecord } from './features';
import { soundex } from './normalize';

const BIG = 40;
const WINDOW = 8;

export function blockingKeys(r: MatchRecord): string[] {
  const keys: string[] = [];
  for (const p of r.phones) keys.push(`p:${p}`);
  for (const e of r.emails) keys.push(`e:${e}`);
  const gi = r.givenCanon[0] ?? '';
  if (r.family) keys.push(`n:${soundex(r.family)}:${gi}`);
  if (r.given && r.family) keys.push(`n:${soundex(r.given)}:${r.family[0]}`); // the other way round
  if (!r.family && r.full) keys.push(`f:${soundex(r.full)}`);
  if (r.postcode && r.family) keys.push(`z:${r.postcode}:${r.family.slice(0, 3)}`);
  if (r.birth && gi) keys.push(`b:${r.birth}:${gi}`);
  return keys;
}

/** Candidate pairs as [lo, hi] index pairs, each once. With `dirty`, only pairs touching a dirty record. */
export function candidatePairs(records: MatchRecord[], dirty?: Set<number>): [number, number][] {
  const out: [number, number][] = [];
  forEachCandidate(records, (a, b) => out.push([a, b]), dirty);
  return out;
}

/**
 * Visit each candidate pair once (lo < hi) without holding them all: a 100,000-record scan
 * makes over a million comparisons, and only the few that score well are kept.
 */
export function forEachCandidate(records: MatchRecord[], visit: (lo: number, hi: number) => void, dirty?: Set<number>): number {
  const blocks = new Map<string, number[]>();
  for (const r of records) {
    for (const k of blockingKeys(r)) {
      const b = blocks.get(k);
      if (b) b.push(r.ix);
      else blocks.set(k, [r.ix]);
    }
  }
  const seen = new Set<number>();
  let count = 0;
  const add = (a: number, b: number): void => {
    if (a === b) return;
    const lo = a < b ? a : b;
    const hi = a < b ? b : a;
    if (dirty && !dirty.has(lo) && !dirty.has(hi)) return;
    if (records[lo]!.personId === records[hi]!.personId) return; // already one person
    const key = lo * 4_194_304 + hi;
    if (seen.has(key)) return;
    seen.add(key);
    count++;
    visit(lo, hi);
  };
  for (const ids of blocks.values()) {
    if (ids.length < 2) continue;
    if (ids.length <= BIG) {
      for (let i = 0; i < ids.length; i++) for (let j = i + 1; j < ids.length; j++) add(ids[i]!, ids[j]!);
      continue;
    }
    const sortKey = (ix: number): string => {
      const r = records[ix]!;
      return `${r.givenCanon}|${r.family}|${r.postcode}`;
    };
    const sorted = ids.map((ix) => [sortKey(ix), ix] as const).sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
    for (let i = 0; i < sorted.length; i++) for (let j = i + 1; j < Math.min(sorted.length, i + 1 + WINDOW); j++) add(sorted[i]![1], sorted[j]![1]);
  }
  return count;
}
