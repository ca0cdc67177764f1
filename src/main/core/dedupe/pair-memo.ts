// Interned values and a level per pair of value ids, for pair-levels.ts: equal values are
// equal ids, and a level is looked up in typed arrays, with no object per entry.

/** Interned values: id 0 is the blank value. */
export class Dict {
  readonly values: string[] = [''];
  private readonly ids = new Map<string, number>([['', 0]]);
  id(v: string): number {
    if (v === '') return 0; // most fields of most records: no look-up
    let id = this.ids.get(v);
    if (id === undefined) {
      id = this.values.length;
      this.ids.set(v, id);
      this.values.push(v);
    }
    return id;
  }
}

export const MISS = 127;
/** A memo holds at most this many value pairs (about 9 bytes each, twice over): then it only answers what it holds. */
const MAX_ENTRIES = 1 << 22;

/**
 * Level per ordered pair of value ids: open addressing in one typed array, no object per
 * entry. An entry is two ints side by side, a and (b << 4 | level + 1), so a look-up at a
 * million records' tables is one cache miss, not one per field.
 */
export class PairMemo {
  private slots: Int32Array;
  private mask: number;
  private size = 0;
  constructor(bits = 12) {
    this.slots = new Int32Array(2 << bits).fill(-1);
    this.mask = (1 << bits) - 1;
  }
  get(a: number, b: number): number {
    const { slots, mask } = this;
    let h = hash(a, b) & mask;
    for (;;) {
      const k = slots[2 * h]!;
      if (k === -1) return MISS;
      const bv = slots[2 * h + 1]!;
      if (k === a && bv >>> 4 === b) return (bv & 15) - 1;
      h = (h + 1) & mask;
    }
  }
  set(a: number, b: number, level: number): void {
    // Ids past 2^27 or a level outside -1..14 do not fit an entry: not remembered (never at these sizes).
    if (this.size >= MAX_ENTRIES || b >= 1 << 27 || level < -1 || level > 14) return;
    if (2 * (this.size + 1) > this.mask + 1) this.grow();
    const { slots, mask } = this;
    let h = hash(a, b) & mask;
    while (slots[2 * h] !== -1) h = (h + 1) & mask;
    slots[2 * h] = a;
    slots[2 * h + 1] = (b << 4) | (level + 1);
    this.size++;
  }
  private grow(): void {
    const old = this.slots;
    this.slots = new Int32Array(2 * old.length).fill(-1);
    this.mask = old.length - 1;
    this.size = 0;
    for (let h = 0; h < old.length; h += 2) if (old[h] !== -1) this.set(old[h]!, old[h + 1]! >>> 4, (old[h + 1]! & 15) - 1);
  }
}

/** Both ids mixed, the high bits folded down: the table's index is the low bits. */
const hash = (a: number, b: number): number => {
  const x = Math.imul(a, 0x9e3779b1) ^ Math.imul(b, 0x85ebca77);
  return x ^ (x >>> 15);
};
