// The scanner that cuts a list page into its records as written, checked against JSON.parse on
// generated pages (any JSON values, keys that look like the wanted one, escapes, indentation).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sliceRecords } from '../../src/main/core/vendors/record-slices';
import { readListPage, rememberOf } from '../../src/main/core/vendors/same-page';

describe('sliceRecords', () => {
  it('gives each element as written and the page around an emptied array, for any page', () => {
    const value = fc.jsonValue({ maxDepth: 3 });
    fc.assert(
      fc.property(
        fc.array(value, { maxLength: 8 }),
        fc.dictionary(fc.string(), value, { maxKeys: 4 }),
        fc.constantFrom(undefined, 2, '\t'),
        fc.boolean(),
        (records, extra, indent, before) => {
          const { results: _drop, ...others } = extra as Record<string, unknown>;
          const page = before ? { ...others, results: records, next: 'results' } : { next: '"results":[1]', results: records, ...others };
          const body = JSON.stringify(page, null, indent);
          const s = sliceRecords(body, 'results');
          expect(s).not.toBeNull();
          expect(s!.items.map((x) => JSON.parse(x))).toEqual(JSON.parse(JSON.stringify(records)));
          expect(JSON.parse(s!.envelope)).toEqual(JSON.parse(JSON.stringify({ ...page, results: [] })));
        },
      ),
      { numRuns: 300, seed: 20261124 },
    );
  });

  it('says it cannot when the page is not an object holding that array', () => {
    expect(sliceRecords('[{"id":1}]', 'results')).toBeNull();
    expect(sliceRecords('{"items":[{"id":1}]}', 'results')).toBeNull();
    expect(sliceRecords('{"results":{"id":1}}', 'results')).toBeNull();
    expect(sliceRecords('{"results":[{"id":1},,{"id":2}]}', 'results')).toBeNull();
    expect(sliceRecords('{"results":[{"id":"unterminated}]}', 'results')).toBeNull();
    expect(sliceRecords('<html>502 Bad Gateway</html>', 'results')).toBeNull();
    expect(sliceRecords('{"results":[]}', 'results')).toEqual({ envelope: '{"results":[]}', items: [] });
    expect(sliceRecords('{"a":{"results":[9]},"results":[ {"id":"x\\"]"} , 2 ]}', 'results')).toEqual({
      envelope: '{"a":{"results":[9]},"results":[]}',
      items: ['{"id":"x\\"]"}', '2'],
    });
  });
});

describe('readListPage', () => {
  const res = (text: string) => ({ status: 200, headers: new Headers(), text, method: 'GET' });
  const page = (rows: object[]) => JSON.stringify({ count: rows.length, next: null, results: rows });
  const rows = Array.from({ length: 5 }, (_, i) => ({
    id: i + 1,
    first_name: `N${i}`,
    phone_numbers: [{ id: 10 + i, modified_on: '2026-01-01T00:00:00Z' }],
  }));

  it('parses only the records whose bytes the store does not remember from that page', () => {
    const first = readListPage(undefined, '/p1', res(page(rows)), 'results', 'CallTools');
    expect(first.same).toBeNull();
    expect((first.json.results as unknown[]).length).toBe(5);
    const remember = rememberOf(
      first,
      rows.map((r) => String(r.id)),
    )!;
    const memory = { digest: first.source.digest, remoteIds: remember.remoteIds, itemDigests: remember.itemDigests, nextCursor: null };

    // Same body: nothing parsed, every record unchanged.
    const again = readListPage({ remembered: () => memory }, '/p1', res(page(rows)), 'results', 'CallTools');
    expect(again.same).toMatchObject({ records: [], unchangedIds: ['1', '2', '3', '4', '5'], nextCursor: null });

    // One record changed, one moved, one new: only the changed and the new one are parsed.
    const next = [
      rows[1]!,
      { ...rows[0]!, first_name: 'Changed' },
      rows[2]!,
      rows[3]!,
      rows[4]!,
      { id: 6, first_name: 'New', phone_numbers: [] },
    ];
    const third = readListPage({ remembered: () => memory }, '/p1', res(page(next)), 'results', 'CallTools');
    expect(third.same).toBeNull();
    expect(third.json).toMatchObject({ count: 6, next: null });
    expect(third.json.results).toEqual([
      { ...rows[0], first_name: 'Changed' },
      { id: 6, first_name: 'New', phone_numbers: [] },
    ]);
    expect(third.unchangedIds).toEqual(['2', '3', '4', '5']);
    expect(rememberOf(third, ['1', '6'])!.remoteIds).toEqual(['2', '3', '4', '5', '1', '6']);

    // A different request's memory is never used, and a page that is not JSON is a clear error.
    expect(
      readListPage({ remembered: (k) => (k === '/p1' ? memory : undefined) }, '/p2', res(page(rows)), 'results', 'CallTools').unchangedIds,
    ).toEqual([]);
    expect(() => readListPage(undefined, '/p1', res('<html>502</html>'), 'results', 'CallTools')).toThrow(/not valid JSON/);
  });
});
