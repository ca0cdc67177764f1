// The sandbox fault plan over real HTTP on 127.0.0.1: "fail request N" fails exactly that
// request, in the stated way, and drop-after really applies the write.
import { afterEach, describe, expect, it } from 'vitest';
import { startCallToolsSandbox } from '../../src/main/core/sandbox/calltools';
import { faultsFor, parseFaultSpec } from '../../src/main/core/sandbox/faults';
import { Router, startSandboxServer, type SandboxServer } from '../../src/main/core/sandbox/server';

let open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(open.map((s) => s.close()));
  open = [];
});

/** A counter store: POST /items adds one, GET /items lists; /login is exempt from faults. */
async function tiny(): Promise<{ server: SandboxServer; items: string[] }> {
  const items: string[] = [];
  const router = new Router()
    .on('POST', '/items', (req) => {
      items.push(req.body);
      return { status: 201, body: { id: items.length, text: 'x'.repeat(40) } };
    })
    .on('GET', '/items', () => ({ status: 200, body: { items } }))
    .on('POST', '/login', () => ({ status: 200, body: { ok: true } }));
  const server = await startSandboxServer({
    router,
    hooks: {
      tooMany: (s) => ({ status: 429, headers: { 'Retry-After': String(s) }, body: { detail: 'slow down' } }),
      serverError: () => ({ status: 503, body: '<html>down</html>' }),
      exempt: (req) => req.path === '/login',
    },
  });
  open.push(server);
  return { server, items };
}

const post = (s: SandboxServer, path: string, body: string, init: RequestInit = {}): Promise<Response> =>
  fetch(`${s.baseUrl}${path}`, { method: 'POST', body, ...init });
const get = (s: SandboxServer, path: string): Promise<Response> => fetch(`${s.baseUrl}${path}`);
const rejects = async (p: Promise<Response>): Promise<unknown> => {
  const r = await p.then(
    async (res) => ({ ok: true as const, text: await res.text() }),
    (e: unknown) => ({ ok: false as const, e }),
  );
  expect(r.ok).toBe(false);
  return (r as { e: unknown }).e;
};

