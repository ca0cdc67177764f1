// BigChange connector against its simulator over HTTP on 127.0.0.1.
import { afterEach, describe, expect, it } from 'vitest';
import { startBigChangeSandbox, type BigChangeSandbox } from '../../../src/main/core/sandbox/bigchange';
import { generatePopulation } from '../../../src/main/core/sandbox/population';
import { createBigChangeConnector } from '../../../src/main/core/vendors/bigchange';
import type { Connector } from '../../../src/main/core/vendors/connector';
import { FAST_RETRY, failure, pullAll } from '../../helpers/vendor';

let sb: BigChangeSandbox | undefined;
afterEach(async () => {
  await sb?.server.close();
  sb = undefined;
});

async function setup(n = 0, pageSize = 1000): Promise<{ sb: BigChangeSandbox; c: Connector }> {
  sb = await startBigChangeSandbox({ seed: 31, contacts: generatePopulation({ seed: 31, people: 200 }).byVendor.bigchange.slice(0, n) });
  return {
    sb,
    c: createBigChangeConnector({
      baseUrl: sb.baseUrl,
      credentials: sb.credentials,
      settings: sb.settings,
      pageSize,
      retry: FAST_RETRY,
      now: () => sb!.store.clock.now(),
    }),
  };
}

describe('BigChange connector ↔ simulator', () => {
  it('pages with pageNumber/pageSize while pageItemCount >= pageSize', async () => {
    const { sb, c } = await setup(45, 20);
    const pages = await pullAll(c);
    expect(pages.map((p) => p.records.length)).toEqual([20, 20, 5]);
    expect(pages.map((p) => p.nextCursor)).toEqual(['2', '3', null]);
    expect(sb.server.requestLog.filter((r) => r.path === '/auth/tokens')).toHaveLength(1); // token reused
    const rec = pages[0]!.records[0]!;
    expect(rec.versions.hash).toMatch(/^[0-9a-f]{32}$/);
    expect(rec.canonical.location).toBeTruthy();
    // Exactly a multiple of the page size: one extra empty page ends the pull.
    const { c: c2 } = await setup(40, 20);
    expect((await pullAll(c2)).map((p) => p.records.length)).toEqual([20, 20, 0]);
  });

  it('refuses bad client credentials as auth, and needs Customer-Id', async () => {
    const { sb } = await setup(1);
    const bad = createBigChangeConnector({
      baseUrl: sb.baseUrl,
      credentials: { ...sb.credentials, clientSecret: 'nope' },
      retry: FAST_RETRY,
    });
    expect((await failure(bad.testConnection())).kind).toBe('auth');
    const wrongCustomer = createBigChangeConnector({
      baseUrl: sb.baseUrl,
      credentials: { ...sb.credentials, customerId: '42' },
      retry: FAST_RETRY,
    });
    expect((await failure(wrongCustomer.testConnection())).kind).toBe('auth');
    const raw = await fetch(`${sb.baseUrl}/v1/contacts?pageNumber=1&pageSize=1`);
    expect(raw.status).toBe(401);
    expect(raw.headers.get('content-type')).toBe('application/problem+json');
  });

  it('refreshes an expired token, before expiry and after a surprise 401', async () => {
    const { sb, c } = await setup(3);
    await c.testConnection();
    sb.store.clock.advance(sb.store.tokenTtlSec * 1000); // past expiry: refreshed before the call
    await c.testConnection();
    sb.store.expireTokens(); // revoked early: the call gets 401 and retries with a fresh token
    await c.testConnection();
    expect(sb.server.requestLog.filter((r) => r.path === '/auth/tokens')).toHaveLength(3);
    expect(sb.server.requestLog.filter((r) => r.status === 401)).toHaveLength(1);
  });

  it('waits out 429s and retries 5xx problems', async () => {
    const { sb, c } = await setup(3);
    sb.server.faults.rate429 = 1;
    const p = c.testConnection();
    setTimeout(() => (sb.server.faults.rate429 = 0), 20);
    await expect(p).resolves.toMatchObject({ ok: true });
    sb.server.faults.rate5xx = 1;
    expect((await failure(c.read(sb.seeded[0]!.remoteId))).kind).toBe('transient');
    sb.server.faults.rate5xx = 0;
    await expect(c.read(sb.seeded[0]!.remoteId)).resolves.toMatchObject({ remoteId: sb.seeded[0]!.remoteId });
  });

  it('reports a malformed (truncated) page as malformed', async () => {
    const { sb, c } = await setup(10);
    sb.server.faults.malformedRate = 1;
    expect((await failure(pullAll(c))).kind).toBe('malformed');
  });

  it('create → read → partial update (204) keeping custom fields; delete is not offered', async () => {
    const { sb, c } = await setup(0);
    // No phone: the contact model has none (it used to be sent, and a custom field invented).
    const created = await c.create({
      givenName: 'Dorothy',
      familyName: 'Vaughan',
      externalRef: 'DV-1910',
      address: { street1: '1 Langley Way', city: 'Hampton', postalCode: 'HA1 1AA', country: 'UK' },
    });
    const read = await c.read(created.remoteId);
    expect(read.canonical).toMatchObject({
      givenName: 'Dorothy',
      familyName: 'Vaughan',
      externalRef: 'DV-1910',
      address: { city: 'Hampton' },
    });
    expect(read.canonical.custom).toBeUndefined();
    sb.store.touch(Number(created.remoteId), { customFields: [{ definitionId: 12, value: 'Platinum' }] });
    const before = (await c.read(created.remoteId)).versions.hash;
    const updated = await c.update(
      created.remoteId,
      { address: { street1: '2 Langley Way', city: 'Hampton', postalCode: 'HA1 1AB', country: 'UK' } },
      { raw: read.raw, versions: read.versions },
    );
    expect(sb.server.requestLog.find((r) => r.method === 'PATCH')?.status).toBe(204);
    expect(updated.record!.canonical).toMatchObject({
      givenName: 'Dorothy',
      address: { street1: '2 Langley Way', postalCode: 'HA1 1AB' },
      custom: { '12': 'Platinum' },
    });
    expect(updated.record!.versions.hash).not.toBe(before);
    const e = await failure(c.delete(created.remoteId));
    expect(e.message).toMatch(/no API to delete/);
  });

  it('validates before sending and maps the 422 errors map', async () => {
    const { sb, c } = await setup(1);
    expect(c.validate({ address: { postalCode: 'ABCDEFGHIJK' } })).toEqual([
      { field: 'address.postalCode', message: 'address.postalCode: "ABCDEFGHIJK" is 11 characters; BigChange allows at most 10' },
    ]);
    const res = await fetch(`${sb.baseUrl}/auth/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: sb.credentials.clientId,
        client_secret: sb.credentials.clientSecret,
      }),
    });
    const { access_token } = (await res.json()) as { access_token: string };
    const bad = await fetch(`${sb.baseUrl}/v1/contacts`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${access_token}`, 'Customer-Id': sb.credentials.customerId, 'content-type': 'application/json' },
      body: JSON.stringify({ name: '' }),
    });
    expect(bad.status).toBe(422);
    const body = (await bad.json()) as { errors: Record<string, string[]> };
    expect(Object.keys(body.errors).sort()).toEqual(['groupId', 'location', 'name']);
    // A phone has no place in BigChange's contact model: refused before it travels.
    expect(
      (
        await failure(
          c.update(sb.seeded[0]!.remoteId, { phones: [{ e164: '+442079460958', raw: '020 7946 0958' }] }, { raw: {}, versions: {} }),
        )
      ).message,
    ).toMatch(/cannot hold a phone number/);
  });
});
