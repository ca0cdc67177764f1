// Accounts sync side by side (issue 25), so one of them can be stopped alone: a person cancels
// a slow vendor's push and the other vendor's push goes on to the end. The cancelled account
// stops between changes with nothing lost or half-sent, and the next sync sends the rest once.
import { afterEach, describe, expect, it } from 'vitest';
import { sandboxCore, type SandboxCore } from '../helpers/sandbox-core';
import { writes } from '../helpers/sync';

let h: SandboxCore | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const until = async (what: () => boolean, ms = 10_000): Promise<void> => {
  const end = Date.now() + ms;
  while (!what()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 5));
  }
};

describe('cancelling one account of a running sync', () => {
  it('stops that account between changes; the other account pushes everything; nothing is lost', async () => {
    h = await sandboxCore(11, 300);
    const { core, sb } = h;
    const account = (kind: string) => core.accounts.list().find((a) => a.kind === kind)!;
    const ct = account('calltools');
    const lg = account('lightening');
    const recordsOf = (accountId: string) =>
      core.store.sqlite.prepare('SELECT id FROM records WHERE account_id = ? ORDER BY rowid LIMIT 12').pluck().all(accountId) as string[];
    const ctRecords = recordsOf(ct.id);
    const lgRecords = recordsOf(lg.id);
    expect(ctRecords.length).toBe(12);
    expect(lgRecords.length).toBe(12);
    ctRecords.forEach((id, i) => core.edits.edit(id, { familyName: `Stopped${i}` }));
    lgRecords.forEach((id, i) => core.edits.edit(id, { familyName: `Goes${i}` }));
    const ctServer = sb.servers.calltools!;
    const lgServer = sb.servers.lightening!;
    ctServer.faults.latencyMs = 60;
    lgServer.faults.latencyMs = 20;
    const ctBefore = writes(ctServer).length;
    const lgBefore = writes(lgServer).length;

    const running = core.sync.sync();
    await until(() => writes(ctServer).length >= ctBefore + 1);
    expect(core.sync.cancel(ct.id)).toBe(true);
    expect(core.sync.cancel('no-such-account')).toBe(false);
    const res = await running;

    const ctResult = res.accounts.find((a) => a.accountId === ct.id)!;
    const lgResult = res.accounts.find((a) => a.accountId === lg.id)!;
    expect(ctResult.errors.map((e) => e.kind)).toContain('cancelled');
    expect(lgResult.errors).toEqual([]);
    expect(lgResult.pushed).toBe(12);
    expect(res.cancelled).toBe(false); // the others were not
    const ctSent = writes(ctServer).length - ctBefore;
    expect(ctSent).toBeLessThan(12);
    expect(writes(lgServer).length - lgBefore).toBe(12);
    expect(core.accounts.get(ct.id).health).toBe('ok'); // cancelled is not a vendor problem
    expect(core.sync.running()).toBeNull(); // the lease is free

    // The rest goes with the next sync, each change once.
    ctServer.faults.latencyMs = 0;
    lgServer.faults.latencyMs = 0;
    const rest = await core.sync.sync();
    expect(rest.accounts.find((a) => a.accountId === ct.id)!.pushed).toBe(12 - ctSent);
    expect(writes(ctServer).length - ctBefore).toBe(12);
    expect(
      new Set(
        writes(ctServer)
          .slice(ctBefore)
          .map((w) => w.path),
      ).size,
    ).toBe(12);
    expect(core.status.get().outbox).toEqual({ pending: 0, inFlight: 0, conflict: 0, rejected: 0 });
  });
});
