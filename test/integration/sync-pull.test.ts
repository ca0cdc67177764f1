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
import { packServerCopy, readServerCopy, type StoredServerCopy } from '../../src/main/core/sync/server-copy';
import { createHash } from 'node:crypto';
import { connectorFactory } from '../../src/main/core/vendors/connector-factory';

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
  core = await createCore({
    dataDir: t.dir,
    secretStore: new MemorySecretStore(),
    log: createLogger(nullSink),
    fetch: fetchImpl,
    retry: FAST_RETRY,
  }); // drops are retried now: keep the waits short
  const acc = await core.accounts.add({
    kind: 'calltools',
    label: 'CT',
    baseUrl: sb.baseUrl,
    credentials: sb.credentials,
    settings: { pageSize: 20 },
  });
  return { sb, core, accountId: acc.id };
}

const recordCount = (c: Core) =>
  (c.store.sqlite.prepare("SELECT count(*) AS n FROM records WHERE state = 'synced'").get() as { n: number }).n;

describe('pull into the store', () => {
  it('a page the vendor sends again byte for byte is not read again; a changed page, or one with a record held by a local edit, is', async () => {
    const { sb, core, accountId } = await setup(50);
    expect(await core.sync.pull(accountId)).toMatchObject({ pulled: 50, created: 50, pages: 3, samePages: 0 });
    // Nothing changed: every page is the one stored, so no record is parsed or compared.
    expect(await core.sync.pull(accountId)).toMatchObject({ pulled: 50, unchanged: 50, updated: 0, deleted: 0, pages: 3, samePages: 3 });

    // One record changed at the vendor: only its page is read, and the change arrives.
    const [a, b, c] = sb.seeded;
    sb.store.clock.advance(2000);
    sb.store.touch(Number(a!.remoteId), { last_name: 'Changed-Elsewhere' });
    expect(await core.sync.pull(accountId)).toMatchObject({ pulled: 50, updated: 1, unchanged: 49, pages: 3, samePages: 2 });
    expect(core.contacts.list({ search: 'changed elsewhere', limit: 5, offset: 0 }).total).toBe(1);

    // Edited here, then changed there in another field: the merge runs, and the page holding
    // the edited record is not remembered while the edit waits, so it is read every time.
    const rec = core.store.sqlite.prepare('SELECT id FROM records WHERE remote_id = ?').pluck().get(b!.remoteId) as string;
    core.syncStore.edit(rec, { givenName: 'Edited-Here' });
    sb.store.clock.advance(2000);
    sb.store.touch(Number(b!.remoteId), { city: 'Elsewhere' });
    expect(await core.sync.pull(accountId)).toMatchObject({ updated: 0, pages: 3 });
    expect(core.syncStore.record(rec).local).toMatchObject({
      givenName: 'Edited-Here',
      address: expect.objectContaining({ city: 'Elsewhere' }),
    });
    expect(await core.sync.pull(accountId)).toMatchObject({ unchanged: 49, pages: 3, samePages: 2 });
    // Sent: the vendor's answer is stored outside a page, so every page is read once more, then skipped again.
    expect((await core.sync.sync({ accountId })).accounts[0]).toMatchObject({ pushed: 1 });
    expect(sb.store.contacts.get(Number(b!.remoteId))).toMatchObject({ first_name: 'Edited-Here', city: 'Elsewhere' });
    core.syncStore.upsertFromServer({
      accountId,
      remoteId: 'not-from-a-page',
      raw: { id: 0 },
      canonical: { givenName: 'Single' },
      versions: {},
    });
    expect(core.store.sqlite.prepare('SELECT count(*) FROM pull_pages').pluck().get()).toBe(0);
    expect(await core.sync.pull(accountId)).toMatchObject({ updated: 0, pages: 3, samePages: 0 });
    expect(await core.sync.pull(accountId)).toMatchObject({ pulled: 50, unchanged: 50, pages: 3, samePages: 3 });
    expect(
      readServerCopy(core.store.sqlite.prepare('SELECT server FROM records WHERE id = ?').pluck().get(rec) as StoredServerCopy),
    ).toEqual(sb.store.contacts.get(Number(b!.remoteId)));

    // Skipped pages still count as seen: a record deleted at the vendor is the only one marked.
    sb.store.contacts.delete(Number(c!.remoteId));
    expect(await core.sync.pull(accountId)).toMatchObject({ pulled: 49, deleted: 1 }); // c (the record no page held went at the first full read after it)
    expect(
      core.store.sqlite.prepare("SELECT remote_id FROM records WHERE state = 'deleted_remote' ORDER BY remote_id").pluck().all(),
    ).toEqual([c!.remoteId, 'not-from-a-page'].sort());
  });

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
    const cursor = (core.store.sqlite.prepare('SELECT pull_cursor FROM accounts WHERE id = ?').get(accountId) as { pull_cursor: string })
      .pull_cursor;
    expect(cursor).toBe('3');

    server.server.faults.dropRate = 0;
    dropAfter = Infinity;
    const resumed = await core.sync.pull(accountId);
    expect(resumed).toMatchObject({ complete: true, pulled: 30, created: 30 });
    expect(recordCount(core)).toBe(70);
    const ids = (core.store.sqlite.prepare('SELECT remote_id FROM records').all() as { remote_id: string }[])
      .map((r) => r.remote_id)
      .sort();
    expect(ids).toEqual(server.seeded.map((s) => s.remoteId).sort());
  });

  it('asks for the next page while storing this one; a fault on page 3 surfaces after pages 1–2 are committed with their cursor', async () => {
    const cursors: (string | null)[] = [];
    const spy: typeof fetch = (input, init) => {
      if (/\/api\/contacts\/\?page=/.test(String(input)))
        cursors.push(
          core ? (core.store.sqlite.prepare('SELECT pull_cursor FROM accounts').get() as { pull_cursor: string | null }).pull_cursor : null,
        );
      return nodeFetch(input, init);
    };
    const { sb: server, core: c, accountId } = await setup(70, spy);
    // Page 3 answers 500 to the first try and to every retry.
    for (let at = 3; at <= 3 + FAST_RETRY.maxRetries; at++) server.server.failAt(at, '500');
    const r = await c.sync.pull(accountId);
    expect(r).toMatchObject({ complete: false, pulled: 40, pages: 2, error: { kind: 'transient' } });
    expect(recordCount(c)).toBe(40);
    expect(
      (c.store.sqlite.prepare('SELECT pull_cursor FROM accounts WHERE id = ?').get(accountId) as { pull_cursor: string }).pull_cursor,
    ).toBe('3');
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

describe('vendors read in full every time', () => {
  it('CallTools, Lightening and BigChange: a second pull with nothing changed reads no page again', async () => {
    const { startSandbox } = await import('../../src/main/core/sandbox');
    const all = await startSandbox({ seed: 11, people: 120 });
    const t = tempDir();
    const c = await createCore({ dataDir: t.dir, secretStore: new MemorySecretStore(), log: createLogger(nullSink), retry: FAST_RETRY });
    try {
      for (const vendor of ['calltools', 'lightening', 'bigchange'] as const) {
        const info = all.vendors[vendor]!;
        const id = (
          await c.accounts.add({
            kind: vendor,
            label: vendor,
            baseUrl: info.baseUrl,
            credentials: info.credentials,
            settings: { ...info.settings, pageSize: 25 },
          })
        ).id;
        const first = await c.sync.pull(id);
        expect(first, vendor).toMatchObject({ error: null, samePages: 0 });
        expect(first.created, vendor).toBeGreaterThan(10);
        // A record read from a list comes with the text it was cut from, and that text's digest,
        // where the text is what serialising the record writes (not BigChange's: its coordinates
        // have decimals); the store, taking both, keeps the very copy it would have made.
        const read = await (await connectorFactory(c.accounts, c.fetch)(id)).pull(null, { full: true }).next();
        const recs = read.done ? [] : read.value.records;
        expect(recs.filter((r) => r.rawText !== undefined).length, vendor).toBe(vendor === 'bigchange' ? 0 : recs.length);
        for (const r of recs.filter((x) => x.rawText !== undefined)) {
          expect(r.rawText, vendor).toBe(JSON.stringify(r.raw));
          expect(r.rawSha1, vendor).toBe(createHash('sha1').update(r.rawText!).digest('hex').slice(0, 16));
        }
        const copies = c.store.sqlite.prepare('SELECT server FROM records WHERE account_id = ?').pluck().all(id) as StoredServerCopy[];
        expect(copies.length, vendor).toBe(first.created);
        for (const copy of copies) expect(packServerCopy(JSON.stringify(readServerCopy(copy)), vendor), vendor).toEqual(copy);
        const again = await c.sync.pull(id);
        expect(again, vendor).toMatchObject({
          error: null,
          pulled: first.pulled,
          unchanged: first.pulled,
          created: 0,
          updated: 0,
          deleted: 0,
          pages: first.pages,
          samePages: first.pages,
        });
        // Asked for in full (`concord sync --full`): every record is read and compared again.
        expect(await c.sync.pull(id, { full: true }), vendor).toMatchObject({ error: null, unchanged: first.pulled, samePages: 0 });
        // One record changed at the vendor, by another client: it arrives, the rest stay as they are.
        const r = c.store.sqlite
          .prepare('SELECT remote_id, server, versions, local FROM records WHERE account_id = ? ORDER BY rowid LIMIT 1 OFFSET 7')
          .get(id) as { remote_id: string; server: StoredServerCopy; versions: string; local: string };
        const other = await connectorFactory(c.accounts, c.fetch)(id);
        await other.update(
          r.remote_id,
          { familyName: 'Changed-Elsewhere' },
          { raw: readServerCopy(r.server), versions: JSON.parse(r.versions) as Record<string, string> },
        );
        const third = await c.sync.pull(id);
        expect(third, vendor).toMatchObject({ error: null, pulled: first.pulled, updated: 1, unchanged: first.pulled - 1, deleted: 0 });
        expect(third.samePages, vendor).toBe(first.pages - 1);
        expect(
          c.syncStore.record(
            c.store.sqlite.prepare('SELECT id FROM records WHERE account_id = ? AND remote_id = ?').pluck().get(id, r.remote_id) as string,
          ).local.familyName,
          vendor,
        ).toBe('Changed-Elsewhere');
      }
    } finally {
      c.close();
      t.cleanup();
      await all.close();
    }
  });
});
