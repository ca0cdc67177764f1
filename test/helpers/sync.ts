// A real core synced against one real sandbox vendor over HTTP on 127.0.0.1. "Another
// client" is a second connector on the same vendor, so server-side edits go through the
// vendor's own API exactly as a colleague's would.
import { createCore, type Core } from '../../src/main/core';
import { createLogger, nullSink } from '../../src/main/core/log';
import { SANDBOX_STARTERS } from '../../src/main/core/sandbox';
import { NO_FAULTS } from '../../src/main/core/sandbox/faults';
import { generatePopulation } from '../../src/main/core/sandbox/population';
import type { SandboxServer } from '../../src/main/core/sandbox/server';
import type { SimClock } from '../../src/main/core/sandbox/clock';
import { MemorySecretStore } from '../../src/main/core/secrets/memory-store';
import type { Connector } from '../../src/main/core/vendors/connector';
import { vendorDefinition } from '../../src/main/core/vendors/registry';
import type { Vendor } from '../../src/shared/domain';
import { FAST_RETRY } from './fast-retry';
import { tempDir } from './tmp';
import { nodeFetch } from '../../src/main/core/vendors/node-http-client';

export interface SyncRig {
  core: Core;
  accountId: string;
  server: SandboxServer;
  clock: SimClock;
  seeded: { key: string; remoteId: string }[];
  /** A second client of the same vendor account. */
  other: Connector;
  /** The simulator's own store, for edits "another client" makes behind Concord's back. */
  store: unknown;
  /** Runs before each request Concord sends (a colleague writing in between, a kill). */
  onRequest: ((method: string, url: string) => Promise<void> | void) | null;
  /** Makes the vendor unreachable (connections refused) until set back. */
  setOffline(off: boolean): void;
  recordOf(remoteId: string): { id: string; state: string; local: Record<string, unknown>; versions: Record<string, string> };
  close(): Promise<void>;
}

export async function syncRig(
  vendor: Vendor,
  n: number,
  opts: { seed?: number; dataDir?: string; settings?: Record<string, unknown> } = {},
): Promise<SyncRig> {
  const seed = opts.seed ?? 17;
  const contacts = generatePopulation({ seed, people: Math.max(60, n * 3) }).byVendor[vendor].slice(0, n);
  const sb = (await SANDBOX_STARTERS[vendor]({ faults: { ...NO_FAULTS }, seed, contacts })) as Awaited<
    ReturnType<(typeof SANDBOX_STARTERS)[Vendor]>
  > & { store: { clock: SimClock } };
  const tmp = opts.dataDir ? { dir: opts.dataDir, cleanup: () => {} } : tempDir();
  let offline = false;
  // Wraps the core's own client, so these tests run the production transport.
  const fetchImpl: typeof fetch = async (url, init) => {
    await rig.onRequest?.(init?.method ?? 'GET', String(url));
    return nodeFetch(offline ? String(url).replace(/^http:\/\/127\.0\.0\.1:\d+/, 'http://127.0.0.1:9') : url, init);
  };
  const core = await createCore({
    dataDir: tmp.dir,
    secretStore: new MemorySecretStore(),
    log: createLogger(nullSink),
    fetch: fetchImpl,
    retry: FAST_RETRY,
    syncTuning: { roundDelayMs: 20 },
  });
  const acc = await core.accounts.add({
    kind: vendor,
    label: vendor,
    baseUrl: sb.baseUrl,
    credentials: sb.credentials as Record<string, unknown>,
    settings: { ...sb.settings, ...opts.settings },
  });
  const def = vendorDefinition(vendor)!;
  const other = def.create({
    baseUrl: sb.baseUrl,
    credentials: def.credentialsSchema.parse(sb.credentials),
    settings: sb.settings as Record<string, unknown> | undefined,
    retry: FAST_RETRY,
  });
  const rig: SyncRig = {
    core,
    store: sb.store,
    onRequest: null,
    accountId: acc.id,
    server: sb.server,
    clock: sb.store.clock,
    seeded: sb.seeded,
    other,
    setOffline: (off) => (offline = off),
    recordOf: (remoteId) => {
      const r = core.store.sqlite
        .prepare('SELECT id, state, local, versions FROM records WHERE account_id = ? AND remote_id = ?')
        .get(acc.id, remoteId) as { id: string; state: string; local: string; versions: string };
      return { id: r.id, state: r.state, local: JSON.parse(r.local), versions: JSON.parse(r.versions) };
    },
    close: async () => {
      core.close();
      tmp.cleanup();
      await sb.server.close();
    },
  };
  return rig;
}

/** Successful writes the vendor received (PUT/PATCH/POST/DELETE answered 2xx), by path. */
export function writes(server: SandboxServer): { method: string; path: string; status: number }[] {
  // LiveVox reads by POST (search, and the bulk export answers 200 with CSV).
  const read = (r: { path: string; status: number }) =>
    /login|authenticate|token|\/search$/i.test(r.path) || (r.path.endsWith('/bulk') && r.status === 200);
  return server.requestLog.filter((r) => r.method !== 'GET' && r.status >= 200 && r.status < 300 && !read(r));
}
