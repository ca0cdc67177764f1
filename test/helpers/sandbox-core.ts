// The five sandbox vendors and a real core connected to all of them, synced once: the set-up
// the whole-window and whole-sandbox tests share. `close` stops both and removes the store.
// Near-certain duplicates are not linked after the sync: these tests work the review queue.
import { createCore, type Core } from '../../src/main/core';
import type { Clock } from '../../src/main/core/clock';
import { createLogger, nullSink } from '../../src/main/core/log';
import { startSandbox, type RunningSandbox } from '../../src/main/core/sandbox';
import { MemorySecretStore } from '../../src/main/core/secrets/memory-store';
import type { Vendor } from '../../src/shared/domain';
import { FAST_RETRY } from './fast-retry';
import { tempDir } from './tmp';

export interface SandboxCore {
  core: Core;
  sb: RunningSandbox;
  close(): Promise<void>;
}

export async function sandboxCore(seed: number, people: number, opts: { clock?: Clock } = {}): Promise<SandboxCore> {
  const sb = await startSandbox({ seed, people });
  const t = tempDir();
  const core = await createCore({
    dataDir: t.dir,
    secretStore: new MemorySecretStore(),
    log: createLogger(nullSink),
    retry: FAST_RETRY,
    syncTuning: { roundDelayMs: 10 },
    linkAfterSync: false,
    clock: opts.clock,
  });
  const close = async () => {
    core.close();
    t.cleanup();
    await sb.close();
  };
  try {
    for (const [vendor, info] of Object.entries(sb.vendors))
      await core.accounts.add({
        kind: vendor as Vendor,
        label: vendor,
        baseUrl: info!.baseUrl,
        credentials: info!.credentials,
        settings: info!.settings,
      });
    const errors = (await core.sync.sync()).accounts.flatMap((a) => a.errors);
    if (errors.length) throw new Error(`the first sandbox sync failed: ${JSON.stringify(errors)}`);
  } catch (e) {
    await close();
    throw e;
  }
  return { core, sb, close };
}