describe('sandbox fault plan', () => {
  it('drop-before fails exactly request N without running the handler', async () => {
    const { server, items } = await tiny();
    server.failAt(2, 'drop-before');
    expect((await post(server, '/items', 'a')).status).toBe(201);
    await rejects(post(server, '/items', 'b'));
    expect((await post(server, '/items', 'c')).status).toBe(201);
    expect(items).toEqual(['a', 'c']);
    expect(server.requestCount).toBe(3);
    expect(server.requestLog.map((r) => [r.status, r.fault])).toEqual([
      [201, undefined],
      [0, 'drop-before'],
      [201, undefined],
    ]);
  });

  it('drop-after applies the write, then closes the socket without an answer', async () => {
    const { server, items } = await tiny();
    server.failAt(1, 'drop-after');
    await rejects(post(server, '/items', 'kept'));
    expect(items).toEqual(['kept']);
    expect(server.requestLog[0]).toMatchObject({ method: 'POST', path: '/items', status: 0, fault: 'drop-after' });
  });

  it('truncate runs the handler and cuts the body in half', async () => {
    const { server, items } = await tiny();
    server.failAt(1, 'truncate');
    const res = await post(server, '/items', 'a');
    const text = await res.text();
    expect(res.status).toBe(201);
    expect(() => JSON.parse(text)).toThrow();
    expect(text.length).toBe(Math.floor(JSON.stringify({ id: 1, text: 'x'.repeat(40) }).length / 2));
    expect(items).toEqual(['a']);
    expect(server.requestLog[0]).toMatchObject({ status: 201, fault: 'truncate' });
  });

  it('500 and 429 send the vendor’s own answers without running the handler', async () => {
    const { server, items } = await tiny();
    server.failAt(1, '500');
    server.failAt(2, '429');
    const five = await post(server, '/items', 'a');
    expect([five.status, await five.text()]).toEqual([503, '<html>down</html>']);
    const slow = await post(server, '/items', 'b');
    expect([slow.status, slow.headers.get('retry-after')]).toEqual([429, '1']);
    await slow.text();
    expect(items).toEqual([]);
    expect(server.requestLog.map((r) => r.fault)).toEqual(['500', '429']);
  });

  it('timeout runs the handler and holds the answer past the client timeout', async () => {
    const { server, items } = await tiny();
    server.failAt(1, 'timeout', { holdMs: 5_000 });
    const started = Date.now();
    const e = await rejects(post(server, '/items', 'slow', { signal: AbortSignal.timeout(100) }));
    expect((e as Error).name).toBe('TimeoutError');
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(items).toEqual(['slow']);
    expect(server.requestLog[0]).toMatchObject({ status: 201, fault: 'timeout' });
  });

  it('a held answer arrives once holdMs has passed', async () => {
    const { server } = await tiny();
    server.failAt(1, 'timeout', { holdMs: 50 });
    const res = await post(server, '/items', 'a');
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({ id: 1 });
  });

  it('counts only non-exempt requests matching the filter; failNext fails the next match', async () => {
    const { server, items } = await tiny();
    server.failAt(2, 'drop-before', { method: 'POST', path: /^\/items$/ });
    expect((await post(server, '/login', '')).status).toBe(200); // exempt: not counted
    expect((await get(server, '/items')).status).toBe(200); // GET: does not match
    expect((await post(server, '/items', 'a')).status).toBe(201);
    expect((await get(server, '/items')).status).toBe(200);
    await rejects(post(server, '/items', 'b'));
    expect(items).toEqual(['a']);
    expect(server.requestCount).toBe(4);
    server.failNext('500', { method: 'GET' });
    expect((await post(server, '/items', 'c')).status).toBe(201);
    expect((await get(server, '/items')).status).toBe(503);
    expect(() => server.failAt(1, '500')).toThrow(/already served/);
  });

  it('the --faults spec plans faults per vendor, and drop-after applies the write in the simulator store', async () => {
    const parsed = parseFaultSpec('calltools:fail=2:drop-after:POST;mpdx:fail=1:timeout:250');
    expect(faultsFor('mpdx', parsed).plan).toEqual([{ at: 1, kind: 'timeout', holdMs: 250 }]);
    expect(() => parseFaultSpec('fail=0:drop-after')).toThrow(/Bad fault/);
    expect(() => parseFaultSpec('fail=2:explode')).toThrow(/Bad fault/);
    const sb = await startCallToolsSandbox({ faults: faultsFor('calltools', parsed) });
    open.push(sb.server);
    const create = (first: string): Promise<Response> =>
      fetch(`${sb.baseUrl}/api/contacts/`, {
        method: 'POST',
        headers: { Authorization: `Token ${sb.credentials.token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ first_name: first, last_name: 'Test' }),
      });
    expect((await fetch(`${sb.baseUrl}/api/contacts/`, { headers: { Authorization: `Token ${sb.credentials.token}` } })).status).toBe(200);
    expect([200, 201]).toContain((await create('One')).status);
    await rejects(create('Two'));
    expect([...sb.store.contacts.values()].map((c) => c.first_name)).toEqual(['One', 'Two']);
    expect(sb.server.requestLog.map((r) => `${r.method} ${r.status}${r.fault ? ` ${r.fault}` : ''}`)).toEqual([
      'GET 200',
      `POST ${sb.server.requestLog[1]!.status}`,
      'POST 0 drop-after',
    ]);
  });

  it('random rates still inject faults and are logged', async () => {
    const { server, items } = await tiny();
    server.faults.rate5xx = 1;
    expect((await post(server, '/items', 'a')).status).toBe(503);
    server.faults.rate5xx = 0;
    server.faults.dropRate = 1;
    await rejects(post(server, '/items', 'b'));
    expect(items).toEqual([]);
    expect(server.requestLog.map((r) => [r.status, r.fault])).toEqual([
      [503, '500'],
      [0, 'drop-before'],
    ]);
  });
});
