// A create that meets a record already at the vendor is a question, not an adoption. From
// the vendor's livevox-contacts.txt, "Create a Contact that Already Exists", copied here:
//   POST /contact/contacts/ {"createContactDetails": {"account": "1246583", …}}
//   → 202 Bad Request  {"code": 202, "message": "Contact already exists!"}
// and the project's vendor digest on CallTools (docs/vendors/calltools.md#writes): "POST is
// an upsert. With duplicate mode "Overwrite", the phone is matched and the response is
// {"duplicate_contacts":[id], "duplicate_action":"MERGE"} with no id."
import { afterEach, describe, expect, it } from 'vitest';
import type { Core } from '../../src/main/core';
import type { CanonicalContact } from '../../src/shared/domain';
import { syncRig, writes, type SyncRig } from '../helpers/sync';

let rig: SyncRig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

const ADA: CanonicalContact = {
  givenName: 'Ada',
  familyName: 'Lovelace',
  fullName: 'Ada Lovelace',
  phones: [{ e164: '+15035550188', raw: '+1 503 555 0188' }],
};
const STRANGER: CanonicalContact = {
  givenName: 'Charles',
  familyName: 'Babbage',
  fullName: 'Charles Babbage',
  phones: [{ e164: '+15035550199', raw: '+1 503 555 0199' }],
};

/** A person Concord knows from a file source, to be added to the vendor. */
async function personFromFile(core: Core): Promise<string> {
  const acc = await core.accounts.add({ kind: 'csv', label: 'file', baseUrl: null });
  core.syncStore.upsertFromServer({ accountId: acc.id, remoteId: 'row-1', raw: { ...ADA }, canonical: ADA, versions: { v: '1' } });
  return (core.store.sqlite.prepare('SELECT person_id FROM records WHERE account_id = ?').get(acc.id) as { person_id: string }).person_id;
}

/** A contract request as the window sends it: the value, or the core's error thrown. */
async function ask<T = unknown>(r: SyncRig, key: string, input: unknown): Promise<T> {
  const res = (await r.core.dispatch(key, input)) as { ok: true; value: T } | { ok: false; error: { code: string; message: string } };
  if (!res.ok) throw new Error(`${res.error.code}: ${res.error.message}`);
  return res.value;
}
type Conflict = {
  id: string;
  kind: string;
  vendor: string;
  existing?: unknown;
  fields: { field: string; local: unknown; remote: unknown }[];
};
const conflicts = (r: SyncRig) => ask<Conflict[]>(r, 'listConflicts', {});

const recordsOf = (r: SyncRig, personId: string) =>
  r.core.store.sqlite
    .prepare('SELECT id, remote_id, state FROM records WHERE account_id = ? AND person_id = ?')
    .all(r.accountId, personId) as { id: string; remote_id: string | null; state: string }[];
const golden = (r: SyncRig, personId: string) =>
  JSON.parse(
    (r.core.store.sqlite.prepare('SELECT golden FROM people WHERE id = ?').get(personId) as { golden: string }).golden,
  ) as CanonicalContact;

