// LiveVox connector against its simulator over HTTP on 127.0.0.1.
import { afterEach, describe, expect, it } from 'vitest';
import { startLiveVoxSandbox, type LiveVoxSandbox } from '../../../src/main/core/sandbox/livevox';
import { generatePopulation } from '../../../src/main/core/sandbox/population';
import type { Connector } from '../../../src/main/core/vendors/connector';
import { createLiveVoxConnector } from '../../../src/main/core/vendors/livevox';
import { liveVoxToCanonical } from '../../../src/main/core/vendors/livevox/mapping';
import { nodeFetch } from '../../../src/main/core/vendors/node-http-client';
import { FAST_RETRY, failure, pullAll } from '../../helpers/vendor';

let sb: LiveVoxSandbox | undefined;
afterEach(async () => {
  await sb?.server.close();
  sb = undefined;
});

async function setup(n = 0, pageSize = 1000): Promise<{ sb: LiveVoxSandbox; c: Connector }> {
  sb = await startLiveVoxSandbox({ seed: 41, contacts: generatePopulation({ seed: 41, people: 200 }).byVendor.livevox.slice(0, n) });
  return { sb, c: createLiveVoxConnector({ baseUrl: sb.baseUrl, credentials: sb.credentials, pageSize, retry: FAST_RETRY }) };
}

