// The core's node:http client against real node:http servers on 127.0.0.1: what fetch would
// answer (status, headers, body), keep-alive reuse, and a stale keep-alive socket.
import http from 'node:http';
import net from 'node:net';
import zlib from 'node:zlib';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { VendorError } from '../../src/main/core/vendors/errors';
import { classifyStatus, httpRequest, parseJson } from '../../src/main/core/vendors/http';
import { nodeFetch } from '../../src/main/core/vendors/node-http-client';

const servers: net.Server[] = [];
const sockets = new Set<net.Socket>();
afterEach(async () => {
  for (const s of sockets) s.destroy(); // our client keeps connections alive
  sockets.clear();
  for (const s of servers.splice(0)) await new Promise((r) => s.close(r));
});

async function listen(s: net.Server): Promise<string> {
  servers.push(s);
  s.on('connection', (c: net.Socket) => sockets.add(c));
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
}
const serve = (handler: http.RequestListener, opts: http.ServerOptions = {}): Promise<string> => listen(http.createServer(opts, handler));

/** Each request's method, path, headers and body, and the remote port of its connection. */
interface Seen {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  port: number;
}
async function recording(
  answer: (req: Seen, res: http.ServerResponse) => void,
  opts: http.ServerOptions = {},
): Promise<{ url: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  const url = await serve(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const s = {
      method: req.method!,
      path: req.url!,
      headers: req.headers,
      body: Buffer.concat(chunks).toString('utf8'),
      port: req.socket.remotePort!,
    };
    seen.push(s);
    answer(s, res);
  }, opts);
  return { url, seen };
}

async function failure(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => {
      throw new Error('expected a failure');
    },
    (x: unknown) => x,
  );
}

