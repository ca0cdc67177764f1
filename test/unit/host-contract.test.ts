// The CLI is a host like the window: every request goes through core.dispatch with the
// contract's schemas, and the rules the renderer used to copy (typed values, the send preview,
// the account forms) live in the core behind the contract.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseTypedValues } from '../../src/main/core/contacts/typed-values';
import { rowOf } from '../../src/renderer/src/lib/fields';
import { previewResolution, parsedResolution } from '../../src/main/core/sync/resolution-preview';
import { ACCOUNT_FORMS } from '../../src/main/core/vendors/account-forms';
import { VENDOR_DEFINITIONS } from '../../src/main/core/vendors/registry';
import { makeTestCore, seedAccount, type TestCore } from '../helpers/core';

const ROOT = path.resolve(__dirname, '../..');
const read = (p: string) => fs.readFileSync(path.join(ROOT, p), 'utf8');

describe('hosts go through the contract', () => {
  it('the CLI calls no core service directly (only dispatch, and events for its progress bar)', () => {
    const src = read('src/cli/main.ts') + read('src/cli/edits.ts');
    expect(
      src.match(
        /\bcore\??\.(contacts|accounts|edits|dedupe|csv|sync|status|syncStore|store|journal|scheduler|sandbox|handlers|secretStore)\b/g,
      ),
    ).toBeNull();
    expect(src).toMatch(/c\.dispatch\(key, input\)/);
  });

  it('the renderer carries no copy of the typed-value parser, the send preview or the credential lists', () => {
    const dir = path.join(ROOT, 'src/renderer/src');
    const files = fs
      .readdirSync(dir, { recursive: true })
      .map(String)
      .filter((f) => /\.tsx?$/.test(f));
    const all = files.map((f) => fs.readFileSync(path.join(dir, f), 'utf8')).join('\n');
    expect(all).not.toMatch(/function parseTyped|CREDENTIAL_FIELDS|SETTING_FIELDS|clientSecret|casTicket/);
    expect(all).toMatch(/call\('previewResolution'/);
    expect(all).toMatch(/call\('getAccountForms'/);
  });
});

describe('account forms', () => {
  it('ask for exactly the keys each vendor credentials schema reads, every required one included', () => {
    for (const [vendor, form] of Object.entries(ACCOUNT_FORMS)) {
      const schema = VENDOR_DEFINITIONS[vendor as keyof typeof VENDOR_DEFINITIONS].credentialsSchema as unknown as {
        shape: Record<string, { safeParse(v: unknown): { success: boolean } }>;
      };
      const keys = Object.keys(schema.shape);
      for (const f of form.credentials) expect(keys, `${vendor}.${f.key}`).toContain(f.key);
      const required = keys.filter((k) => !schema.shape[k]!.safeParse(undefined).success);
      for (const k of required)
        expect(
          form.credentials.map((f) => f.key),
          `${vendor} needs ${k}`,
        ).toContain(k);
    }
  });
});

describe('typed values (one parser for the window and the CLI)', () => {
  const current = { givenName: 'Ada', address: { street1: '1 Main St', city: 'Springfield', country: 'US' } };
  it('lists by comma or line, phones typed, yes/no, dotted names, empty clears', () => {
    expect(
      parseTypedValues(
        { emails: 'a@x.org, b@x.org\nc@x.org', tags: 'vip,\n board', doNotContact: 'Yes', givenName: '  Grace ', familyName: '' },
        current,
      ),
    ).toEqual({
      emails: [
        { address: 'a@x.org', primary: true },
        { address: 'b@x.org', primary: false },
        { address: 'c@x.org', primary: false },
      ],
      tags: ['vip', 'board'],
      doNotContact: true,
      givenName: 'Grace',
      familyName: null,
    });
    expect(parseTypedValues({ phones: '(650) 351-7500' }, current, 'US')).toEqual({
      phones: [{ raw: '(650) 351-7500', e164: '+16503517500', primary: true }],
    });
    expect(parseTypedValues({ 'address.city': 'Shelbyville', 'address.country': '' }, current)).toEqual({
      address: { street1: '1 Main St', city: 'Shelbyville' },
    });
  });
  it('reads an address as the window shows it (with or without a second street) or as JSON', () => {
    expect(parseTypedValues({ address: '1 Main St\nSpringfield IL 62701\nUS' }, {})).toEqual({
      address: { street1: '1 Main St', street2: null, city: 'Springfield', region: 'IL', postalCode: '62701', country: 'US' },
    });
    expect(parseTypedValues({ address: '1 Main St\nFlat 2\nLondon SW1A 1AA\nGB' }, {}).address).toMatchObject({
      street1: '1 Main St',
      street2: 'Flat 2',
      country: 'GB',
    });
    expect(parseTypedValues({ address: '{"city":"Paris"}' }, {})).toEqual({ address: { city: 'Paris' } });
  });
  it('an address edited as the window shows it keeps its county (it used to be dropped, unseen)', () => {
    const shown = rowOf('address').show({
      street1: '1 Main St',
      city: 'Portland',
      region: 'OR',
      postalCode: '97201',
      county: 'Multnomah',
      country: 'US',
    });
    expect(shown).toBe('1 Main St\nPortland OR 97201\nCounty: Multnomah\nUS');
    // The person changes the street and leaves the rest as shown.
    expect(parseTypedValues({ address: shown.replace('1 Main St', '2 Main St') }, {}).address).toEqual({
      street1: '2 Main St',
      street2: null,
      city: 'Portland',
      region: 'OR',
      postalCode: '97201',
      county: 'Multnomah',
      country: 'US',
    });
    const withSecond = rowOf('address').show({
      street1: '1 Main St',
      street2: 'Flat 2',
      city: 'Portland',
      county: 'Multnomah',
      country: 'US',
    });
    expect(parseTypedValues({ address: withSecond }, {}).address).toMatchObject({
      street1: '1 Main St',
      street2: 'Flat 2',
      city: 'Portland',
      county: 'Multnomah',
      country: 'US',
    });
    // Taking the county line out clears it.
    expect(parseTypedValues({ address: '1 Main St\nPortland OR 97201\nUS' }, {}).address).not.toHaveProperty('county');
  });
  it('refuses what it cannot read, with the reason', () => {
    expect(() => parseTypedValues({ colour: 'red' }, {})).toThrow(/Unknown field "colour"/);
    expect(() => parseTypedValues({ doNotContact: 'maybe' }, {})).toThrow(/yes or no/);
    expect(() => parseTypedValues({ location: '{bad' }, {})).toThrow(/location takes JSON/);
    expect(() => parseTypedValues({ 'givenName.x': 'y' }, {})).toThrow(/Only address\.\* and custom\.\*/);
  });
});

describe('the send preview', () => {
  const conflict = {
    kind: 'fields' as const,
    fields: [
      { field: 'givenName', local: 'Ada', remote: 'Adah' },
      { field: 'emails', local: [{ address: 'a@x.org', primary: true }], remote: [{ primary: true, address: 'a@x.org' }] },
      { field: 'company', local: 'Acme', remote: 'Acme Ltd' },
    ],
  };
  it('lists only chosen fields whose final value differs from what the vendor holds', () => {
    expect(previewResolution(conflict, { fields: { givenName: { take: 'local' }, emails: { take: 'local' } } })).toEqual([
      { field: 'givenName', value: 'Ada' },
    ]);
    expect(previewResolution(conflict, { take: 'remote' })).toEqual([]);
    expect(
      previewResolution(conflict, parsedResolution({ fields: { company: { typed: '  Acme Ltd ' }, givenName: { typed: '' } } }, {})),
    ).toEqual([{ field: 'givenName', value: null }]);
  });
});

describe('through dispatch', () => {
  let t: TestCore | null = null;
  afterEach(() => t?.cleanup());
  it('editContact takes typed text and the core parses it; bad text is a bad_request that changes nothing', async () => {
    t = await makeTestCore();
    await seedAccount(t.core, 'mpdx', [{ givenName: 'Ada', familyName: 'Lovelace' }]);
    const id = t.core.contacts.list({ limit: 1, offset: 0 }).rows[0]!.id;
    const ok = await t.core.dispatch('editContact', {
      id,
      typed: { emails: 'ada@analytical.org, countess@lovelace.uk', familyName: 'King' },
    });
    expect(ok.ok).toBe(true);
    expect(t.core.contacts.get(id).golden).toMatchObject({
      familyName: 'King',
      emails: [{ address: 'ada@analytical.org', primary: true }, { address: 'countess@lovelace.uk' }],
    });
    const bad = await t.core.dispatch('editContact', { id, typed: { doNotContact: 'perhaps' } });
    expect(bad).toEqual({ ok: false, error: { code: 'bad_request', message: 'doNotContact is yes or no (true or false)' } });
    expect(await t.core.dispatch('getAccountForms', {})).toMatchObject({
      ok: true,
      value: { bigchange: { settings: [{ key: 'groupId' }, { key: 'defaultLocation' }] } },
    });
    expect(await t.core.dispatch('importCsv', { bytes: 'not bytes', source: 'x' })).toMatchObject({
      ok: false,
      error: { code: 'bad_request' },
    });
  });
});
