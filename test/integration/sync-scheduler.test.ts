// The app syncs by itself (issue 12 §11): on the person's schedule, as soon as a vendor answers
// again after being unreachable, and such a sync is the same sync a person starts — same
// lease, same events, cancellable between pages and changes with nothing lost.
import { afterEach, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../src/main/core';
import { createLogger, nullSink } from '../../src/main/core/log';
import { MemorySecretStore } from '../../src/main/core/secrets/memory-store';
import { syncRig, writes, type SyncRig } from '../helpers/sync';
import { tempDir } from '../helpers/tmp';
import { FAST_RETRY } from '../helpers/vendor';
import { nodeFetch } from '../../src/main/core/vendors/node-http-client';

let rig: SyncRig | undefined;
let core: Core | undefined;
afterEach(async () => {
  core?.close();
  core = undefined;
  await rig?.close();
  rig = undefined;
});

const until = async (what: () => boolean, ms = 5_000): Promise<void> => {
  const end = Date.now() + ms;
  while (!what()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 10));
  }
};

/** A second core on the rig's store whose "minute" is 40 ms and who probes every 30 ms. */
async function scheduledCore(r: SyncRig, dir: string, fetchImpl?: typeof fetch): Promise<Core> {
  const creds = await r.core.accounts.credentials(r.accountId);
  const c = await createCore({
    dataDir: dir,
    secretStore: new MemorySecretStore(),
    log: createLogger(nullSink),
    fetch: fetchImpl,
    retry: FAST_RETRY,
    syncTuning: { roundDelayMs: 10, maxRounds: 1 },
    scheduleTiming: { minuteMs: 40, probeMs: 30 },
  });
  await c.secretStore.set(`account:${r.accountId}`, JSON.stringify(creds));
  return c;
}

describe('syncing by itself', () => {
  it('runs on the schedule the person sets (default 15 minutes; never when set to 0), with the usual events', async () => {
    const tmp = tempDir();
    const r = (rig = await syncRig('calltools', 5, { dataDir: tmp.dir }));
    core = await scheduledCore(r, tmp.dir);
    expect(core.scheduler.schedule()).toMatchObject({ minutes: 15, nextAt: null });
    const seen: string[] = [];
    core.events.on((e, p) => {
      if (e === 'syncStarted' || e === 'syncFinished') seen.push(`${e}:${(p as { trigger: string }).trigger}`);
    });
    core.scheduler.setMinutes(1); // one (40 ms) "minute"
    core.scheduler.start();
    expect(core.scheduler.schedule().nextAt).not.toBeNull();
    await until(() => seen.filter((x) => x === 'syncFinished:schedule').length >= 2);
    expect(seen.slice(0, 2)).toEqual(['syncStarted:schedule', 'syncFinished:schedule']);
    expect(core.accounts.get(r.accountId).lastPull).toEqual(expect.any(String));

    core.scheduler.setMinutes(0);
    expect(core.scheduler.schedule()).toMatchObject({ minutes: 0, nextAt: null });
    const count = seen.length;
    await new Promise((x) => setTimeout(x, 150));
    expect(seen.length).toBe(count); // never
  });

  it('as soon as the vendor answers again after being unreachable, the changes that waited go out', async () => {
    const tmp = tempDir();
    const r = (rig = await syncRig('calltools', 5, { dataDir: tmp.dir }));
    await r.core.sync.sync();
    let offline = true;
    const fetchImpl: typeof fetch = (url, init) =>
      nodeFetch(offline ? String(url).replace(/^http:\/\/127\.0\.0\.1:\d+/, 'http://127.0.0.1:9') : url, init);
    core = await scheduledCore(r, tmp.dir, fetchImpl);
    core.scheduler.setMinutes(0); // only connectivity starts this one
    const rec = r.recordOf(r.seeded[0]!.remoteId);
    core.edits.edit(rec.id, { givenName: 'Waited' });
    const down = await core.sync.sync();
    expect(down.offline).toBe(true);
    expect(core.status.get().offline).toBe(true);
    const triggers: string[] = [];
    core.events.on((e, p) => e === 'syncFinished' && triggers.push((p as { trigger: string }).trigger));
    core.scheduler.start();
    await new Promise((x) => setTimeout(x, 100));
    expect(core.status.get().offline).toBe(true); // still unreachable: the probe keeps saying so
    offline = false;
    await until(() => triggers.includes('reconnect'));
    expect(core.status.get()).toMatchObject({ offline: false, outbox: { pending: 0, inFlight: 0 } });
    expect((await r.other.read(r.seeded[0]!.remoteId)).canonical.givenName).toBe('Waited');
  });

  it('a running sync can be cancelled: it stops between changes, the lease is free, nothing is lost or half-sent', async () => {
    const tmp = tempDir();
    const r = (rig = await syncRig('calltools', 20, { dataDir: tmp.dir }));
    await r.core.sync.sync();
    const ids = [...new Set(r.seeded.map((s) => r.recordOf(s.remoteId).id))];
    ids.forEach((id, i) => r.core.edits.edit(id, { familyName: `Cancel${i}` }));
    r.server.faults.latencyMs = 40;
    const before = writes(r.server).length;
    const running = r.core.sync.sync();
    await until(() => writes(r.server).length >= before + 2);
    expect(r.core.sync.cancel()).toBe(true);
    const res = await running;
    expect(res.cancelled).toBe(true);
    expect(res.accounts[0]!.errors.map((e) => e.kind)).toContain('cancelled');
    const sent = writes(r.server).length - before;
    expect(sent).toBeLessThan(ids.length);
    expect(r.core.status.get().outbox).toEqual({ pending: ids.length - sent, inFlight: 0, conflict: 0, rejected: 0 });
    expect(r.core.sync.running()).toBeNull(); // the lease is free
    expect(r.core.accounts.get(r.accountId).health).toBe('ok'); // cancelled is not a vendor problem
    r.server.faults.latencyMs = 0;
    const rest = await r.core.sync.sync();
    expect(rest).toMatchObject({ cancelled: false });
    expect(rest.accounts[0]!.pushed).toBe(ids.length - sent);
    expect(
      new Set(
        writes(r.server)
          .slice(before)
          .map((w) => w.path),
      ).size,
    ).toBe(ids.length); // each once
    expect(writes(r.server).length - before).toBe(ids.length);
  });
});
