// MPDX phones, emails and addresses are written with the same guard as the record
// (updated_in_db_at per child), retired rather than destroyed (the vendor's mpdx-phones.txt: historic
// "should be true when a phone number should no longer be used"), and a child POST whose
// answer was lost is found again, never sent twice. A real core syncs against the MPDX
// simulator over HTTP; "another user" writes through the simulator's store between Concord's
// read and its push.
import { afterEach, describe, expect, it } from 'vitest';
import type { MpdxStore, Row } from '../../../src/main/core/sandbox/mpdx/store';
import type { PhoneEntry } from '../../../src/shared/domain';
import { syncRig, writes, type SyncRig } from '../../helpers/sync';

let r: SyncRig | undefined;
afterEach(async () => {
  await r?.close();
  r = undefined;
});

/** A seeded MPDX person with two live phones, pulled into Concord. */
async function withTwoPhones(): Promise<{ r: SyncRig; store: MpdxStore; remoteId: string; pid: string; phones: Row[] }> {
  r = await syncRig('mpdx', 4);
  const store = r.store as MpdxStore;
  const remoteId = r.seeded[0]!.remoteId;
  const [cid, pid] = remoteId.split('/') as [string, string];
  for (const row of store.list('phone_numbers', (x) => x.personId === pid)) store.remove(row);
  store.insert(
    'phone_numbers',
    { number: '+15035550101', location: 'home', primary: true, historic: false, source: 'MPDX' },
    { personId: pid, contactId: cid },
  );
  store.insert(
    'phone_numbers',
    { number: '+15035550102', location: 'work', primary: false, historic: false, source: 'MPDX' },
    { personId: pid, contactId: cid },
  );
  store.clock.advance(5000);
  const first = await r.core.sync.sync();
  expect(first.accounts[0]!.errors).toEqual([]);
  return { r, store, remoteId, pid, phones: store.list('phone_numbers', (x) => x.personId === pid) };
}
const numberIs = (n: string) => (x: Row) => x.attrs.number === n;

