// The sandbox's records carry a change history (most untouched for months), so an incremental
// re-sync re-reads only what changed since the last one, as it would against the real vendor:
// one record edited by a colleague, and MPDX and LiveVox send that one (plus nothing else
// from the look-back window), not the whole account.
import { afterEach, describe, expect, it } from 'vitest';
import { generatePopulation } from '../../src/main/core/sandbox/population';
import { syncRig, type SyncRig } from '../helpers/sync';

let rig: SyncRig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

describe('sandbox change history', () => {
  it('spreads updated_at over years, deterministically, without changing the people', () => {
    const a = generatePopulation({ seed: 3, people: 2000 });
    const b = generatePopulation({ seed: 3, people: 2000 });
    const ages = a.byVendor.mpdx.map((s) => s.updatedAgoMs!);
    expect(b.byVendor.mpdx.map((s) => s.updatedAgoMs)).toEqual(ages);
    const day = 24 * 3600_000;
    expect(ages.filter((x) => x > 365 * day).length).toBeGreaterThan(ages.length / 3);
    expect(ages.filter((x) => x < 10 * 60_000).length).toBeLessThan(5);
  });

  for (const vendor of ['mpdx', 'livevox'] as const) {
    it(`${vendor}: a re-sync after one edit at the vendor reads that record, not the account`, async () => {
      rig = await syncRig(vendor, 40);
      const first = await rig.core.sync.pull(rig.accountId);
      expect(first.pulled).toBe(40);
      const again = await rig.core.sync.pull(rig.accountId);
      expect(again.error).toBeNull();
      // The look-back re-reads what changed just before the newest change seen: the newest record.
      expect(again.pulled).toBeLessThanOrEqual(2);
      expect(again.updated).toBe(0);
      const target = rig.seeded[7]!.remoteId;
      const before = rig.recordOf(target);
      rig.clock.advance(2000);
      const raw = (await rig.other.read(target)).raw;
      await rig.other.update(target, { familyName: 'Changed-Here' }, { raw, versions: before.versions });
      const third = await rig.core.sync.pull(rig.accountId);
      expect(third.error).toBeNull();
      expect(third.updated).toBe(1);
      expect(third.pulled).toBeLessThanOrEqual(3);
      expect(rig.recordOf(target).local.familyName).toBe('Changed-Here');
    });
  }
});
