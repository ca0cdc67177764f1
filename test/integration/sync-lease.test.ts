// One sync at a time per store (docs/design.md#one-sync-at-a-time): two syncs started together on one store — two
// cores in this process, or the app's core and the CLI in another process — send each
// change once, and the one that has to wait says so plainly. A lease left by a killed sync
// lapses by itself.
import { execFile, spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../src/main/core';
import { createLogger, nullSink } from '../../src/main/core/log';
import { MemorySecretStore } from '../../src/main/core/secrets/memory-store';
import { FAST_RETRY } from '../helpers/vendor';
import { syncRig, writes, type SyncRig } from '../helpers/sync';
import { tempDir } from '../helpers/tmp';

const run = promisify(execFile);
const BIN = path.resolve(__dirname, '../../bin/concord.mjs');
let rig: SyncRig | undefined;
let second: Core | undefined;
afterEach(async () => {
  second?.close();
  second = undefined;
  await rig?.close();
  rig = undefined;
});

async function twoCores(settings?: Record<string, unknown>): Promise<{ r: SyncRig; other: Core; dir: string }> {
  const tmp = tempDir();
  const r = (rig = await syncRig('calltools', 20, { dataDir: tmp.dir, settings }));
  await r.core.sync.sync();
  // The second host shares the store file and the vendor account (same credentials).
  const creds = await r.core.accounts.credentials(r.accountId);
  second = await createCore({
    dataDir: tmp.dir,
    secretStore: new MemorySecretStore(),
    log: createLogger(nullSink),
    retry: FAST_RETRY,
    syncTuning: { roundDelayMs: 20, holder: 'the second host' },
  });
  await second.secretStore.set(`account:${r.accountId}`, JSON.stringify(creds));
  return { r, other: second, dir: tmp.dir };
}

describe('one sync at a time per store', () => {
  it('two syncs started together: each change reaches the vendor once, the second says a sync is running', async () => {
    const { r, other } = await twoCores();
    // CallTools folds seeded contacts that share a phone, so count the records it really holds.
    const recs = [...new Map(r.seeded.map((s) => r.recordOf(s.remoteId)).map((x) => [x.id, x])).values()];
    const n = recs.length;
    recs.forEach((x, i) => r.core.edits.edit(x.id, { givenName: `Lease${i}` }));
    const personId = (r.core.store.sqlite.prepare('SELECT person_id FROM records WHERE id = ?').get(recs[0]!.id) as { person_id: string })
      .person_id;
    r.core.syncStore.create(r.accountId, personId, {
      givenName: 'Once',
      familyName: 'Only',
      phones: [{ e164: '+15035550177', raw: '503-555-0177' }],
    });
    const before = writes(r.server).length;

    const results = await Promise.allSettled([r.core.sync.sync(), other.sync.sync()]);
    const ok = results.filter((x) => x.status === 'fulfilled');
    const refused = results.filter((x): x is PromiseRejectedResult => x.status === 'rejected');
    expect(ok).toHaveLength(1);
    expect(refused).toHaveLength(1);
    expect(refused[0]!.reason).toMatchObject({ code: 'busy' });
    expect(String(refused[0]!.reason.message)).toMatch(/^A sync is already running \(since \d\d:\d\d:\d\d, process \d+\)$/);

    const sent = writes(r.server).slice(before);
    const patches = sent.filter((w) => w.method === 'PATCH').map((w) => w.path);
    expect(patches).toHaveLength(n);
    expect(new Set(patches).size).toBe(n);
    expect(sent.filter((w) => w.method === 'POST')).toHaveLength(1);
    expect(r.core.status.get().outbox).toEqual({ pending: 0, inFlight: 0, conflict: 0, rejected: 0 });
    // The lease is free again: the other host syncs now, and sends nothing twice.
    const again = await other.sync.sync();
    expect(again.accounts[0]).toMatchObject({ pushed: 0, errors: [] });
    expect(writes(r.server).length).toBe(before + n + 1);
  });

  it('--wait (or wait: true) waits for the running sync instead of refusing', async () => {
    const { r, other } = await twoCores();
    const ids = [...new Set(r.seeded.map((s) => r.recordOf(s.remoteId).id))].slice(0, 5);
    ids.forEach((id, i) => r.core.edits.edit(id, { familyName: `Waited${i}` }));
    r.server.faults.latencyMs = 30;
    const first = r.core.sync.sync();
    const waited = await other.sync.sync({ wait: true });
    const done = await first;
    expect(done.accounts[0]!.pushed + waited.accounts[0]!.pushed).toBe(5);
    expect(waited.accounts[0]).toMatchObject({ errors: [], complete: true });
    expect(
      new Set(
        writes(r.server)
          .filter((w) => w.method === 'PATCH')
          .map((w) => w.path),
      ).size,
    ).toBe(5);
  });

  it('the CLI, while the app is syncing the same store: exit 1 with the plain message', { timeout: 60_000 }, async () => {
    const { r, dir } = await twoCores({ pageSize: 2 });
    r.server.faults.latencyMs = 400; // the app's sync takes a while: ten pages, 400 ms each
    const appSync = r.core.sync.sync();
    const cli = await run(process.execPath, [BIN, 'sync', '--json', '--data-dir', dir], { timeout: 30_000 }).then(
      (x) => ({ code: 0, stderr: x.stderr }),
      (e: { code: number; stderr: string }) => ({ code: e.code, stderr: e.stderr }),
    );
    await appSync;
    expect(cli.code).toBe(1);
    const err = JSON.parse(cli.stderr) as { error: { code: string; message: string } };
    expect(err.error.code).toBe('busy');
    expect(err.error.message).toMatch(/^A sync is already running \(since \d\d:\d\d:\d\d, process \d+\)$/);
    expect(err.error.message).not.toMatch(/database is locked/i);
  });

  it('a lease whose process on this machine is gone (killed) is taken at once', async () => {
    const { r, other } = await twoCores();
    const dead = spawnSync(process.execPath, ['-e', '0']).pid; // a process that has ended
    expect(r.core.syncStore.acquireLease(`${os.hostname()}|${dead}|x`, `concord sync (pid ${dead})`, 30_000)).toEqual({ ok: true });
    const s = await other.sync.sync();
    expect(s.accounts[0]).toMatchObject({ errors: [], complete: true });
    // A live holder (this very process, another owner) still blocks.
    expect(r.core.syncStore.acquireLease(`${os.hostname()}|${process.pid}|y`, 'the app', 30_000)).toEqual({ ok: true });
    await expect(other.sync.sync()).rejects.toMatchObject({ code: 'busy' });
  });

  it('a lease left by a killed sync lapses: the next sync runs and recovers its in-flight changes', async () => {
    const { r, other } = await twoCores();
    const rec = r.recordOf(r.seeded[0]!.remoteId);
    r.core.edits.edit(rec.id, { givenName: 'Afterkill' });
    const change = r.core.syncStore.openChangesOf(rec.id)[0]!;
    r.core.syncStore.claim(change.id); // as a killed sync left it…
    expect(r.core.syncStore.acquireLease('killed', 'concord sync (pid 1)', 30_000)).toEqual({ ok: true });
    await expect(other.sync.sync()).rejects.toMatchObject({ code: 'busy' }); // …while its lease still runs
    r.core.store.sqlite.prepare("UPDATE sync_lease SET expires_at = '2000-01-01T00:00:00.000Z'").run(); // it stopped beating
    const s = await other.sync.sync();
    expect(s.accounts[0]).toMatchObject({ pushed: 1, errors: [], waiting: 0 });
    expect((await r.other.read(r.seeded[0]!.remoteId)).canonical.givenName).toBe('Afterkill');
  });
});
