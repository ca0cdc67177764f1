import { afterEach, describe, expect, it } from 'vitest';
import { neutralizeFormula } from '../../src/main/core/csv/export';
import { mapHeaders } from '../../src/main/core/csv/headers';
import { parseDate } from '../../src/main/core/normalize/dates';
import { toE164 } from '../../src/main/core/normalize/phone';
import { makeTestCore, type TestCore } from '../helpers/core';

let t: TestCore | undefined;
afterEach(() => t?.cleanup());

describe('normalisation helpers', () => {
  it('phones to E.164 with a default region', () => {
    expect(toE164('(650) 351-7500')).toBe('+16503517500');
    expect(toE164('650.351.7500')).toBe('+16503517500');
    expect(toE164('+44 20 7946 0958')).toBe('+442079460958');
    expect(toE164('020 7946 0958', 'GB')).toBe('+442079460958');
    expect(toE164('12')).toBeNull();
    expect(toE164('')).toBeNull();
  });

  it('dates from the formats vendors and people use', () => {
    expect(parseDate('1985-07-04')).toBe('1985-07-04');
    expect(parseDate('7/4/1985')).toBe('1985-07-04');
    expect(parseDate('25/12/1990')).toBe('1990-12-25');
    expect(parseDate('04/07/1985', { dayFirst: true })).toBe('1985-07-04');
    expect(parseDate(489283200000)).toBe('1985-07-04');
    expect(parseDate(0)).toBeNull(); // LiveVox: 0 means unset
    expect(parseDate('1985-02-31')).toBeNull();
    expect(parseDate('yesterday')).toBeNull();
  });
});

describe('CSV header mapping', () => {
  it('maps common aliases by themselves and honours --map', () => {
    const { mapping, ignored } = mapHeaders(['First Name', 'surname', 'E-mail', 'Mobile', 'address_1', 'Suburb', 'Postcode', 'STATE', 'date_of_birth', 'Favourite colour']);
    expect(mapping).toEqual(['givenName', 'familyName', 'email', 'mobile', 'street1', 'city', 'postalCode', 'region', 'birthDate', null]);
    expect(ignored).toEqual(['Favourite colour']);
    expect(mapHeaders(['Favourite colour'], { 'favourite colour': 'notes' }).mapping).toEqual(['notes']);
    expect(() => mapHeaders(['x'], { x: 'shoeSize' })).toThrow(/not a field/);
  });
});

describe('CSV import and export', () => {
  const csv = [
    'id,given_name,last name,email,phone,city,zip,date_of_birth,tags',
    '1,Ada,Lovelace,ADA@Analytical.org,(650) 351-7500,London,10001,1815-12-10,pioneer;math',
    '2,Grace,Hopper,grace@navy,555,Arlington,22201,12/9/1906,',
    '3,"Hopper, Jr",Grace,gh@example.org,+1 202 555 0143,Arlington,22201,,',
    '4,Alan,"Tur"ing,at@example.org,,,,,',
    '5,Katherine,Johnson,kj@nasa.gov,757-864-1000,Hampton,23681,1918-08-26,nasa',
    '6,,,,,,,,',
    '7,Mary,"Jackson,mj@nasa.gov,,Hampton,,,',
    '8,Dorothy,Vaughan,dv@nasa.gov,,"Hampton',
    'Roads",,,,',
  ].join('\r\n');

  it('loads good rows, reports bad ones with their line numbers', async () => {
    t = await makeTestCore();
    const r = await t.core.csv.import(csv, { source: 'Donors 2024' });
    expect(r.imported).toBe(4);
    expect(r.errors.map((e) => e.line)).toEqual([3, 5, 7, 8]);
    expect(r.errors[0]!.message).toMatch(/"grace@navy" is not an email address.*"555" is not a phone number/);
    expect(r.errors[1]!.message).toMatch(/quote/i);
    expect(r.errors[2]!.message).toMatch(/no name/);
    expect(r.errors[3]!.message).toMatch(/quoted value is not closed/);
    const rows = t.core.contacts.list({ limit: 10, offset: 0 }).rows;
    expect(rows.map((x) => x.displayName)).toEqual(['Ada Lovelace', 'Dorothy Vaughan', 'Hopper, Jr Grace', 'Katherine Johnson']);
    expect(rows[1]!.fields.address?.city).toBe('Hampton\nRoads');
    expect(rows[0]!.vendors).toEqual(['csv']);
    expect(rows[0]!.fields).toMatchObject({ emails: [{ address: 'ada@analytical.org' }], phones: [{ e164: '+16503517500', raw: '(650) 351-7500' }], birthDate: '1815-12-10', tags: ['pioneer', 'math'], address: { city: 'London', postalCode: '10001' } });
    expect(t.core.accounts.list()).toMatchObject([{ kind: 'csv', label: 'Donors 2024', recordCount: 4 }]);
  });

  it('re-importing the same source updates rows instead of duplicating them', async () => {
    t = await makeTestCore();
    await t.core.csv.import(csv, { source: 'Donors' });
    const again = await t.core.csv.import(csv.replace('London', 'Marylebone'), { source: 'Donors' });
    expect(again).toMatchObject({ created: 0, updated: 4 });
    expect(t.core.contacts.list({ limit: 10, offset: 0 }).total).toBe(4);
    expect(t.core.contacts.list({ search: 'ada', limit: 1, offset: 0 }).rows[0]!.fields.address?.city).toBe('Marylebone');
  });

  it('rejects a file no column of which maps', async () => {
    t = await makeTestCore();
    await expect(t.core.csv.import('colour,size\nred,9\n', { source: 'x' })).rejects.toThrow(/No column could be matched/);
    expect(t.core.accounts.list()).toEqual([]);
  });

  it('exports golden records safe against formula injection', async () => {
    t = await makeTestCore();
    await t.core.csv.import('first name,last name,email,phone,notes\n=cmd|calc,Smith,s@example.org,+16503517500,@SUM(A1)\n', { source: 'evil' });
    const out = t.core.csv.export().text;
    const [header, line] = out.trim().split('\n');
    expect(header).toMatch(/^id,given_name,family_name/);
    expect(line).toContain("'=cmd|calc");
    expect(line).toContain("'+16503517500");
    expect(line).toContain("'@SUM(A1)");
    expect(neutralizeFormula('-2+3')).toBe("'-2+3");
    expect(neutralizeFormula('plain')).toBe('plain');
  });
});
