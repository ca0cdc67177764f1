// A window over a fresh core for one e2e file: a real core on a temp store (in-memory secrets,
// quick retries, one push round), the built renderer in Chromium through the harness, and the
// nav helper every view test uses. Files that need another core (offline fetch, a schedule)
// build their own.
import { createCore, type Core } from '../../src/main/core';
import { createLogger, nullSink } from '../../src/main/core/log';
import { MemorySecretStore } from '../../src/main/core/secrets/memory-store';
import { tempDir } from '../helpers/tmp';
import { startHarness, type Harness } from './harness';

export interface TestWindow {
  core: Core;
  h: Harness;
  close(): Promise<void>;
}

export async function openWindow(): Promise<TestWindow> {
  const tmp = tempDir();
  const core = await createCore({
    dataDir: tmp.dir,
    secretStore: new MemorySecretStore(),
    log: createLogger(nullSink),
    retry: { maxRetries: 1, baseDelayMs: 5, maxRetryWaitMs: 50 },
    syncTuning: { roundDelayMs: 10, maxRounds: 1 },
  });
  const h = await startHarness(core);
  return {
    core,
    h,
    close: async () => {
      try {
        await h.close();
      } finally {
        core.close();
        tmp.cleanup();
      }
    },
  };
}

/** Click a view in the side navigation by its label. */
export const navTo = (h: Harness, label: string) => h.page.getByRole('navigation').getByText(label, { exact: true }).click();