describe('nodeFetch answers like fetch', () => {
  it('a JSON body, its status and headers', async () => {
    const { url } = await recording((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'x-total': '3' });
      res.end(JSON.stringify({ results: [{ id: 1, name: 'Zoë Ångström' }] }));
    });
    const res = await nodeFetch(`${url}/api/contacts/?page=1`);
    expect(res).toBeInstanceOf(Response);
    expect(res.status).toBe(200);
    expect(res.ok).toBe(true);
    expect(res.headers.get('X-Total')).toBe('3');
    expect(await res.json()).toEqual({ results: [{ id: 1, name: 'Zoë Ångström' }] });
  });

  it('a 500 with an HTML page is read whole and classified as transient', async () => {
    const page = '<html><body><h1>Server Error (500)</h1></body></html>';
    const url = await serve((_req, res) => {
      res.writeHead(500, { 'content-type': 'text/html' });
      res.end(page);
    });
    const r = await httpRequest(nodeFetch, { method: 'GET', url });
    expect(r).toMatchObject({ status: 500, text: page });
    expect(classifyStatus(r, 'V')).toMatchObject({
      kind: 'transient',
      status: 500,
      maybeApplied: true,
      message: expect.stringMatching(/HTML page/),
    });
  });

  it('a 429 carries Retry-After through res.headers.get', async () => {
    const url = await serve((_req, res) => {
      res.writeHead(429, { 'Retry-After': '7', 'content-type': 'application/json' });
      res.end('{"detail":"Request was throttled."}');
    });
    const r = await httpRequest(nodeFetch, { method: 'POST', url, body: '{}' });
    expect(r.headers.get('retry-after')).toBe('7');
    expect(classifyStatus(r, 'V')).toMatchObject({ kind: 'rate_limited', maybeApplied: false, retryAfterMs: 7000 });
  });

  it('204 and HEAD answers have no body', async () => {
    const url = await serve((req, res) => {
      res.writeHead(req.method === 'DELETE' ? 204 : 200, {
        'content-type': 'application/json',
        'content-length': req.method === 'HEAD' ? '12' : '0',
      });
      res.end();
    });
    const del = await nodeFetch(`${url}/x`, { method: 'DELETE' });
    expect(del.status).toBe(204);
    expect(await del.text()).toBe('');
    const head = await nodeFetch(`${url}/x`, { method: 'HEAD' });
    expect(head.headers.get('content-length')).toBe('12');
    expect(await head.text()).toBe('');
  });

  it('sends the body with its content-length and the caller’s headers', async () => {
    const { url, seen } = await recording((_req, res) => res.end('ok'));
    const body = JSON.stringify({ first_name: 'Zoë' });
    await (
      await nodeFetch(`${url}/api/contacts/`, {
        method: 'post',
        headers: { Authorization: 'Token abc', 'Content-Type': 'application/json' },
        body,
      })
    ).text();
    await (
      await nodeFetch(`${url}/auth/tokens`, { method: 'POST', body: new URLSearchParams({ grant_type: 'client_credentials' }) })
    ).text();
    expect(seen[0]).toMatchObject({
      method: 'POST',
      path: '/api/contacts/',
      body,
      headers: { authorization: 'Token abc', 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) },
    });
    expect(seen[0]!.headers['transfer-encoding']).toBeUndefined();
    expect(seen[1]).toMatchObject({
      body: 'grant_type=client_credentials',
      headers: { 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8', 'content-length': '29' },
    });
  });

  it('reuses one keep-alive connection for sequential requests', async () => {
    const { url, seen } = await recording((_req, res) => res.end('{}'));
    for (let i = 0; i < 5; i++) await (await nodeFetch(`${url}/p${i}`)).text();
    expect(seen.map((s) => s.path)).toEqual(['/p0', '/p1', '/p2', '/p3', '/p4']);
    expect(new Set(seen.map((s) => s.port)).size).toBe(1);
  });

  it('follows a redirect, dropping the credentials when it leaves the origin', async () => {
    const other = await recording((_req, res) => res.end('moved here'));
    const { url, seen } = await recording((req, res) => {
      if (req.path === '/old') res.writeHead(301, { location: '/new' }).end();
      else if (req.path === '/away') res.writeHead(302, { location: `${other.url}/there` }).end();
      else if (req.path === '/created') res.writeHead(303, { location: '/new' }).end();
      else res.end('new place');
    });
    const res = await nodeFetch(`${url}/old`, { headers: { authorization: 'Token abc' } });
    expect(await res.text()).toBe('new place');
    expect(seen.map((s) => [s.path, s.headers.authorization])).toEqual([
      ['/old', 'Token abc'],
      ['/new', 'Token abc'],
    ]);
    expect(seen[1]!.port).toBe(seen[0]!.port); // the redirect's body was read, its connection reused
    expect(await (await nodeFetch(`${url}/away`, { headers: { authorization: 'Token abc' } })).text()).toBe('moved here');
    expect(other.seen[0]!.headers.authorization).toBeUndefined();
    // 303 after a POST: fetched with GET, without the body.
    expect(
      await (
        await nodeFetch(`${url}/created`, { method: 'POST', body: '{"a":1}', headers: { 'content-type': 'application/json' } })
      ).text(),
    ).toBe('new place');
    expect(seen.slice(-2).map((s) => [s.method, s.path, s.body, s.headers['content-type']])).toEqual([
      ['POST', '/created', '{"a":1}', 'application/json'],
      ['GET', '/new', '', undefined],
    ]);
  });

  it('asks for gzip and decodes a gzip or deflate body; a corrupt one fails res.text()', async () => {
    const json = JSON.stringify({ results: Array.from({ length: 200 }, (_, i) => ({ id: i, name: `Zoë ${i}` })) });
    const { url, seen } = await recording((req, res) => {
      const enc = req.path.slice(1);
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': enc === 'corrupt' ? 'gzip' : enc });
      res.end(enc === 'gzip' ? zlib.gzipSync(json) : enc === 'deflate' ? zlib.deflateSync(json) : Buffer.from('not gzip at all'));
    });
    expect(await (await nodeFetch(`${url}/gzip`)).text()).toBe(json);
    expect(await (await nodeFetch(`${url}/deflate`)).text()).toBe(json);
    expect(seen[0]!.headers['accept-encoding']).toMatch(/gzip/);
    expect(await failure(httpRequest(nodeFetch, { method: 'GET', url: `${url}/corrupt` }))).toMatchObject({
      kind: 'transient',
      status: 200,
    });
    await (await nodeFetch(`${url}/gzip`)).text();
    expect(new Set(seen.map((s) => s.port)).size).toBe(1); // every answer read to its end: one connection throughout
  });

  it('https URLs go through TLS (a plain-HTTP server fails the handshake)', async () => {
    const url = await serve((_req, res) => res.end('plain'));
    const e = await failure(nodeFetch(url.replace('http:', 'https:')));
    expect(e).toBeInstanceOf(TypeError);
    expect((e as { cause?: { code?: string } }).cause?.code).toMatch(/EPROTO|SSL|ECONNRESET/);
  });
});

