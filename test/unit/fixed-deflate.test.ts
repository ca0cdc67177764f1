// The raw copies' own deflate (sync/fixed-deflate.ts) against zlib's inflate: whatever it packs,
// with each vendor's dictionary, inflates back to the very bytes, record after record on one
// packer (its chains must not leak from one record into the next).
import fc from 'fast-check';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { adler32Of, DictionaryDeflater } from '../../src/main/core/sync/fixed-deflate';
import { RAW_DICTIONARIES } from '../../src/main/core/sync/server-copy-dictionaries';
import { VENDORS } from '../../src/shared/domain';

/** Adler-32 as RFC 1950 writes it, one byte at a time. */
function adlerReference(b: Uint8Array): number {
  let a = 1;
  let s = 0;
  for (const x of b) {
    a = (a + x) % 65521;
    s = (s + a) % 65521;
  }
  return ((s << 16) | a) >>> 0;
}

const packers = new Map(
  VENDORS.map((v) => {
    const dictionary = Buffer.from(RAW_DICTIONARIES[v], 'utf8');
    return [v, { dictionary, packer: new DictionaryDeflater(dictionary, adlerReference(dictionary)) }] as const;
  }),
);

/** Pack as server-copy.ts does (8 bytes left in front) and inflate with zlib. */
function roundTrip(vendor: (typeof VENDORS)[number], text: string): { back: string; packed: Buffer } {
  const { dictionary, packer } = packers.get(vendor)!;
  const n = packer.window.write(text, packer.recordStart, 'utf8');
  expect(n).toBe(Buffer.byteLength(text));
  const packed = packer.deflate(n, 8);
  return { back: zlib.inflateSync(packed.subarray(8), { dictionary }).toString('utf8'), packed };
}

/** Text that shares a lot with a dictionary: cut from it, repeated, changed here and there. */
const likeDictionary = (vendor: (typeof VENDORS)[number]): fc.Arbitrary<string> => {
  const dict = RAW_DICTIONARIES[vendor];
  return fc
    .array(
      fc.oneof(
        fc.tuple(fc.nat(dict.length - 1), fc.integer({ min: 1, max: 400 })).map(([at, len]) => dict.slice(at, at + len)),
        fc.string({ unit: 'grapheme', maxLength: 12 }),
        fc.tuple(fc.string({ maxLength: 3, minLength: 1 }), fc.integer({ min: 1, max: 600 })).map(([s, k]) => s.repeat(k)),
      ),
      { maxLength: 12 },
    )
    .map((parts) => parts.join(''));
};

describe('fixed-deflate', () => {
  it('Adler-32 as RFC 1950 writes it, for any bytes up to a window', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 3000 }), fc.nat(7), (bytes, from) => {
        const b = Uint8Array.from(bytes);
        const f = Math.min(from, b.length);
        expect(adler32Of(b, f, b.length)).toBe(adlerReference(b.subarray(f)));
      }),
    );
    const ff = new Uint8Array(32768).fill(255); // the largest sums a window can make
    expect(adler32Of(ff, 0, ff.length)).toBe(adlerReference(ff));
  });

  it('inflates back to the very text, for any text, record after record, with every vendor dictionary', () => {
    for (const vendor of VENDORS) {
      fc.assert(
        fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 3000 }), likeDictionary(vendor)), (text) => {
          // A lone surrogate goes in as UTF-8's replacement character, as Buffer.from writes it.
          expect(roundTrip(vendor, text).back).toBe(Buffer.from(text, 'utf8').toString('utf8'));
        }),
        { numRuns: 150 },
      );
    }
  });

  it('reads a record to the end of its window, long runs and matches into the dictionary', () => {
    for (const vendor of VENDORS) {
      const { packer } = packers.get(vendor)!;
      const dict = RAW_DICTIONARIES[vendor];
      for (const text of [
        '',
        'a',
        'abcd',
        dict,
        dict + dict,
        dict.slice(-300) + dict.slice(0, 300),
        'x'.repeat(packer.room),
        'ü'.repeat(packer.room >> 1),
        Array.from({ length: 4000 }, (_, i) => `v${i % 97}`).join(','),
      ]) {
        const { back, packed } = roundTrip(vendor, text);
        expect(back, `${vendor}: ${text.length}`).toBe(text);
        // Header: deflate with a 32 KB window, a preset dictionary named by its Adler-32.
        expect(packed[8]).toBe(0x78);
        expect(packed[9]! & 0x20).toBe(0x20);
        expect(((packed[8]! << 8) | packed[9]!) % 31).toBe(0);
      }
      expect(() => packer.deflate(packer.room + 1, 8)).toThrow(RangeError);
    }
  });

  it('packs a record like its dictionary to a fraction of its size', () => {
    const ct = RAW_DICTIONARIES.calltools;
    const record = ct.slice(0, ct.indexOf('}{') + 1).replace('Stephanie', 'Zoë');
    const { packed } = roundTrip('calltools', record);
    expect(packed.length).toBeLessThan(record.length / 8);
  });
});
