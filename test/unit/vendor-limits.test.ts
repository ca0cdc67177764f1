// What Concord refuses from a vendor (limits.ts, http.ts), request by request: redirects off the
// origin, answers past the byte or depth cap, untrusted certificates, timeouts retried once, and
// the paging guard's proof of progress.
import http from 'node:http';
import type net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { VendorError } from '../../src/main/core/vendors/errors';
import { httpRequest } from '../../src/main/core/vendors/http';
import { DEFAULT_VENDOR_LIMITS, jsonTooDeep, PagingGuard } from '../../src/main/core/vendors/limits';
import { nodeFetch } from '../../src/main/core/vendors/node-http-client';
import { withRetry } from '../../src/main/core/vendors/retry';

const servers: http.Server[] = [];
const sockets = new Set<net.Socket>();
afterEach(async () => {
  for (const s of sockets) s.destroy();
  sockets.clear();
  for (const s of servers.splice(0)) await new Promise((r) => s.close(r));
});

interface Seen {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}
async function recording(answer: (req: Seen, res: http.ServerResponse) => void): Promise<{ url: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  const s = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const r = { method: req.method!, path: req.url!, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
    seen.push(r);
    answer(r, res);
  });
  servers.push(s);
  s.on('connection', (c: net.Socket) => sockets.add(c));
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(s.address() as AddressInfo).port}`, seen };
}

async function failure(p: Promise<unknown>): Promise<VendorError> {
  const e = await p.then(
    () => null,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(VendorError);
  return e as VendorError;
}

describe('jsonTooDeep', () => {
  it('counts nesting outside strings only, without recursion', () => {
    expect(jsonTooDeep('{"a":[{"b":[1]}]}', 4)).toBe(false);
    expect(jsonTooDeep('{"a":[{"b":[1]}]}', 3)).toBe(true);
    expect(jsonTooDeep(`{"s":"${'[{'.repeat(100)}\\"${'['.repeat(100)}"}`, 2)).toBe(false);
    // An escaped backslash ends right before the closing quote: the string ends there.
    expect(jsonTooDeep(String.raw`{"a":"\\","b":[[[1]]]}`, 4)).toBe(false);
    expect(jsonTooDeep(String.raw`{"a":"\\","b":[[[1]]]}`, 3)).toBe(true);
    expect(jsonTooDeep('['.repeat(1_000_000) + ']'.repeat(1_000_000), 64)).toBe(true);
  });
});

describe('PagingGuard', () => {
  const guard = (o: Partial<ConstructorParameters<typeof PagingGuard>[1]> = {}) =>
    new PagingGuard('CallTools', { pageSize: 2, limits: DEFAULT_VENDOR_LIMITS, ...o });
  const stopped = (f: () => void): VendorError => {
    try {
      f();
    } catch (e) {
      expect(e).toMatchObject({ kind: 'refused', restartPull: true });
      return e as VendorError;
    }
    throw new Error('expected a refusal');
  };

  it('a repeated next link, an empty page that says more, a page with nothing new', () => {
    const g = guard();
    g.page({ at: '1', next: 'p2', ids: ['a', 'b'], more: true });
    expect(stopped(() => g.page({ at: '2', next: 'p2', ids: ['c', 'd'], more: true })).message).toMatch(/same next link twice/);
    expect(stopped(() => guard().page({ at: '1', ids: [], more: true })).message).toMatch(
      /empty contacts page \(1\) that says more follow/,
    );
    const h = guard();
    h.page({ at: '1', ids: ['a', 'b'], more: true });
    expect(stopped(() => h.page({ at: '2', ids: ['b', 'a'], more: true })).message).toMatch(/nothing new/);
  });

  it('stops past the pages its stated total allows (with a margin), and past the records cap without one', () => {
    const g = guard();
    let n = 0;
    const e = stopped(() => {
      for (;;) g.page({ at: String(++n), ids: [`a${n}`, `b${n}`], more: true, statedTotal: 10 });
    });
    expect(n).toBe(8); // 5 pages stated + 3
    expect(e.message).toMatch(/beyond the 8 pages its own total allows/);
    const h = guard({ knownRecords: 3, limits: { ...DEFAULT_VENDOR_LIMITS, pullRecordFloor: 10 } });
    n = 0;
    expect(
      stopped(() => {
        for (;;) h.page({ at: String(++n), ids: [`a${n}`, `b${n}`], more: true });
      }).message,
    ).toMatch(/more than 30 contacts in one pull/);
  });

  it('more records on a page than a multiple of the page size is refused', () => {
    expect(() => guard().page({ at: '1', ids: ['a', 'b', 'c', 'd', 'e'], more: false })).toThrow(
      /sent 5 contacts on one page where 2 were asked for/,
    );
  });
});

