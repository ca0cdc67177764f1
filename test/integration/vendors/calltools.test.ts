// CallTools connector against its simulator over HTTP on 127.0.0.1.
import { afterEach, describe, expect, it } from 'vitest';
import { startCallToolsSandbox, type CallToolsSandbox } from '../../../src/main/core/sandbox/calltools';
import { generatePopulation } from '../../../src/main/core/sandbox/population';
import { createCallToolsConnector } from '../../../src/main/core/vendors/calltools';
import type { Connector } from '../../../src/main/core/vendors/connector';
import { FAST_RETRY, failure, pullAll } from '../../helpers/vendor';

let sb: CallToolsSandbox | undefined;
afterEach(async () => {
  await sb?.server.close();
  sb = undefined;
});

async function setup(n = 0, pageSize = 250): Promise<{ sb: CallToolsSandbox; c: Connector }> {
  const contacts = generatePopulation({ seed: 11, people: 200 }).byVendor.calltools.slice(0, n);
  sb = await startCallToolsSandbox({ seed: 11, contacts });
  const c = createCallToolsConnector({ baseUrl: sb.baseUrl, credentials: sb.credentials, pageSize, retry: FAST_RETRY });
  return { sb, c };
}

describe('CallTools connector ↔ simulator', () => {
  it('pages through every contact with DRF page/page_size and maps them', async () => {
    const { sb, c } = await setup(55, 20);
    const pages = await pullAll(c);
    expect(pages.map((p) => p.records.length)).toEqual([20, 20, 15]);
    expect(pages.map((p) => p.nextCursor)).toEqual(['2', '3', null]);
    expect(pages.every((p) => p.fullScan)).toBe(true);
    const gets = sb.server.requestLog.filter((r) => r.method === 'GET');
    expect(gets).toHaveLength(3);
    const first = pages[0]!.records[0]!;
    expect(first.versions.modified_on).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    expect(first.canonical.givenName).toBeTruthy();
    const withPhone = pages.flatMap((p) => p.records).find((r) => r.canonical.phones?.length);
    expect(withPhone!.canonical.phones![0]!.e164).toMatch(/^\+1\d{10}$/);
  });

  it('resumes a pull from a cursor without skipping records', async () => {
    const { c } = await setup(45, 20);
    const all = (await pullAll(c)).flatMap((p) => p.records.map((r) => r.remoteId));
    const resumed = (await pullAll(c, '2')).flatMap((p) => p.records.map((r) => r.remoteId));
    expect(resumed).toEqual(all.slice(20));
  });

  it('reports bad credentials as auth', async () => {
    const { sb } = await setup(1);
    const bad = createCallToolsConnector({ baseUrl: sb.baseUrl, credentials: { token: '0'.repeat(40) }, retry: FAST_RETRY });
    const e = await failure(bad.testConnection());
    expect(e.kind).toBe('auth');
    expect(e.status).toBe(401);
  });

  it('waits out a 429 (Retry-After) and then succeeds', async () => {
    const { sb, c } = await setup(3);
    sb.server.faults.rate429 = 1;
    sb.server.faults.retryAfterSec = 1; // capped to FAST_RETRY.maxRetryWaitMs in tests
    const started = Date.now();
    const pending = c.testConnection();
    setTimeout(() => (sb.server.faults.rate429 = 0), 20);
    await expect(pending).resolves.toMatchObject({ ok: true });
    expect(Date.now() - started).toBeGreaterThanOrEqual(FAST_RETRY.maxRetryWaitMs - 5);
    expect(sb.server.requestLog.map((r) => r.status)).toEqual([429, 200]);
  });

  it('retries an HTML 500 and then succeeds; gives up with a transient error if it persists', async () => {
    const { sb, c } = await setup(3);
    sb.server.faults.rate5xx = 1;
    const e = await failure(c.read(sb.seeded[0]!.remoteId));
    expect(e.kind).toBe('transient');
    expect(e.message).toMatch(/HTML page/);
    expect(sb.server.requestLog.filter((r) => r.status === 500)).toHaveLength(FAST_RETRY.maxRetries + 1);
    const pending = c.read(sb.seeded[0]!.remoteId);
    setTimeout(() => (sb.server.faults.rate5xx = 0), 5);
    await expect(pending).resolves.toMatchObject({ remoteId: sb.seeded[0]!.remoteId });
  });

  it('reports a malformed (truncated) body without losing anything, and a dropped connection as retryable', async () => {
    const { sb, c } = await setup(30, 10);
    sb.server.faults.malformedRate = 1;
    const e = await failure(pullAll(c));
    expect(e.kind).toBe('malformed');
    sb.server.faults.malformedRate = 0;
    expect((await pullAll(c)).flatMap((p) => p.records)).toHaveLength(30);
    sb.server.faults.dropRate = 1;
    const dropped = await failure(c.read(sb.seeded[0]!.remoteId));
    expect(['offline', 'transient']).toContain(dropped.kind);
    expect(dropped.retryable).toBe(true);
  });

  it('create → read → update → delete, keeping fields Concord does not understand', async () => {
    const { sb, c } = await setup(0);
    const created = await c.create({
      givenName: 'Ada',
      familyName: 'Lovelace',
      emails: [{ address: 'ada@example.org' }],
      phones: [{ e164: '+16503517500', raw: '(650) 351-7500', mobile: true }],
    });
    expect(created.alreadyExisted).toBeUndefined();
    const id = created.remoteId;
    // Another CallTools user sets a custom field Concord does not map.
    sb.store.touch(Number(id), { custom_fields: { favourite_colour: 'violet' } });
    const read = await c.read(id);
    expect(read.canonical).toMatchObject({
      givenName: 'Ada',
      familyName: 'Lovelace',
      emails: [{ address: 'ada@example.org' }],
      phones: [{ e164: '+16503517500' }],
    });
    const before = read.versions.modified_on;
    sb.store.clock.advance(1500);
    const updated = await c.update(id, { familyName: 'King' }, { raw: read.raw, versions: read.versions });
    expect(updated.record!.canonical.familyName).toBe('King');
    expect(updated.record!.canonical.givenName).toBe('Ada');
    expect(updated.record!.versions.modified_on).not.toBe(before);
    expect((updated.record!.raw as Record<string, unknown>).custom_fields).toEqual({ favourite_colour: 'violet' });
    await c.delete(id);
    expect((await failure(c.read(id))).kind).toBe('not_found');
    expect((await failure(c.delete(id))).kind).toBe('not_found');
  });

  it('treats the upsert answer duplicate_action "MERGE" as "already existed"', async () => {
    const { c } = await setup(0);
    const first = await c.create({
      givenName: 'Grace',
      familyName: 'Hopper',
      phones: [{ e164: '+12025550143', raw: '202-555-0143', mobile: true }],
    });
    const again = await c.create({
      givenName: 'Grace',
      familyName: 'Hopper',
      emails: [{ address: 'grace@navy.mil' }],
      phones: [{ e164: '+12025550143', raw: '(202) 555-0143', mobile: true }],
    });
    expect(again.alreadyExisted).toBe(true);
    expect(again.remoteId).toBe(first.remoteId);
    expect(again.record!.canonical.emails?.[0]?.address).toBe('grace@navy.mil');
  });

  it('validates before sending, and reports the vendor’s own field errors', async () => {
    const { sb, c } = await setup(1);
    expect(c.validate({ address: { city: 'X'.repeat(51) } })).toEqual([
      { field: 'address.city', message: `address.city: "${'X'.repeat(39)}…" is 51 characters; CallTools allows at most 50` },
    ]);
    const pre = await failure(c.update(sb.seeded[0]!.remoteId, { address: { city: 'X'.repeat(51) } }, { raw: {}, versions: {} }));
    expect(pre.kind).toBe('validation');
    // The typed phone that once cleared the stored number, and an invalid email, never leave.
    const phone = await failure(
      c.update(sb.seeded[0]!.remoteId, { phones: [{ e164: null, raw: 'call-me-maybe' }] }, { raw: {}, versions: {} }),
    );
    expect(phone.fieldErrors).toEqual({ phones: ['phones: "call-me-maybe" is not a phone number in US'] });
    expect(
      (await failure(c.update(sb.seeded[0]!.remoteId, { emails: [{ address: 'ann@example' }] }, { raw: {}, versions: {} }))).kind,
    ).toBe('validation');
    expect(sb.server.requestLog.filter((r) => r.method === 'PATCH')).toHaveLength(0);
    // The server's own refusal, in DRF's 400 {field: [messages]} shape, reaches the person. The
    // document gives time_zone no Enum (the simulator holds any text up to 50), so a stub plays a
    // server whose account does restrict it.
    const drf400: typeof fetch = async () =>
      new Response(JSON.stringify({ time_zone: ['"Mars/Olympus_Mons" is not a valid choice.'] }), {
        status: 400,
        headers: { 'content-type': 'application/json' },
      });
    const strict = createCallToolsConnector({ baseUrl: sb.baseUrl, credentials: sb.credentials, retry: FAST_RETRY, fetch: drf400 });
    const server = await failure(strict.update(sb.seeded[0]!.remoteId, { timeZone: 'Mars/Olympus_Mons' }, { raw: {}, versions: {} }));
    expect(server.fieldErrors).toEqual({ time_zone: ['"Mars/Olympus_Mons" is not a valid choice.'] });
    expect(server.message).toMatch(/time_zone: "Mars\/Olympus_Mons" is not a valid choice/);
    expect(server.kind).toBe('validation');
  });
});
