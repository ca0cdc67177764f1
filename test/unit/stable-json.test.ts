// BigChange's version token hashes the record with its keys sorted. stable-json.ts writes that
// text straight out; it must be the very text the sorted copy gives, for any parsed JSON.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bigChangeContentHash, sortedCopy } from '../../src/main/core/vendors/bigchange/mapping';
import { stableJson } from '../../src/main/core/vendors/stable-json';

const slow = (v: unknown): string => JSON.stringify(sortedCopy(v));

/** Parsed JSON whose keys include what reorders or escapes: index-like keys, quotes, __proto__. */
const parsedJson: fc.Arbitrary<unknown> = fc.jsonValue().chain((v) =>
  fc
    .dictionary(
      fc.constantFrom('0', '10', '2', '01', '-1', '4294967295', '4294967294', '__proto__', 'a"b', 'é', 'Z', 'a', ''),
      fc.jsonValue(),
      {
        maxKeys: 4,
      },
    )
    .map((extra) => JSON.parse(JSON.stringify([v, extra, { nested: [extra, v] }])) as unknown),
);

describe('stableJson', () => {
  it('writes what JSON.stringify writes for the sorted copy, or says undefined', () => {
    let written = 0;
    fc.assert(
      fc.property(
        fc.oneof(
          fc.jsonValue().map((v) => JSON.parse(JSON.stringify(v)) as unknown),
          parsedJson,
        ),
        (v) => {
          const fast = stableJson(v);
          if (fast !== undefined) {
            written++;
            expect(fast).toBe(slow(v));
          }
        },
      ),
      { numRuns: 2000 },
    );
    expect(written).toBeGreaterThan(1000); // the fast path is the usual one
  });

  it('leaves objects with array-index keys to the sorted copy, and the hash is the same either way', () => {
    const withIndex = JSON.parse('{"b":1,"10":2,"2":3,"a":{"0":null}}') as Record<string, unknown>;
    expect(stableJson(withIndex)).toBeUndefined();
    expect(stableJson(JSON.parse('{"01":1,"4294967295":2,"b":[1.5,-0,"x\\"y"]}'))).toBe('{"01":1,"4294967295":2,"b":[1.5,0,"x\\"y"]}');
    const record = JSON.parse(
      '{"id":5000000001,"reference":null,"name":"Joshua Roberts","groupId":1,"location":{"latitude":51.06195825757459,"longitude":-0.023092367220669985},"customFields":[]}',
    ) as Record<string, unknown>;
    // A BigChange record's token and one with index keys, pinned as the build before made them: stored versions compare against them.
    expect(bigChangeContentHash(record)).toBe('38833be2f4a83f05f2e6baa56b90f897');
    expect(bigChangeContentHash(withIndex)).toBe('2d83941e503be9117db99186db47cdef');
  });
});
