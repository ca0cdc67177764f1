// Public labelled data nobody here wrote (FEBRL datasets 1–3, test/fixtures/febrl): imported as
// the files are — leading spaces after every comma, YYYYMMDD birth dates, some corrupted, house
// numbers in their own column, an id column named rec_id — every row is kept.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTestCore, type TestCore } from '../helpers/core';

const DIR = path.resolve(__dirname, '../fixtures/febrl');
let t: TestCore | undefined;
afterEach(() => t?.cleanup());

describe.each([
  ['dataset1.csv', 1000],
  ['dataset2.csv', 5000],
  ['dataset3.csv', 5000],
])('FEBRL %s', (file, rows) => {
  it(`imports all ${rows} rows, with names, addresses and birth dates where they are good`, { timeout: 60_000 }, async () => {
    t = await makeTestCore();
    const bytes = fs.readFileSync(path.join(DIR, file));
    const r = await t.core.csv.import(bytes, { source: file, region: 'AU' }); // soc_sec_id is left out: vendors hold no such number
    expect(r.errors).toEqual([]);
    expect(r.imported).toBe(rows);
    expect(t.core.accounts.list()[0]!.recordCount).toBe(rows);
    // Only values were ever left out, never rows; what was left out says where.
    for (const w of r.warnings)
      expect(w).toMatchObject({ line: expect.any(Number), column: expect.any(String), kind: expect.stringMatching(/^bad-date$/) });
    // A date that is not whole ("19561304") is kept for finding duplicates only, and said so.
    const partial = r.warnings.filter((w) => /kept for finding duplicates only/.test(w.message));
    expect(partial.length).toBeGreaterThan(0);
    const kept = t.core.store.sqlite
      .prepare(
        "SELECT count(*) AS n FROM records WHERE json_extract(local, '$.birthDateText') IS NOT NULL AND json_extract(local, '$.birthDate') IS NULL",
      )
      .get() as { n: number };
    expect(kept.n).toBe(partial.length);
    const first = fs
      .readFileSync(path.join(DIR, file), 'utf8')
      .split('\n')[1]!
      .split(',')
      .map((x) => x.trim());
    const [recId, given, surname, number, street] = first;
    const person = t.core.contacts
      .list({ search: surname || given, limit: 50, offset: 0 })
      .rows.find((x) => x.fields.externalRef === recId)!;
    expect(person.fields).toMatchObject({
      externalRef: recId,
      ...(surname ? { familyName: surname } : {}),
      address: { street1: [number, street].filter(Boolean).join(' ') },
    });
  });
});
