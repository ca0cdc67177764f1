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
    const { mapping, ignored } = mapHeaders([
      'First Name',
      'surname',
      'E-mail',
      'Mobile',
      'address_1',
      'Suburb',
      'Postcode',
      'STATE',
      'date_of_birth',
      'Favourite colour',
    ]);
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

  it('keeps every row: a bad value drops only that field, with its line and column; unreadable lines are reported', async () => {
    t = await makeTestCore();
    const r = await t.core.csv.import(csv, { source: 'Donors 2024' });
    expect(r.imported).toBe(5);
    expect(r.errors.map((e) => e.line)).toEqual([5, 8]); // quoting that cannot be read
    expect(r.errors[0]!.message).toMatch(/quote/i);
    expect(r.errors[1]!.message).toMatch(/quoted value is not closed/);
    expect(r.warnings).toEqual([
      { line: 3, column: 'email', kind: 'bad-email', message: expect.stringMatching(/"grace@navy" is not an email address; left out/) },
      { line: 3, column: 'phone', kind: 'bad-phone', message: expect.stringMatching(/"555" is not a phone number; left out/) },
      { line: 7, column: '', kind: 'empty', message: expect.stringMatching(/no value/) },
    ]);
    expect(r.summary).toEqual({ 'bad-email': 1, 'bad-phone': 1, empty: 1 });
    const rows = t.core.contacts.list({ limit: 10, offset: 0 }).rows;
    expect(rows.map((x) => x.displayName)).toEqual([
      'Ada Lovelace',
      'Dorothy Vaughan',
      'Grace Hopper',
      'Hopper, Jr Grace',
      'Katherine Johnson',
    ]);
    const grace = rows.find((x) => x.displayName === 'Grace Hopper')!;
    expect(grace.fields).toMatchObject({ address: { city: 'Arlington', postalCode: '22201' }, birthDate: '1906-12-09' }); // the row's good values stay
    expect(grace.fields.emails).toBeUndefined();
    expect(rows[1]!.fields.address?.city).toBe('Hampton\nRoads');
    expect(rows[0]!.vendors).toEqual(['csv']);
    expect(rows[0]!.fields).toMatchObject({
      emails: [{ address: 'ada@analytical.org' }],
      phones: [{ e164: '+16503517500', raw: '(650) 351-7500' }],
      birthDate: '1815-12-10',
      tags: ['pioneer', 'math'],
      address: { city: 'London', postalCode: '10001' },
    });
    expect(t.core.accounts.list()).toMatchObject([{ kind: 'csv', label: 'Donors 2024', recordCount: 5 }]);
  });

  it("headers in Concord's own names, any case style; encodings and delimiters detected; a huge cell left out", async () => {
    t = await makeTestCore();
    const { mapping } = mapHeaders(['givenName', 'family_name', 'Postal Code', 'EXTERNAL-REF', 'streetNumber', 'street1', 'birthDate']);
    expect(mapping).toEqual(['givenName', 'familyName', 'postalCode', 'externalRef', 'streetNumber', 'street1', 'birthDate']);
    const text = 'givenName;familyName;city;notes\nZoë;Ångström;Malmö;é\n';
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    const r16 = await t.core.csv.import(utf16, { source: 'utf16' });
    expect(r16).toMatchObject({ imported: 1, encoding: 'utf-16le', delimiter: ';' });
    const latin1 = Buffer.from('First Name\tSurname\tCity\nJosé\tNúñez\tSão Paulo\n', 'latin1');
    const rl = await t.core.csv.import(latin1, { source: 'latin1' });
    expect(rl).toMatchObject({ imported: 1, encoding: 'windows-1252', delimiter: 'tab' });
    expect(t.core.contacts.list({ search: 'nunez', limit: 5, offset: 0 }).rows[0]!.fields).toMatchObject({
      givenName: 'José',
      familyName: 'Núñez',
      address: { city: 'São Paulo' },
    });
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('given_name,surname\nAda,Byron\n')]);
    expect(await t.core.csv.import(bom, { source: 'bom' })).toMatchObject({ imported: 1, encoding: 'utf-8 (BOM)' });
    const huge = await t.core.csv.import(`given_name,surname,notes\nBig,Cell,${'x'.repeat(60_000)}\n`, { source: 'huge' });
    expect(huge.imported).toBe(1);
    expect(huge.warnings).toEqual([
      { line: 2, column: 'notes', kind: 'too-long', message: expect.stringMatching(/60,000 characters was left out/) },
    ]);
    expect(t.core.contacts.list({ search: 'cell', limit: 1, offset: 0 }).rows[0]!.fields.notes).toBeUndefined();
  });

  it('re-importing the same source updates rows instead of duplicating them', async () => {
    t = await makeTestCore();
    await t.core.csv.import(csv, { source: 'Donors' });
    const again = await t.core.csv.import(csv.replace('London', 'Marylebone'), { source: 'Donors' });
    expect(again).toMatchObject({ created: 0, updated: 5 });
    expect(t.core.contacts.list({ limit: 10, offset: 0 }).total).toBe(5);
    expect(t.core.contacts.list({ search: 'ada', limit: 1, offset: 0 }).rows[0]!.fields.address?.city).toBe('Marylebone');
  });

  it('rejects a file no column of which maps', async () => {
    t = await makeTestCore();
    await expect(t.core.csv.import('colour,size\nred,9\n', { source: 'x' })).rejects.toThrow(/No column could be matched/);
    expect(t.core.accounts.list()).toEqual([]);
  });

  it('exports golden records safe against formula injection', async () => {
    t = await makeTestCore();
    await t.core.csv.import('first name,last name,email,phone,notes\n=cmd|calc,Smith,s@example.org,+16503517500,@SUM(A1)\n', {
      source: 'evil',
    });
    const out = t.core.csv.export().text;
    const [header, line] = out.trim().split('\n');
    expect(header).toMatch(/^"id","given_name","family_name"/);
    expect(line).toContain("'=cmd|calc");
    expect(line).toContain("'+16503517500");
    expect(line).toContain("'@SUM(A1)");
    expect(neutralizeFormula('-2+3')).toBe("'-2+3");
    expect(neutralizeFormula('plain')).toBe('plain');
  });

  it('neutralises a formula at the start of a cell or after a separator a spreadsheet splits on', () => {
    for (const start of ['=', '+', '-', '@', '\t', '\r', '\0']) {
      expect(neutralizeFormula(`${start}cmd|' /C calc'!A0`), JSON.stringify(start)).toBe(`'${start}cmd|' /C calc'!A0`);
      for (const sep of [',', ';', '\t', '\n']) {
        expect(neutralizeFormula(`Acme${sep}${start}cmd`), JSON.stringify(sep + start)).toBe(`'Acme${sep}${start}cmd`);
        expect(neutralizeFormula(`Acme${sep}  ${start}cmd`)).toBe(`'Acme${sep}  ${start}cmd`);
      }
    }
    expect(neutralizeFormula("Acme;=cmd|' /C calc'!A0")).toBe("'Acme;=cmd|' /C calc'!A0");
    expect(neutralizeFormula(' =1+1')).toBe("' =1+1");
    // Ordinary values stay as they are: a hyphen or a plus inside a word is not a cell's start.
    for (const plain of ['Mary-Jane', 'Smith, Jones', '1980-03-07', 'a+b@example.org', '12 Main St; Flat 2', 'AT&T', "O'Neil"])
      expect(neutralizeFormula(plain)).toBe(plain);
  });

  it('quotes every cell of the export, and ordinary values read back as they were', async () => {
    t = await makeTestCore();
    await t.core.csv.import('first name,last name,email,company,notes\nAda,Lovelace,ada@example.org,"Acme;=cmd|\' /C calc\'!A0",\n', {
      source: 'evil',
    });
    const out = t.core.csv.export().text;
    const lines = out.trim().split('\n');
    for (const line of lines) expect(line).toMatch(/^"([^"]|"")*"(,"([^"]|"")*")*$/); // every cell in quotes
    expect(out).toContain(`"'Acme;=cmd|' /C calc'!A0"`);
    expect(out).not.toContain('"Acme;=cmd'); // never bare
    const back = await t.core.csv.import(out, { source: 'again' });
    expect(back.created).toBe(1);
    const ada = t.core.contacts
      .list({ search: 'lovelace', limit: 5, offset: 0 })
      .rows.find((r) => r.vendors.length === 1 && r.fields.givenName === 'Ada');
    expect(ada?.fields).toMatchObject({ givenName: 'Ada', familyName: 'Lovelace', emails: [{ address: 'ada@example.org' }] });
  });
});
