// withRetry repeats only what cannot be applied twice, with the one backoff policy; checked
// against the sandbox server's fault plan over real HTTP.
import { afterEach, describe, expect, it } from 'vitest';
import { startCallToolsSandbox } from '../../src/main/core/sandbox/calltools';
import { Router, startSandboxServer, type SandboxServer } from '../../src/main/core/sandbox/server';
import { backoffMs, retryDelayMs } from '../../src/main/core/vendors/backoff';
import { createCallToolsConnector } from '../../src/main/core/vendors/calltools';
import { VendorError } from '../../src/main/core/vendors/errors';
import { classifyStatus, httpRequest, parseJson } from '../../src/main/core/vendors/http';
import { OFFLINE_RETRIES, withRetry } from '../../src/main/core/vendors/retry';
import { FAST_RETRY, failure } from '../helpers/vendor';

let open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(open.map((s) => s.close()));
  open = [];
});

async function tiny(): Promise<{ server: SandboxServer; items: string[] }> {
  const items: string[] = [];
  const router = new Router()
    .on('POST', '/items', (req) => {
      items.push(req.body);
      return { status: 201, body: { id: items.length } };
    })
    .on('PUT', '/items/:id', () => ({ status: 200, body: { ok: true } }))
    .on('GET', '/items', () => ({ status: 200, body: { items } }));
  const server = await startSandboxServer({
    router,
    hooks: {
      tooMany: (s) => ({ status: 429, headers: { 'Retry-After': String(s) }, body: {} }),
      serverError: () => ({ status: 500, body: '<html>oops</html>' }),
    },
  });
  server.faults.retryAfterSec = 0;
  open.push(server);
  return { server, items };
}

/** The connectors' call shape: httpRequest, then status and JSON checks, all inside withRetry. */
function call(server: SandboxServer | string, method: string, path: string, body?: string, how?: { once?: boolean }): Promise<unknown> {
  const base = typeof server === 'string' ? server : server.baseUrl;
  return withRetry(
    async () => {
      const res = await httpRequest(fetch, { method, url: `${base}${path}`, body, timeoutMs: 200 });
      if (res.status >= 300)
        throw classifyStatus(res, 'V') ?? new VendorError({ kind: 'malformed', status: res.status, message: 'unexpected' });
      return parseJson(res, 'V');
    },
    FAST_RETRY,
    how,
  );
}

const sent = (s: SandboxServer, method: string): number => s.requestLog.filter((r) => r.method === method).length;

