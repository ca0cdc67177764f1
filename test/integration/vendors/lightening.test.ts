// Lightening connector against its simulator over HTTP on 127.0.0.1.
import { afterEach, describe, expect, it } from 'vitest';
import { generatePopulation } from '../../../src/main/core/sandbox/population';
import { startLighteningSandbox, type LighteningSandbox } from '../../../src/main/core/sandbox/lightening';
import type { Connector } from '../../../src/main/core/vendors/connector';
import { createLighteningConnector } from '../../../src/main/core/vendors/lightening';
import { FAST_RETRY, failure, pullAll } from '../../helpers/vendor';

let sb: LighteningSandbox | undefined;
afterEach(async () => {
  await sb?.server.close();
  sb = undefined;
});

async function setup(n = 0, settings: Record<string, unknown> = {}): Promise<{ sb: LighteningSandbox; c: Connector }> {
  sb = await startLighteningSandbox({ seed: 21, contacts: generatePopulation({ seed: 21, people: 200 }).byVendor.lightening.slice(0, n) });
  return { sb, c: createLighteningConnector({ baseUrl: sb.baseUrl, credentials: sb.credentials, settings, retry: FAST_RETRY }) };
}

describe('Lightening connector ↔ simulator', () => {
  it('lists contacts one customer at a time (unpaged), resumable between customers', async () => {
    const { sb, c } = await setup(40);
    const pages = await pullAll(c);
    expect(pages).toHaveLength(3); // three customers, discovered through /customer
    expect(pages.map((p) => p.nextCursor)).toEqual(['1', '2', null]);
    expect(pages.flatMap((p) => p.records)).toHaveLength(40);
    expect(sb.server.requestLog.filter((r) => r.path === '/contact')).toHaveLength(3);
    const rec = pages.flatMap((p) => p.records).find((r) => r.canonical.phones?.length)!;
    expect(rec.versions.updated_at).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    expect(rec.canonical.fullName).toBeTruthy();
    expect(rec.canonical.company).toBeTruthy();
    expect((await pullAll(c, '2')).flatMap((p) => p.records).map((r) => r.remoteId)).toEqual(pages[2]!.records.map((r) => r.remoteId));
    // Configured customer ids skip the discovery call.
    const only = createLighteningConnector({
      baseUrl: sb.baseUrl,
      credentials: sb.credentials,
      settings: { customerIds: ['2'] },
      retry: FAST_RETRY,
    });
    expect(await pullAll(only)).toHaveLength(1);
  });

  it('reads auth failure out of the always-200 envelope', async () => {
    const { sb } = await setup(1);
    const bad = createLighteningConnector({ baseUrl: sb.baseUrl, credentials: { token: 'wrong-token-123' }, retry: FAST_RETRY });
    expect((await failure(bad.testConnection())).kind).toBe('auth');
  });

  it('waits out a 429 from the proxy and retries a 502', async () => {
    const { sb, c } = await setup(2);
    sb.server.faults.rate429 = 1;
    sb.server.faults.retryAfterSec = 1;
    const p = c.testConnection();
    setTimeout(() => (sb.server.faults.rate429 = 0), 20);
    await expect(p).resolves.toMatchObject({ ok: true });
    sb.server.faults.rate5xx = 1;
    const p2 = c.read(sb.seeded[0]!.remoteId);
    setTimeout(() => (sb.server.faults.rate5xx = 0), 10);
    await expect(p2).resolves.toMatchObject({ remoteId: sb.seeded[0]!.remoteId });
    expect(sb.server.requestLog.map((r) => r.status)).toContain(502);
  });

  it('reports a malformed body and keeps going once the vendor recovers', async () => {
    const { sb, c } = await setup(5);
    sb.server.faults.malformedRate = 1;
    expect((await failure(pullAll(c))).kind).toBe('malformed');
    sb.server.faults.malformedRate = 0;
    expect((await pullAll(c)).flatMap((p) => p.records)).toHaveLength(5);
  });

  it('create → read → update → delete; name is rebuilt on update and unknown fields survive', async () => {
    const { sb, c } = await setup(0);
    const created = await c.create({
      givenName: 'Mary',
      familyName: 'Jackson',
      emails: [{ address: 'mj@nasa.gov' }],
      phones: [{ e164: '+17578641000', raw: '757-864-1000', mobile: true }],
      role: 'Engineer',
    });
    const id = created.remoteId;
    sb.store.touch(id, { cost_center_name: 'Langley', portal_fullname: 'M. Jackson' });
    const read = await c.read(id);
    expect(read.canonical).toMatchObject({
      givenName: 'Mary',
      familyName: 'Jackson',
      role: 'Engineer',
      emails: [{ address: 'mj@nasa.gov' }],
      phones: [{ e164: '+17578641000', mobile: true }],
    });
    sb.store.clock.advance(2000);
    const updated = await c.update(id, { role: 'Aerospace Engineer' }, { raw: read.raw, versions: read.versions });
    const raw = updated.record!.raw as Record<string, unknown>;
    expect(raw).toMatchObject({
      name: 'Mary Jackson',
      role: 'Aerospace Engineer',
      cost_center_name: 'Langley',
      portal_fullname: 'M. Jackson',
      email: 'mj@nasa.gov',
    });
    expect(updated.record!.versions.updated_at).not.toBe(read.versions.updated_at);
    await c.delete(id); // succeeds although Lightening says result:false
    expect((await failure(c.read(id))).kind).toBe('not_found');
    expect((await failure(c.delete(id))).kind).toBe('not_found');
  });

  it('validates before sending and maps the vendor’s field errors', async () => {
    const { sb, c } = await setup(1);
    expect(c.validate({ role: 'R'.repeat(33) })).toEqual([
      { field: 'role', message: `role: "${'R'.repeat(33)}" is 33 characters; Lightening allows at most 32` },
    ]);
    expect((await failure(c.create({ emails: [{ address: 'x@y.z' }] }))).message).toMatch(/needs a name/);
    const res = await fetch(`${sb.baseUrl}/contact`, {
      method: 'POST',
      headers: { Authorization: sb.credentials.token, 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'X', portal_password: 'short' }),
    });
    expect(await res.json()).toEqual({ errors: { portal_password: 'Field must be at least 8 characters.' }, result: false });
    expect(
      await (await fetch(`${sb.baseUrl}/contact`, { method: 'POST', headers: { Authorization: sb.credentials.token } })).json(),
    ).toEqual({ error: 'Nothing sent for request.', result: false });
  });
});
