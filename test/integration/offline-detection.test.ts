// Issue 26: a sync with every vendor unreachable took 7.9 s (each of five accounts retried its
// refused connection in turn, with the rate-limit backoff) while every card said "Connected",
// and the outbox said "Cannot reach 127.0.0.1:46705: ECONNREFUSED". With the default retry
// policy, the accounts now sync side by side, an unreachable host is asked again quickly, and
// the waiting change says what it means.
import { afterEach, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../src/main/core';
import { createLogger, nullSink } from '../../src/main/core/log';
import { startSandbox, type RunningSandbox } from '../../src/main/core/sandbox';
import { MemorySecretStore } from '../../src/main/core/secrets/memory-store';
import type { Vendor } from '../../src/shared/domain';
import { tempDir } from '../helpers/tmp';

let sb: RunningSandbox | undefined;
let core: Core | undefined;
let cleanup: (() => void) | undefined;
afterEach(async () => {
  core?.close();
  cleanup?.();
  await sb?.close();
  sb = core = cleanup = undefined;
});

describe('offline', () => {
  it('is known within about two seconds of the first refused connection, for every account at once, in plain words', async () => {
    sb = await startSandbox({ seed: 3, people: 40 });
    const t = tempDir();
    cleanup = t.cleanup;
    let offline = false;
    // "Unreachable" is real: while set, every request goes to a closed port.
    const fetchImpl: typeof fetch = (url, init) =>
      fetch(offline ? String(url).replace(/^http:\/\/127\.0\.0\.1:\d+/, 'http://127.0.0.1:9') : url, init);
    core = await createCore({ dataDir: t.dir, secretStore: new MemorySecretStore(), log: createLogger(nullSink), fetch: fetchImpl }); // the default retry policy
    for (const [vendor, info] of Object.entries(sb.vendors))
      await core.accounts.add({
        kind: vendor as Vendor,
        label: vendor,
        baseUrl: info!.baseUrl,
        credentials: info!.credentials,
        settings: info!.settings,
      });
    expect((await core.sync.sync()).accounts.flatMap((a) => a.errors)).toEqual([]);
    const rec = core.store.sqlite
      .prepare("SELECT r.id FROM records r JOIN accounts a ON a.id = r.account_id WHERE a.kind = 'calltools' LIMIT 1")
      .get() as { id: string };
    core.edits.edit(rec.id, { familyName: 'Waiting' });

    offline = true;
    const healthChanges: number[] = [];
    const started = performance.now();
    core.events.on((e) => e === 'statusChanged' && healthChanges.push(performance.now() - started));
    const r = await core.sync.sync();
    const tookMs = performance.now() - started;
    expect(r.offline).toBe(true);
    expect(tookMs).toBeLessThan(2_500);
    // Each account's card can say so as its own sync ends (a status change per account).
    expect(healthChanges.length).toBeGreaterThanOrEqual(5);
    expect(core.accounts.list().every((a) => a.health === 'offline')).toBe(true);
    const change = core.store.sqlite.prepare('SELECT last_error AS said FROM changes WHERE record_id = ?').get(rec.id) as { said: string };
    expect(change.said).toBe("CallTools can't be reached — nothing is lost; it goes out with the next sync that reaches it");
    expect(change.said).not.toMatch(/ECONNREFUSED|127\.0\.0\.1/);

    offline = false;
    expect((await core.sync.sync()).accounts.flatMap((a) => a.errors)).toEqual([]);
    expect(core.status.get().outbox.pending).toBe(0);
  });
});
