// A pull stores a page as one unit: one lookup of the page's stored copies, the same record
// twice in a page stored once, and each changed person's golden record recomputed once.
import { afterEach, describe, expect, it } from 'vitest';
import { BASE_IS_LOCAL } from '../../src/main/core/sync/sync-store';
import { lazyRecord } from '../../src/main/core/vendors/lazy-record';
import { makeTestCore, seedAccount, type TestCore } from '../helpers/core';

let t: TestCore | undefined;
afterEach(() => t?.cleanup());

describe('SyncStore.upsertPage', () => {
  it('stores a record sent twice in one page once, and says what happened to each', async () => {
    t = await makeTestCore();
    const acc = await seedAccount(t.core, 'calltools', [{ givenName: 'Ada', familyName: 'Lovelace' }]);
    const ada2 = { givenName: 'Ada', familyName: 'King' };
    const bob = { givenName: 'Bob', familyName: 'Stone' };
    const out = t.core.syncStore.upsertPage(acc, [
      { remoteId: 'calltools-1', raw: { id: 1, ...ada2 }, canonical: ada2, versions: { v: '2' } },
      { remoteId: 'new-1', raw: { id: 9, ...bob }, canonical: bob, versions: { v: '1' } },
      { remoteId: 'new-1', raw: { id: 9, ...bob }, canonical: bob, versions: { v: '1' } },
      { remoteId: 'calltools-1', raw: { id: 1, ...ada2 }, canonical: ada2, versions: { v: '2' } },
    ]);
    expect(out.map((o) => o.outcome)).toEqual(['updated', 'created', 'unchanged', 'unchanged']);
    expect(out[1]!.id).toBe(out[2]!.id);
    const n = (t.core.store.sqlite.prepare('SELECT count(*) AS n FROM records WHERE account_id = ?').get(acc) as { n: number }).n;
    expect(n).toBe(2);
    expect(t.core.contacts.list({ limit: 10, offset: 0 }).rows.map((r) => r.displayName)).toEqual(['Ada King', 'Bob Stone']);
  });

  it('recomputes the golden record of a person whose records changed in the page', async () => {
    t = await makeTestCore();
    const a = await seedAccount(t.core, 'calltools', [{ givenName: 'Ann', familyName: 'Lee' }]);
    const b = await seedAccount(t.core, 'livevox', [{ givenName: 'Ann', familyName: 'Lee', company: 'Acme' }]);
    const rec = (acc: string) =>
      t!.core.store.sqlite.prepare('SELECT id, person_id FROM records WHERE account_id = ?').get(acc) as { id: string; person_id: string };
    const [ra, rb] = [rec(a), rec(b)];
    t.core.syncStore.link([ra.id, rb.id], ra.person_id, {}, [ra.person_id, rb.person_id]);
    t.core.syncStore.upsertPage(b, [
      {
        remoteId: 'livevox-1',
        raw: { id: 1 },
        canonical: { givenName: 'Ann', familyName: 'Lee', company: 'Acme Ltd', role: 'CFO' },
        versions: { v: '2' },
      },
    ]);
    expect(t.core.contacts.get(ra.person_id).golden).toMatchObject({ company: 'Acme Ltd', role: 'CFO' });
  });

  it('keeps the canonical JSON once for an unedited record, and the base it had once edited', async () => {
    t = await makeTestCore();
    const acc = await seedAccount(t.core, 'calltools', [{ givenName: 'Ada', familyName: 'Lovelace' }]);
    const row = () =>
      t!.core.store.sqlite.prepare('SELECT id, base, local FROM records WHERE account_id = ?').get(acc) as {
        id: string;
        base: string;
        local: string;
      };
    const id = row().id;
    expect(row().base).toBe(BASE_IS_LOCAL);
    expect(t.core.syncStore.record(id).base).toEqual({ givenName: 'Ada', familyName: 'Lovelace' });
    t.core.syncStore.edit(id, { familyName: 'King' });
    expect(JSON.parse(row().base)).toEqual({ givenName: 'Ada', familyName: 'Lovelace' });
    expect(t.core.syncStore.record(id).base).toEqual({ givenName: 'Ada', familyName: 'Lovelace' });
    expect(t.core.syncStore.record(id).local.familyName).toBe('King');
    expect(t.core.contacts.get(id).records[0]!.base).toEqual({ givenName: 'Ada', familyName: 'Lovelace' });
    // The vendor's copy moves on with the edit's value: both agree again.
    t.core.syncStore.upsertPage(acc, [
      { remoteId: 'calltools-1', raw: { id: 1 }, canonical: { givenName: 'Ada', familyName: 'Lovelace' }, versions: { v: '1' } },
    ]);
    expect(row().base).not.toBe(BASE_IS_LOCAL); // held: it has an edit waiting
  });

  it('never maps a record that arrives exactly as stored (lazy canonical form), and maps a changed one once', async () => {
    t = await makeTestCore();
    const acc = await seedAccount(t.core, 'calltools', []);
    let mapped = 0;
    const rec = (raw: Record<string, unknown>, v: string) =>
      lazyRecord('r1', raw, { v }, () => (mapped++, { givenName: String(raw.first_name) }));
    expect(t.core.syncStore.upsertPage(acc, [rec({ id: 1, first_name: 'Ada' }, '1')])[0]!.outcome).toBe('created');
    expect(mapped).toBe(1);
    expect(t.core.syncStore.upsertPage(acc, [rec({ id: 1, first_name: 'Ada' }, '1')])[0]!.outcome).toBe('unchanged');
    expect(mapped).toBe(1);
    expect(t.core.syncStore.upsertPage(acc, [rec({ id: 1, first_name: 'Ann' }, '2')])[0]!.outcome).toBe('updated');
    expect(mapped).toBe(2);
    expect(t.core.contacts.list({ limit: 5, offset: 0 }).rows[0]!.displayName).toBe('Ann');
  });
});
