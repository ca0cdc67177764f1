// The set-up the SIGKILL tests share (kill-matrix, livevox-bulk-kill): a simulator with a few
// records, the real CLI's account on it and a first sync; edits made offline in the same store;
// `concord sync` started and killed with SIGKILL once the simulator holds what the test waits
// for; and the killed sync's lease expired, which stands for its 30 s passing.
import { execFile, spawn } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { createCore, type Core } from '../../src/main/core';
import { createLogger, nullSink } from '../../src/main/core/log';
import { SANDBOX_STARTERS, type Starter } from '../../src/main/core/sandbox';
import { NO_FAULTS } from '../../src/main/core/sandbox/faults';
import { generatePopulation } from '../../src/main/core/sandbox/population';
import type { SandboxServer } from '../../src/main/core/sandbox/server';
import { MemorySecretStore } from '../../src/main/core/secrets/memory-store';
import type { Vendor } from '../../src/shared/domain';
import { tempDir } from './tmp';

const run = promisify(execFile);
const BIN = path.resolve(__dirname, '../../bin/concord.mjs');
// The CLI keeps credentials in the keychain: the private one npm test starts where it can
// (scripts/with-keychain.mjs), else the explicit file store, so this runs on any machine.
const SECRETS = process.env.CONCORD_KEYCHAIN_TEST === '1' ? [] : ['--secret-store', 'file'];

/** Requests the simulators exempt from faults (logins); the fault plan does not count them. */
export const EXEMPT = /\/auth\/tokens$|\/session\/|\/user\/authenticate$/;

export type StartedSandbox = Awaited<ReturnType<Starter>>;

export interface CliRig<S extends StartedSandbox> {
  /** The simulator as started (its server, store, seeded records, credentials). */
  sb: S;
  server: SandboxServer;
  dir: string;
  concord(args: string[], input?: string): Promise<{ stdout: string }>;
  /** A core on the CLI's store, for edits made offline; close it before the next `concord`. */
  openCore(): Promise<{ core: Core; accountId: string }>;
  /** Start `concord sync`, SIGKILL it as soon as `ready()` holds; fails if the sync ends first. */
  killSyncWhen(ready: () => boolean, what: string): Promise<void>;
  /** The killed sync's lease would lapse after LEASE_TTL_MS (30 s); expiring it stands for that time passing. */
  expireLease(): void;
  /** Changes in this state in the store. */
  changesIn(state: string): number;
  close(): Promise<void>;
}

/** A simulator with `n` records, the CLI's account on it (with the settings a create needs), and a first sync. */
export async function cliRig<S extends StartedSandbox = StartedSandbox>(
  vendor: Vendor,
  opts: { seed?: number; n?: number; cleanups: { cleanup(): void }[]; start?: (o: Parameters<Starter>[0]) => Promise<S> },
): Promise<CliRig<S>> {
  const seed = opts.seed ?? 17;
  const contacts = generatePopulation({ seed, people: 60 }).byVendor[vendor].slice(0, opts.n ?? 4);
  const start = opts.start ?? (SANDBOX_STARTERS[vendor] as (o: Parameters<Starter>[0]) => Promise<S>);
  const sb = await start({ faults: { ...NO_FAULTS }, seed, contacts });
  const tmp = tempDir();
  opts.cleanups.push(tmp);
  const concord = (args: string[], input?: string) => {
    const p = run(process.execPath, [BIN, ...args, ...SECRETS, '--data-dir', tmp.dir], { timeout: 60_000 });
    if (input !== undefined) p.child.stdin!.end(input);
    return p;
  };
  const db = <T>(fn: (d: Database.Database) => T): T => {
    const d = new Database(path.join(tmp.dir, 'concord.db'));
    try {
      return fn(d);
    } finally {
      d.close();
    }
  };
  try {
    // The settings the vendor needs for a create (BigChange: a group and a default location), as a person would pass them.
    const settings = Object.entries((sb.settings ?? {}) as Record<string, unknown>).flatMap(([k, v]) => [
      '--setting',
      `${k}=${JSON.stringify(v)}`,
    ]);
    await concord(['accounts', 'add', vendor, '--base-url', sb.baseUrl, '--label', vendor, ...settings], JSON.stringify(sb.credentials));
    await concord(['sync', '--json']);
  } catch (e) {
    await sb.server.close();
    throw e;
  }
  return {
    sb,
    server: sb.server,
    dir: tmp.dir,
    concord,
    openCore: async () => {
      const core = await createCore({ dataDir: tmp.dir, secretStore: new MemorySecretStore(), log: createLogger(nullSink) });
      return { core, accountId: (core.store.sqlite.prepare('SELECT id FROM accounts').get() as { id: string }).id };
    },
    killSyncWhen: async (ready, what) => {
      const child = spawn(process.execPath, [BIN, 'sync', '--json', ...SECRETS, '--data-dir', tmp.dir], { stdio: 'ignore' });
      const exited = new Promise((r) => child.once('exit', r));
      await new Promise<void>((resolve, reject) => {
        const t = setInterval(() => {
          if (ready()) {
            clearInterval(t);
            child.kill('SIGKILL');
            resolve();
          }
        }, 2);
        child.once('exit', () => {
          clearInterval(t);
          reject(new Error(`${vendor} ${what}: sync finished before it could be killed`));
        });
      });
      await exited;
    },
    expireLease: () => db((d) => d.prepare("UPDATE sync_lease SET expires_at = '2000-01-01T00:00:00.000Z'").run()),
    changesIn: (state) => db((d) => (d.prepare('SELECT COUNT(*) AS n FROM changes WHERE state = ?').get(state) as { n: number }).n),
    close: () => sb.server.close(),
  };
}
