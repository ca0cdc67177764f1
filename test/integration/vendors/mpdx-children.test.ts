// MPDX phones and emails Concord does not show (historic ones), the person delete, and the
// document's phone semantics (the vendor's mpdx-phones.txt): one primary per owner, `location` as a
// label, the single-phone read, attribute types, source-locked fields (docs/vendors/mpdx.md).
import { afterEach, describe, expect, it } from 'vitest';
import { startMpdxSandbox, type MpdxSandbox } from '../../../src/main/core/sandbox/mpdx';
import { createMpdxConnector, type MpdxConnector } from '../../../src/main/core/vendors/mpdx';
import { FAST_RETRY, failure } from '../../helpers/vendor';

let sb: MpdxSandbox | undefined;
afterEach(async () => {
  await sb?.server.close();
  sb = undefined;
});

const JSONAPI = 'application/vnd.api+json';
async function setup(): Promise<{ sb: MpdxSandbox; c: MpdxConnector; cid: string; pid: string }> {
  sb = await startMpdxSandbox({ seed: 3 });
  const s = sb.store;
  const contact = s.insert('contacts', { name: 'Ng, Ann', notes: 'Met at camp', tag_list: ['donor'] });
  const person = s.insert('people', { first_name: 'Ann', last_name: 'Ng' }, { contactId: contact.id });
  s.insert(
    'addresses',
    { street: '1 Old Rd', city: 'Salem', location: 'Home', historic: true, primary_mailing_address: false, source: 'MPDX' },
    { contactId: contact.id },
  );
  s.insert(
    'addresses',
    { street: '5 Beach Way', city: 'Naples', location: 'Seasonal', seasonal: true, primary_mailing_address: true, source: 'MPDX' },
    { contactId: contact.id },
  );
  return {
    sb,
    c: createMpdxConnector({ baseUrl: sb.baseUrl, credentials: sb.credentials, retry: FAST_RETRY }),
    cid: contact.id,
    pid: person.id,
  };
}
const req = async (sb: MpdxSandbox, method: string, path: string, body?: unknown) => {
  const res = await fetch(`${sb.baseUrl}${path}`, {
    method,
    headers: { Authorization: `Bearer ${sb.credentials.jwt}`, Accept: JSONAPI, ...(body ? { 'Content-Type': JSONAPI } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return {
    status: res.status,
    json: (res.status === 204 ? {} : await res.json()) as {
      errors?: { status: string; title: string; source?: { pointer: string } }[];
      data?: { id: string; attributes: Record<string, unknown> };
    },
  };
};

describe('MPDX: children Concord does not show', () => {
  it('a new number retires the old one and never reuses a historic phone (the older one would have taken the new number)', async () => {
    const { sb, c, cid, pid } = await setup();
    const old = sb.store.insert(
      'phone_numbers',
      { number: '+15035550100', location: 'home', primary: false, historic: true, source: 'MPDX' },
      { personId: pid, contactId: cid },
    );
    sb.store.clock.advance(2000);
    const live = sb.store.insert(
      'phone_numbers',
      { number: '+15035550111', location: 'mobile', primary: true, historic: false, source: 'MPDX' },
      { personId: pid, contactId: cid },
    );
    const read = await c.read(`${cid}/${pid}`);
    expect(read.canonical.phones).toMatchObject([{ e164: '+15035550111' }]); // the historic one is not shown
    sb.store.clock.advance(2000);
    await c.update(
      `${cid}/${pid}`,
      { phones: [{ e164: '+15035550199', raw: '503 555 0199', label: 'mobile', primary: true }] },
      { raw: read.raw, versions: read.versions },
    );
    expect(sb.store.get('phone_numbers', old.id)?.attrs).toMatchObject({ number: '+15035550100', historic: true, location: 'home' });
    // The replaced number is kept as history, not rewritten in place; the new one is a new phone.
    expect(sb.store.get('phone_numbers', live.id)?.attrs).toMatchObject({ number: '+15035550111', historic: true, primary: false });
    const fresh = sb.store.list('phone_numbers', (r) => r.personId === pid && r.attrs.historic === false);
    expect(fresh.map((r) => r.attrs)).toMatchObject([{ number: '+15035550199', location: 'mobile', primary: true }]);
  });

  it('an email edit leaves a historic email alone', async () => {
    const { sb, c, cid, pid } = await setup();
    const old = sb.store.insert(
      'email_addresses',
      { email: 'ann@old.org', location: 'home', primary: false, historic: true, source: 'MPDX' },
      { personId: pid, contactId: cid },
    );
    sb.store.insert(
      'email_addresses',
      { email: 'ann@new.org', location: 'home', primary: true, historic: false, source: 'MPDX' },
      { personId: pid, contactId: cid },
    );
    const read = await c.read(`${cid}/${pid}`);
    await c.update(
      `${cid}/${pid}`,
      {
        emails: [
          { address: 'ann@new.org', primary: true },
          { address: 'ann@work.org', label: 'work' },
        ],
      },
      { raw: read.raw, versions: read.versions },
    );
    expect(sb.store.get('email_addresses', old.id)?.attrs).toMatchObject({ email: 'ann@old.org', historic: true });
    expect(
      sb.store
        .list('email_addresses', (r) => r.personId === pid)
        .map((r) => r.attrs.email)
        .sort(),
    ).toEqual(['ann@new.org', 'ann@old.org', 'ann@work.org']);
  });

  it('keeps a phone extension through an edit of another phone', async () => {
    const { sb, c, cid, pid } = await setup();
    const ext = sb.store.insert(
      'phone_numbers',
      { number: '+15035550100;ext=42', location: 'work', primary: true, historic: false, source: 'MPDX' },
      { personId: pid, contactId: cid },
    );
    const read = await c.read(`${cid}/${pid}`);
    await c.update(
      `${cid}/${pid}`,
      { phones: [...read.canonical.phones!, { e164: '+15035550122', raw: '+15035550122', label: 'home' }] },
      { raw: read.raw, versions: read.versions },
    );
    expect(sb.store.get('phone_numbers', ext.id)?.attrs.number).toBe('+15035550100;ext=42');
  });

  it('a new number for a source-locked phone is a new phone; a locked label is refused before anything is sent', async () => {
    const { sb, c, cid, pid } = await setup();
    const locked = sb.store.insert(
      'phone_numbers',
      { number: '+15035550100', location: 'home', primary: true, historic: false, source: 'DataServer' },
      { personId: pid, contactId: cid },
    );
    let read = await c.read(`${cid}/${pid}`);
    const e = await failure(
      c.update(`${cid}/${pid}`, { phones: [{ ...read.canonical.phones![0]!, label: 'work' }] }, { raw: read.raw, versions: read.versions }),
    );
    expect(e.kind).toBe('validation');
    expect(e.message).toMatch(/source is DataServer/);
    expect(sb.server.requestLog.filter((r) => r.method !== 'GET')).toHaveLength(0);
    await c.update(
      `${cid}/${pid}`,
      { phones: [{ e164: '+15035550177', raw: '+15035550177', label: 'home', primary: true }] },
      { raw: read.raw, versions: read.versions },
    );
    expect(sb.store.get('phone_numbers', locked.id)?.attrs).toMatchObject({ number: '+15035550100', historic: true }); // retired as the person asked, never rewritten
    read = await c.read(`${cid}/${pid}`);
    expect(read.canonical.phones).toMatchObject([{ e164: '+15035550177', label: 'home', primary: true }]);
  });

  it('deleting a person, even the last, deletes the person only: the contact keeps its addresses, notes and tags', async () => {
    const { sb, c, cid, pid } = await setup();
    await c.delete(`${cid}/${pid}`);
    expect(sb.store.get('people', pid)).toBeUndefined();
    expect(sb.store.get('contacts', cid)?.attrs).toMatchObject({ notes: 'Met at camp', tag_list: ['donor'] });
    expect(sb.store.list('addresses', (a) => a.contactId === cid)).toHaveLength(2);
    expect(sb.store.deletedRecords).toHaveLength(0);
    expect(sb.server.requestLog.filter((r) => r.method === 'DELETE').map((r) => r.path)).toEqual([`/api/v2/contacts/${cid}/people/${pid}`]);
  });
});

describe('MPDX simulator: phones as docs/mpdx-phones.txt has them', () => {
  it('keeps one primary phone and one primary email per person; the fix-up does not touch updated_at', async () => {
    const { sb, cid, pid } = await setup();
    const base = `/api/v2/contacts/${cid}/people/${pid}`;
    const a = await req(sb, 'POST', `${base}/phones`, {
      data: { type: 'phone_numbers', attributes: { number: '5035550100', primary: true } },
    });
    expect(a.status).toBe(201);
    const aRow = sb.store.get('phone_numbers', a.json.data!.id)!;
    const stamp = aRow.updatedAt;
    sb.store.clock.advance(3000);
    const b = await req(sb, 'POST', `${base}/phones`, {
      data: { type: 'phone_numbers', attributes: { number: '5035550111', primary: true } },
    });
    expect(b.status).toBe(201);
    expect(aRow.attrs.primary).toBe(false);
    expect(aRow.updatedAt).toBe(stamp);
    const e1 = await req(sb, 'POST', `${base}/email_addresses`, {
      data: { type: 'email_addresses', attributes: { email: 'a@x.org', primary: true } },
    });
    await req(sb, 'POST', `${base}/email_addresses`, {
      data: { type: 'email_addresses', attributes: { email: 'b@x.org', primary: true } },
    });
    expect(sb.store.get('email_addresses', e1.json.data!.id)!.attrs.primary).toBe(false);
  });

  it("serves the single-phone read, with 404 for another person's phone or a non-UUID id", async () => {
    const { sb, cid, pid } = await setup();
    const base = `/api/v2/contacts/${cid}/people/${pid}`;
    const made = await req(sb, 'POST', `${base}/phones`, {
      data: { type: 'phone_numbers', attributes: { number: '+44 20 7946 0000', location: 'office', country_code: 44 } },
    });
    const one = await req(sb, 'GET', `${base}/phones/${made.json.data!.id}`);
    expect(one.status).toBe(200);
    expect(one.json.data).toMatchObject({
      id: made.json.data!.id,
      type: 'phone_numbers',
      attributes: { number: '+442079460000', location: 'office', country_code: 44, primary: false, historic: false },
    });
    expect(Object.keys(one.json.data!.attributes).sort()).toEqual(
      expect.arrayContaining([
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
      ]),
    );
    expect((await req(sb, 'GET', `${base}/phones/not-a-uuid`)).status).toBe(404);
    // PUT and PATCH both reach update (docs/vendors/mpdx.md).
    const patched = await req(sb, 'PATCH', `${base}/phones/${made.json.data!.id}`, {
      data: { type: 'phone_numbers', id: made.json.data!.id, attributes: { location: 'home', overwrite: true } },
    });
    expect(patched.json.data!.attributes.location).toBe('home');
    const other = sb.store.insert('people', { first_name: 'Bo' }, { contactId: cid });
    expect((await req(sb, 'GET', `/api/v2/contacts/${cid}/people/${other.id}/phones/${made.json.data!.id}`)).status).toBe(404);
    const email = await req(sb, 'POST', `${base}/email_addresses`, { data: { type: 'email_addresses', attributes: { email: 'A@X.org' } } });
    expect((await req(sb, 'GET', `${base}/email_addresses/${email.json.data!.id}`)).json.data!.attributes.email).toBe('a@x.org');
  });

  it('refuses attributes of the wrong type with a 400 naming the attribute', async () => {
    const { sb, cid, pid } = await setup();
    const base = `/api/v2/contacts/${cid}/people/${pid}/phones`;
    for (const [k, v] of [
      ['primary', 'yes'],
      ['historic', 1],
      ['valid_values', 'true'],
      ['country_code', 'abc'],
      ['location', 5],
      ['source', true],
    ] as const) {
      const r = await req(sb, 'POST', base, { data: { type: 'phone_numbers', attributes: { number: '5035550100', [k]: v } } });
      expect(r.status, k).toBe(400);
      expect(r.json.errors![0]).toMatchObject({ status: '400', source: { pointer: `/data/attributes/${k}` } });
    }
  });

  it('refuses a change to number or location of a phone whose source is not MPDX, TntImport or manual; primary may change', async () => {
    const { sb, cid, pid } = await setup();
    const row = sb.store.insert(
      'phone_numbers',
      { number: '+15035550100', location: 'home', primary: false, historic: false, source: 'DataServer' },
      { personId: pid, contactId: cid },
    );
    const path = `/api/v2/contacts/${cid}/people/${pid}/phones/${row.id}`;
    const token = () => new Date(Math.floor(row.updatedAt / 1000) * 1000).toISOString().replace('.000Z', 'Z');
    const bad = await req(sb, 'PUT', path, {
      data: { type: 'phone_numbers', id: row.id, attributes: { location: 'work', updated_in_db_at: token() } },
    });
    expect(bad.status).toBe(400);
    expect(bad.json.errors![0]!.title).toBe('cannot be changed because the source is not MPDX or TntImport');
    expect(
      (
        await req(sb, 'PUT', path, {
          data: { type: 'phone_numbers', id: row.id, attributes: { number: '503-555-0100', primary: true, updated_in_db_at: token() } },
        })
      ).status,
    ).toBe(200);
    expect(row.attrs).toMatchObject({ number: '+15035550100', primary: true, location: 'home' });
  });
});
