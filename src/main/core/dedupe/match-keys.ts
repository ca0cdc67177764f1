// A record's blocking keys and counted values as the store keeps them between scans
// (store/match-keys.ts): 53-bit hashes, so a million records' ten million keys are numbers.
// A collision only makes a record a partner to load that blocking then leaves out (blocks are
// formed again from the keys' text), or counts two rare values as one: never a missed pair.
import { BIG, blockingKeys, isWeakKey, sortKeyOf, weakCap, WEAK_WINDOW, WINDOW } from './blocking';
import type { MatchRecord } from './features';
import type { RecordKeys } from '../store/match-keys';

/** 53 bits of a string: two 32-bit FNV-1a style mixes with different seeds. */
export function hash53(s: string): number {
  let h1 = 0x811c9dc5;
  let h2 = 0x9747b28c;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x5bd1e995);
    h2 ^= h2 >>> 15;
  }
  h1 ^= h1 >>> 13;
  h1 = Math.imul(h1, 0xc2b2ae35);
  h1 ^= h1 >>> 16;
  return (h2 >>> 11) * 0x100000000 + (h1 >>> 0);
}

/** A blocking key's hash, odd for a weak key (its block is capped by the store's size, blocking.ts). */
export const keyHash = (key: string): number => {
  const h = hash53(key);
  return h - (h % 2) + (isWeakKey(key) ? 1 : 0);
};

/** The values the weights count (Frequencies, features.ts), each with its kind: what `match_values` holds. */
export function countedValues(r: MatchRecord): string[] {
  const out: string[] = [];
  if (r.family) out.push(`F${r.family}`);
  if (r.givenCanon) out.push(`G${r.givenCanon}`);
  for (const p of r.phones) out.push(`P${p}`);
  for (const e of r.emails) out.push(`E${e}`);
  if (r.company) out.push(`C${r.company}`);
  return out;
}

/** A record's keys and counted values, hashed (each key once). */
export function recordKeys(r: MatchRecord): RecordKeys {
  return {
    rec: r.rowid,
    id: r.id,
    keys: Float64Array.from(new Set(blockingKeys(r).map(keyHash))),
    vals: Float64Array.from(countedValues(r).map(hash53)),
    sort: sortKeyOf(r),
  };
}

/**
 * Each changed record's partners (rowids) as blocking (candidateKeys) finds them, from the kept
 * keys instead of every record: all the members of its small blocks, and in a big one the
 * WINDOW nearest either side (WEAK_WINDOW in a weak block past its cap) in the block's sorted
 * order (by sort key, then rowid). The kept keys must already hold the changed records as they
 * are now.
 */
export function partnersOf(
  changed: readonly RecordKeys[],
  members: (key: number) => number[],
  sorted: (key: number) => [number, string][],
  /** The store's live records: a weak block's cap depends on it (weakCap). */
  n: number,
): Map<number, Set<number>> {
  const out = new Map<number, Set<number>>();
  const weakBig = weakCap(n);
  // A big block sorted once per scan: a common name's block is shared by many changed records.
  const bigBlocks = new Map<number, [number, string][]>();
  for (const c of changed) {
    const mine = new Set<number>();
    for (const key of c.keys) {
      const weak = key % 2 === 1;
      const m = members(key);
      if (m.length <= (weak ? weakBig : BIG)) {
        for (const r of m) if (r !== c.rec) mine.add(r);
        continue;
      }
      let block = bigBlocks.get(key);
      if (!block) bigBlocks.set(key, (block = sorted(key).sort((x, y) => (x[1] < y[1] ? -1 : x[1] > y[1] ? 1 : x[0] - y[0]))));
      const pos = block.findIndex(([r]) => r === c.rec);
      const w = weak ? WEAK_WINDOW : WINDOW;
      for (let k = Math.max(0, pos - w); k <= Math.min(block.length - 1, pos + w); k++) if (block[k]![0] !== c.rec) mine.add(block[k]![0]);
    }
    out.set(c.rec, mine);
  }
  return out;
}
