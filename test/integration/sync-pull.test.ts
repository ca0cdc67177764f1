// Pulling into the real store from a sandbox vendor over HTTP: pages commit with their
// cursor, re-pulls are idempotent, server changes and deletions arrive, and a connection
// dropped mid-pull loses nothing.
import { afterEach, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../src/main/core';
import { createLogger, nullSink } from '../../src/main/core/log';
import { startCallToolsSandbox, type CallToolsSandbox } from '../../src/main/core/sandbox/calltools';
import { generatePopulation } from '../../src/main/core/sandbox/population';
import { MemorySecretStore } from '../../src/main/core/secrets/memory-store';
import { tempDir } from '../helpers/tmp';
import { FAST_RETRY } from '../helpers/vendor';
import { nodeFetch } from '../../src/main/core/vendors/node-http-client';

let sb: CallToolsSandbox | undefined;
let core: Core | undefined;
let cleanup: (() => void) | undefined;
afterEach(async () => {
  core?.close();
  cleanup?.();
  await sb?.server.close();
});

async function setup(n: number, fetchImpl?: typeof fetch) {
  const contacts = generatePopulation({ seed: 5, people: 400 }).byVendor.calltools.slice(0, n);
  sb = await startCallToolsSandbox({ seed: 5, contacts });
  const t = tempDir();
  cleanup = t.cleanup;
  core = await createCore({ dataDir: t.dir, secretStore: new MemorySecretStore(), log: createLogger(nullSink), fetch: fetchImpl, retry: FAST_RETRY }); // drops are retried now: keep the waits short
  const acc = await core.accounts.add({ kind: 'calltools', label: 'CT', baseUrl: sb.baseUrl, credentials: sb.credentials, settings: { pageSize: 20 } });
  return { sb, core, accountId: acc.id };
}

const recordCount = (c: Core) => (c.store.sqlite.prepare("SELECT count(*) AS n FROM records WHERE state = 'synced'").get() as { n: number }).n;

describe('pull into the store', () => {
  it('pulls every page, then re-pulls without churn, then sees changes and deletions', async () => {
    const { sb, core, accountId } = await setup(50);
    const progress: number[] = [];
    core.events.on((e, p) => e === 'syncProgress' && progress.push((p as { done: number }).done));
    const first = await core.sync.pull(accountId);
    expect(first).toMatchObject({ pulled: 50, created: 50, pages: 3, complete: true, error: null });
    expect(progress).toEqual([0, 20, 40, 50, 50]);
    expect(recordCount(core)).toBe(50);
    expect(core.contacts.list({ vendor: 'calltools', limit: 1, offset: 0 }).total).toBe(50);
    expect(core.accounts.get(accountId)).toMatchObject({ health: 'ok', lastPull: expect.any(String) });

    const again = await core.sync.pull(accountId);
    expect(again).toMatchObject({ pulled: 50, created: 0, updated: 0, unchanged: 50 });

    const [a, b] = sb.seeded;
    sb.store.clock.advance(2000);
    sb.store.touch(Number(a!.remoteId), { last_name: 'Changed-Elsewhere' });
    sb.store.contacts.delete(Number(b!.remoteId));
    const third = await core.sync.pull(accountId);
    expect(third).toMatchObject({ pulled: 49, updated: 1, deleted: 1 });
    expect(core.contacts.list({ search: 'changed elsewhere', limit: 5, offset: 0 }).total).toBe(1);
    const state = core.store.sqlite.prepare('SELECT state FROM records WHERE remote_id = ?').get(b!.remoteId) as { state: string };
    expect(state.state).toBe('deleted_remote');
  });

  it('a connection dropped mid-pull keeps the committed pages and the next sync finishes without skipping', async () => {
    let calls = 0;
    let dropAfter = Infinity;
    const fetchWithDrop: typeof fetch = (input, init) => {
      calls++;
      if (calls > dropAfter && sb) sb.server.faults.dropRate = 1;
      return nodeFetch(input, init);
    };
    const { sb: server, core, accountId } = await setup(70, fetchWithDrop);
    dropAfter = 2; // the vendor drops every connection after two pages
    const broken = await core.sync.pull(accountId);
    expect(broken.complete).toBe(false);
    expect(broken.error?.kind).toMatch(/offline|transient/);
    expect(broken.pulled).toBe(40);
    expect(recordCount(core)).toBe(40);
    expect(core.accounts.get(accountId).health).toMatch(/offline|error/);
    const cursor = (core.store.sqlite.prepare('SELECT pull_cursor FROM accounts WHERE id = ?').get(accountId) as { pull_cursor: string }).pull_cursor;
    expect(cursor).toBe('3');

    server.server.faults.dropRate = 0;
    dropAfter = Infinity;
    const resumed = await core.sync.pull(accountId);
    expect(resumed).toMatchObject({ complete: true, pulled: 30, created: 30 });
    expect(recordCount(core)).toBe(70);
    const ids = (core.store.sqlite.prepare('SELECT remote_id FROM records').all() as { remote_id: string }[]).map((r) => r.remote_id).sort();
    expect(ids).toEqual(server.seeded.map((s) => s.remoteId).sort());
  });

  it('asks for the next page while storing this one; a fault on page 3 surfaces after pages 1–2 are committed with their cursor', async () => {
    const cursors: (string | null)[] = [];
    const spy: typeof fetch = (input, init) => {
      if (/\/api\/contacts\/\?page=/.test(String(input))) cursors.push(core ? (core.store.sqlite.prepare('SELECT pull_cursor FROM accounts').get() as { pull_cursor: string | null }).pull_cursor : null);
      return nodeFetch(input, init);
    };
    const { sb: server, core: c, accountId } = await setup(70, spy);
    // Page 3 answers 500 to the first try and to every retry.
    for (let at = 3; at <= 3 + FAST_RETRY.maxRetries; at++) server.server.failAt(at, '500');
    const r = await c.sync.pull(accountId);
    expect(r).toMatchObject({ complete: false, pulled: 40, pages: 2, error: { kind: 'transient' } });
    expect(recordCount(c)).toBe(40);
    expect((c.store.sqlite.prepare('SELECT pull_cursor FROM accounts WHERE id = ?').get(accountId) as { pull_cursor: string }).pull_cursor).toBe('3');
    // Read-ahead: page 2 was requested before page 1 was committed (cursor still unset), page 3 before page 2 was.
    expect(cursors.slice(0, 3)).toEqual([null, null, '2']);
  });

  it('says so when the account has no stored credentials, and tests a connection', async () => {
    const { core, accountId } = await setup(3);
    expect(await core.sync.test(accountId)).toEqual({ ok: true, detail: 'Connected to CallTools: 3 contacts' });
    const orphan = await core.accounts.add({ kind: 'calltools', label: 'No secret', baseUrl: sb!.baseUrl });
    const r = await core.sync.pull(orphan.id);
    expect(r.error).toMatchObject({ kind: 'auth', message: expect.stringMatching(/No credentials are stored/) });
  });
});