describe('withRetry over real faults', () => {
  it('does not re-send a POST whose answer was dropped, so nothing is created twice', async () => {
    const { server, items } = await tiny();
    server.failAt(1, 'drop-after');
    const e = await failure(call(server, 'POST', '/items', 'a'));
    expect(e).toMatchObject({ kind: 'transient', method: 'POST', maybeApplied: true });
    expect(sent(server, 'POST')).toBe(1);
    expect(items).toEqual(['a']);
  });

  it('does not re-send a POST after a 5xx, a truncated body or a timeout', async () => {
    for (const kind of ['500', 'truncate', 'timeout'] as const) {
      const { server } = await tiny();
      server.failAt(1, kind, { holdMs: 1_000 });
      const e = await failure(call(server, 'POST', '/items', 'a'));
      expect(e.maybeApplied).toBe(true);
      expect(sent(server, 'POST')).toBe(1);
    }
  });

  it('`once`: a PUT that may have landed is not sent again (a bulk PUT is re-read instead); one refused with a 429 is', async () => {
    for (const kind of ['drop-after', '500', 'truncate'] as const) {
      const { server } = await tiny();
      server.failAt(1, kind);
      const e = await failure(call(server, 'PUT', '/items/1', '{}', { once: true }));
      expect(e.maybeApplied).toBe(true);
      expect(sent(server, 'PUT')).toBe(1);
    }
    const { server } = await tiny();
    server.failAt(1, '429');
    await expect(call(server, 'PUT', '/items/1', '{}', { once: true })).resolves.toEqual({ ok: true });
    expect(sent(server, 'PUT')).toBe(2);
  });

  it('repeats a GET after a dropped answer, a timeout and a truncated body, then succeeds', async () => {
    const { server } = await tiny();
    server.failAt(1, 'drop-after');
    server.failAt(2, 'timeout', { holdMs: 1_000 });
    server.failAt(3, 'truncate');
    await expect(call(server, 'GET', '/items')).resolves.toEqual({ items: [] });
    expect(server.requestLog.map((r) => r.fault ?? r.status)).toEqual(['drop-after', 'timeout', 'truncate', 200]);
  });

  it('repeats a PUT after a 5xx; gives up after maxRetries with the last error', async () => {
    const { server } = await tiny();
    server.faults.rate5xx = 1;
    const e = await failure(call(server, 'PUT', '/items/1', '{}'));
    expect(e).toMatchObject({ kind: 'transient', status: 500 });
    expect(sent(server, 'PUT')).toBe(FAST_RETRY.maxRetries + 1);
  });

  it('repeats a POST that was refused with 429 (surely not applied)', async () => {
    const { server, items } = await tiny();
    server.failAt(1, '429');
    await expect(call(server, 'POST', '/items', 'a')).resolves.toEqual({ id: 1 });
    expect(server.requestLog.map((r) => r.status)).toEqual([429, 201]);
    expect(items).toEqual(['a']);
  });

  it('an unreachable host is tried a couple more times, then reported offline', async () => {
    const { server } = await tiny();
    const url = server.baseUrl;
    await server.close();
    let attempts = 0;
    const e = await failure(
      withRetry(() => {
        attempts++;
        return httpRequest(fetch, { method: 'POST', url: `${url}/items`, body: 'a' });
      }, FAST_RETRY),
    );
    expect(e).toMatchObject({ kind: 'offline', maybeApplied: false });
    expect(attempts).toBe(1 + OFFLINE_RETRIES);
  });

  it('a blip of unreachability does not end as offline', async () => {
    let attempts = 0;
    const flaky = (() => {
      attempts++;
      if (attempts === 1) return Promise.reject(new VendorError({ kind: 'offline', method: 'GET', message: 'refused' }));
      return Promise.resolve('ok');
    }) as () => Promise<string>;
    await expect(withRetry(flaky, FAST_RETRY)).resolves.toBe('ok');
    expect(attempts).toBe(2);
  });

  it('errors without a method: rate limits are repeated, unknown transients are not', async () => {
    let n = 0;
    const limited = await withRetry(async () => {
      if (n++ === 0) throw new VendorError({ kind: 'rate_limited', message: 'slow' });
      return 'done';
    }, FAST_RETRY);
    expect([limited, n]).toEqual(['done', 2]);
    n = 0;
    const e = await failure(
      withRetry(async () => {
        n++;
        throw new VendorError({ kind: 'transient', message: 'who knows' });
      }, FAST_RETRY),
    );
    expect([e.kind, n]).toEqual(['transient', 1]);
  });

  it('a CallTools create whose answer is lost is applied once: looked for by its email, not re-sent', async () => {
    const sb = await startCallToolsSandbox({});
    open.push(sb.server);
    sb.server.failNext('drop-after', { method: 'POST' });
    const c = createCallToolsConnector({ baseUrl: sb.baseUrl, credentials: sb.credentials, retry: FAST_RETRY });
    const res = await c.create(
      { givenName: 'Grace', familyName: 'Hopper', emails: [{ address: 'grace@example.org' }] },
      { idempotencyKey: 'k-lost' },
    );
    expect(res.record?.canonical.emails?.[0]?.address).toBe('grace@example.org');
    expect(sb.store.contacts.size).toBe(1);
    expect(sb.server.requestLog.filter((r) => r.method === 'POST')).toHaveLength(1);
  });
});

describe('backoff', () => {
  it('doubles per attempt with ±50% jitter, capped', () => {
    for (const attempt of [0, 1, 2, 3]) {
      expect(backoffMs(attempt, { baseMs: 100, capMs: 10_000, random: () => 0 })).toBe(50 * 2 ** attempt);
      const high = backoffMs(attempt, { baseMs: 100, capMs: 10_000, random: () => 0.999999 });
      expect(high).toBeLessThan(150 * 2 ** attempt);
      expect(high).toBeGreaterThan(149 * 2 ** attempt);
    }
    expect(backoffMs(20, { baseMs: 100, capMs: 5_000, random: () => 0.5 })).toBe(5_000);
    for (let i = 0; i < 200; i++) {
      const ms = backoffMs(2);
      expect(ms).toBeGreaterThanOrEqual(1_000);
      expect(ms).toBeLessThan(3_000);
    }
  });

  it('a 429 waits its Retry-After, capped; without one it backs off like the rest', () => {
    const limited = (retryAfterMs?: number) => new VendorError({ kind: 'rate_limited', status: 429, message: 'x', retryAfterMs });
    expect(retryDelayMs(limited(3_000), 0, { capMs: 60_000 })).toBe(3_000);
    expect(retryDelayMs(limited(3_600_000), 0, { capMs: 50 })).toBe(50);
    expect(retryDelayMs(limited(), 1, { baseMs: 10, random: () => 0 })).toBe(10);
    expect(
      retryDelayMs(new VendorError({ kind: 'transient', message: 'x', retryAfterMs: 9_999 }), 0, { baseMs: 10, random: () => 0 }),
    ).toBe(5);
  });

  it('withRetry waits what the policy says', async () => {
    const waits: number[] = [];
    let n = 0;
    await withRetry(
      async () => {
        if (n++ < 3) throw new VendorError({ kind: 'transient', method: 'GET', message: 'x' });
        return null;
      },
      { baseDelayMs: 100, maxRetryWaitMs: 300, random: () => 0.5, sleep: async (ms) => void waits.push(ms) },
    );
    expect(waits).toEqual([100, 200, 300]);
  });
});
