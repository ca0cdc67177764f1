// BigChange against its document (the vendor's bigchange-contacts.txt): the create
// model (no email, no phone; name, groupId and location required; customFields whose null value
// unsets), its answers (201, 400, 403, 422), and the group and location a create asks for
// coming from the account's settings, never guessed.
import { afterEach, describe, expect, it } from 'vitest';
import { startBigChangeSandbox, type BigChangeSandbox } from '../../../src/main/core/sandbox/bigchange';
import { createBigChangeConnector } from '../../../src/main/core/vendors/bigchange';
import { vendorDefinition } from '../../../src/main/core/vendors/registry';
import { FAST_RETRY, failure } from '../../helpers/vendor';
import { makeTestCore, type TestCore } from '../../helpers/core';

let sb: BigChangeSandbox | undefined;
let t: TestCore | undefined;
afterEach(async () => {
  await sb?.server.close();
  sb = undefined;
  await t?.core.sandbox.stop();
  t?.cleanup();
  t = undefined;
});

async function start(): Promise<BigChangeSandbox> {
  sb = await startBigChangeSandbox({ seed: 7 });
  return sb;
}

/** Raw calls to the simulator, as the document describes them. */
async function api(
  s: BigChangeSandbox,
): Promise<
  (method: string, path: string, body?: unknown, customerId?: string) => Promise<{ status: number; body: Record<string, unknown> | null }>
