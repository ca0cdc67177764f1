// the vendor's mpdx-phones.txt gives no example bodies, only each route's attribute list (country_code,
// created_at, historic, location, number, primary, source, updated_at, updated_in_db_at,
// valid_values; PUT adds overwrite). These examples are built from that list, with the
// document's types, mapped to canonical and back; and sent to the simulator as documented.
import { afterEach, describe, expect, it } from 'vitest';
import { startMpdxSandbox, type MpdxSandbox } from '../../../src/main/core/sandbox/mpdx';
import { mpdxNumber, mpdxToCanonical, type JsonApiResource, type MpdxBundle } from '../../../src/main/core/vendors/mpdx/mapping';

const PHONE_ATTRS = [
  'country_code',
  'created_at',
  'historic',
  'location',
  'number',
  'primary',
  'source',
  'updated_at',
  'updated_in_db_at',
  'valid_values',
];
const phone = (id: string, a: Record<string, unknown>): JsonApiResource => ({
  id,
  type: 'phone_numbers',
  attributes: {
    country_code: 1,
    created_at: '2018-03-01T10:00:00Z',
    historic: false,
    location: 'home',
    number: '+15035550100',
    primary: false,
    source: 'MPDX',
    updated_at: '2018-03-01T10:00:00Z',
    updated_in_db_at: '2018-03-01T10:00:00Z',
    valid_values: true,
    ...a,
  },
});
const bundle = (phones: JsonApiResource[]): MpdxBundle => ({
  contact: { id: 'c', type: 'contacts', attributes: { name: 'Doe, Jo' } },
  person: { id: 'p', type: 'people', attributes: { first_name: 'Jo' } },
  phones,
  emails: [],
  addresses: [],
});

let sb: MpdxSandbox | undefined;
afterEach(async () => {
  await sb?.server.close();
  sb = undefined;
});

describe('MPDX phone examples from the document', () => {
  it('every documented attribute is in the example, with the documented type', () => {
    const p = phone('1', {});
    expect(Object.keys(p.attributes).sort()).toEqual([...PHONE_ATTRS].sort());
    expect(typeof p.attributes.country_code).toBe('number');
    for (const k of ['historic', 'primary', 'valid_values']) expect(typeof p.attributes[k]).toBe('boolean');
  });

  it('maps number, location (a label) and primary to canonical and back; a historic number ("no longer be used") is not shown', () => {
    const c = mpdxToCanonical(
      bundle([
        phone('1', { number: '+15035550100;ext=12', location: 'office', primary: true }),
        phone('2', { number: '+15035550111', location: 'mobile' }),
        phone('3', { number: '+15035550122', historic: true }),
      ]),
    );
    expect(c.phones).toEqual([
      { e164: '+15035550100', raw: '+15035550100;ext=12', label: 'office', primary: true },
      { e164: '+15035550111', raw: '+15035550111', label: 'mobile', primary: false, mobile: true },
    ]);
    // Back: the number MPDX stores, extension included; the label is the location.
    expect(c.phones!.map((x) => mpdxNumber(x))).toEqual(['+15035550100;ext=12', '+15035550111']);
  });

  it('the simulator takes the documented POST attributes and serves them back on GET …/phones/:id', async () => {
    sb = await startMpdxSandbox({ seed: 2 });
    const k = sb.store.insert('contacts', { name: 'Doe, Jo' });
    const p = sb.store.insert('people', { first_name: 'Jo' }, { contactId: k.id });
    const base = `${sb.baseUrl}/api/v2/contacts/${k.id}/people/${p.id}/phones`;
    const headers = { Authorization: `Bearer ${sb.credentials.jwt}`, 'Content-Type': 'application/vnd.api+json' };
    const sent = {
      country_code: 1,
      historic: false,
      location: 'office',
      number: '(503) 555-0100 ext. 12',
      primary: true,
      source: 'MPDX',
      valid_values: true,
    };
    const res = await fetch(base, { method: 'POST', headers, body: JSON.stringify({ data: { type: 'phone_numbers', attributes: sent } }) });
    expect(res.status).toBe(201);
    const id = ((await res.json()) as { data: { id: string } }).data.id;
    const got = (await (await fetch(`${base}/${id}`, { headers })).json()) as { data: JsonApiResource };
    expect(Object.keys(got.data.attributes).sort()).toEqual(expect.arrayContaining(PHONE_ATTRS));
    expect(got.data.attributes).toMatchObject({ ...sent, number: '+15035550100;ext=12' });
    expect(mpdxToCanonical(bundle([got.data])).phones).toEqual([
      { e164: '+15035550100', raw: '+15035550100;ext=12', label: 'office', primary: true },
    ]);
  });
});
