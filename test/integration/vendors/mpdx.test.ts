// MPDX connector against its simulator over HTTP on 127.0.0.1, including the exact
// optimistic-concurrency answers of mpdx_api (docs/vendors/mpdx.md).
import { afterEach, describe, expect, it } from 'vitest';
import { startMpdxSandbox, type MpdxSandbox } from '../../../src/main/core/sandbox/mpdx';
import { generatePopulation } from '../../../src/main/core/sandbox/population';
import { createMpdxConnector, type MpdxConnector } from '../../../src/main/core/vendors/mpdx';
import type { MpdxBundle } from '../../../src/main/core/vendors/mpdx/mapping';
import { FAST_RETRY, failure, pullAll } from '../../helpers/vendor';

let sb: MpdxSandbox | undefined;
afterEach(async () => {
  await sb?.server.close();
  sb = undefined;
});

async function setup(n = 0, pageSize = 100): Promise<{ sb: MpdxSandbox; c: MpdxConnector }> {
  sb = await startMpdxSandbox({ seed: 21, contacts: generatePopulation({ seed: 21, people: 200 }).byVendor.mpdx.slice(0, n) });
  return { sb, c: createMpdxConnector({ baseUrl: sb.baseUrl, credentials: sb.credentials, pageSize, retry: FAST_RETRY }) };
}