> {
  const res = await fetch(`${s.baseUrl}/auth/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: s.credentials.clientId,
      client_secret: s.credentials.clientSecret,
    }),
  });
  const { access_token } = (await res.json()) as { access_token: string };
  return async (method, path, body, customerId = s.credentials.customerId) => {
    const r = await fetch(`${s.baseUrl}/v1${path}`, {
      method,
      headers: { Authorization: `Bearer ${access_token}`, 'Customer-Id': customerId, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await r.text();
    return { status: r.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : null };
  };
}

const VALID = { name: 'Katherine Johnson', groupId: 1, location: { latitude: 37.08, longitude: -76.36 } };

describe('BigChange: the document’s contact model', () => {
  it('the simulator refuses email and phone, which the contact model does not have (400), and stores neither', async () => {
    const s = await start();
    const call = await api(s);
    const withEmail = await call('POST', '/contacts', { ...VALID, email: 'kj@example.org' });
    expect(withEmail.status).toBe(400);
    expect(withEmail.body).toMatchObject({
      status: 400,
      title: 'Bad Request',
      detail: expect.stringMatching(/'email' is not part of the contact model/),
    });
    const created = await call('POST', '/contacts', VALID);
    expect(created).toEqual({ status: 201, body: { id: expect.any(Number) } });
    const id = created.body!.id as number;
    const withPhone = await call('PATCH', `/contacts/${id}`, { phone: '+442079460958' });
    expect(withPhone.status).toBe(400);
    const read = await call('GET', `/contacts/${id}`);
    expect(Object.keys(read.body!).sort()).toEqual([
      'country',
      'customFields',
      'extraInformation',
      'groupId',
      'id',
      'location',
      'name',
      'parentId',
      'postalCode',
      'reference',
      'street',
      'town',
    ]);
  });

  it('the connector holds no email or phone: not in its fields, a create carrying one is refused before it travels, an edit is refused as it is typed', async () => {
    const s = await start();
    const c = createBigChangeConnector({ baseUrl: s.baseUrl, credentials: s.credentials, settings: s.settings, retry: FAST_RETRY });
    for (const f of ['emails', 'phones']) {
      expect(c.fields.read).not.toContain(f);
      expect(c.fields.write).not.toContain(f);
    }
    const e = await failure(
      c.create(
        {
          givenName: 'Mary',
          familyName: 'Jackson',
          emails: [{ address: 'mj@example.org' }],
          phones: [{ e164: '+442079460958', raw: '+442079460958' }],
        },
        { idempotencyKey: 'k' },
      ),
    );
    expect(e.kind).toBe('validation');
    expect(e.message).toMatch(/BigChange cannot hold an email address.*BigChange cannot hold a phone number/);
    expect(s.server.requestLog.filter((r) => r.method === 'POST' && r.path === '/v1/contacts')).toEqual([]);
    // Through the core: a BigChange record refuses an email edit with the reason.
    t = await makeTestCore();
    const acc = await t.core.accounts.add({
      kind: 'bigchange',
      label: 'bc',
      baseUrl: s.baseUrl,
      credentials: s.credentials,
      settings: s.settings,
    });
    s.store.create({ ...VALID });
    await t.core.sync.sync();
    const rec = t.core.store.sqlite.prepare('SELECT id FROM records WHERE account_id = ?').get(acc.id) as { id: string };
    expect(() => t!.core.edits.edit(rec.id, { emails: [{ address: 'kj@example.org' }] })).toThrow(/cannot hold emails/);
  });

  it('a create needs the account’s group and location settings: refused naming the missing one, nothing sent; with them, they are what is sent', async () => {
    const s = await start();
    const conn = (settings?: Record<string, unknown>) =>
      createBigChangeConnector({ baseUrl: s.baseUrl, credentials: s.credentials, settings, retry: FAST_RETRY });
    const noGroup = await failure(conn().create({ givenName: 'Annie', familyName: 'Easley' }, { idempotencyKey: 'k1' }));
    expect(noGroup.kind).toBe('validation');
    expect(noGroup.message).toMatch(/BigChange needs a group for every new contact; set it with the account setting "groupId"/);
    expect(noGroup.message).toMatch(/BigChange needs a location for every new contact; .*"defaultLocation"/);
    const noLocation = await failure(conn({ groupId: 3 }).create({ givenName: 'Annie', familyName: 'Easley' }, { idempotencyKey: 'k2' }));
    expect(noLocation.message).toMatch(/needs a location/);
    expect(noLocation.message).not.toMatch(/needs a group/);
    expect(s.server.requestLog.filter((r) => r.method === 'POST' && r.path === '/v1/contacts')).toEqual([]);
    // The contact's own location wins over the setting; the group is the setting.
    const made = await conn({ groupId: 3 }).create(
      { givenName: 'Annie', familyName: 'Easley', location: { lat: -90, lng: 180 } },
      { idempotencyKey: 'k3' },
    );
    expect(s.store.contacts.get(Number(made.remoteId))).toMatchObject({ groupId: 3, location: { latitude: -90, longitude: 180 } });
    const byDefault = await conn({ groupId: '2', defaultLocation: { latitude: 53.48, longitude: -2.24 } }).create(
      { givenName: 'Annie', familyName: 'Easley' },
      { idempotencyKey: 'k4' },
    );
    expect(s.store.contacts.get(Number(byDefault.remoteId))).toMatchObject({ groupId: 2, location: { latitude: 53.48, longitude: -2.24 } });
    // As a person types them in the Accounts form or with --setting: text "latitude, longitude".
    const typed = await conn({ groupId: '4', defaultLocation: '51.5072, -0.1276' }).create(
      { givenName: 'Mary', familyName: 'Jackson' },
      { idempotencyKey: 'k5' },
    );
    expect(s.store.contacts.get(Number(typed.remoteId))).toMatchObject({ groupId: 4, location: { latitude: 51.5072, longitude: -0.1276 } });
    expect(
      (
        await failure(
          conn({ groupId: 4, defaultLocation: 'London' }).create({ givenName: 'Mary', familyName: 'Jackson' }, { idempotencyKey: 'k6' }),
        )
      ).message,
    ).toMatch(/defaultLocation/);
  });

  it('the sandbox accounts carry the group and location, so a create works end to end', async () => {
    t = await makeTestCore();
    const { accounts } = await t.core.sandbox.start({ seed: 3, people: 20 });
    const bc = accounts.find((a) => a.kind === 'bigchange')!;
    expect(t.core.accounts.settings(bc.id)).toMatchObject({
      groupId: expect.any(Number),
      defaultLocation: { latitude: expect.any(Number), longitude: expect.any(Number) },
    });
    expect(t.core.accounts.settings(bc.id)).toEqual({ ...t.core.sandbox.info()!.vendors.bigchange!.settings, sandbox: true }); // marked: its test tokens stay with it
    await t.core.sync.sync();
    const { person_id: personId } = t.core.store.sqlite
      .prepare('SELECT person_id FROM records WHERE account_id = ? LIMIT 1')
      .get(bc.id) as { person_id: string };
    const { recordId } = t.core.syncStore.create(bc.id, personId, { givenName: 'Christine', familyName: 'Darden', externalRef: 'CD-1942' });
    const s = await t.core.sync.sync();
    expect(s.accounts.find((a) => a.accountId === bc.id)).toMatchObject({ errors: [], rejected: 0 });
    expect(t.core.syncStore.record(recordId).remoteId).toMatch(/^\d+$/);
  });

  it('required fields and their answers: name, groupId and location on create (422 with an errors map), none of them nullable on update', async () => {
    const s = await start();
    const call = await api(s);
    const empty = await call('POST', '/contacts', {});
    expect(empty.status).toBe(422);
    expect(Object.keys(empty.body!.errors as object).sort()).toEqual(['groupId', 'location', 'name']);
    const noLocation = await call('POST', '/contacts', { ...VALID, location: null });
    expect(noLocation.status).toBe(422);
    expect(Object.keys(noLocation.body!.errors as object)).toEqual(['location']);
    const unknownGroup = await call('POST', '/contacts', { ...VALID, groupId: 999 });
    expect(unknownGroup.status).toBe(422);
    const id = (await call('POST', '/contacts', VALID)).body!.id as number;
    for (const body of [{ location: null }, { name: null }, { groupId: null }, { name: '  ' }])
      expect((await call('PATCH', `/contacts/${id}`, body)).status, JSON.stringify(body)).toBe(422);
    expect((await call('PATCH', `/contacts/${id}`, {})).status).toBe(400);
    expect((await call('POST', '/contacts', { ...VALID, groupId: '1' })).status).toBe(400); // does not bind to an int64
    expect((await call('GET', '/contacts?pageNumber=1&pageSize=1', undefined, '42')).status).toBe(403);
    expect(s.store.contacts.get(id)).toMatchObject(VALID);
  });

  it('locations at the edges of the Earth are held; beyond them refused (422), and the connector refuses clearing one', async () => {
    const s = await start();
    const call = await api(s);
    for (const location of [
      { latitude: 90, longitude: 180 },
      { latitude: -90, longitude: -180 },
      { latitude: 0, longitude: 0 },
    ]) {
      const r = await call('POST', '/contacts', { ...VALID, location });
      expect(r.status).toBe(201);
      expect(s.store.contacts.get(r.body!.id as number)!.location).toEqual(location);
    }
    expect((await call('POST', '/contacts', { ...VALID, location: { latitude: 90.000001, longitude: 0 } })).status).toBe(422);
    expect((await call('POST', '/contacts', { ...VALID, location: { latitude: 0, longitude: -180.5 } })).status).toBe(422);
    const c = createBigChangeConnector({ baseUrl: s.baseUrl, credentials: s.credentials, settings: s.settings, retry: FAST_RETRY });
    const id = String([...s.store.contacts.keys()][0]);
    expect((await failure(c.update(id, { location: null }, { raw: s.store.contacts.get(Number(id)), versions: {} }))).message).toMatch(
      /needs a location for every contact; it cannot be cleared/,
    );
    expect(
      vendorDefinition('bigchange')!
        .validate({ location: { lat: 91, lng: 0 } })
        .map((p) => p.field),
    ).toEqual(['location']);
  });

  it('customFields: a null value unsets that field only; omitted or [] keeps them all; a null on create stores nothing', async () => {
    const s = await start();
    const call = await api(s);
    const id = (
      await call('POST', '/contacts', {
        ...VALID,
        customFields: [
          { definitionId: 7, value: 'Blue' },
          { definitionId: 12, value: 'Gold' },
          { definitionId: 9, value: null },
        ],
      })
    ).body!.id as number;
    const fields = () => s.store.contacts.get(id)!.customFields;
    expect(fields()).toEqual([
      { definitionId: 7, value: 'Blue' },
      { definitionId: 12, value: 'Gold' },
    ]);
    expect((await call('PATCH', `/contacts/${id}`, { name: 'K. Johnson', customFields: [] })).status).toBe(204);
    expect(fields()).toEqual([
      { definitionId: 7, value: 'Blue' },
      { definitionId: 12, value: 'Gold' },
    ]);
    expect(
      (
        await call('PATCH', `/contacts/${id}`, {
          customFields: [
            { definitionId: 12, value: null },
            { definitionId: 3, value: 'New' },
          ],
        })
      ).status,
    ).toBe(204);
    expect(fields()).toEqual([
      { definitionId: 7, value: 'Blue' },
      { definitionId: 3, value: 'New' },
    ]);
    expect((await call('PATCH', `/contacts/${id}`, { extraInformation: 'x' })).status).toBe(204);
    expect(fields()).toEqual([
      { definitionId: 7, value: 'Blue' },
      { definitionId: 3, value: 'New' },
    ]);
  });
});
