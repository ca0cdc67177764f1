// Issue 23: a broken or hostile vendor cannot stall Concord, exhaust it, or learn a secret.
// Misbehaving servers on 127.0.0.1 pose as real vendor accounts; the real connectors reach them
// through createCore, accounts.add and sync(). Every sync must end by itself within seconds with
// a plain message, keep the records that came before the fault, stay within bounded memory, and
// send no credential (header or body) to any origin but the vendor's own.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type net from 'node:net';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../src/main/core';
import { createLogger, nullSink } from '../../src/main/core/log';
import { MemorySecretStore } from '../../src/main/core/secrets/memory-store';
import type { AccountKind } from '../../src/shared/domain';
import type { VendorLimits } from '../../src/main/core/vendors/limits';
import { tempDir } from '../helpers/tmp';
import { FAST_RETRY } from '../helpers/vendor';

const MB = 1024 * 1024;

interface Seen {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}
type Handler = (req: Seen, res: http.ServerResponse) => unknown;
interface FakeVendor {
  url: string;
  seen: Seen[];
  connections: number;
}

const servers: net.Server[] = [];
const sockets = new Set<net.Socket>();
const cleanups: (() => void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) c();
  for (const s of sockets) s.destroy();
  sockets.clear();
  for (const s of servers.splice(0)) await new Promise((r) => s.close(r));
});

