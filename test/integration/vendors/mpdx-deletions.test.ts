// An MPDX contact deleted or merged away by another user is seen by the next ordinary
// (incremental) sync, through GET /api/v2/deleted_records (docs/vendors/mpdx.md#deletes-and-tombstones), not only
// by the daily full scan; a person MPDX's merge moved under the winner keeps its Concord
// record (re-keyed), so Concord does not hold the moved person twice.
import { afterEach, describe, expect, it } from 'vitest';
import type { MpdxConnector } from '../../../src/main/core/vendors/mpdx';
import type { MpdxStore } from '../../../src/main/core/sandbox/mpdx/store';
import { syncRig, type SyncRig } from '../../helpers/sync';

let r: SyncRig | undefined;
afterEach(async () => {
  await r?.close();
  r = undefined;
});

const liveRecords = (rig: SyncRig) =>
  rig.core.store.sqlite
    .prepare(
      "SELECT id, remote_id, person_id, state FROM records WHERE account_id = ? AND state NOT IN ('deleted_local', 'deleted_remote')",
    )
    .all(rig.accountId) as { id: string; remote_id: string; person_id: string; state: string }[];

describe('MPDX deletions and merges reach the next incremental sync', () => {
  it('a contact another user deleted is gone after the next ordinary sync', async () => {
    r = await syncRig('mpdx', 6);
    await r.core.sync.sync();
    const store = r.store as MpdxStore;
    const victim = r.seeded[1]!.remoteId;
    const cid = victim.split('/')[0]!;
    store.clock.advance(60_000);
    store.remove(store.get('contacts', cid)!);
    const n = r.server.requestLog.length;
    const s = await r.core.sync.sync();
    expect(s.accounts[0]!.errors).toEqual([]);
    // An incremental pull (filter[updated_at]) asked for the tombstones; no full scan ran.
    const asked = r.server.requestLog.slice(n);
    expect(asked.some((x) => x.path === '/api/v2/deleted_records' && /filter\[types\]=Contact/.test(x.query))).toBe(true);
    expect(asked.some((x) => x.path === '/api/v2/contacts' && !/filter\[updated_at\]/.test(x.query))).toBe(false);
    expect(liveRecords(r).some((x) => x.remote_id.startsWith(`${cid}/`))).toBe(false);
    expect(s.accounts[0]!.deleted).toBeGreaterThan(0);
  });

  it("a merge another user made at MPDX moves the loser's person: one Concord record, re-keyed, not two", async () => {
    r = await syncRig('mpdx', 6);
    await r.core.sync.sync();
    const [winner, loser] = [r.seeded[2]!.remoteId, r.seeded[3]!.remoteId];
    const [wc] = winner.split('/') as [string, string];
    const [lc, lp] = loser.split('/') as [string, string];
    const before = r.recordOf(loser);
    const liveBefore = liveRecords(r).length;
    (r.store as MpdxStore).clock.advance(60_000);
    await (r.other as MpdxConnector).mergeContacts(wc, lc);
    const s = await r.core.sync.sync();
    expect(s.accounts[0]!.errors).toEqual([]);
    const now = liveRecords(r);
    // The moved person is the same Concord record under its new id; nothing is held twice.
    expect(now.filter((x) => x.remote_id.endsWith(`/${lp}`))).toEqual([
      expect.objectContaining({ id: before.id, remote_id: `${wc}/${lp}`, state: 'synced' }),
    ]);
    expect(now.some((x) => x.remote_id.startsWith(`${lc}/`))).toBe(false);
    expect(now.length).toBe(liveBefore);
    // And it is written back under its new id.
    r.core.edits.edit(before.id, { role: 'Moved by a merge' });
    expect((await r.core.sync.sync()).accounts[0]).toMatchObject({ pushed: 1, errors: [] });
    expect((await r.other.read(`${wc}/${lp}`)).canonical.role).toBe('Moved by a merge');
  });

  it('a deleted contact whose record holds an edit becomes a deleted-conflict, not a silent drop', async () => {
    r = await syncRig('mpdx', 6);
    await r.core.sync.sync();
    const victim = r.seeded[4]!.remoteId;
    const cid = victim.split('/')[0]!;
    const rec = r.recordOf(victim);
    r.setOffline(true);
    r.core.edits.edit(rec.id, { notes: 'Edited on the train' });
    await r.core.sync.sync(); // offline: the edit waits
    r.setOffline(false);
    const store = r.store as MpdxStore;
    store.clock.advance(60_000);
    store.remove(store.get('contacts', cid)!);
    // The push finds the contact gone (404) or the pull's tombstone does: either way a person decides.
    await r.core.sync.sync();
    expect(r.core.edits.conflicts().some((c) => c.recordId === rec.id && c.kind === 'deleted')).toBe(true);
  });
});
