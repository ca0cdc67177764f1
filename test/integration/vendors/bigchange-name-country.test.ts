// BigChange's name and country through a real core and the simulator over HTTP. From
// the vendor's bigchange-contacts.txt (create model), copied here:
//   "The name of the contact"  ·  "The textual name of the contact address country"
import { afterEach, describe, expect, it } from 'vitest';
import type { BigChangeStore } from '../../../src/main/core/sandbox/bigchange';
import { syncRig, writes, type SyncRig } from '../../helpers/sync';

let rig: SyncRig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

async function held(fields: Record<string, unknown>): Promise<{ r: SyncRig; store: BigChangeStore; id: number; recordId: string }> {
  const r = (rig = await syncRig('bigchange', 3));
  const store = r.store as BigChangeStore;
  const id = Number(r.seeded[0]!.remoteId);
  store.touch(id, fields);
  expect((await r.core.sync.sync()).accounts[0]).toMatchObject({ complete: true, errors: [] });
  return { r, store, id, recordId: r.recordOf(String(id)).id };
}

describe('BigChange name, edited in part', () => {
  it('"Mary-Jane Smith Jr." with the family name edited becomes "Mary-Jane Smythe Jr."', async () => {
    const { r, store, id, recordId } = await held({ name: 'Mary-Jane Smith Jr.' });
    expect(r.recordOf(String(id)).local).toMatchObject({ givenName: 'Mary-Jane', familyName: 'Smith', fullName: 'Mary-Jane Smith Jr.' });
    r.core.edits.edit(recordId, { familyName: 'Smythe' });
    expect((await r.core.sync.sync()).accounts[0]).toMatchObject({ pushed: 1, errors: [] });
    expect(store.contacts.get(id)!.name).toBe('Mary-Jane Smythe Jr.');
  });
});

describe('BigChange country, by its name', () => {
  it('sends the English name of a country the person chose', async () => {
    const { r, store, id, recordId } = await held({ country: null });
    r.core.edits.edit(recordId, { address: { ...(r.recordOf(String(id)).local.address as object), country: 'US' } });
    expect((await r.core.sync.sync()).accounts[0]).toMatchObject({ pushed: 1, errors: [] });
    expect(store.contacts.get(id)!.country).toBe('United States');
    expect(r.recordOf(String(id)).local).toMatchObject({ address: { country: 'US' } });
  });

  it('leaves "UK" as BigChange holds it when only the town changes, and reads it as GB', async () => {
    const { r, store, id, recordId } = await held({ country: 'UK', town: 'London' });
    expect(r.recordOf(String(id)).local).toMatchObject({ address: { country: 'GB', city: 'London' } });
    const before = writes(r.server).length;
    r.core.edits.edit(recordId, { address: { ...(r.recordOf(String(id)).local.address as object), city: 'Leeds' } });
    expect((await r.core.sync.sync()).accounts[0]).toMatchObject({ pushed: 1, errors: [] });
    expect(store.contacts.get(id)).toMatchObject({ town: 'Leeds', country: 'UK' });
    expect(writes(r.server).length).toBe(before + 1);
  });
});