/** A vendor on 127.0.0.1 (https with `tls`), recording every request it gets whole. */
async function fakeVendor(handler: Handler, tls?: { key: string; cert: string }): Promise<FakeVendor> {
  const seen: Seen[] = [];
  const listener = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const s = { method: req.method!, path: req.url!, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
    seen.push(s);
    res.on('error', () => {}); // the client hanging up on a hostile answer is the point
    await handler(s, res);
  };
  const server = tls ? https.createServer(tls, listener) : http.createServer(listener);
  const v: FakeVendor = { url: '', seen, connections: 0 };
  server.on('connection', (c: net.Socket) => {
    v.connections++;
    sockets.add(c);
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  v.url = `${tls ? 'https' : 'http'}://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return v;
}

/** Until the client takes what was written (or hangs up). */
function drained(res: http.ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

const json = (res: http.ServerResponse, body: unknown, status = 200): void => {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
};

async function newCore(limits: Partial<VendorLimits> = {}): Promise<Core> {
  const t = tempDir();
  const core = await createCore({
    dataDir: t.dir,
    secretStore: new MemorySecretStore(),
    log: createLogger(nullSink),
    retry: FAST_RETRY,
    syncTuning: { roundDelayMs: 5 },
    vendorLimits: limits,
  });
  cleanups.push(() => {
    core.close();
    t.cleanup();
  });
  return core;
}

/** Add the account, sync it, and say how it ended, how long it took, and what it kept. */
async function syncAccount(
  core: Core,
  kind: AccountKind,
  baseUrl: string,
  credentials: Record<string, unknown>,
  settings: Record<string, unknown> = {},
) {
  const acc = await core.accounts.add({ kind, label: kind, baseUrl, credentials, settings });
  global.gc?.();
  const rss = process.memoryUsage().rss;
  const started = Date.now();
  const result = await core.sync.sync({ accountId: acc.id });
  const ms = Date.now() - started;
  const growthMb = (process.memoryUsage().rss - rss) / MB;
  const summary = result.accounts[0]!;
  const kept = core.store.sqlite
    .prepare("SELECT count(*) FROM records WHERE account_id = ? AND state = 'synced'")
    .pluck()
    .get(acc.id) as number;
  const cursor = core.store.sqlite.prepare('SELECT pull_cursor FROM accounts WHERE id = ?').pluck().get(acc.id) as string | null;
  const message = summary.errors.at(-1)?.message ?? '';
  // Every sync here ends by itself, quickly, in bounded memory.
  expect(summary.complete).toBe(false);
  expect(ms).toBeLessThan(10_000);
  expect(growthMb).toBeLessThan(400);
  return { summary, message, kind: summary.errors.at(-1)?.kind, ms, kept, cursor, accountId: acc.id };
}

// --- what each vendor sends -------------------------------------------------------------------

const CT = { token: 'ab'.repeat(20) };
const LV = { accessToken: 'lv-access-SECRET', clientName: 'client', userName: 'user', password: 'lv-password-SECRET' };
const LV_SESSION = 'lv-session-SECRET';
// A JWT's shape (header.payload.signature), as the account form checks it.
const MPDX = { jwt: 'eyJhbGciOiJIUzI1NiJ9.eyJ1c2VyX2lkIjoiU0VDUkVUIn0.mpdx-SECRET-signature', accountListId: 'al-1' };
const BC = { clientId: 'bc-client', clientSecret: 'bc-client-SECRET', customerId: '4242' };
const BC_TOKEN = 'bc-token-SECRET';
const LT = { token: 'lt-token-SECRET' };
const SECRETS = [CT.token, LV.accessToken, LV.password, LV_SESSION, MPDX.jwt, BC.clientSecret, BC_TOKEN, LT.token];

const ctContact = (n: number) => ({ id: n, first_name: `Ann${n}`, last_name: 'Lee', modified_on: '2024-01-01T00:00:00Z' });
const lvContact = (n: number) => ({ account: `A${n}`, person: { firstName: `Ann${n}`, lastName: 'Lee' }, modifyDate: 1_700_000_000_000 });
const bcContact = (n: number) => ({ id: n, name: `Ann${n} Lee` });
const ltContact = (n: number) => ({ id: n, name: `Ann${n} Lee`, updated_at: '2024-01-01T00:00:00Z' });
const query = (s: Seen) => new URL(s.path, 'http://x').searchParams;

/** LiveVox's login, then `list(offset, count)` for each list page. */
const liveVox =
  (list: (offset: number, count: number, res: http.ServerResponse) => void | Promise<void>): Handler =>
  (req, res) => {
    if (req.path === '/session/login') return json(res, { sessionId: LV_SESSION });
    const q = query(req);
    return list(Number(q.get('offset')), Number(q.get('count')), res);
  };

/** Nothing secret reached this origin: no request at all, so no credential header and no body. */
function nothingReached(other: FakeVendor): void {
  const text = JSON.stringify(other.seen);
  for (const s of SECRETS) expect(text).not.toContain(s);
  expect(other.seen).toEqual([]);
}

describe('a hostile vendor cannot loop a pull', () => {
  it('endless next: CallTools past its own stated count, LiveVox (no total) past a multiple of what is held', async () => {
    const core = await newCore({ pullRecordFloor: 40 });
    const ct = await fakeVendor((req, res) => {
      const page = Number(query(req).get('page'));
      json(res, {
        count: 6,
        next: `https://app.calltools.io/api/contacts/?page=${page + 1}`,
        previous: null,
        results: [ctContact(2 * page), ctContact(2 * page + 1)],
      });
    });
    const a = await syncAccount(core, 'calltools', ct.url, CT, { pageSize: 2 });
    expect(a.kind).toBe('refused');
    expect(a.message).toMatch(
      /^CallTools kept saying more contacts follow past page 6, beyond the 6 pages its own total allows — paging stopped/,
    );
    expect(a.kept).toBe(10); // the five pages before the sixth are stored
    expect(a.cursor).toBeNull(); // the next sync starts over instead of resuming the loop

    const lv = await fakeVendor(
      liveVox((offset, count, res) =>
        json(res, {
          listContactDetails: [lvContact(offset), lvContact(offset + 1)],
          next: `contact/contacts?offset=${offset + count}&count=${count}`,
        }),
      ),
    );
    const b = await syncAccount(core, 'livevox', lv.url, LV, { pageSize: 2 });
    expect(b.message).toMatch(/^LiveVox sent more than 40 contacts in one pull — paging stopped; what came before is kept/);
    expect(b.kept).toBe(40);
    expect(b.cursor).toBeNull();
  });

  it('a repeated next link or a page that brings nothing new stops the pull; the records before stay', async () => {
    const core = await newCore();
    const lv = await fakeVendor(
      liveVox((offset, _count, res) =>
        json(res, { listContactDetails: [lvContact(offset), lvContact(offset + 1)], next: 'contact/contacts?offset=2&count=2' }),
      ),
    );
    const a = await syncAccount(core, 'livevox', lv.url, LV, { pageSize: 2 });
    expect(a.kind).toBe('refused');
    expect(a.message).toMatch(/^LiveVox sent the same next link twice \(contact\/contacts\?offset=2&count=2\) — paging stopped/);
    expect(a.kept).toBe(2); // the page that repeats the link is refused whole
    expect(a.cursor).toBeNull();

    // CallTools ignoring the page number: the same records on every page, each "next" new.
    const ct = await fakeVendor((req, res) =>
      json(res, { count: 1000, next: `https://x/?page=${Number(query(req).get('page')) + 1}`, results: [ctContact(1), ctContact(2)] }),
    );
    const b = await syncAccount(core, 'calltools', ct.url, CT, { pageSize: 2 });
    expect(b.message).toMatch(/^CallTools sent contacts page 2 with nothing new on it/);
    expect(b.kept).toBe(2);
    expect(ct.seen).toHaveLength(2); // not retried: the next sync starts from the first page

    // BigChange: an empty page that says it is full.
    const bc = await fakeVendor((req, res) => {
      if (req.path === '/auth/tokens') return json(res, { access_token: BC_TOKEN, expires_in: 3600 });
      const page = Number(query(req).get('pageNumber'));
      json(res, page === 1 ? { items: [bcContact(1), bcContact(2)], pageItemCount: 2 } : { items: [], pageItemCount: 2 });
    });
    const c = await syncAccount(core, 'bigchange', bc.url, BC, { pageSize: 2 });
    expect(c.message).toMatch(/^BigChange sent an empty contacts page \(2\) that says more follow/);
    expect(c.kept).toBe(2);
  });
  it('a LiveVox change export listing far more contacts than a pull may read is refused; the next sync scans in full', async () => {
    const core = await newCore({ pullRecordFloor: 10 });
    const lv = await fakeVendor((req, res) => {
      if (req.path === '/session/login') return json(res, { sessionId: LV_SESSION });
      if (req.path === '/contact/contacts/bulk')
        return res
          .writeHead(200, { 'content-type': 'text/csv' })
          .end(['Account,Modify Date', ...Array.from({ length: 50 }, (_, i) => `A${i},1700000000000`)].join('\n'));
      json(res, { listContactDetails: [lvContact(0), lvContact(1)] });
    });
    const acc = await core.accounts.add({ kind: 'livevox', baseUrl: lv.url, credentials: LV });
    expect((await core.sync.sync({ accountId: acc.id })).accounts[0]).toMatchObject({ complete: true, pulled: 2 });
    const r = (await core.sync.sync({ accountId: acc.id })).accounts[0]!;
    expect(r.errors).toEqual([
      {
        kind: 'refused',
        message: expect.stringMatching(/^LiveVox listed 50 changed contacts, more than the 20 a pull may read — refused/),
      },
    ]);
    expect(lv.seen.filter((s) => s.path.startsWith('/contact/contacts/A'))).toEqual([]); // none read one by one
    expect(core.store.sqlite.prepare('SELECT pull_cursor FROM accounts WHERE id = ?').pluck().get(acc.id)).toBeNull();
  });
});

