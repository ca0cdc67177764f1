// LiveVox edits through the real edit path (core.edits.edit → sync) against the simulator's
// store: each phone keeps its ordinal, phoneBlock and consents; a new or changed number gets no
// consent (consent was given for the old number, if at all); dates stay the dates they were.
import { afterEach, describe, expect, it } from 'vitest';
import type { LiveVoxStore } from '../../../src/main/core/sandbox/livevox';
import type { PhoneEntry } from '../../../src/shared/domain';
import { canonicalToLiveVox, liveVoxEpochOf, liveVoxToCanonical } from '../../../src/main/core/vendors/livevox/mapping';
import { syncRig, type SyncRig } from '../../helpers/sync';

let rig: SyncRig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

type Json = Record<string, unknown>;
const PHONES = [
  { phone: '6503517500', ordinal: 1, phoneBlock: 'DAILY', smsConsent: true, cellConsent: false },
  { phone: '6564445559', ordinal: 7, phoneBlock: 'PERMANENT', smsConsent: false, cellConsent: true },
];

/** One contact in the store with the given fields, pulled into a real core; its record id. */
async function pulled(fields: Json): Promise<{ r: SyncRig; recordId: string; account: string; store: LiveVoxStore }> {
  rig = await syncRig('livevox', 1);
  const store = rig.store as LiveVoxStore;
  const account = rig.seeded[0]!.remoteId;
  const c = store.contacts.get(account)!;
  Object.assign(c, structuredClone(fields));
  const s = await rig.core.sync.sync();
  expect(s.accounts[0]).toMatchObject({ errors: [] });
  return { r: rig, recordId: rig.recordOf(account).id, account, store };
}

async function edit(r: SyncRig, recordId: string, patch: Json): Promise<void> {
  r.core.edits.edit(recordId, patch);
  const s = await r.core.sync.sync();
  expect(s.accounts[0]).toMatchObject({ errors: [], rejected: 0 });
}

describe('LiveVox phones keep their slots', () => {
  it("a changed number keeps its ordinal and phoneBlock but not the old number's consents; the other is untouched", async () => {
    const { r, recordId, account, store } = await pulled({ phone: PHONES });
    const local = r.core.syncStore.record(recordId).local.phones as PhoneEntry[];
    expect(local.map((p) => p.label)).toEqual(['ordinal 1', 'ordinal 7']);
    await edit(r, recordId, { phones: [local[0], { ...local[1], e164: '+14155550199', raw: '415-555-0199' }] });
    const { smsConsent: _s, cellConsent: _c, ...slot } = PHONES[1]!;
    expect(store.contacts.get(account)!.phone).toEqual([PHONES[0], { ...slot, phone: '4155550199' }]);
  });

  it('a new number takes a free ordinal; a removed one frees only its own slot', async () => {
    const { r, recordId, account, store } = await pulled({ phone: PHONES });
    const local = r.core.syncStore.record(recordId).local.phones as PhoneEntry[];
    await edit(r, recordId, { phones: [...local, { e164: '+14155550123', raw: '415 555 0123' }] });
    expect(store.contacts.get(account)!.phone).toEqual([...PHONES, { phone: '4155550123', ordinal: 2 }]);
    const now = r.core.syncStore.record(recordId).local.phones as PhoneEntry[];
    await edit(r, recordId, { phones: now.filter((p) => p.label !== 'ordinal 1') });
    expect(store.contacts.get(account)!.phone).toEqual([PHONES[1], { phone: '4155550123', ordinal: 2 }]);
  });

  it('with only 7 and 10 used and padded slots, a new number fills a free slot and 7 stays 7', () => {
    const padded = Array.from({ length: 10 }, (_, i) => ({ ordinal: i + 1, smsConsent: false, cellConsent: false }));
    padded[6] = { ...PHONES[1]! };
    padded[9] = { phone: '6503517599', ordinal: 10, phoneBlock: 'NONE', smsConsent: true, cellConsent: true } as (typeof padded)[number];
    const raw = { account: 'A1', phone: padded };
    const phones = liveVoxToCanonical(raw).phones!;
    expect(phones.map((p) => p.label)).toEqual(['ordinal 7', 'ordinal 10']);
    const body = canonicalToLiveVox({ phones: [...phones, { e164: '+14155550123', raw: '4155550123' }] }, raw);
    const sent = body.phone as Json[];
    expect(sent.find((p) => p.ordinal === 7)).toEqual(PHONES[1]);
    expect(sent.find((p) => p.ordinal === 10)).toEqual(padded[9]);
    // The padded slot's consent flags are not given to the new number.
    expect(sent.find((p) => p.ordinal === 8)).toEqual({ ordinal: 8, phone: '4155550123' });
    expect(sent).toHaveLength(10);
  });
});

describe('LiveVox dates stay dates', () => {
  it('the document convention: midnight America/New_York', () => {
    expect(liveVoxEpochOf('1989-09-06')).toBe(621057600000); // the document's dateOfBirth (EDT)
    expect(liveVoxEpochOf('2007-08-23')).toBe(1187841600000);
    expect(liveVoxEpochOf('2022-01-12')).toBe(1641963600000); // the document's dueDate (EST)
    expect(liveVoxToCanonical({ person: { dateOfBirth: 621057600000 } }).birthDate).toBe('1989-09-06');
    expect(liveVoxToCanonical({ person: { dateOfBirth: 0 } }).birthDate).toBeUndefined();
  });

  it('an unchanged date goes back as the exact value the vendor had; an edit writes midnight New York', async () => {
    const noonUtc = Date.UTC(1975, 4, 17, 12); // written by some other client: still 1975-05-17
    expect(canonicalToLiveVox({ birthDate: '1975-05-17' }, { person: { dateOfBirth: noonUtc } }).person).toEqual({ dateOfBirth: noonUtc });
    const { r, recordId, account, store } = await pulled({
      person: { firstName: 'James', lastName: 'Bond', dateOfBirth: 621057600000, email: null, ssn: '5656', zipCode: null },
    });
    expect(r.core.syncStore.record(recordId).local.birthDate).toBe('1989-09-06');
    await edit(r, recordId, { birthDate: '1990-01-15' });
    expect((store.contacts.get(account)!.person as Json).dateOfBirth).toBe(632379600000); // 1990-01-15 00:00 EST
    expect(r.core.syncStore.record(recordId).local.birthDate).toBe('1990-01-15');
  });
});
