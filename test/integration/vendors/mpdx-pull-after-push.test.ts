// The pull that follows a push does not read again what the push's answers gave Concord (the
// answer to PUT person carries its updated_in_db_at, stored as the record's token), while a
// change another MPDX user makes after that push is still pulled: a phone save touches the
// person (docs/vendors/mpdx.md, "What moves a token"), so its token no longer matches.
import { afterEach, describe, expect, it } from 'vitest';
import type { MpdxStore } from '../../../src/main/core/sandbox/mpdx/store';
import { syncRig, type SyncRig } from '../../helpers/sync';

let r: SyncRig | undefined;
afterEach(async () => {
  await r?.close();
  r = undefined;
});

/** The GETs of one sync, and those that read a single person (not a list page). */
async function syncCounted(rig: SyncRig): Promise<{ gets: string[]; personReads: string[] }> {
  const n = rig.server.requestLog.length;
  const s = await rig.core.sync.sync();
  expect(s.accounts[0]!.errors).toEqual([]);
  const gets = rig.server.requestLog
    .slice(n)
    .filter((x) => x.method === 'GET')
    .map((x) => x.path);
  return { gets, personReads: gets.filter((p) => /^\/api\/v2\/contacts\/[^/]+\/people\/[^/]+$/.test(p)) };
}

describe('MPDX: the pull after a push', () => {
  it("reads none of what the push just wrote, yet pulls another user's later edit", async () => {
    r = await syncRig('mpdx', 8);
    await r.core.sync.sync(); // from here on, pulls are incremental
    const store = r.store as MpdxStore;
    const ids = r.seeded.slice(0, 4).map((x) => x.remoteId);
    for (const [i, id] of ids.entries()) r.core.edits.edit(r.recordOf(id).id, { familyName: `Pushed${i}` });

    // The sync pushes four person PUTs, then pulls: the four are listed as changed, and left unread.
    const afterPush = await syncCounted(r);
    expect(afterPush.personReads).toEqual([]);
    for (const [i, id] of ids.entries()) {
      expect(r.recordOf(id)).toMatchObject({ state: 'synced', local: { familyName: `Pushed${i}` } });
      // Its token is the one MPDX holds now: the PUT's answer, stored.
      const person = store.get('people', id.split('/')[1]!)!;
      expect(r.recordOf(id).versions.person).toBe(new Date(person.updatedAt).toISOString().replace(/\.\d{3}Z$/, 'Z'));
    }

    // Another user, a few seconds later: a new number on the first person (a phone save touches
    // the person), a family name on the second. The other two stay as Concord wrote them.
    store.clock.advance(3_000);
    const [cid0, pid0] = ids[0]!.split('/') as [string, string];
    const phone = store.childrenOf('phone_numbers', { personId: pid0 })[0];
    if (phone) store.touch(phone.id, { number: '+16505550199' });
    else store.insert('phone_numbers', { number: '+16505550199', location: 'mobile', primary: true }, { contactId: cid0, personId: pid0 });
    store.touch(ids[1]!.split('/')[1]!, { last_name: 'Changed-by-a-colleague' });

    const afterOther = await syncCounted(r);
    // Those two are read again (their contacts, person by person); the other two are not.
    const personPath = (id: string) => `/api/v2/contacts/${id.split('/')[0]}/people/${id.split('/')[1]}`;
    expect(afterOther.personReads.sort()).toEqual(ids.slice(0, 2).map(personPath).sort());
    expect(r.recordOf(ids[0]!).local.phones).toEqual(expect.arrayContaining([expect.objectContaining({ e164: '+16505550199' })]));
    expect(r.recordOf(ids[1]!).local.familyName).toBe('Changed-by-a-colleague');
    expect(r.recordOf(ids[2]!).local.familyName).toBe('Pushed2');
    // Fewer requests after Concord's own four writes than after two of another user's.
    expect(afterPush.gets.length).toBeLessThan(afterOther.gets.length);
  });
});
