import { createCore, type Core } from '../../src/main/core';
import { createLogger, type Logger } from '../../src/main/core/log';
import { MemorySecretStore } from '../../src/main/core/secrets/memory-store';
import type { CanonicalContact, AccountKind } from '../../src/shared/domain';
import { tempDir } from './tmp';

export interface TestCore {
  core: Core;
  dir: string;
  logLines: string[];
  cleanup: () => void;
}

/** A real core on a real SQLite file in a temp dir, with an in-memory secret store. */
export async function makeTestCore(dir?: string): Promise<TestCore> {
  const tmp = dir ? { dir, cleanup: () => {} } : tempDir();
  const logLines: string[] = [];
  const log: Logger = createLogger((l) => logLines.push(l), { level: 'debug' });
  const core = await createCore({ dataDir: tmp.dir, secretStore: new MemorySecretStore(), log });
  return {
    core,
    dir: tmp.dir,
    logLines,
    cleanup: () => {
      core.close();
      tmp.cleanup();
    },
  };
}

/** Seed an account with records through the same repository a pull uses. */
export async function seedAccount(core: Core, kind: AccountKind, contacts: CanonicalContact[], label?: string): Promise<string> {
  const acc = await core.accounts.add({ kind, label: label ?? kind, baseUrl: kind === 'csv' ? null : 'http://127.0.0.1:9' });
  contacts.forEach((c, i) =>
    core.syncStore.upsertFromServer({
      accountId: acc.id,
      remoteId: `${kind}-${i + 1}`,
      raw: { id: i + 1, ...c },
      canonical: c,
      versions: { v: '1' },
    }),
  );
  return acc.id;
}
