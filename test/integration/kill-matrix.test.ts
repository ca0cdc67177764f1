// SIGKILL of the real CLI at each write request of a push (an update of name, phone and email,
// and a create with phone, email and, for MPDX, an address: every request of MPDX's create
// saga), per vendor. The request is applied by the simulator and its answer held (a
// `timeout` fault), the test waits until the simulator has it, then kills `concord sync`.
// The next `concord sync` must recover: exactly one vendor record with every value, every
// edit at the vendor, nothing stuck.
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { vendorDefinition } from '../../src/main/core/vendors/registry';
import { VENDORS, type Vendor } from '../../src/shared/domain';
import { cliRig, EXEMPT, type CliRig, type StartedSandbox } from '../helpers/cli-kill';
import { makeEdits, vendorTruth } from '../helpers/fault-matrix';
import { FAST_RETRY } from '../helpers/vendor';

const dirs: { cleanup(): void }[] = [];
afterAll(() => dirs.forEach((d) => d.cleanup()));

type Setup = CliRig<StartedSandbox> & {
  /** Checks the vendor's truth and the store; returns what went wrong. */
  check(): Promise<string[]>;
};

/** Nothing left in the outbox, no record left in 'pushing'. */
async function leftOver(s: CliRig<StartedSandbox>): Promise<string[]> {
  const problems: string[] = [];
  const status = JSON.parse((await s.concord(['status', '--json'])).stdout) as { outbox: Record<string, number> };
  if (Object.values(status.outbox).some((x) => x !== 0)) problems.push(`outbox ${JSON.stringify(status.outbox)}`);
  const db = new Database(path.join(s.dir, 'concord.db'), { readonly: true });
  try {
    const pushing = (db.prepare("SELECT COUNT(*) AS n FROM records WHERE state = 'pushing'").get() as { n: number }).n;
    if (pushing) problems.push(`${pushing} records left in 'pushing'`);
  } finally {
    db.close();
  }
  return problems;
}

const otherClient = (vendor: Vendor, sb: StartedSandbox) => {
  const def = vendorDefinition(vendor)!;
  return def.create({ baseUrl: sb.baseUrl, credentials: def.credentialsSchema.parse(sb.credentials), retry: FAST_RETRY });
};

/** A simulator with 4 records, the CLI's account on it, a first sync, then the edits (made offline). */
async function setup(vendor: Vendor): Promise<Setup> {
  const rig = await cliRig(vendor, { seed: 17, n: 4, cleanups: dirs });
  const { core, accountId } = await rig.openCore();
  const { givenName, edited, replaced } = makeEdits(core, accountId, vendor, rig.sb.seeded);
  core.close();
  const other = otherClient(vendor, rig.sb);
  return {
    ...rig,
    check: async () => {
      const { lost, carriers, doubled } = await vendorTruth(other, vendor, edited, givenName, replaced);
      const problems = [...lost];
      if (doubled) problems.push(`${doubled} phones or emails held twice`);
      if (carriers.length > 1) problems.push(`${carriers.length} records carry the created email`);
      return [...problems, ...(await leftOver(rig))];
    },
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
        await s.killSyncWhen(() => s.server.requestLog.some((r) => r.fault === 'timeout'), `${method} #${n}`);
        s.expireLease();
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

  // The matrix above kills with one update in flight (beside the create). Here three updates of
  // three people go out side by side (the push pool), each write's answer is held, and the sync
  // is killed once two or more are applied and unanswered at once. LiveVox's updates also block
  // the contact, so they go change by change through the pool, not in one bulk PUT
  // (livevox-bulk-kill.test.ts kills that one).
  it('killed with several updates in flight at once: each lands, nothing doubled or stuck', { timeout: 120_000 }, async () => {
    const s = await cliRig(vendor, { seed: 17, n: 4, cleanups: dirs });
    try {
      const other = otherClient(vendor, s.sb);
      const records = async () => {
        let n = 0;
        for await (const page of other.pull(null, { full: true })) n += page.records.length;
        return n;
      };
      const held = await records();
      const { core, accountId } = await s.openCore();
      const ids = s.sb.seeded.slice(0, 3).map((x) => x.remoteId);
      const block = vendor === 'livevox' ? { doNotContact: true } : {};
      for (const [i, remoteId] of ids.entries()) {
        const { id } = core.store.sqlite
          .prepare('SELECT id FROM records WHERE account_id = ? AND remote_id = ?')
          .get(accountId, remoteId) as {
          id: string;
        };
        core.edits.edit(id, { givenName: `Inflight${i}`, ...block });
      }
      core.close();
      const method = WRITE_METHOD[vendor];
      const sent = s.server.requestLog.filter((r) => r.method === method && !EXEMPT.test(r.path)).length;
      for (let k = 1; k <= 3; k++) s.server.failAt(sent + k, 'timeout', { method, holdMs: 10_000 });
      const heldNow = () => s.server.requestLog.filter((r) => r.fault === 'timeout');
      await s.killSyncWhen(() => heldNow().length >= 2, 'several updates in flight');
      // Two writes, to two records, were applied and unanswered when the kill came.
      expect(new Set(heldNow().map((r) => r.path)).size).toBeGreaterThanOrEqual(2);
      expect(s.changesIn('in_flight')).toBeGreaterThanOrEqual(2);
      s.expireLease();
      const again = JSON.parse((await s.concord(['sync', '--json'])).stdout) as { accounts: { complete: boolean }[] };
      expect(again.accounts[0]?.complete).toBe(true);
      for (const [i, remoteId] of ids.entries()) {
        const now = (await other.read(remoteId)).canonical;
        expect(now.givenName).toBe(`Inflight${i}`);
        if (vendor === 'livevox') expect(now.doNotContact).toBe(true);
      }
      expect(await records()).toBe(held);
      expect(await leftOver(s)).toEqual([]);
    } finally {
      await s.close();
    }
  });
});

/** The method of each vendor's update (LiveVox: the contact PUT and its DND PUT). */
const WRITE_METHOD: Record<Vendor, string> = { calltools: 'PATCH', mpdx: 'PUT', lightening: 'POST', bigchange: 'PATCH', livevox: 'PUT' };