describe('a hostile vendor cannot exhaust memory or the stack', () => {
  it('a ~300 MB page is cut off at 64 MB, streamed, and refused by name', async () => {
    const core = await newCore();
    let sent = 0;
    const lv = await fakeVendor(
      liveVox(async (offset, count, res) => {
        if (offset === 0)
          return json(res, { listContactDetails: [lvContact(0), lvContact(1)], next: `contact/contacts?offset=2&count=${count}` });
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"listContactDetails":[');
        // 1 MB of records at a time, waiting for the client to take each: never held whole here.
        const chunk = Buffer.from(`${JSON.stringify(lvContact(9)).padEnd(1023, ' ')},`.repeat(1024));
        while (sent < 300 * MB && !res.destroyed) {
          sent += chunk.length;
          if (!res.write(chunk)) await drained(res);
        }
        res.end();
      }),
    );
    const a = await syncAccount(core, 'livevox', lv.url, LV, { pageSize: 2 });
    expect(a.kind).toBe('refused');
    expect(a.message).toBe('LiveVox sent more than 64 MB in one answer — refused');
    expect(a.kept).toBe(2);
    expect(sent).toBeGreaterThan(64 * MB);
    expect(sent).toBeLessThan(200 * MB); // the client hung up near the cap, it did not drain 300 MB
    expect(lv.seen.filter((s) => s.path.includes('offset=2'))).toHaveLength(1); // not retried
  });

  it('a gzip bomb is refused when what it decodes to passes the cap', async () => {
    const core = await newCore();
    const member = zlib.gzipSync(Buffer.alloc(16 * MB, 0x20)); // 16 MB of JSON whitespace in ~16 KB
    const bc = await fakeVendor(async (req, res) => {
      if (req.path === '/auth/tokens') return json(res, { access_token: BC_TOKEN, expires_in: 3600 });
      if (Number(query(req).get('pageNumber')) === 1) return json(res, { items: [bcContact(1), bcContact(2)], pageItemCount: 2 });
      // ~1 MB on the wire, 1 GB decoded (gzip members may be concatenated).
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
      res.write(zlib.gzipSync('{"items":['));
      for (let i = 0; i < 64 && !res.destroyed; i++) if (!res.write(member)) await drained(res);
      res.end();
    });
    const a = await syncAccount(core, 'bigchange', bc.url, BC, { pageSize: 2 });
    expect(a.message).toBe('BigChange sent more than 64 MB in one answer — refused');
    expect(a.kept).toBe(2);
  });

  it('100,000-deep nesting among good records is refused before anything recurses over it', async () => {
    const core = await newCore();
    const deep = `{"id":99,"name":"Deep","extra":${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
    const lt = await fakeVendor((req, res) => {
      const customer = query(req).get('customer_id[]');
      if (customer === '1') return json(res, { result: true, entities: [ltContact(1), ltContact(2)] });
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(`{"result":true,"entities":[${JSON.stringify(ltContact(3))},${deep},${JSON.stringify(ltContact(4))}]}`);
    });
    const a = await syncAccount(core, 'lightening', lt.url, LT, { customerIds: ['1', '2'] });
    expect(a.kind).toBe('refused');
    expect(a.message).toBe('Lightening sent JSON nested deeper than 64 levels — refused');
    expect(a.kept).toBe(2);
  });
});

describe('a hostile vendor cannot learn a secret', () => {
  /** Every vendor, redirecting its first request (a login carries the password in its body). */
  const redirecting = (to: string): Record<string, [Handler, Record<string, unknown>, Record<string, unknown>?]> => ({
    calltools: [(_r, res) => res.writeHead(307, { location: `${to}/api/contacts/` }).end(), CT],
    mpdx: [(_r, res) => res.writeHead(302, { location: `${to}/api/v2/contacts` }).end(), MPDX],
    lightening: [(_r, res) => res.writeHead(301, { location: `${to}/contact` }).end(), LT, { customerIds: ['1'] }],
    // The login's body holds the password: a 307 would send it on.
    livevox: [(_r, res) => res.writeHead(307, { location: `${to}/session/login` }).end(), LV],
    bigchange: [(_r, res) => res.writeHead(308, { location: `${to}/auth/tokens` }).end(), BC],
  });

  it('a redirect to another origin is refused for every vendor: no credential header and no body go there', async () => {
    const core = await newCore();
    const other = await fakeVendor((_r, res) => json(res, {}));
    for (const [kind, [handler, creds, settings]] of Object.entries(redirecting(other.url))) {
      const v = await fakeVendor(handler);
      const a = await syncAccount(core, kind as AccountKind, v.url, creds, settings);
      expect(a.kind, kind).toBe('refused');
      expect(a.message).toMatch(new RegExp(`^\\w+ redirected to ${other.url} — refused$`));
      expect(v.seen).toHaveLength(1); // refused at once, not retried
    }
    // After a login that went well: LV-Access and LV-Session stay home too.
    const lv = await fakeVendor((req, res) =>
      req.path === '/session/login'
        ? json(res, { sessionId: LV_SESSION })
        : res.writeHead(307, { location: `${other.url}/contact/contacts` }).end(),
    );
    expect((await syncAccount(core, 'livevox', lv.url, LV)).message).toBe(`LiveVox redirected to ${other.url} — refused`);
    // …and BigChange's bearer token and Customer-Id.
    const bc = await fakeVendor((req, res) =>
      req.path === '/auth/tokens'
        ? json(res, { access_token: BC_TOKEN, expires_in: 3600 })
        : res.writeHead(302, { location: `${other.url}/v1/contacts` }).end(),
    );
    expect((await syncAccount(core, 'bigchange', bc.url, BC)).message).toBe(`BigChange redirected to ${other.url} — refused`);
    nothingReached(other);
  });

  it('a redirect within the vendor’s origin is followed, its credentials kept', async () => {
    const core = await newCore();
    const ct = await fakeVendor((req, res) => {
      if (req.path.startsWith('/api/')) return res.writeHead(301, { location: `/old${req.path}` }).end();
      if (req.path.startsWith('/old/')) return res.writeHead(308, { location: `${ct.url}${req.path.replace('/old/', '/new/')}` }).end();
      json(res, { count: 2, next: null, results: [ctContact(1), ctContact(2)] });
    });
    const acc = await core.accounts.add({ kind: 'calltools', baseUrl: ct.url, credentials: CT, settings: { pageSize: 2 } });
    const r = await core.sync.sync({ accountId: acc.id, pullOnly: true });
    expect(r.accounts[0]).toMatchObject({ complete: true, pulled: 2, errors: [] });
    expect(ct.seen.map((s) => s.headers.authorization)).toEqual([`Token ${CT.token}`, `Token ${CT.token}`, `Token ${CT.token}`]);
  });

  const openssl = (() => {
    try {
      execFileSync('openssl', ['version'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  })();
  /** A self-signed certificate for 127.0.0.1, made now. */
  function selfSigned(): { key: string; cert: string } {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const key = path.join(t.dir, 'key.pem');
    const cert = path.join(t.dir, 'cert.pem');
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-keyout',
        key,
        '-out',
        cert,
        '-days',
        '2',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
      ],
      { stdio: 'ignore' },
    );
    return { key: fs.readFileSync(key, 'utf8'), cert: fs.readFileSync(cert, 'utf8') };
  }

  it.skipIf(!openssl)('a self-signed certificate is refused as such, once, and nothing is sent', async () => {
    const core = await newCore();
    const v = await fakeVendor((_r, res) => json(res, { count: 0, next: null, results: [] }), selfSigned());
    const a = await syncAccount(core, 'calltools', v.url, CT);
    expect(a.kind).toBe('refused');
    expect(a.message).toBe('the certificate of 127.0.0.1 is not trusted: self-signed');
    expect(v.seen).toEqual([]);
    expect(v.connections).toBe(1); // one handshake: a certificate does not get better by asking again
  });

  it.skipIf(!openssl)('a redirect from https to http is refused', async () => {
    const core = await newCore();
    const plain = await fakeVendor((_r, res) => json(res, {}));
    const v = await fakeVendor(
      (req, res) =>
        req.path === '/session/login'
          ? json(res, { sessionId: LV_SESSION })
          : res.writeHead(307, { location: `${plain.url}${req.path}` }).end(),
      selfSigned(),
    );
    // Only here is the test's own certificate trusted, so the vendor's redirect is what is tested.
    const before = process.env.NODE_TLS_REJECT_UNAUTHORIZED;
    process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
    try {
      const a = await syncAccount(core, 'livevox', v.url, LV);
      expect(a.message).toBe(`LiveVox redirected to ${plain.url} — refused`);
    } finally {
      if (before === undefined) delete process.env.NODE_TLS_REJECT_UNAUTHORIZED;
      else process.env.NODE_TLS_REJECT_UNAUTHORIZED = before;
    }
    expect(v.seen.map((s) => s.path)).toEqual(['/session/login', '/contact/contacts?count=1000&offset=0']);
    nothingReached(plain);
  });
});

describe('a hostile vendor cannot stall a sync', () => {
  it('one byte every two seconds ends at the request deadline, retried once, not round after round', async () => {
    const core = await newCore({ requestTimeoutMs: 1000 });
    const ct = await fakeVendor((req, res) => {
      if (Number(query(req).get('page')) === 1)
        return json(res, { count: 4, next: 'https://x/?page=2', results: [ctContact(1), ctContact(2)] });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{');
      const t = setInterval(() => res.write(' '), 2000);
      res.on('close', () => clearInterval(t));
    });
    const a = await syncAccount(core, 'calltools', ct.url, CT, { pageSize: 2 });
    expect(a.kind).toBe('transient');
    expect(a.message).toMatch(/did not finish its answer within 1s/);
    expect(a.kept).toBe(2);
    expect(ct.seen.filter((s) => query(s).get('page') === '2')).toHaveLength(2);
    expect(a.summary.errors).toHaveLength(1); // one round: a timeout does not start another
  });

  it('one deadline bounds an account’s whole sync, however each page is paced', async () => {
    const core = await newCore({ syncDeadlineMs: 1500 });
    const ct = await fakeVendor(async (req, res) => {
      const page = Number(query(req).get('page'));
      await new Promise((r) => setTimeout(r, 250)); // each page in time, the whole never
      json(res, { count: 100_000, next: `https://x/?page=${page + 1}`, results: [ctContact(2 * page), ctContact(2 * page + 1)] });
    });
    const a = await syncAccount(core, 'calltools', ct.url, CT, { pageSize: 2 });
    expect(a.kind).toBe('refused');
    expect(a.message).toBe(
      'The sync of calltools ran past its 1.5-second limit — stopped; what came so far is kept, the rest waits for the next sync',
    );
    expect(a.ms).toBeLessThan(3_000);
    expect(a.kept).toBeGreaterThanOrEqual(4);
    expect(a.cursor).not.toBeNull(); // a deadline is not a loop: the next sync resumes
  });
});
