// A zlib stream with a preset dictionary, one fixed-Huffman block, made here in JS: what
// server-copy.ts writes for a vendor's raw copy. zlib spends most of a small record's time on
// work this does not need: deflateReset and the dictionary hashed again for every record (the
// dictionary's hash chains are built here once per vendor), and the block's Huffman trees
// (5–6 µs however small the record; fixed codes cost a few bytes more). Any inflate reads the
// stream (RFC 1950/1951); unpackServerCopy reads it as it reads zlib's.

/** Matches shorter than this are written as literals: one 32-bit read finds a candidate. */
const MIN_MATCH = 4;
const MAX_MATCH = 258;
/** Deflate's window: a match reaches at most this far back (the dictionary, then the record). */
const WINDOW = 32768;
const HASH_BITS = 13;
/** Candidates tried per position, nearest first. */
const MAX_CHAIN = 8;
/** A match this long is taken without looking for a longer one (zlib's nice_length). */
const NICE = 32;
/** Positions inside a longer match are not hashed (as zlib's low levels do): fewer inserts, little lost. */
const MAX_INSERT = 16;

// RFC 1951 3.2.5: length codes 257..285 (base, extra bits), distance codes 0..29.
const LENGTH_BASE = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258];
const LENGTH_EXTRA = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0];
const DIST_BASE = [
  1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385,
  24577,
];
const DIST_EXTRA = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13];

const reverse = (code: number, bits: number): number => {
  let r = 0;
  for (let i = 0; i < bits; i++) r |= ((code >> i) & 1) << (bits - 1 - i);
  return r;
};

/** The fixed literal/length code (RFC 1951 3.2.6), bit-reversed as deflate writes it: code | bits << 16. */
const LITLEN = new Uint32Array(288);
for (let s = 0; s < 288; s++) {
  const [code, bits] = s < 144 ? [0x30 + s, 8] : s < 256 ? [0x190 + s - 144, 9] : s < 280 ? [s - 256, 7] : [0xc0 + s - 280, 8];
  LITLEN[s] = reverse(code, bits) | (bits << 16);
}
/** Per match length 3..258: its symbol's code with the extra bits after it, as one run of bits: value | bits << 24. */
const LENGTH_CODE = new Uint32Array(MAX_MATCH + 1);
for (let c = 0; c < 29; c++) {
  const top = c === 27 ? 257 : c === 28 ? 258 : LENGTH_BASE[c]! + (1 << LENGTH_EXTRA[c]!) - 1;
  for (let len = LENGTH_BASE[c]!; len <= top && len <= MAX_MATCH; len++) {
    const sym = LITLEN[257 + c]!;
    const bits = sym >>> 16;
    const extra = LENGTH_EXTRA[c]!;
    LENGTH_CODE[len] = (sym & 0xffff) | ((len - LENGTH_BASE[c]!) << bits) | ((bits + extra) << 24);
  }
}
/** The 5-bit distance codes, bit-reversed. */
const DIST_CODE = Uint8Array.from({ length: 30 }, (_, c) => reverse(c, 5));
/** Distance code of distances 1..256 at index d-1, of longer ones at 256 + ((d-1) >> 7), as zlib's table. */
const DIST_INDEX = new Uint8Array(512);
for (let c = 0; c < 30; c++) {
  for (let d = DIST_BASE[c]!; d < DIST_BASE[c]! + (1 << DIST_EXTRA[c]!) && d <= WINDOW; d++) {
    if (d <= 256) DIST_INDEX[d - 1] = c;
    else DIST_INDEX[256 + ((d - 1) >> 7)] = c;
  }
}

const hashAt = (b: Uint8Array, i: number): number =>
  Math.imul(b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24), 0x9e3779b1) >>> (32 - HASH_BITS);

/**
 * Adler-32 (RFC 1950) of b[from, to). The sums are doubles, exact below 2^53: for up to
 * WINDOW bytes they stay far below it, so they are reduced once, at the end (zlib reduces
 * every 5,552 bytes to stay within 32 bits). Eight bytes a step: s gains 8a and the bytes
 * weighted 8..1.
 */
