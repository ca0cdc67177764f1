// Transport faults over real 127.0.0.1 sockets: an unreachable host is `offline` and surely not
// applied; a reset, a closed socket or a timeout is `transient` and may have been applied.
// Run with the core's client (node:http) and with Node's fetch: both must classify alike.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { VendorError } from '../../src/main/core/vendors/errors';
import { classifyStatus, httpRequest, parseJson } from '../../src/main/core/vendors/http';
import { nodeFetch } from '../../src/main/core/vendors/node-http-client';

const servers: http.Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

async function serve(handler: http.RequestListener): Promise<string> {
  const s = http.createServer(handler);
  servers.push(s);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
}

/** A port that was just free: nothing listens there, so connecting is refused. */
async function closedPort(): Promise<string> {
  const s = http.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return `http://127.0.0.1:${port}`;
}

async function failure(p: Promise<unknown>): Promise<VendorError> {
  const e = await p.then(
    () => null,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(VendorError);
  return e as VendorError;
}

describe.each([
  ['nodeFetch', nodeFetch],
  ['fetch', fetch],
] as const)('httpRequest over %s classifies transport faults', (_name, client) => {
  it('a refused connection is offline, not applied', async () => {
    const e = await failure(httpRequest(client, { method: 'post', url: `${await closedPort()}/x`, body: '{}' }));
    expect(e).toMatchObject({ kind: 'offline', method: 'POST', maybeApplied: false });
    expect(e.message).toMatch(/ECONNREFUSED/);
  });

  it('an unknown host is offline', async () => {
    const e = await failure(httpRequest(client, { method: 'GET', url: 'http://no-such-host.invalid/x' }));
    expect(e).toMatchObject({ kind: 'offline', maybeApplied: false });
  });

  it('a socket destroyed after the request arrived is transient and may have been applied', async () => {
    let received = 0;
    const url = await serve((req) => {
      received++;
      req.resume();
      req.on('end', () => req.socket.destroy());
    });
    const e = await failure(httpRequest(client, { method: 'POST', url, body: '{"a":1}' }));
    expect(e).toMatchObject({ kind: 'transient', method: 'POST', maybeApplied: true });
    expect(received).toBe(1);
  });

  it('a TCP reset is transient', async () => {
    const url = await serve((req) => req.socket.resetAndDestroy());
    const e = await failure(httpRequest(client, { method: 'GET', url }));
    expect(e).toMatchObject({ kind: 'transient', method: 'GET', maybeApplied: true });
    expect(e.message).toMatch(/ECONNRESET|UND_ERR_SOCKET|closed/);
  });

  it('a body cut off mid-stream is transient, with the status it had', async () => {
    const url = await serve((req, res) => {
      res.writeHead(200, { 'content-length': '100' });
      res.write('{"par');
      setTimeout(() => req.socket.destroy(), 10);
    });
    const e = await failure(httpRequest(client, { method: 'PATCH', url }));
    expect(e).toMatchObject({ kind: 'transient', status: 200, method: 'PATCH', maybeApplied: true });
  });

  it('no answer within the timeout is transient and may have been applied', async () => {
    const url = await serve(() => {}); // never answers
    const started = Date.now();
    const e = await failure(httpRequest(client, { method: 'POST', url, body: '{}', timeoutMs: 100 }));
    expect(e).toMatchObject({ kind: 'transient', method: 'POST', maybeApplied: true });
    expect(e.message).toMatch(/within 0.1s/);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('the caller’s own abort is passed through, not classified', async () => {
    const url = await serve(() => {});
    const ctl = new AbortController();
    setTimeout(() => ctl.abort(), 20);
    const e = await httpRequest(client, { method: 'GET', url, signal: ctl.signal }).catch((x: unknown) => x);
    expect(e).not.toBeInstanceOf(VendorError);
  });
});

describe('status and body classification carry the request method', () => {
  const res = (status: number, text: string, method = 'POST', headers: Record<string, string> = {}) => ({
    method,
    status,
    headers: new Headers(headers),
    text,
  });

  it('429 was not applied; 5xx may have been; 401/404 were refused', () => {
    expect(classifyStatus(res(429, '', 'POST', { 'retry-after': '2' }), 'V')).toMatchObject({
      kind: 'rate_limited',
      method: 'POST',
      maybeApplied: false,
      retryAfterMs: 2000,
    });
    expect(classifyStatus(res(502, '<html>', 'POST'), 'V')).toMatchObject({ kind: 'transient', method: 'POST', maybeApplied: true });
    expect(classifyStatus(res(401, ''), 'V')).toMatchObject({ kind: 'auth', maybeApplied: false });
    expect(classifyStatus(res(404, '', 'DELETE'), 'V')).toMatchObject({ kind: 'not_found', method: 'DELETE', maybeApplied: false });
  });

  it('a truncated JSON body is malformed and may have been applied', () => {
    let e: unknown;
    try {
      parseJson(res(201, '{"id": 4'), 'V');
    } catch (x) {
      e = x;
    }
    expect(e).toMatchObject({ kind: 'malformed', status: 201, method: 'POST', maybeApplied: true });
  });

  it('errors built without transport facts: unknown counts as applied, except 429 and offline', () => {
    expect(new VendorError({ kind: 'transient', message: 'x' }).maybeApplied).toBe(true);
    expect(new VendorError({ kind: 'malformed', message: 'x', maybeApplied: false }).maybeApplied).toBe(false);
    expect(new VendorError({ kind: 'rate_limited', message: 'x', maybeApplied: true }).maybeApplied).toBe(false);
    expect(new VendorError({ kind: 'auth', status: 429, message: 'x' }).maybeApplied).toBe(false);
    expect(new VendorError({ kind: 'offline', message: 'x' }).maybeApplied).toBe(false);
  });
});
