// LiveVox blocks and consents end to end (simulator over HTTP, real SQLite via createCore):
// a blocked contact or number reads as do-not-contact with the reason, an unrelated edit's
// round trip sends the blocks back unchanged, blocking from Concord goes through the DND route
// (PUT /contact/contacts/{account}/dnd), and a block is never lifted from Concord. Values are
// the document's own (the vendor's livevox-contacts.txt: the list example's phoneBlock PERMANENT, the
// bulk-update example's accountBlock PERMANENT).
import { afterEach, describe, expect, it } from 'vitest';
import type { LiveVoxStore } from '../../../src/main/core/sandbox/livevox';
import { dndAction } from '../../../src/main/core/sandbox/livevox/blocks';
import type { CanonicalContact } from '../../../src/shared/domain';
import { syncRig, writes, type SyncRig } from '../../helpers/sync';

let rig: SyncRig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

type Json = Record<string, unknown>;
// From the document's list example (account "2222").
const PHONES = [
  { phone: '4158149720', ordinal: 1, phoneBlock: 'PERMANENT' },
  { phone: '4042168962', ordinal: 2, phoneBlock: 'NONE', cellConsent: true, smsConsent: false },
];

async function pulled(fields: Json): Promise<{ r: SyncRig; recordId: string; account: string; store: LiveVoxStore }> {
  rig = await syncRig('livevox', 1);
  const store = rig.store as LiveVoxStore;
  const account = rig.seeded[0]!.remoteId;
  Object.assign(store.contacts.get(account)!, structuredClone(fields));
  const s = await rig.core.sync.sync();
  expect(s.accounts[0]).toMatchObject({ errors: [] });
  return { r: rig, recordId: rig.recordOf(account).id, account, store };
}

async function sync(r: SyncRig): Promise<void> {
  r.clock.advance(1000);
  const s = await r.core.sync.sync();
  expect(s.accounts[0]).toMatchObject({ errors: [], rejected: 0 });
}

describe('LiveVox blocks', () => {
  it('accountBlock PERMANENT reads as do-not-contact with the reason, and survives an unrelated edit', async () => {
    const { r, recordId, account, store } = await pulled({ accountBlock: 'PERMANENT', phone: PHONES });
    const local = r.recordOf(account).local as CanonicalContact;
    expect(local).toMatchObject({ doNotContact: true, doNotContactWhy: 'blocked in LiveVox: PERMANENT' });
    const person = r.core.contacts.get(r.core.syncStore.record(recordId).personId!);
    expect(person.golden).toMatchObject({ doNotContact: true, doNotContactWhy: 'blocked in LiveVox: PERMANENT' });

    const mark = r.server.requestLog.length;
    r.core.edits.edit(recordId, { givenName: 'Agent' });
    await sync(r);
    const sent = writes({ ...r.server, requestLog: r.server.requestLog.slice(mark) } as typeof r.server);
    expect(sent.map((w) => `${w.method} ${w.path}`)).toEqual([`PUT /contact/contacts/${account}`]); // no DND call
    const after = store.contacts.get(account)!;
    expect(after.accountBlock).toBe('PERMANENT');
    expect(after.phone).toEqual(PHONES);
    expect((after.person as Json).firstName).toBe('Agent');
  });

  it("a number's phoneBlock PERMANENT reads as that number's do-not-contact, and survives a phone edit", async () => {
    const { r, recordId, account, store } = await pulled({ accountBlock: 'NONE', phone: PHONES });
    const local = r.recordOf(account).local as CanonicalContact;
    expect(local.doNotContact).toBe(false);
    expect(local.phones!.map((p) => [p.e164, p.doNotContact, p.doNotContactWhy ?? null, p.consent ?? null])).toEqual([
      ['+14158149720', true, 'blocked in LiveVox: PERMANENT', null],
      ['+14042168962', false, null, { call: true, sms: false }],
    ]);
    // Add a number (typed as a mobile): the blocked one goes back blocked, the new one has no consent.
    r.core.edits.edit(recordId, { phones: [...local.phones!, { e164: '+14155550123', raw: '415 555 0123', mobile: true }] });
    await sync(r);
    expect(store.contacts.get(account)!.phone).toEqual([...PHONES, { phone: '4155550123', ordinal: 3 }]);
    expect((r.recordOf(account).local as CanonicalContact).phones![0]).toMatchObject({
      doNotContact: true,
      doNotContactWhy: 'blocked in LiveVox: PERMANENT',
    });
  });

  it('marking a contact or a number do-not-contact in Concord goes through the DND route', async () => {
    const { r, recordId, account, store } = await pulled({ accountBlock: 'NONE', phone: PHONES });
    const mark = r.server.requestLog.length;
    r.core.edits.edit(recordId, { doNotContact: true });
    await sync(r);
    expect(
      writes({ ...r.server, requestLog: r.server.requestLog.slice(mark) } as typeof r.server).map((w) => `${w.method} ${w.path}`),
    ).toEqual([`PUT /contact/contacts/${account}/dnd`]);
    expect(store.contacts.get(account)!.accountBlock).toBe('PERMANENT');
    expect(r.recordOf(account).local).toMatchObject({ doNotContact: true, doNotContactWhy: 'blocked in LiveVox: PERMANENT' });

    const local = r.recordOf(account).local as CanonicalContact;
    r.core.edits.edit(recordId, { phones: local.phones!.map((p) => ({ ...p, doNotContact: true })) });
    await sync(r);
    expect((store.contacts.get(account)!.phone as Json[]).map((p) => p.phoneBlock)).toEqual(['PERMANENT', 'PERMANENT']);
    // The consents of the number blocked stay as they were.
    expect((store.contacts.get(account)!.phone as Json[])[1]).toMatchObject({ cellConsent: true, smsConsent: false });
  });

  it('a LiveVox block is never lifted from Concord: the edit is refused, saying why', async () => {
    const { r, recordId, account, store } = await pulled({ accountBlock: 'PERMANENT', phone: PHONES });
    expect(() => r.core.edits.edit(recordId, { doNotContact: false })).toThrow(/lifted in LiveVox itself/);
    await sync(r);
    expect(store.contacts.get(account)!.accountBlock).toBe('PERMANENT');
  });

  it("the simulator's DND actions combine with the current block", () => {
    expect(dndAction('NONE', 'DAILY')).toBe('DAILY');
    expect(dndAction('DAILY', 'PERMANENT')).toBe('BOTH');
    expect(dndAction('BOTH', 'PERMANENT_OFF')).toBe('DAILY');
    expect(dndAction('PERMANENT', 'DAILY_OFF')).toBe('PERMANENT');
    expect(dndAction('PERMANENT', 'PERMANENT_OFF')).toBe('NONE');
    expect(dndAction('PERMANENT', 'PERMANENT')).toBe('PERMANENT');
  });

  it('the seeded population holds some blocked contacts, blocked numbers and consents', async () => {
    rig = await syncRig('livevox', 120);
    const all = [...(rig.store as LiveVoxStore).contacts.values()];
    expect(all.some((c) => c.accountBlock === 'PERMANENT')).toBe(true);
    const phones = all.flatMap((c) => c.phone as Json[]);
    expect(phones.some((p) => p.phoneBlock === 'PERMANENT')).toBe(true);
    expect(phones.some((p) => p.cellConsent === true) && phones.some((p) => p.smsConsent === false)).toBe(true);
  });
});
