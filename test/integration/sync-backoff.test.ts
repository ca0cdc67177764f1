// A change a vendor told to wait (its next_attempt_at, from Retry-After or backoff) is not
// sent by a sync before then, and is sent by the first sync after.
import { afterEach, describe, expect, it } from 'vitest';
import { syncRig, writes, type SyncRig } from '../helpers/sync';

let rig: SyncRig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

describe('backoff times', () => {
  it('a change waiting for its next attempt stays in the outbox until it is due', async () => {
    rig = await syncRig('calltools', 3);
    await rig.core.sync.sync({ accountId: rig.accountId });
    const rec = rig.recordOf(rig.seeded[0]!.remoteId);
    const { changeId } = rig.core.syncStore.edit(rec.id, { familyName: 'Later' });
    rig.core.syncStore.claim(changeId!);
    rig.core.syncStore.release(changeId!, 'Rate limited', new Date(Date.now() + 3600_000).toISOString());
    const before = writes(rig.server).length;
    const r1 = await rig.core.sync.sync({ accountId: rig.accountId });
    expect(writes(rig.server)).toHaveLength(before);
    expect(r1.accounts[0]!.waiting).toBe(1);
    expect(rig.core.syncStore.change(changeId!).state).toBe('pending');
    rig.core.syncStore.claim(changeId!);
    rig.core.syncStore.release(changeId!, 'Rate limited', new Date(Date.now() - 1000).toISOString());
    const r2 = await rig.core.sync.sync({ accountId: rig.accountId });
    expect(r2.accounts[0]!.pushed).toBe(1);
    expect(rig.core.syncStore.change(changeId!).state).toBe('done');
    expect((await rig.other.read(rig.seeded[0]!.remoteId)).canonical.familyName).toBe('Later');
  });
});
