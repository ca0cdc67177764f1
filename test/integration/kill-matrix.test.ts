// SIGKILL of the real CLI at each write request of a push (an update of name, phone and email,
// and a create with phone, email and, for MPDX, an address: every request of MPDX's create
// saga), per vendor. The request is applied by the simulator and its answer held (a
// `timeout` fault), the test waits until the simulator has it, then kills `concord sync`.
// The next `concord sync` must recover: exactly one vendor record with every value, every
// edit at the vendor, nothing stuck.
import { execFile, spawn } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { createCore } from '../../src/main/core';
import { createLogger, nullSink } from '../../src/main/core/log';
import { SANDBOX_STARTERS } from '../../src/main/core/sandbox';
import { NO_FAULTS } from '../../src/main/core/sandbox/faults';
import { generatePopulation } from '../../src/main/core/sandbox/population';
import type { SandboxServer } from '../../src/main/core/sandbox/server';
import { MemorySecretStore } from '../../src/main/core/secrets/memory-store';
import { vendorDefinition } from '../../src/main/core/vendors/registry';
import { VENDORS, type Vendor } from '../../src/shared/domain';
import { makeEdits, vendorTruth } from '../helpers/fault-matrix';
import { tempDir } from '../helpers/tmp';
import { FAST_RETRY } from '../helpers/vendor';

const run = promisify(execFile);
const BIN = path.resolve(__dirname, '../../bin/concord.mjs');
// The CLI keeps credentials in the keychain: the private one npm test starts where it can
// (scripts/with-keychain.mjs), else the explicit file store, so this runs on any machine.
const SECRETS = process.env.CONCORD_KEYCHAIN_TEST === '1' ? [] : ['--secret-store', 'file'];
const dirs: { cleanup(): void }[] = [];
afterAll(() => dirs.forEach((d) => d.cleanup()));

/** Requests the simulators exempt from faults (logins); the fault plan does not count them. */
const EXEMPT = /\/auth\/tokens$|\/session\/|\/user\/authenticate$/;

interface Setup {
  server: SandboxServer;
  dir: string;
  concord(args: string[], input?: string): Promise<{ stdout: string }>;
  /** Checks the vendor's truth and the store; returns what went wrong. */
  check(): Promise<string[]>;
  close(): Promise<void>;
}

/** A simulator with 4 records, the CLI's account on it, a first sync, then the edits (made offline). */
async function setup(vendor: Vendor): Promise<Setup> {
  const seed = 17;
  const contacts = generatePopulation({ seed, people: 60 }).byVendor[vendor].slice(0, 4);
  const sb = await SANDBOX_STARTERS[vendor]({ faults: { ...NO_FAULTS }, seed, contacts });
  const tmp = tempDir();
  dirs.push(tmp);
  const concord = (args: string[], input?: string) => {
    const p = run(process.execPath, [BIN, ...args, ...SECRETS, '--data-dir', tmp.dir], { timeout: 60_000 });
    if (input !== undefined) p.child.stdin!.end(input);
    return p;
  };
  // The settings the vendor needs for a create (BigChange: a group and a default location), as a person would pass them.
  const settings = Object.entries((sb as { settings?: Record<string, unknown> }).settings ?? {}).flatMap(([k, v]) => [
    '--setting',
    `${k}=${JSON.stringify(v)}`,
  ]);
  await concord(['accounts', 'add', vendor, '--base-url', sb.baseUrl, '--label', vendor, ...settings], JSON.stringify(sb.credentials));
  await concord(['sync', '--json']);
  const core = await createCore({ dataDir: tmp.dir, secretStore: new MemorySecretStore(), log: createLogger(nullSink) });
  const accountId = (core.store.sqlite.prepare('SELECT id FROM accounts').get() as { id: string }).id;
  const { givenName, edited, replaced } = makeEdits(core, accountId, vendor, sb.seeded);
  core.close();
  const def = vendorDefinition(vendor)!;
  const other = def.create({ baseUrl: sb.baseUrl, credentials: def.credentialsSchema.parse(sb.credentials), retry: FAST_RETRY });
  return {
    server: sb.server,
    dir: tmp.dir,
    concord,
    check: async () => {
      const { lost, carriers, doubled } = await vendorTruth(other, vendor, edited, givenName, replaced);
      const problems = [...lost];
      if (doubled) problems.push(`${doubled} phones or emails held twice`);
      if (carriers.length > 1) problems.push(`${carriers.length} records carry the created email`);
      const status = JSON.parse((await concord(['status', '--json'])).stdout) as { outbox: Record<string, number> };
      if (Object.values(status.outbox).some((x) => x !== 0)) problems.push(`outbox ${JSON.stringify(status.outbox)}`);
      const db = new Database(path.join(tmp.dir, 'concord.db'), { readonly: true });
      try {
        const pushing = (db.prepare("SELECT COUNT(*) AS n FROM records WHERE state = 'pushing'").get() as { n: number }).n;
        if (pushing) problems.push(`${pushing} records left in 'pushing'`);
      } finally {
        db.close();
      }
      return problems;
    },
    close: () => sb.server.close(),
  };
}