describe('LiveVox connector ↔ simulator', () => {
  it('logs in once, lists with count/offset following `next`, and ends with an incremental checkpoint', async () => {
    const { sb, c } = await setup(25, 10);
    const pages = await pullAll(c);
    expect(pages.map((p) => p.records.length)).toEqual([10, 10, 5]);
    expect(pages[0]!.nextCursor).toMatch(/^full:10:\d+$/);
    expect(pages[2]!.nextCursor).toBeNull();
    expect(pages[2]!.checkpoint).toMatch(/^since:\d+$/);
    expect(sb.server.requestLog.filter((r) => r.path === '/session/login')).toHaveLength(1);
    const r = pages[0]!.records[0]!;
    expect(r.remoteId).toMatch(/^LV\d+$/);
    expect(r.versions.modifyDate).toMatch(/^\d{13}$/);
  });

  it('pulls only what changed since the checkpoint, through the bulk CSV export', async () => {
    const { sb, c } = await setup(30);
    const [a, b, d] = [sb.seeded[1]!.remoteId, sb.seeded[3]!.remoteId, sb.seeded[7]!.remoteId];
    sb.store.clock.advance(2 * 3_600_000);
    sb.store.touch(a, { city: 'Carson City' }); // the newest change the full pull sees
    const full = await pullAll(c);
    const checkpoint = full.at(-1)!.checkpoint!;
    expect(checkpoint).toBe(`since:${sb.store.contacts.get(a)!.modifyDate}`);
    sb.store.clock.advance(3_600_000); // an hour later
    sb.store.touch(b, { city: 'Reno' });
    sb.store.touch(d, { person: { lastName: 'Moved' } });
    const inc = await pullAll(c, checkpoint);
    // b and d changed; a is read again because it falls inside the lookback window.
    expect(inc.flatMap((p) => p.records.map((x) => x.remoteId)).sort()).toEqual([a, b, d].sort());
    expect(inc.every((p) => !p.fullScan)).toBe(true);
    expect(sb.server.requestLog.some((x) => x.path === '/contact/contacts/bulk')).toBe(true);
    expect(Number(inc.at(-1)!.checkpoint!.slice(6))).toBeGreaterThan(Number(checkpoint.slice(6)));
    // Nothing changed: an empty page, the checkpoint kept.
    sb.store.clock.advance(3_600_000);
    const none = await pullAll(c, inc.at(-1)!.checkpoint!);
    expect(none.flatMap((p) => p.records.map((x) => x.remoteId)).sort()).toEqual([b, d].sort()); // only the lookback
    expect(none.at(-1)!.checkpoint).toBe(inc.at(-1)!.checkpoint);
  });

  it('reads the changed accounts of an incremental pull a few side by side, never more than eight', async () => {
    sb = await startLiveVoxSandbox({ seed: 41, contacts: generatePopulation({ seed: 41, people: 200 }).byVendor.livevox.slice(0, 30) });
    let inFlight = 0;
    let peak = 0;
    const counted: typeof fetch = async (url, init) => {
      peak = Math.max(peak, ++inFlight);
      try {
        return await nodeFetch(String(url), init);
      } finally {
        inFlight--;
      }
    };
    const c = createLiveVoxConnector({ baseUrl: sb.baseUrl, credentials: sb.credentials, retry: FAST_RETRY, fetch: counted });
    const checkpoint = (await pullAll(c)).at(-1)!.checkpoint!;
    sb.store.clock.advance(3_600_000);
    const changed = sb.seeded.slice(0, 20).map((x) => x.remoteId);
    for (const a of changed) sb.store.touch(a, { city: 'Elko' });
    peak = 0;
    const inc = await pullAll(c, checkpoint);
    expect(inc.flatMap((p) => p.records.map((x) => x.remoteId)).sort()).toEqual([...changed].sort());
    expect(peak).toBeGreaterThanOrEqual(2);
    expect(peak).toBeLessThanOrEqual(8);
  });

  it('logs in again when the session expires, and reports a bad login as auth', async () => {
    const { sb, c } = await setup(3);
    await c.testConnection();
    sb.store.expireSessions();
    await c.testConnection();
    expect(sb.server.requestLog.filter((r) => r.path === '/session/login')).toHaveLength(2);
    expect(sb.server.requestLog.filter((r) => r.status === 401)).toHaveLength(1);
    const bad = createLiveVoxConnector({ baseUrl: sb.baseUrl, credentials: { ...sb.credentials, password: 'wrong' }, retry: FAST_RETRY });
    expect((await failure(bad.testConnection())).kind).toBe('auth');
  });

  it('waits out 429s, retries 503s, reports malformed bodies', async () => {
    const { sb, c } = await setup(3);
    sb.server.faults.rate429 = 1;
    const p = c.testConnection();
    setTimeout(() => (sb.server.faults.rate429 = 0), 20);
    await expect(p).resolves.toMatchObject({ ok: true });
    sb.server.faults.rate5xx = 1;
    const p2 = c.read(sb.seeded[0]!.remoteId);
    setTimeout(() => (sb.server.faults.rate5xx = 0), 10);
    await expect(p2).resolves.toMatchObject({ remoteId: sb.seeded[0]!.remoteId });
    sb.server.faults.malformedRate = 1;
    expect((await failure(pullAll(c))).kind).toBe('malformed');
  });

  it('create (201, then 202 "already exists") → read → update → delete, unknown fields kept', async () => {
    const { sb, c } = await setup(0);
    const contact = {
      givenName: 'Katherine',
      familyName: 'Johnson',
      emails: [{ address: 'kj@nasa.gov' }],
      phones: [{ e164: '+17578641000', raw: '757-864-1000' }],
      birthDate: '1918-08-26',
    };
    const created = await c.create(contact, { idempotencyKey: 'change-1' });
    expect(created.alreadyExisted).toBeUndefined();
    const again = await c.create(contact, { idempotencyKey: 'change-1' });
    expect(again).toMatchObject({ remoteId: created.remoteId, alreadyExisted: true });
    expect(sb.server.requestLog.filter((r) => r.method === 'POST' && r.path === '/contact/contacts/').map((r) => r.status)).toEqual([
      201, 202,
    ]);
    const id = created.remoteId;
    sb.store.touch(id, { balance: 123.45, guarantor: { firstName: 'Joylette', lastName: 'Goble' } });
    const read = await c.read(id);
    expect(read.canonical).toMatchObject({
      givenName: 'Katherine',
      familyName: 'Johnson',
      birthDate: '1918-08-26',
      phones: [{ e164: '+17578641000' }],
    });
    sb.store.clock.advance(1000);
    const updated = await c.update(
      id,
      { address: { street1: '1 NASA Dr', city: 'Hampton', region: 'VA', postalCode: '23681', country: 'US' } },
      { raw: read.raw, versions: read.versions },
    );
    const raw = updated.record!.raw as Record<string, unknown>;
    expect(raw).toMatchObject({
      balance: 123.45,
      guarantor: { firstName: 'Joylette' },
      city: 'Hampton',
      country: 'UNITED_STATES_OF_AMERICA',
      customFields: [{ field: 'COL1', value: 'Gold' }],
    });
    expect(updated.record!.canonical.address).toMatchObject({ country: 'US', postalCode: '23681' });
    expect(Number(updated.record!.versions.modifyDate)).toBeGreaterThan(Number(read.versions.modifyDate));
    await c.delete(id);
    expect((await failure(c.read(id))).kind).toBe('not_found');
    expect((await failure(c.delete(id))).kind).toBe('not_found');
    expect((await failure(c.update(id, { givenName: 'K' }, { raw: read.raw, versions: {} }))).kind).toBe('not_found');
  });

  it('drops the padded phone slots of search results and validates before sending', async () => {
    const { sb, c } = await setup(2);
    const login = await fetch(`${sb.baseUrl}/session/login`, {
      method: 'POST',
      headers: { 'LV-Access': sb.credentials.accessToken, 'content-type': 'application/json' },
      body: JSON.stringify({ ...sb.credentials, agent: false }),
    });
    const { sessionId } = (await login.json()) as { sessionId: string };
    const res = await fetch(`${sb.baseUrl}/contact/contacts/search?offset=0&count=5`, {
      method: 'POST',
      headers: { 'LV-Session': sessionId, 'content-type': 'application/json' },
      body: JSON.stringify({ search: { field: 'account', criteria: sb.seeded[0]!.remoteId, condition: 'EQUALS' } }),
    });
    const hit = ((await res.json()) as { findMatchingContactsDetails: Record<string, unknown>[] }).findMatchingContactsDetails[0]!;
    expect((hit.phone as unknown[]).length).toBe(10);
    const mapped = liveVoxToCanonical(hit);
    expect(mapped.phones?.length ?? 0).toBeLessThanOrEqual(1);
    expect(mapped.phones?.every((p) => p.raw)).not.toBe(false);
    const eleven = Array.from({ length: 11 }, (_, i) => ({ e164: `+1650351750${i % 10}`, raw: `650351750${i % 10}` }));
    expect(c.validate({ phones: eleven })[0]!.message).toMatch(/at most 10 phone numbers/);
    expect(
      (await failure(c.update(sb.seeded[0]!.remoteId, { emails: [{ address: 'not-an-email' }] }, { raw: {}, versions: {} }))).kind,
    ).toBe('validation');
  });
});