export function adler32Of(b: Uint8Array, from: number, to: number): number {
  if (to - from > WINDOW) throw new RangeError('adler32Of: more than a window');
  let a = 1;
  let s = 0;
  let i = from;
  for (; i + 8 <= to; i += 8) {
    const b0 = b[i]!,
      b1 = b[i + 1]!,
      b2 = b[i + 2]!,
      b3 = b[i + 3]!,
      b4 = b[i + 4]!,
      b5 = b[i + 5]!,
      b6 = b[i + 6]!,
      b7 = b[i + 7]!;
    s += 8 * a + 8 * b0 + 7 * b1 + 6 * b2 + 5 * b3 + 4 * b4 + 3 * b5 + 2 * b6 + b7;
    a += b0 + b1 + b2 + b3 + b4 + b5 + b6 + b7;
  }
  for (; i < to; i++) {
    a += b[i]!;
    s += a;
  }
  a %= 65521;
  s %= 65521;
  return ((s << 16) | a) >>> 0;
}

/** One vendor's packer: its dictionary hashed once, a record deflated against it at a time (not re-entrant). */
export class DictionaryDeflater {
  /** The dictionary, then the record being packed: positions in one window, as inflate sees them. */
  private readonly w: Uint8Array;
  /** `w` as a Buffer, to write a record's UTF-8 into (reads go through the plain array: quicker in V8). */
  readonly window: Buffer;
  private readonly dictLength: number;
  private readonly dictId: number;
  /** Latest dictionary position per hash, -1 for none; `dictPrev` chains earlier ones. */
  private readonly dictHead: Int32Array;
  private readonly dictPrev: Int32Array;
  /** The record's own positions, valid while `stamp[h]` is this record's serial number. */
  private readonly recHead: Int32Array;
  private readonly stamp: Uint32Array;
  private readonly recPrev: Int32Array;
  private serial = 0;
  private out: Buffer;

  constructor(dictionary: Buffer, dictId: number) {
    this.dictLength = dictionary.length;
    this.dictId = dictId;
    this.w = new Uint8Array(WINDOW);
    this.window = Buffer.from(this.w.buffer, this.w.byteOffset, this.w.byteLength);
    dictionary.copy(this.window, 0);
    this.dictHead = new Int32Array(1 << HASH_BITS).fill(-1);
    this.dictPrev = new Int32Array(this.dictLength).fill(-1);
    for (let p = 0; p + MIN_MATCH <= this.dictLength; p++) {
      const h = hashAt(this.w, p);
      this.dictPrev[p] = this.dictHead[h]!;
      this.dictHead[h] = p;
    }
    this.recHead = new Int32Array(1 << HASH_BITS);
    this.stamp = new Uint32Array(1 << HASH_BITS);
    this.recPrev = new Int32Array(WINDOW);
    this.out = Buffer.allocUnsafe(4096);
  }

  /** Bytes a record may have here; a longer one goes to zlib. */
  get room(): number {
    return WINDOW - this.dictLength;
  }

  /** Where the record's bytes go in `window` (write them there, then call `deflate`). */
  get recordStart(): number {
    return this.dictLength;
  }