describe('LiveVox: an add-to whose account key a colleague took meanwhile', () => {
  async function setUp(): Promise<{
    r: SyncRig;
    personId: string;
    lv: { contacts: Map<string, Record<string, unknown>> };
    before: string;
  }> {
    const r = (rig = await syncRig('livevox', 3));
    expect((await r.core.sync.sync()).accounts[0]).toMatchObject({ complete: true });
    const personId = await personFromFile(r.core);
    // Another LiveVox user creates a different person under key ACC-77 after the last sync.
    await r.other.create(STRANGER, { idempotencyKey: 'colleague', values: { account: 'ACC-77' } });
    const lv = r.store as { contacts: Map<string, Record<string, unknown>> };
    const before = JSON.stringify(lv.contacts.get('ACC-77'));
    await r.core.addTo.addTo(personId, r.accountId, { account: 'ACC-77' });
    const s = (await r.core.sync.sync()).accounts[0]!;
    expect(s).toMatchObject({ conflicts: 1, pushed: 0 });
    return { r, personId, lv, before };
  }

  it('ends as a conflict showing both records; links nothing, takes nothing, writes nothing there', async () => {
    const { r, personId, lv, before } = await setUp();
    const [c, ...more] = await conflicts(r);
    expect(more).toHaveLength(0);
    expect(c).toMatchObject({
      kind: 'exists',
      vendor: 'livevox',
      existing: { remoteId: 'ACC-77', mergedByVendor: false, key: { name: 'account', value: 'ACC-77' } },
    });
    expect(c!.fields.find((f) => f.field === 'givenName')).toMatchObject({ local: 'Ada', remote: 'Charles' });
    // Nothing linked, nothing of Charles taken as Ada's.
    expect(recordsOf(r, personId)).toEqual([expect.objectContaining({ remote_id: null, state: 'conflicted' })]);
    expect(golden(r, personId)).toMatchObject({ givenName: 'Ada', familyName: 'Lovelace' });
    expect(JSON.stringify(lv.contacts.get('ACC-77'))).toBe(before);
    expect(writes(r.server).filter((w) => w.method === 'PUT')).toEqual([]);
    // Syncing again asks nothing new and still writes nothing.
    await r.core.sync.sync();
    expect(JSON.stringify(lv.contacts.get('ACC-77'))).toBe(before);
    expect(await conflicts(r)).toHaveLength(1);
  });

  it('"the same person" links them, as a found create would be', async () => {
    const { r, personId, lv, before } = await setUp();
    const [c] = await conflicts(r);
    await ask(r, 'resolveConflict', { id: c!.id, resolution: { exists: 'same' } });
    expect((await r.core.sync.sync()).accounts[0]).toMatchObject({ errors: [] });
    expect(recordsOf(r, personId).filter((x) => x.state !== 'deleted_local')).toEqual([
      expect.objectContaining({ remote_id: 'ACC-77', state: 'synced' }),
    ]);
    expect(JSON.stringify(lv.contacts.get('ACC-77'))).toBe(before); // linked, never written
    expect(await conflicts(r)).toHaveLength(0);
  });

  it('undoing the add instead settles the question: nothing created, nothing left to answer', async () => {
    const { r, personId, lv, before } = await setUp();
    const add = r.core.store.sqlite.prepare("SELECT id FROM journal WHERE kind = 'add-to' ORDER BY id DESC LIMIT 1").get() as {
      id: number;
    };
    r.core.addTo.undo(add.id);
    expect(await conflicts(r)).toHaveLength(0);
    expect(recordsOf(r, personId)).toEqual([expect.objectContaining({ remote_id: null, state: 'deleted_local' })]);
    await r.core.sync.sync();
    expect(JSON.stringify(lv.contacts.get('ACC-77'))).toBe(before);
  });

  it('"a different person" with a new key creates the person under it', async () => {
    const { r, personId, lv, before } = await setUp();
    const [c] = await conflicts(r);
    await expect(ask(r, 'resolveConflict', { id: c!.id, resolution: { exists: 'different' } })).rejects.toThrow(/new LiveVox account key/);
    await ask(r, 'resolveConflict', { id: c!.id, resolution: { exists: 'different', key: 'ACC-78' } });
    expect((await r.core.sync.sync()).accounts[0]).toMatchObject({ pushed: 1, errors: [] });
    expect(recordsOf(r, personId)).toEqual([expect.objectContaining({ remote_id: 'ACC-78', state: 'synced' })]);
    expect(lv.contacts.get('ACC-78')).toMatchObject({ person: expect.objectContaining({ firstName: 'Ada', lastName: 'Lovelace' }) });
    expect(JSON.stringify(lv.contacts.get('ACC-77'))).toBe(before);
  });
});

describe('CallTools: a create its upsert merged into an existing contact', () => {
  it('is a conflict naming that CallTools merged it, and nothing is adopted until a person says so', async () => {
    const r = (rig = await syncRig('calltools', 3));
    expect((await r.core.sync.sync()).accounts[0]).toMatchObject({ complete: true });
    const personId = await personFromFile(r.core);
    // A colleague's contact with Ada's phone, made after the last sync.
    const made = await r.other.create({ ...STRANGER, phones: ADA.phones }, { idempotencyKey: 'colleague' });
    await r.core.addTo.addTo(personId, r.accountId);
    expect((await r.core.sync.sync()).accounts[0]).toMatchObject({ conflicts: 1, pushed: 0 });
    const [c] = await conflicts(r);
    expect(c).toMatchObject({
      kind: 'exists',
      vendor: 'calltools',
      existing: { remoteId: made.remoteId, mergedByVendor: true, key: null },
    });
    expect(recordsOf(r, personId)).toEqual([expect.objectContaining({ remote_id: null, state: 'conflicted' })]);
    expect(golden(r, personId)).toMatchObject({ givenName: 'Ada', familyName: 'Lovelace' });
    await ask(r, 'resolveConflict', { id: c!.id, resolution: { exists: 'same' } });
    expect((await r.core.sync.sync()).accounts[0]).toMatchObject({ errors: [] });
    expect(recordsOf(r, personId).filter((x) => x.state !== 'deleted_local')).toEqual([
      expect.objectContaining({ remote_id: made.remoteId }),
    ]);
  });
});