describe('nodeFetch failures, as httpRequest classifies them', () => {
  it('connection refused rejects like fetch: TypeError with the node error code', async () => {
    const s = net.createServer();
    const url = await listen(s);
    await new Promise((r) => s.close(r));
    servers.pop();
    const e = await failure(nodeFetch(`${url}/x`));
    expect(e).toBeInstanceOf(TypeError);
    expect((e as { cause?: { code?: string } }).cause?.code).toBe('ECONNREFUSED');
    const v = await failure(httpRequest(nodeFetch, { method: 'POST', url: `${url}/x`, body: '{}' }));
    expect(v).toBeInstanceOf(VendorError);
    expect(v).toMatchObject({ kind: 'offline', maybeApplied: false });
  });

  it('a socket destroyed before the answer is transient, may have been applied', async () => {
    const url = await serve((req) => req.socket.destroy());
    expect(await failure(httpRequest(nodeFetch, { method: 'GET', url }))).toMatchObject({ kind: 'transient', maybeApplied: true });
  });

  it('a socket destroyed mid-body fails res.text(): transient with the status', async () => {
    const url = await serve((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100000' });
      res.write(`{"results": [${'1,'.repeat(5000)}`);
      setTimeout(() => req.socket.destroy(), 20);
    });
    const res = await nodeFetch(url);
    expect(res.status).toBe(200);
    const e = await failure(res.text());
    expect(e).toBeInstanceOf(TypeError);
    expect(await failure(httpRequest(nodeFetch, { method: 'GET', url }))).toMatchObject({
      kind: 'transient',
      status: 200,
      maybeApplied: true,
    });
  });

  it('a timeout (no answer) is transient', async () => {
    const url = await serve(() => {});
    expect(await failure(httpRequest(nodeFetch, { method: 'GET', url, timeoutMs: 80 }))).toMatchObject({
      kind: 'transient',
      maybeApplied: true,
      message: expect.stringMatching(/within 0.08s/),
    });
  });

  it('an abort rejects with the signal’s reason, before the answer and mid-body', async () => {
    const url = await serve((req, res) => {
      if (req.url === '/slow-body') {
        res.writeHead(200, { 'content-length': '1000' });
        res.write('{"par');
      }
    });
    const before = new AbortController();
    const reason = new Error('stop');
    setTimeout(() => before.abort(reason), 20);
    expect(await failure(nodeFetch(`${url}/nothing`, { signal: before.signal }))).toBe(reason);

    const mid = new AbortController();
    const res = await nodeFetch(`${url}/slow-body`, { signal: mid.signal });
    setTimeout(() => mid.abort(), 20);
    expect(await failure(res.text())).toMatchObject({ name: 'AbortError' });

    const already = AbortSignal.abort();
    expect(await failure(nodeFetch(`${url}/nothing`, { signal: already }))).toMatchObject({ name: 'AbortError' });
  });
});

