// One item of read-ahead: the next item is asked for while the caller works on this one; order,
// errors after the item before, and closing the source when the caller stops early.
import { describe, expect, it } from 'vitest';
import { readAhead } from '../../src/main/core/sync/read-ahead';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Pages 1..n, each taking `ms` to fetch; `fail` throws instead of fetching that page; logs what happens. */
function pages(log: string[], n: number, opts: { ms?: number | ((page: number) => number); fail?: number } = {}) {
  const state = { closed: false };
  async function* gen() {
    try {
      for (let p = 1; p <= n; p++) {
        log.push(`fetch ${p}`);
        await sleep(typeof opts.ms === 'function' ? opts.ms(p) : (opts.ms ?? 1));
        if (p === opts.fail) throw new Error(`page ${p} failed`);
        log.push(`got ${p}`);
        yield p;
      }
    } finally {
      state.closed = true;
    }
  }
  return { source: gen(), state };
}

describe('readAhead', () => {
  it('yields every item in order, fetching the next while the caller works on the current', async () => {
    const log: string[] = [];
    const seen: number[] = [];
    for await (const p of readAhead(pages(log, 3).source)) {
      log.push(`store ${p}`);
      seen.push(p);
      await sleep(5);
    }
    expect(seen).toEqual([1, 2, 3]);
    // Page 2 is requested before page 1 is stored, page 3 before page 2.
    expect(log.indexOf('fetch 2')).toBeLessThan(log.indexOf('store 1'));
    expect(log.indexOf('fetch 3')).toBeLessThan(log.indexOf('store 2'));
    expect(log.filter((l) => l.startsWith('fetch'))).toEqual(['fetch 1', 'fetch 2', 'fetch 3']);
  });

  it('lets the read-ahead’s deferred work run before the caller’s synchronous work (node:http writes a request on the next tick)', async () => {
    const log: string[] = [];
    async function* source() {
      for (let p = 1; p <= 3; p++) {
        process.nextTick(() => log.push(`sent ${p}`));
        await sleep(2);
        yield p;
      }
    }
    for await (const p of readAhead(source())) log.push(`store ${p}`); // synchronous, as a SQLite transaction is
    expect(log.indexOf('sent 2')).toBeLessThan(log.indexOf('store 1'));
    expect(log.indexOf('sent 3')).toBeLessThan(log.indexOf('store 2'));
  });

  it('an error on the read-ahead item reaches the caller only after it finished the item before', async () => {
    const log: string[] = [];
    const stored: number[] = [];
    let error: unknown;
    try {
      for await (const p of readAhead(pages(log, 5, { fail: 3 }).source)) {
        await sleep(10); // page 3 has failed by now, in the background
        stored.push(p);
        log.push(`stored ${p}`);
      }
    } catch (e) {
      error = e;
    }
    expect(stored).toEqual([1, 2]);
    expect((error as Error).message).toBe('page 3 failed');
    expect(log.slice(-1)).toEqual(['stored 2']);
  });

  it('an early exit closes the source; a read-ahead still running does not hold the caller up', async () => {
    const log: string[] = [];
    const { source, state } = pages(log, 5, { ms: (p) => (p === 2 ? 300 : 1) });
    const started = Date.now();
    for await (const p of readAhead(source)) {
      if (p === 1) break;
    }
    expect(Date.now() - started).toBeLessThan(200); // did not wait for page 2's 300 ms
    await expect.poll(() => state.closed, { timeout: 2_000 }).toBe(true);
    expect(log).toEqual(['fetch 1', 'got 1', 'fetch 2', 'got 2']); // page 3 never asked for
  });

  it('a throw in the caller closes the source too', async () => {
    const log: string[] = [];
    const { source, state } = pages(log, 5);
    await expect(
      (async () => {
        for await (const p of readAhead(source)) if (p === 2) throw new Error('store failed');
      })(),
    ).rejects.toThrow('store failed');
    await expect.poll(() => state.closed, { timeout: 2_000 }).toBe(true);
    expect(log.filter((l) => l.startsWith('fetch'))).toEqual(['fetch 1', 'fetch 2', 'fetch 3']);
  });
});
