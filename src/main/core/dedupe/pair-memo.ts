// Interned values and a level per pair of value ids, for pair-levels.ts: equal values are
// equal ids, and a level is looked up in typed arrays, with no object per entry.

/** Interned values: id 0 is the blank value. */
export class Dict {
  readonly values: string[] = [''];
  private readonly ids = new Map<string, number>([['', 0]]);
  id(v: string): number {
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

/** Level per ordered pair of value ids: open addressing in typed arrays, no object per entry. */
export class PairMemo {
  private ka: Int32Array;
  private kb: Int32Array;
  private v: Int8Array;
  private mask: number;
  private size = 0;
  constructor(bits = 12) {
    this.ka = new Int32Array(1 << bits).fill(-1);
    this.kb = new Int32Array(1 << bits);
    this.v = new Int8Array(1 << bits);
    this.mask = (1 << bits) - 1;
  }
  get(a: number, b: number): number {
    const { ka, kb, mask } = this;
    let h = (Math.imul(a, 0x9e3779b1) ^ Math.imul(b, 0x85ebca77)) & mask;
    for (;;) {
      const k = ka[h]!;
      if (k === -1) return MISS;
      if (k === a && kb[h] === b) return this.v[h]!;
      h = (h + 1) & mask;
    }
  }
  set(a: number, b: number, level: number): void {
    if (this.size >= MAX_ENTRIES) return;
    if (2 * (this.size + 1) > this.ka.length) this.grow();
    const { ka, kb, mask } = this;
    let h = (Math.imul(a, 0x9e3779b1) ^ Math.imul(b, 0x85ebca77)) & mask;
    while (ka[h] !== -1) h = (h + 1) & mask;
    ka[h] = a;
    kb[h] = b;
    this.v[h] = level;
    this.size++;
  }
  private grow(): void {
    const { ka, kb, v } = this;
    const cap = ka.length * 2;
    this.ka = new Int32Array(cap).fill(-1);
    this.kb = new Int32Array(cap);
    this.v = new Int8Array(cap);
    this.mask = cap - 1;
    this.size = 0;
    for (let h = 0; h < ka.length; h++) if (ka[h] !== -1) this.set(ka[h]!, kb[h]!, v[h]!);
  }
}
