// The store keeps a vendor's own text of a record as its raw copy only when it is what
// JSON.stringify would write: checked against JSON.stringify on generated texts, written as
// stringify writes them and every other way JSON allows (spaces, escapes, number forms, a key
// twice, integer keys).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isStringifyOutput } from '../../src/main/core/vendors/stringify-output';

const says = (text: string): boolean => isStringifyOutput(text, JSON.parse(text));

/** JSON text written any way JSON allows, not only as stringify writes it. */
const anyJsonText: fc.Arbitrary<string> = fc.letrec<{ value: string }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom('null', 'true', 'false', '-0', '0', '1.0', '1e2', '1E-2', '-12', '12345678901234567', '123456789012345', '0.5'),
    fc.integer().map(String),
    fc.double({ noNaN: true, noDefaultInfinity: true }).map(String),
    fc.string({ unit: 'binary', maxLength: 6 }).map((s) => JSON.stringify(s)),
    fc.constantFrom('"a\\/b"', '"\\u0041"', '"\\ud800"', '"\\n"', '"é"', '"😀"', '"\\u00e9"', '"\\""'),
    fc.array(tie('value'), { maxLength: 4 }).map((xs) => `[${xs.join(',')}]`),
    fc
      .array(fc.tuple(fc.constantFrom('a', 'b', '1', '10', '__proto__', '', 'é', '-1', '0x'), tie('value')), { maxLength: 4 })
      .map((kvs) => `{${kvs.map(([k, v]) => `"${k}":${v}`).join(',')}}`),
    tie('value').map((v) => ` ${v}`),
    tie('value').map((v) => `[${v} ]`),
  ),
})).value;

describe('isStringifyOutput', () => {
  it('says yes only for the very text JSON.stringify writes, for any JSON text', () => {
    fc.assert(
      fc.property(anyJsonText, (text) => {
        const parsed: unknown = JSON.parse(text);
        if (isStringifyOutput(text, parsed)) expect(JSON.stringify(parsed)).toBe(text);
      }),
      { numRuns: 3000, seed: 20261207 },
    );
    fc.assert(
      fc.property(fc.jsonValue(), fc.constantFrom(undefined, 1, '\t'), (value, indent) => {
        const text = JSON.stringify(value, null, indent);
        const parsed: unknown = JSON.parse(text);
        if (isStringifyOutput(text, parsed)) expect(JSON.stringify(parsed)).toBe(text);
      }),
      { numRuns: 1000, seed: 20261207 },
    );
  });

  it('says yes for records as vendors write them compactly, and no for each form stringify would write otherwise', () => {
    expect(says('{"id":1015,"uuid":"ff4af032","first_name":"Zoë 😀","tags":[],"x":null,"ok":true,"f":false,"n":-5,"o":{"a":[1,{}]}}')).toBe(
      true,
    );
    expect(says('[]')).toBe(true);
    expect(says('"a/b"')).toBe(true);
    for (const text of [
      ' {"a":1}',
      '{"a": 1}',
      '{"a":1.5}',
      '{"a":1e5}',
      '{"a":-0}',
      '{"a":12345678901234567}',
      '{"1":2,"a":3}',
      '{"a":1,"a":2}',
      '{"o":{"a":1,"a":2},"p":{}}',
      '{"a":"\\/"}',
      '{"a":"\\u00e9"}',
      '{"a":"\\ud800"}',
    ])
      expect(says(text), text).toBe(false);
  });
});