/** Writes (and LiveVox's read-by-POST) of the push sync, as [method, n-th request of that method since the start]. */
async function writesOfPush(vendor: Vendor): Promise<[string, number][]> {
  const s = await setup(vendor);
  try {
    const from = s.server.requestLog.length;
    const counted = (log: typeof s.server.requestLog, method: string) =>
      log.filter((r) => r.method === method && !EXEMPT.test(r.path)).length;
    await s.concord(['sync', '--json']);
    expect(await s.check()).toEqual([]);
    const out: [string, number][] = [];
    s.server.requestLog.forEach((r, i) => {
      if (i < from || r.method === 'GET' || EXEMPT.test(r.path)) return;
      out.push([r.method, counted(s.server.requestLog.slice(0, i + 1), r.method)]);
    });
    return out;
  } finally {
    await s.close();
  }
}

describe.concurrent.each(VENDORS)('SIGKILL at each write of a push: %s', (vendor) => {
  it('recovers to exactly one record with every value, nothing stuck', { timeout: 300_000 }, async () => {
    const writes = await writesOfPush(vendor);
    expect(writes.length).toBeGreaterThanOrEqual(vendor === 'mpdx' ? 8 : 2);
    const failures: string[] = [];
    for (const [method, n] of writes) {
      const s = await setup(vendor);
      try {
        // Request n of this method is applied, its answer held; the sync is killed while it waits.
        s.server.failAt(n, 'timeout', { method, holdMs: 10_000 });
        const child = spawn(process.execPath, [BIN, 'sync', '--json', ...SECRETS, '--data-dir', s.dir], { stdio: 'ignore' });
        const exited = new Promise((r) => child.once('exit', r));
        await new Promise<void>((resolve, reject) => {
          const t = setInterval(() => {
            if (s.server.requestLog.some((r) => r.fault === 'timeout')) {
              clearInterval(t);
              child.kill('SIGKILL');
              resolve();
            }
          }, 2);
          child.once('exit', () => {
            clearInterval(t);
            reject(new Error(`${vendor} ${method} #${n}: sync finished before it could be killed`));
          });
        });
        await exited;
        // The killed sync's lease would lapse after LEASE_TTL_MS (30 s); expiring it here stands for that time passing.
        const db = new Database(path.join(s.dir, 'concord.db'));
        db.prepare("UPDATE sync_lease SET expires_at = '2000-01-01T00:00:00.000Z'").run();
        db.close();
        const again = JSON.parse((await s.concord(['sync', '--json'])).stdout) as {
          accounts: { complete: boolean; waiting: number; errors: unknown[] }[];
        };
        const problems = await s.check();
        if (!again.accounts[0]?.complete) problems.push(`second sync incomplete: ${JSON.stringify(again.accounts[0])}`);
        if (problems.length) failures.push(`${vendor} killed at ${method} #${n}: ${problems.join('; ')}`);
      } finally {
        await s.close();
      }
    }
    console.log(
      `kill matrix ${vendor}: ${writes.length} kill points (${writes.map(([m, n]) => `${m}#${n}`).join(' ')}), ${failures.length} failed`,
    );
    expect(failures).toEqual([]);
  });
});
