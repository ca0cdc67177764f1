// A vendor's body is decoded by Buffer's decoder, not a TextDecoder (vendors/http.ts): the text
// must be the one `new TextDecoder().decode` gives for any bytes, and the bytes handed on for a
// page's digest only when they are exactly that text's UTF-8.
import fc from 'fast-check';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decodeBody } from '../../src/main/core/vendors/http';

const sha1 = (x: string | Uint8Array) => createHash('sha1').update(x).digest('hex');

/** Bytes of any kind: random, valid UTF-8 with or without a BOM, UTF-8 cut or spliced anywhere. */
const bodies: fc.Arbitrary<Uint8Array> = fc.oneof(
  fc.uint8Array({ maxLength: 64 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }).map((s) => Buffer.from(s, 'utf8')),
  fc.string({ unit: 'binary', maxLength: 40 }).map((s) => Buffer.from(`\ufeff${s}`, 'utf8')),
  fc.tuple(fc.string({ unit: 'grapheme', maxLength: 20 }), fc.nat(60), fc.uint8Array({ maxLength: 4 })).map(([s, at, junk]) => {
    const b = Buffer.from(s, 'utf8');
    const cut = Math.min(at, b.length);
    return Buffer.concat([b.subarray(0, cut), junk, b.subarray(cut)]);
  }),
  fc.constantFrom(
    Uint8Array.of(0xef, 0xbb, 0xbf),
    Uint8Array.of(0xef, 0xbb, 0xbf, 0xef, 0xbb, 0xbf),
    Uint8Array.of(0xef, 0xbb),
    Uint8Array.of(0xed, 0xa0, 0x80), // an encoded surrogate
    Uint8Array.of(0xf4, 0x90, 0x80, 0x80), // past U+10FFFF
    Uint8Array.of(0xc0, 0xaf), // overlong
  ),
);

describe('decodeBody', () => {
  it('decodes as TextDecoder does, and hands on the bytes only when they are the text', () => {
    fc.assert(
      fc.property(bodies, (raw) => {
        const body = Buffer.from(raw);
        const { text, bytes } = decodeBody(body);
        expect(text).toBe(new TextDecoder().decode(body));
        if (bytes) {
          expect(Buffer.from(text, 'utf8').equals(Buffer.from(bytes))).toBe(true);
          expect(sha1(bytes)).toBe(sha1(text));
        }
      }),
      { numRuns: 3000 },
    );
    expect(decodeBody(Buffer.from('{"a":"é"}')).bytes).toBeDefined();
    expect(decodeBody(Buffer.from('\ufeff{"a":1}')).bytes).toBeUndefined();
  });
});