  /**
   * The zlib stream (header with the dictionary's id, one fixed-Huffman block, Adler-32) of the
   * `n` bytes written at `recordStart`, after `skip` bytes left for the caller at the front of
   * the returned buffer.
   */
  deflate(n: number, skip: number): Buffer {
    if (n > this.room) throw new RangeError('record too long for the window');
    const w = this.w;
    const start = this.dictLength;
    const end = start + n;
    // At most 9 bits a byte, the header, the trailer.
    const bound = skip + 16 + Math.ceil((n * 9) / 8);
    if (this.out.length < bound) this.out = Buffer.allocUnsafe(Math.max(bound, 2 * this.out.length));
    const out = this.out;
    let o = skip;
    // CMF 0x78: deflate, 32 KB window. FLG: FDICT, FLEVEL 0 (fastest), the check bits.
    const cmf = 0x78;
    let flg = 0x20;
    flg += 31 - (((cmf << 8) | flg) % 31);
    out[o++] = cmf;
    out[o++] = flg;
    out.writeUInt32BE(this.dictId, o);
    o += 4;

    // Bits go out LSB first; a code (bit-reversed in the tables) is at most 13 bits with its extra bits.
    let bitBuf = 0b011; // BFINAL, BTYPE 01: fixed codes
    let bitCount = 3;

    if (++this.serial > 0xffffffff) {
      this.stamp.fill(0); // stamps of four billion records ago must not be taken for this one's
      this.serial = 1;
    }
    const serial = this.serial;
    const { dictHead, dictPrev, recHead, stamp, recPrev } = this;
    let i = start;
    const lastHashed = end - MIN_MATCH; // a 4-byte read at i needs i + 3 < end
    while (i < end) {
      let bestLen = 0;
      let bestDist = 0;
      let h = 0;
      if (i <= lastHashed) {
        h = hashAt(w, i);
        const limit = Math.min(MAX_MATCH, end - i);
        const nice = Math.min(NICE, limit);
        // The record's own earlier positions (nearest first), then the dictionary's.
        let p = stamp[h] === serial ? recHead[h]! : -1;
        for (let tries = 0; p >= 0 && tries < MAX_CHAIN; tries++) {
          if (w[p + bestLen] === w[i + bestLen]) {
            let k = 0;
            while (k < limit && w[p + k] === w[i + k]) k++;
            if (k > bestLen) {
              bestLen = k;
              bestDist = i - p;
              if (k >= nice) break;
            }
          }
          p = recPrev[p - start]!;
        }
        p = bestLen >= nice ? -1 : dictHead[h]!;
        for (let tries = 0; p >= 0 && tries < MAX_CHAIN; tries++) {
          if (w[p + bestLen] === w[i + bestLen]) {
            // A match may run on past the dictionary's end into the record: the window is one.
            let k = 0;
            while (k < limit && w[p + k] === w[i + k]) k++;
            if (k > bestLen) {
              bestLen = k;
              bestDist = i - p;
              if (k >= nice) break;
            }
          }
          p = dictPrev[p]!;
        }
        // This position into the record's chains (after the search: no match with itself).
        recPrev[i - start] = stamp[h] === serial ? recHead[h]! : -1;
        recHead[h] = i;
        stamp[h] = serial;
      }
      if (bestLen >= MIN_MATCH) {
        const lc = LENGTH_CODE[bestLen]!;
        bitBuf |= (lc & 0xffffff) << bitCount;
        bitCount += lc >>> 24;
        const d = bestDist - 1;
        const dc = d < 256 ? DIST_INDEX[d]! : DIST_INDEX[256 + (d >> 7)]!;
        bitBuf |= DIST_CODE[dc]! << bitCount;
        bitCount += 5;
        while (bitCount >= 8) {
          out[o++] = bitBuf & 0xff;
          bitBuf >>>= 8;
          bitCount -= 8;
        }
        const extra = DIST_EXTRA[dc]!;
        if (extra) {
          bitBuf |= (bestDist - DIST_BASE[dc]!) << bitCount;
          bitCount += extra;
          while (bitCount >= 8) {
            out[o++] = bitBuf & 0xff;
            bitBuf >>>= 8;
            bitCount -= 8;
          }
        }
        // The positions inside a short match go into the chains too (the first one is in already).
        if (bestLen <= MAX_INSERT) {
          for (let k = 1; k < bestLen && i + k <= lastHashed; k++) {
            const q = i + k;
            const hq = hashAt(w, q);
            recPrev[q - start] = stamp[hq] === serial ? recHead[hq]! : -1;
            recHead[hq] = q;
            stamp[hq] = serial;
          }
        }
        i += bestLen;
      } else {
        const lit = LITLEN[w[i]!]!;
        bitBuf |= (lit & 0xffff) << bitCount;
        bitCount += lit >>> 16;
        while (bitCount >= 8) {
          out[o++] = bitBuf & 0xff;
          bitBuf >>>= 8;
          bitCount -= 8;
        }
        i++;
      }
    }
    const eob = LITLEN[256]!;
    bitBuf |= (eob & 0xffff) << bitCount;
    bitCount += eob >>> 16;
    while (bitCount > 0) {
      out[o++] = bitBuf & 0xff;
      bitBuf >>>= 8;
      bitCount -= 8;
    }
    out.writeUInt32BE(adler32Of(w, start, end), o);
    o += 4;
    return Buffer.from(out.subarray(0, o));
  }
}