describe('httpRequest refuses', () => {
  it('a redirect to another origin, carrying nothing there; follows one within the origin, 307 with its body', async () => {
    const other = await recording((_r, res) => res.end('{}'));
    const { url, seen } = await recording((req, res) => {
      if (req.path === '/away') res.writeHead(307, { location: `${other.url}/steal` }).end();
      else if (req.path === '/moved') res.writeHead(307, { location: '/here' }).end();
      else res.end(JSON.stringify({ got: req.body }));
    });
    const headers = { 'LV-Access': 'secret-access', 'LV-Session': 'sid', 'Customer-Id': '42', Authorization: 'Bearer t', Cookie: 'a=b' };
    const e = await failure(
      httpRequest(nodeFetch, { method: 'POST', url: `${url}/away`, headers, body: '{"password":"pw"}', vendorName: 'LiveVox' }),
    );
    expect(e).toMatchObject({ kind: 'refused', message: `LiveVox redirected to ${other.url} — refused` });
    expect(other.seen).toEqual([]);
    const ok = await httpRequest(nodeFetch, { method: 'POST', url: `${url}/moved`, headers, body: 'kept' });
    expect(JSON.parse(ok.text)).toEqual({ got: 'kept' });
    expect(seen.at(-1)).toMatchObject({
      method: 'POST',
      path: '/here',
      headers: expect.objectContaining({ 'lv-access': 'secret-access' }),
    });
  });

  it('nodeFetch by itself keeps no vendor header across origins and never sends a body there', async () => {
    const other = await recording((_r, res) => res.end('there'));
    const { url } = await recording((req, res) => res.writeHead(req.path === '/post' ? 307 : 302, { location: `${other.url}/x` }).end());
    const res = await nodeFetch(`${url}/get`, { headers: { 'LV-Access': 'secret', 'Customer-Id': '42', Accept: 'application/json' } });
    expect(await res.text()).toBe('there');
    expect(other.seen[0]!.headers).not.toHaveProperty('lv-access');
    expect(other.seen[0]!.headers).not.toHaveProperty('customer-id');
    expect(other.seen[0]!.headers.accept).toBe('application/json');
    await expect(nodeFetch(`${url}/post`, { method: 'POST', body: 'secret body' })).rejects.toThrow(TypeError);
    expect(other.seen).toHaveLength(1);
  });

  it('an answer past the byte cap, counted as decoded; JSON nested past the depth cap', async () => {
    const { url } = await recording((req, res) => {
      if (req.path === '/big') res.end(`{"a":"${'x'.repeat(5000)}"}`);
      else res.end(`{"a":${'['.repeat(100)}${']'.repeat(100)}}`);
    });
    const limits = { maxResponseBytes: 1000 };
    expect(await failure(httpRequest(nodeFetch, { method: 'GET', url: `${url}/big`, vendorName: 'LiveVox', limits }))).toMatchObject({
      kind: 'refused',
      message: 'LiveVox sent more than 1000 bytes in one answer — refused',
    });
    expect(await failure(httpRequest(nodeFetch, { method: 'GET', url: `${url}/deep`, vendorName: 'MPDX' }))).toMatchObject({
      kind: 'refused',
      message: 'MPDX sent JSON nested deeper than 64 levels — refused',
    });
  });

  it('a certificate error is refused in words, not retried', async () => {
    let calls = 0;
    const tlsFail =
      (code: string): typeof fetch =>
      async () => {
        calls++;
        throw new TypeError('fetch failed', { cause: Object.assign(new Error(code), { code }) });
      };
    for (const [code, words] of [
      ['DEPTH_ZERO_SELF_SIGNED_CERT', 'self-signed'],
      ['CERT_HAS_EXPIRED', 'expired'],
      ['ERR_TLS_CERT_ALTNAME_INVALID', 'issued for another host name'],
      ['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'signed by an unknown authority'],
    ]) {
      calls = 0;
      const e = await failure(
        withRetry(() => httpRequest(tlsFail(code!), { method: 'GET', url: 'https://api.example.com/x' }), { baseDelayMs: 1 }),
      );
      expect(e).toMatchObject({ kind: 'refused', message: `the certificate of api.example.com is not trusted: ${words}` });
      expect(calls).toBe(1);
    }
  });

  it('a body trickled slowly ends at the request deadline, and a timeout is retried once only', async () => {
    const { url, seen } = await recording((_r, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"a":');
      const t = setInterval(() => res.write(' '), 20); // never idle, never done
      res.on('close', () => clearInterval(t));
    });
    const started = Date.now();
    const e = await failure(
      withRetry(() => httpRequest(nodeFetch, { method: 'GET', url, timeoutMs: 300 }), { maxRetries: 5, baseDelayMs: 1 }),
    );
    expect(e).toMatchObject({ kind: 'transient', timedOut: true, message: expect.stringMatching(/did not finish its answer within 0.3s/) });
    expect(seen).toHaveLength(2);
    expect(Date.now() - started).toBeLessThan(3_000);
  });
});