describe('a stale keep-alive socket', () => {
  /**
   * A raw HTTP/1.1 server that answers the first request on each connection (keep-alive) and
   * closes the connection when a second one arrives on it without answering: what a server
   * closing an idle connection just as we reuse it looks like to us.
   */
  async function closesReusedConnections(): Promise<{ url: string; requests: { method: string; answered: boolean }[] }> {
    const requests: { method: string; answered: boolean }[] = [];
    const url = await listen(
      net.createServer((socket) => {
        let n = 0;
        let buf = '';
        socket.on('data', (d) => {
          buf += d.toString('latin1');
          for (let end = buf.indexOf('\r\n\r\n'); end >= 0; end = buf.indexOf('\r\n\r\n')) {
            const head = buf.slice(0, end);
            const length = Number(/content-length: *(\d+)/i.exec(head)?.[1] ?? 0);
            if (buf.length < end + 4 + length) return;
            buf = buf.slice(end + 4 + length);
            const method = head.split(' ')[0]!;
            if (n++ === 0) {
              requests.push({ method, answered: true });
              socket.write(
                'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 11\r\nConnection: keep-alive\r\n\r\n{"ok":true}',
              );
            } else {
              requests.push({ method, answered: false });
              socket.destroy();
              return;
            }
          }
        });
        socket.on('error', () => {});
      }),
    );
    return { url, requests };
  }

  it('a GET that dies on a reused socket before any answer is sent again once, on a new connection', async () => {
    const { url, requests } = await closesReusedConnections();
    expect(await (await nodeFetch(`${url}/a`)).json()).toEqual({ ok: true });
    const second = await httpRequest(nodeFetch, { method: 'GET', url: `${url}/b` });
    expect(second).toMatchObject({ status: 200, text: '{"ok":true}' });
    expect(requests).toEqual([
      { method: 'GET', answered: true },
      { method: 'GET', answered: false },
      { method: 'GET', answered: true },
    ]);
  });

  it('a POST, PATCH, PUT or DELETE is not sent again: it fails as maybe applied', async () => {
    for (const method of ['POST', 'PATCH', 'PUT', 'DELETE']) {
      const { url, requests } = await closesReusedConnections();
      await (await nodeFetch(`${url}/warm`)).text();
      const e = await failure(httpRequest(nodeFetch, { method, url: `${url}/x`, body: '{"a":1}' }));
      expect(e).toMatchObject({ kind: 'transient', method, maybeApplied: true });
      expect(requests.map((r) => r.method)).toEqual(['GET', method]);
    }
  });

  it('a GET on a fresh connection that dies is not retried by the client', async () => {
    let n = 0;
    const url = await serve((req) => {
      n++;
      req.socket.destroy();
    });
    await failure(nodeFetch(url));
    expect(n).toBe(1);
  });

  it('reads spaced around a server’s short idle timeout all succeed, on reused connections where they can', async () => {
    // A server that drops a connection idle for over 25 ms, and (no Keep-Alive hint to go by)
    // only notices when the next request arrives on it: the widest form of the close/reuse race.
    const lastAnswer = new WeakMap<net.Socket, number>();
    let dropped = 0;
    const ports = new Set<number>();
    const url = await serve(
      (req, res) => {
        const last = lastAnswer.get(req.socket);
        if (last !== undefined && Date.now() - last > 25) {
          dropped++;
          req.socket.destroy();
          return;
        }
        ports.add(req.socket.remotePort!);
        res.end(JSON.stringify({ ok: true }), () => lastAnswer.set(req.socket, Date.now()));
      },
      { keepAliveTimeout: 0 },
    ); // 0: no Keep-Alive header, so the client cannot expire the socket first
    for (let i = 0; i < 12; i++) {
      const r = await httpRequest(nodeFetch, { method: 'GET', url: `${url}/p${i}` });
      expect(parseJson(r, 'V')).toEqual({ ok: true });
      await new Promise((r) => setTimeout(r, i % 2 ? 40 : 2));
    }
    expect(dropped).toBeGreaterThanOrEqual(5); // each long gap went stale
    expect(ports.size).toBeLessThan(12); // and each short one reused its connection
  });
});