const JSONAPI = 'application/vnd.api+json';
async function put(
  sb: MpdxSandbox,
  path: string,
  body: unknown,
): Promise<{ status: number; json: { errors?: Record<string, unknown>[]; data?: { attributes: Record<string, unknown> } } }> {
  const res = await fetch(`${sb.baseUrl}${path}`, {
    method: 'PUT',
    headers: { Authorization: `Bearer ${sb.credentials.jwt}`, 'Content-Type': JSONAPI },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as never };
}

describe('MPDX connector ↔ simulator', () => {
  it('pages contacts with their people, phones, emails and addresses included, one record per person', async () => {
    const { sb, c } = await setup(25, 10);
    const pages = await pullAll(c);
    expect(pages.map((p) => p.records.length)).toEqual([10, 10, 5]);
    expect(pages.map((p) => p.nextCursor?.replace(/:\d+$/, ''))).toEqual(['full:2', 'full:3', undefined]);
    expect(pages[2]!.checkpoint).toMatch(/^since:\d+$/);
    const gets = sb.server.requestLog.filter((r) => r.method === 'GET');
    expect(gets.map((r) => r.path)).toEqual(Array(3).fill('/api/v2/contacts'));
    const rec = pages.flatMap((p) => p.records).find((r) => r.canonical.phones?.length && r.canonical.emails?.length)!;
    expect(rec.remoteId).toMatch(/^[0-9a-f-]{36}\/[0-9a-f-]{36}$/);
    expect(rec.versions.contact).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    expect(rec.versions.person).toMatch(/Z$/);
    expect(Object.keys(rec.versions).some((k) => k.startsWith('phone:'))).toBe(true);
    expect(Object.keys(rec.versions).some((k) => k.startsWith('email:'))).toBe(true);
    expect(rec.canonical.phones![0]!.e164).toMatch(/^\+\d{11,}$/);
  });

  it('pulls incrementally by filter[updated_at] range with a lookback, seeing phone edits through the person', async () => {
    const { sb, c } = await setup(20);
    sb.store.clock.advance(3_600_000);
    const x = sb.seeded[9]!.remoteId;
    sb.store.touch(x.split('/')[1]!, { occupation: 'Nurse' }); // the newest change the full pull sees
    const full = await pullAll(c);
    const checkpoint = full.at(-1)!.checkpoint!;
    expect(checkpoint).toBe(`since:${Math.floor(sb.store.get('people', x.split('/')[1]!)!.updatedAt / 1000) * 1000}`); // MPDX serves whole seconds
    sb.store.clock.advance(3_600_000);
    const [a, b] = [sb.seeded[2]!.remoteId, sb.seeded[5]!.remoteId];
    sb.store.touch(a.split('/')[0]!, { notes: 'Met at the conference' }); // contact edit
    const phone = sb.store.list('phone_numbers', (p) => p.personId === b.split('/')[1])[0];
    if (phone)
      sb.store.touch(phone.id, { location: 'work' }); // touches only the person
    else sb.store.touch(b.split('/')[1]!, { occupation: 'Pilot' });
    const inc = await pullAll(c, checkpoint);
    expect(inc.every((p) => !p.fullScan)).toBe(true);
    // a and b changed; x is read again because it falls inside the five-minute lookback.
    expect(inc.flatMap((p) => p.records.map((r) => r.remoteId)).sort()).toEqual([a, b, x].sort());
    expect(inc.flatMap((p) => p.records).find((r) => r.remoteId === a)!.canonical.notes).toBe('Met at the conference');
    const filtered = sb.server.requestLog.filter((r) => r.query.includes('filter[updated_at]='));
    expect(filtered.map((r) => r.path)).toEqual(['/api/v2/contacts', '/api/v2/contacts/people']);
    const from = new Date(Number(checkpoint.slice(6)) - 5 * 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    expect(filtered[0]!.query).toContain(`filter[updated_at]=${from}..`);
    expect(Number(inc.at(-1)!.checkpoint!.slice(6))).toBeGreaterThan(Number(checkpoint.slice(6)));
  });

  it('reports a bad token as auth, and trades the CAS ticket for a new JWT when the old one expires', async () => {
    const { sb, c } = await setup(2);
    const bad = createMpdxConnector({ baseUrl: sb.baseUrl, credentials: { jwt: `${sb.credentials.jwt}x` }, retry: FAST_RETRY });
    const e = await failure(bad.testConnection());
    expect(e).toMatchObject({ kind: 'auth', status: 401 });
    await c.testConnection();
    sb.store.clock.advance(31 * 86_400_000); // the JWT lives 30 days and is never refreshed
    await expect(c.testConnection()).resolves.toMatchObject({ ok: true });
    expect(sb.server.requestLog.filter((r) => r.path === '/api/v2/user/authenticate').map((r) => r.status)).toEqual([200]);
    expect(sb.server.requestLog.filter((r) => r.status === 401)).toHaveLength(2);
  });

  it('refuses a request without the JSON:API content type (415) or with a foreign Accept (406)', async () => {
    const { sb } = await setup(1);
    const [cid] = sb.seeded[0]!.remoteId.split('/');
    const r415 = await fetch(`${sb.baseUrl}/api/v2/contacts/${cid}`, {
      method: 'PUT',
      headers: { Authorization: `Bearer ${sb.credentials.jwt}`, 'Content-Type': 'application/json' },
      body: '{}',
    });
    expect(r415.status).toBe(415);
    const r406 = await fetch(`${sb.baseUrl}/api/v2/contacts`, {
      headers: { Authorization: `Bearer ${sb.credentials.jwt}`, Accept: 'text/html' },
    });
    expect(r406.status).toBe(406);
  });

  it('waits out 429s, retries 500s with HTML bodies, reports malformed bodies', async () => {
    const { sb, c } = await setup(3);
    // Planned, not timed: the next two answers are 429s (a timer racing the retries flaked under load).
    const at = sb.server.requestCount;
    sb.server.failAt(at + 1, '429');
    sb.server.failAt(at + 2, '429');
    await expect(c.testConnection()).resolves.toMatchObject({ ok: true });
    sb.server.failNext('500');
    await expect(c.read(sb.seeded[0]!.remoteId)).resolves.toMatchObject({ remoteId: sb.seeded[0]!.remoteId });
    expect(sb.server.requestLog.some((r) => r.status === 500)).toBe(true);
    sb.server.faults.malformedRate = 1;
    expect((await failure(pullAll(c))).kind).toBe('malformed');
    sb.server.faults.malformedRate = 0;
    expect((await pullAll(c)).flatMap((x) => x.records)).toHaveLength(3);
  });

  it('create → read → update → delete, keeping attributes Concord does not know', async () => {
    const { sb, c } = await setup(1); // one contact so the account list can be learned
    const created = await c.create({
      givenName: 'Amy',
      familyName: 'Carmichael',
      emails: [{ address: 'Amy@Dohnavur.org' }],
      phones: [{ e164: '+14155550123', raw: '(415) 555-0123' }],
      address: { street1: '1 Mission Rd', city: 'Tirunelveli', country: 'IN' },
      notes: 'Supports monthly',
    });
    const id = created.remoteId;
    expect(created.record!.canonical).toMatchObject({
      givenName: 'Amy',
      familyName: 'Carmichael',
      emails: [{ address: 'amy@dohnavur.org' }],
      phones: [{ e164: '+14155550123' }],
      notes: 'Supports monthly',
    });
    const [cid, pid] = id.split('/');
    sb.store.touch(cid!, { church_name: 'Dohnavur Fellowship', pledge_amount: '75' });
    sb.store.touch(pid!, { legal_first_name: 'Amy Beatrice' });
    const read = await c.read(id);
    sb.store.clock.advance(2000);
    const updated = await c.update(
      id,
      {
        familyName: 'Carmichael-Wilson',
        notes: 'Annual',
        phones: [{ e164: '+14155550199', raw: '415 555 0199' }],
        emails: [{ address: 'amy@dohnavur.org' }, { address: 'amy@example.org' }],
      },
      { raw: read.raw, versions: read.versions },
    );
    const raw = updated.record!.raw as MpdxBundle;
    expect(raw.contact.attributes).toMatchObject({ church_name: 'Dohnavur Fellowship', pledge_amount: '75', notes: 'Annual' });
    expect(raw.person.attributes).toMatchObject({ legal_first_name: 'Amy Beatrice', last_name: 'Carmichael-Wilson' });
    // The old number is retired, not rewritten in place (the vendor's mpdx-phones.txt: historic "should
    // be true when a phone number should no longer be used"); the new one and the second email created.
    const oldPhone = (read.raw as MpdxBundle).phones[0]!;
    expect(raw.phones.find((p) => p.id === oldPhone.id)?.attributes).toMatchObject({ number: '+14155550123', historic: true });
    expect(updated.record!.canonical.phones).toMatchObject([{ e164: '+14155550199' }]);
    expect(updated.record!.canonical.emails!.map((e) => e.address).sort()).toEqual(['amy@dohnavur.org', 'amy@example.org']);
    // Only changed attributes go out, each with its own updated_in_db_at; nothing is DELETEd.
    const puts = sb.server.requestLog.filter((r) => r.method === 'PUT');
    expect(puts.map((r) => r.path.replace(/[0-9a-f-]{36}/g, ':id'))).toEqual([
      '/api/v2/contacts/:id',
      '/api/v2/contacts/:id/people/:id',
      '/api/v2/contacts/:id/people/:id/phones/:id',
    ]);
    expect(sb.server.requestLog.filter((r) => r.method === 'DELETE')).toEqual([]);
    await c.delete(id);
    expect((await failure(c.read(id))).kind).toBe('not_found');
    expect((await failure(c.delete(id))).kind).toBe('not_found');
  });

  it('validates before sending', async () => {
    const { sb, c } = await setup(1);
    expect(c.validate({ givenName: '' })[0]!.message).toMatch(/first name/);
    const e = await failure(c.update(sb.seeded[0]!.remoteId, { emails: [{ address: 'nope' }] }, { raw: {}, versions: {} }));
    expect(e.kind).toBe('validation');
    expect(e.fieldErrors?.emails?.[0]).toMatch(/not an email/);
    // birthDate=yesterday once reached MPDX as a cleared birthday.
    const b = await failure(c.update(sb.seeded[0]!.remoteId, { birthDate: 'yesterday' }, { raw: {}, versions: {} }));
    expect(b.fieldErrors).toEqual({ birthDate: ['birthDate: "yesterday" is not a date (use YYYY-MM-DD)'] });
    expect(sb.server.requestLog.filter((r) => r.method === 'PUT')).toHaveLength(0);
  });

  it('stale updated_in_db_at is a conflict for the person, phone, email and address, naming the server value; overwrite wins', async () => {
    const { sb, c } = await setup(3);
    const id = sb.seeded[0]!.remoteId;
    const [cid, pid] = id.split('/');
    const read = await c.read(id);
    const bundle = read.raw as MpdxBundle;
    sb.store.clock.advance(5000);
    // Someone else edits the person in MPDX after we read it.
    const person = sb.store.touch(pid!, { occupation: 'Teacher' });
    const e = await failure(c.update(id, { familyName: 'Stale' }, { raw: read.raw, versions: read.versions }));
    const current = new Date(Math.floor(person.updatedAt / 1000) * 1000).toISOString().replace('.000Z', 'Z');
    expect(e).toMatchObject({ kind: 'conflict', status: 409, resource: 'person', currentVersion: current });
    expect(e.message).toContain(`is not equal to the current value in the database (${current})`);
    expect(sb.store.get('people', pid!)!.attrs.last_name).not.toBe('Stale');
    // Same second is not a conflict; a newer value is.
    const sameSecond = current.replace('Z', '.999Z');
    expect(
      (
        await put(sb, `/api/v2/contacts/${cid}/people/${pid}`, {
          data: { type: 'people', id: pid, attributes: { middle_name: 'Q', updated_in_db_at: sameSecond } },
        })
      ).status,
    ).toBe(200);
    const later = new Date(Date.parse(current) + 60_000).toISOString();
    const newer = await put(sb, `/api/v2/contacts/${cid}/people/${pid}`, {
      data: { type: 'people', id: pid, attributes: { middle_name: 'R', updated_in_db_at: later } },
    });
    expect(newer.status).toBe(409);
    // Each child resource is checked with its own token.
    for (const [kind, path, list] of [
      ['phone', `/api/v2/contacts/${cid}/people/${pid}/phones`, bundle.phones],
      ['email', `/api/v2/contacts/${cid}/people/${pid}/email_addresses`, bundle.emails],
      ['address', `/api/v2/contacts/${cid}/addresses`, bundle.addresses],
    ] as const) {
      const r = list[0];
      if (!r) continue;
      const type = ({ phone: 'phone_numbers', email: 'email_addresses', address: 'addresses' } as const)[kind];
      const res = await put(sb, `${path}/${r.id}`, {
        data: {
          type,
          id: r.id,
          attributes: { location: kind === 'address' ? 'Mailing' : 'work', updated_in_db_at: '2001-01-01T00:00:00Z' },
        },
      });
      expect(res.status).toBe(409);
      const value = sb.store.get(type, r.id)!.updatedAt;
      const now = new Date(Math.floor(value / 1000) * 1000).toISOString().replace('.000Z', 'Z');
      expect(res.json.errors).toEqual([
        {
          status: '409',
          source: { pointer: '/data/attributes/updated_in_db_at' },
          title: `is not equal to the current value in the database (${now})`,
          detail: `Updated in db at is not equal to the current value in the database (${now})`,
          meta: { updated_in_db_at: now },
        },
      ]);
    }
    // A person chose "keep mine": overwrite skips the check.
    const kept = await c.update(id, { familyName: 'Kept' }, { raw: read.raw, versions: read.versions, overwrite: true });
    expect(kept.record!.canonical.familyName).toBe('Kept');
    expect(sb.store.get('people', pid!)!.attrs.occupation).toBe('Teacher');
    expect(
      (await put(sb, `/api/v2/contacts/${cid}`, { data: { type: 'contacts', id: cid, attributes: { notes: 'x', overwrite: 'true' } } }))
        .status,
    ).toBe(200);
    expect(
      (
        await put(sb, `/api/v2/contacts/${cid}`, {
          data: { type: 'contacts', id: cid, attributes: { notes: 'y', overwrite: 'yes', updated_in_db_at: '2001-01-01T00:00:00Z' } },
        })
      ).status,
    ).toBe(409);
  });

  it('a missing token gives 409 with both errors in order, each carrying the current value', async () => {
    const { sb } = await setup(1);
    const [cid] = sb.seeded[0]!.remoteId.split('/');
    const res = await put(sb, `/api/v2/contacts/${cid}`, { data: { type: 'contacts', id: cid, attributes: { notes: 'no token' } } });
    expect(res.status).toBe(409);
    const now = new Date(Math.floor(sb.store.get('contacts', cid!)!.updatedAt / 1000) * 1000).toISOString().replace('.000Z', 'Z');
    expect(res.json.errors!.map((x) => x.title)).toEqual([
      'has to be sent in the list of attributes in order to update resource',
      `is not equal to the current value in the database (${now})`,
    ]);
    expect(res.json.errors!.every((x) => (x.meta as { updated_in_db_at: string }).updated_in_db_at === now && x.status === '409')).toBe(
      true,
    );
    expect(sb.store.get('contacts', cid!)!.attrs.notes).not.toBe('no token');
    // Another validation error rides along in the same 409.
    const both = await put(sb, `/api/v2/contacts/${cid}`, {
      data: { type: 'contacts', id: cid, attributes: { status: 'Bogus', updated_in_db_at: '2001-01-01T00:00:00Z' } },
    });
    expect(both.status).toBe(409);
    expect(both.json.errors!.map((x) => (x.source as { pointer: string }).pointer)).toEqual([
      '/data/attributes/updated_in_db_at',
      '/data/attributes/status',
    ]);
  });

  it('merges two contacts with MPDX’s own merge, the loser’s people moving to the winner', async () => {
    const { sb, c } = await setup(3);
    const [w, l] = [sb.seeded[0]!.remoteId, sb.seeded[1]!.remoteId];
    await c.mergeContacts(w.split('/')[0]!, l.split('/')[0]!);
    const moved = `${w.split('/')[0]}/${l.split('/')[1]}`;
    await expect(c.read(moved)).resolves.toMatchObject({ remoteId: moved });
    expect((await failure(c.read(l))).kind).toBe('not_found');
  });
});