describe('MPDX sub-resources are guarded like records', () => {
  it('a removed number is retired (historic: true) with its own token, never DELETEd', async () => {
    const { r, store, remoteId, pid } = await withTwoPhones();
    const rec = r.recordOf(remoteId);
    r.core.edits.edit(rec.id, { phones: (rec.local.phones as PhoneEntry[]).filter((p) => p.e164 !== '+15035550102') });
    const s = await r.core.sync.sync();
    expect(s.accounts[0]).toMatchObject({ pushed: 1, conflicts: 0, errors: [] });
    expect(store.list('phone_numbers', (x) => x.personId === pid).find(numberIs('+15035550102'))?.attrs).toMatchObject({
      historic: true,
      location: 'work',
    });
    expect(writes(r.server).filter((w) => w.method === 'DELETE')).toEqual([]);
    // Concord no longer shows it, and the next sync writes nothing.
    expect((r.recordOf(remoteId).local.phones as PhoneEntry[]).map((p) => p.e164)).toEqual(['+15035550101']);
    const n = writes(r.server).length;
    await r.core.sync.sync();
    expect(writes(r.server).length).toBe(n);
  });

  it("a stale removal is a 409 and becomes a conflict naming the phones; the other user's change survives", async () => {
    const { r, store, remoteId, pid } = await withTwoPhones();
    const rec = r.recordOf(remoteId);
    // Another MPDX user renumbers phone B after Concord read it…
    const b = store.list('phone_numbers', (x) => x.personId === pid).find(numberIs('+15035550102'))!;
    store.clock.advance(3000);
    store.update(b, { number: '+15035550177' });
    // …and Concord, from its older copy, removes B.
    r.core.edits.edit(rec.id, { phones: (rec.local.phones as PhoneEntry[]).filter((p) => p.e164 !== '+15035550102') });
    const n = r.server.requestLog.length;
    const s = await r.core.sync.sync();
    // MPDX refused the retirement: B's token had moved. Both wrote that very phone: a person decides.
    expect(r.server.requestLog.slice(n).find((x) => x.method === 'PUT' && x.path.endsWith(b.id))?.status).toBe(409);
    expect(s.accounts[0]!.conflicts).toBe(1);
    expect(
      r.core.edits
        .conflicts()
        .find((c) => c.recordId === rec.id)
        ?.fields.map((f) => f.field),
    ).toEqual(['phones']);
    expect(store.get('phone_numbers', b.id)?.attrs).toMatchObject({ number: '+15035550177', historic: false });
  });

  it('a number the person brings back revives its historic row instead of adding a copy', async () => {
    const { r, store, remoteId, pid } = await withTwoPhones();
    const rec = r.recordOf(remoteId);
    const all = rec.local.phones as PhoneEntry[];
    r.core.edits.edit(rec.id, { phones: all.filter((p) => p.e164 !== '+15035550102') });
    await r.core.sync.sync();
    r.core.edits.edit(rec.id, {
      phones: [...(r.recordOf(remoteId).local.phones as PhoneEntry[]), { e164: '+15035550102', raw: '503 555 0102', label: 'work' }],
    });
    expect((await r.core.sync.sync()).accounts[0]).toMatchObject({ pushed: 1, conflicts: 0, errors: [] });
    const rows = store.list('phone_numbers', (x) => x.personId === pid).filter(numberIs('+15035550102'));
    expect(rows.map((x) => x.attrs.historic)).toEqual([false]);
  });

  it('a child POST whose answer was lost is not sent again when the same write is retried', async () => {
    const { r, store, remoteId, pid } = await withTwoPhones();
    const read = await r.other.read(remoteId);
    const patch = { phones: [...read.canonical.phones!, { e164: '+15035550199', raw: '503 555 0199', label: 'mobile' }] };
    // The POST lands at MPDX, but its answer never reaches the connector.
    r.server.failNext('drop-after', { method: 'POST', path: /\/phones$/ });
    await expect(r.other.update(remoteId, patch, { raw: read.raw, versions: read.versions })).rejects.toMatchObject({ kind: 'transient' });
    // The retry starts again from the same (now stale) copy, as a push after a crash would.
    await r.other.update(remoteId, patch, { raw: read.raw, versions: read.versions });
    expect(store.list('phone_numbers', (x) => x.personId === pid).filter(numberIs('+15035550199'))).toHaveLength(1);
    expect(r.server.requestLog.filter((x) => x.method === 'POST' && /\/phones$/.test(x.path))).toHaveLength(1);
  });

  it('through sync: a lost child POST leaves one phone and nothing waiting', async () => {
    const { r, store, remoteId, pid } = await withTwoPhones();
    const rec = r.recordOf(remoteId);
    r.core.edits.edit(rec.id, {
      phones: [...(rec.local.phones as PhoneEntry[]), { e164: '+15035550199', raw: '503 555 0199', label: 'mobile' }],
    });
    r.server.failNext('drop-after', { method: 'POST', path: /\/phones$/ });
    for (let i = 0; i < 4 && r.recordOf(remoteId).state !== 'synced'; i++) {
      await new Promise((res) => setTimeout(res, 60)); // past the push's short test backoff
      await r.core.sync.sync();
    }
    expect(r.recordOf(remoteId).state).toBe('synced');
    expect(store.list('phone_numbers', (x) => x.personId === pid).filter(numberIs('+15035550199'))).toHaveLength(1);
    expect((r.recordOf(remoteId).local.phones as PhoneEntry[]).filter((p) => p.e164 === '+15035550199')).toHaveLength(1);
  });

  it('a removed address is retired, not deleted; a lost address POST is not repeated', async () => {
    r = await syncRig('mpdx', 4);
    const store = r.store as MpdxStore;
    await r.core.sync.sync();
    const remoteId = r.seeded[0]!.remoteId;
    const cid = remoteId.split('/')[0]!;
    const rec = r.recordOf(remoteId);
    const shown = store.list('addresses', (x) => x.contactId === cid && !x.deleted && x.attrs.historic !== true);
    if (shown.length) {
      r.core.edits.edit(rec.id, { address: null });
      expect((await r.core.sync.sync()).accounts[0]).toMatchObject({ pushed: 1, errors: [] });
      for (const a of shown) expect(store.get('addresses', a.id)).toBeDefined();
      expect(shown.some((a) => store.get('addresses', a.id)!.attrs.historic === true)).toBe(true);
      expect(writes(r.server).filter((w) => w.method === 'DELETE')).toEqual([]);
    }
    r.core.edits.edit(rec.id, { address: { street1: '9 Elm St', city: 'Salem', region: 'OR', postalCode: '97301', country: 'US' } });
    r.server.failNext('drop-after', { method: 'POST', path: /\/addresses$/ });
    for (let i = 0; i < 4 && r.recordOf(remoteId).state !== 'synced'; i++) {
      await new Promise((res) => setTimeout(res, 60));
      await r.core.sync.sync();
    }
    expect(store.list('addresses', (x) => x.contactId === cid && x.attrs.street === '9 Elm St')).toHaveLength(1);
    expect(r.recordOf(remoteId)).toMatchObject({
      state: 'synced',
      local: expect.objectContaining({ address: expect.objectContaining({ street1: '9 Elm St' }) }),
    });
  });

  it("a label from another vendor's words (LiveVox 'ordinal 3') is never sent as an MPDX location", async () => {
    const { r, store, remoteId, pid } = await withTwoPhones();
    const rec = r.recordOf(remoteId);
    r.core.edits.edit(rec.id, {
      phones: [...(rec.local.phones as PhoneEntry[]), { e164: '+15035550155', raw: '503 555 0155', label: 'ordinal 3' }],
    });
    expect((await r.core.sync.sync()).accounts[0]).toMatchObject({ pushed: 1, errors: [] });
    const row = store.list('phone_numbers', (x) => x.personId === pid).find(numberIs('+15035550155'))!;
    expect(row.attrs.location).not.toBe('ordinal 3');
  });
});
