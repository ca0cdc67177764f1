// Organisation records as a CSV of sites brings them: one "Name" column (no person), a street
// address, a phone often without its area code. Both spellings of a site must meet and match
// — legal suffixes, "&"/"and", "St."/"Saint", abbreviations, extra words — while neighbours on
// the same street with other names stay apart.
import { afterEach, expect, it } from 'vitest';
import { makeTestCore, type TestCore } from '../helpers/core';
import { clusterQuality } from '../helpers/quality';

let t: TestCore | undefined;
afterEach(() => t?.cleanup());

// [entity, name, address, city, phone]
const ROWS: [string, string, string, string, string][] = [
  ['1', "Arnie Morton's of Chicago", '435 S. La Cienega Blvd.', 'Los Angeles', '310/246-1501'],
  ['1', "Arnie Morton's", '435 S. La Cienega Boulevard', 'Los Angeles', '246-1501'],
  ['2', "Art's Delicatessen", '12224 Ventura Blvd.', 'Studio City', '818/762-1221'],
  ['2', "Art's Deli", '12224 Ventura Boulevard', 'Studio City', '818-762-1221'],
  ['3', 'St. Mary Medical Center, Inc.', '1050 Linden Ave', 'Long Beach', '(562) 491-9000'],
  ['3', 'Saint Mary Medical Center', '1050 Linden Avenue', 'Long Beach', '491-9000'],
  ['4', 'Smith & Wollensky', '797 Third Ave.', 'New York', '212/753-1530'],
  ['4', 'Smith and Wollensky LLC', '797 3rd Avenue', 'New York', '753-1530'],
  ['5', 'Hotel Bel-Air', '701 Stone Canyon Rd.', 'Bel Air', '310/472-1211'],
  ['5', 'Bel-Air Hotel', '701 Stone Canyon Road', 'Bel Air', '(310) 472-1211'],
  ['6', 'Grill on the Alley', '9560 Dayton Way', 'Los Angeles', '310/276-0615'],
  ['6', 'The Grill on the Alley', '9560 Dayton Way', 'Beverly Hills', '310-276-0615'],
  // Neighbours: same streets and cities, other names and numbers.
  ['7', 'Campanile', '624 S. La Brea Ave.', 'Los Angeles', '213/938-1447'],
  ['8', 'Matsuhisa', '129 N. La Cienega Blvd.', 'Beverly Hills', '310/659-9639'],
  ['9', 'Jitlada', '5233 1/2 Sunset Blvd.', 'Los Angeles', '213/667-9809'],
  ['10', 'Le Chardonnay', '8284 Melrose Ave.', 'Los Angeles', '213/655-8880'],
  ['11', 'Dan Tana', '9071 Santa Monica Blvd.', 'Los Angeles', '310/275-9444'],
  ['12', 'Pinot Bistro', '12969 Ventura Blvd.', 'Studio City', '818/990-0500'],
  ['13', 'Posto', '14928 Ventura Blvd.', 'Sherman Oaks', '818/784-4400'],
  ['14', 'Long Beach Memorial Medical Center', '2801 Atlantic Ave', 'Long Beach', '(562) 933-2000'],
  ['15', 'Sparks Steak House', '210 E. 46th St.', 'New York', '212/687-4855'],
  ['16', 'Gallagher\u2019s', '228 W. 52nd St.', 'New York', '212/245-5336'],
  ['17', 'Hotel Bel-Air Garden Room', '701 Stone Canyon Rd.', 'Bel Air', '310/472-5234'],
  ['18', 'Grill Concepts', '9560 Dayton Way', 'Los Angeles', '310/276-9999'],
];

it('company-only records meet and match on name, address and a local phone; neighbours stay apart', { timeout: 30_000 }, async () => {
  t = await makeTestCore();
  const csv = ['ref,name,address,city,phone', ...ROWS.map((r, i) => [`site-${i}`, ...r.slice(1)].map((v) => `"${v}"`).join(','))].join(
    '\n',
  );
  const r = await t.core.csv.import(csv, { source: 'sites' });
  expect(r.imported).toBe(ROWS.length);
  const byRef = new Map(
    (t.core.store.sqlite.prepare('SELECT id, local FROM records').all() as { id: string; local: string }[]).map((x) => [
      (JSON.parse(x.local) as { externalRef: string }).externalRef,
      x.id,
    ]),
  );
  const truth = new Map(ROWS.map((row, i) => [byRef.get(`site-${i}`)!, row[0]]));
  const scan = t.core.dedupe.scan({ full: true });
  const q = clusterQuality(scan.clusters, truth);
  expect(q.recall).toBe(1);
  expect(q.precision).toBe(1);
  const smith = scan.clusters.find((c) => c.records.some((x) => x.name.startsWith('Smith')))!;
  expect(smith.reasons.map((x) => x.text)).toEqual(expect.arrayContaining(['same local number 7531530 (one without its area code)']));
});
