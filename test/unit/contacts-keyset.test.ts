// The contacts list at scale: its order is served by an index (no temp sort), keyset pages
// follow each other exactly like offset pages, and the counts status shows are kept by the
// store instead of counted.
import { afterEach, describe, expect, it } from 'vitest';
import { makeTestCore, seedAccount, type TestCore } from '../helpers/core';

let t: TestCore | undefined;
afterEach(() => t?.cleanup());

const names = [
  'bob Stone',
  'Ada Lovelace',
  'alan Turing',
  'Zoë Ångström',
  'ada Byron',
  'Carl Sagan',
  'Ada Lovelace',
  'BOB Stone',
  'Émile Zola',
  'carl sagan',
  'Dora Maar',
];

describe('contacts list hot paths', () => {
  it('keyset pages walk the same order as offset pages, case folded, ties by id', async () => {
    t = await makeTestCore();
    await seedAccount(
      t.core,
      'calltools',
      names.map((n) => ({ givenName: n.split(' ')[0], familyName: n.split(' ')[1] })),
    );
    const all = t.core.contacts.list({ limit: 100, offset: 0 });
    expect(all.total).toBe(names.length);
    expect(all.next).toBeNull();
    const folded = all.rows.map((r) => r.displayName.toLowerCase());
    expect(folded.slice(0, 3)).toEqual(['ada byron', 'ada lovelace', 'ada lovelace']);
    const seen: string[] = [];
    let after: { key: string; id: string } | undefined;
    for (let i = 0; i < 10; i++) {
      const p = t.core.contacts.list({ limit: 3, offset: after ? 999 : 0, after }); // with a keyset the offset is ignored
      expect(p.total).toBe(names.length);
      seen.push(...p.rows.map((r) => r.id));
      expect(p.rows).toEqual(t.core.contacts.list({ limit: 3, offset: i * 3 }).rows);
      if (!p.next) break;
      after = p.next;
    }
    expect(seen).toEqual(all.rows.map((r) => r.id));
  });

  it('sorts the list on its index, with no temp sort, and keeps the counts status reads', async () => {
    t = await makeTestCore();
    const db = t.core.store.sqlite;
    const plan = (sql: string) => (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[]).map((r) => r.detail).join(' | ');
    expect(plan('SELECT p.id FROM people p ORDER BY p.sort_key, p.id LIMIT 200 OFFSET 400')).toMatch(/people_sort/);
    expect(plan('SELECT p.id FROM people p ORDER BY p.sort_key, p.id LIMIT 200 OFFSET 400')).not.toMatch(/TEMP B-TREE/);
    expect(plan("SELECT p.id FROM people p WHERE (p.sort_key, p.id) > ('m', 'x') ORDER BY p.sort_key, p.id LIMIT 200")).toMatch(
      /SEARCH p USING (COVERING )?INDEX people_sort/,
    );
    expect(plan("SELECT id FROM match_candidates WHERE record_b = 'r1'")).toMatch(/match_record_b/);

    await seedAccount(
      t.core,
      'mpdx',
      names.slice(0, 4).map((n) => ({ givenName: n.split(' ')[0], familyName: n.split(' ')[1] })),
    );
    const kept = () =>
      Object.fromEntries((db.prepare('SELECT name, n FROM row_counts').all() as { name: string; n: number }[]).map((r) => [r.name, r.n]));
    const counted = () => ({
      people: (db.prepare('SELECT count(*) AS n FROM people').get() as { n: number }).n,
      records: (db.prepare('SELECT count(*) AS n FROM records').get() as { n: number }).n,
    });
    expect(kept()).toEqual(counted());
    expect(kept().people).toBe(4);
    // A merge links two records to one person and deletes the emptied one.
    const ids = t.core.contacts.list({ limit: 10, offset: 0 }).rows.map((r) => r.id);
    const recs = ids.slice(0, 2).map((id) => t!.core.contacts.get(id).records[0]!.id);
    const before = t.core.syncStore.snapshot(recs);
    t.core.syncStore.link(recs, ids[0]!, {}, ids.slice(0, 2));
    expect(kept()).toEqual(counted());
    expect(kept().people).toBe(3);
    expect(t.core.status.get().counts).toMatchObject(counted());
    // The merge taken back brings the emptied person back; a record taken out gets a person of
    // its own; a record made here adds a record, not a person. (SyncStore keeps these counts,
    // migration 0011: every path that adds or removes a row is one of these.)
    t.core.syncStore.unlink(before, []);
    expect(kept()).toEqual({ people: 4, records: 4 });
    t.core.syncStore.link(recs, ids[0]!, {}, ids.slice(0, 2));
    t.core.syncStore.unlinkRecord(recs[1]!);
    expect(kept()).toEqual({ people: 4, records: 4 });
    t.core.syncStore.create(t.core.contacts.get(ids[0]!).records[0]!.accountId, ids[0]!, { givenName: 'Made', familyName: 'Here' });
    expect(kept()).toEqual({ people: 4, records: 5 });
    expect(kept()).toEqual(counted());
    // A write that fails part way takes its count back with its rows.
    expect(() =>
      t!.core.syncStore.tx(() => {
        t!.core.syncStore.create(t!.core.contacts.get(ids[0]!).records[0]!.accountId, ids[0]!, { givenName: 'Never', familyName: 'Kept' });
        throw new Error('stop');
      }),
    ).toThrow('stop');
    expect(kept()).toEqual(counted());
  });

  it('brief rows carry what a list row shows (primary email and phone, city) and the rest of the row unchanged', async () => {
    t = await makeTestCore();
    await seedAccount(t.core, 'calltools', [
      {
        givenName: 'Ada',
        familyName: 'Lovelace',
        company: 'Analytical',
        notes: 'long notes '.repeat(50),
        tags: ['a', 'b'],
        emails: [{ address: 'ada@old.example' }, { address: 'ada@example.org', primary: true, label: 'work' }],
        phones: [
          { e164: '+15555550100', raw: '555-0100' },
          { e164: '+15555550199', raw: '(555) 555-0199', primary: true, mobile: true },
        ],
        address: { street1: '1 Main St', city: 'London', country: 'GB' },
      },
      { givenName: 'Bob', familyName: 'Stone' },
    ]);
    const full = t.core.contacts.list({ limit: 10, offset: 0 });
    const brief = t.core.contacts.list({ limit: 10, offset: 0, brief: true });
    expect(brief.total).toBe(full.total);
    expect(brief.next).toEqual(full.next);
    expect(brief.rows.map(({ fields: _, ...r }) => r)).toEqual(full.rows.map(({ fields: _, ...r }) => r));
    expect(brief.rows[0]!.fields).toEqual({
      emails: [{ address: 'ada@example.org' }],
      phones: [{ e164: '+15555550199', raw: '(555) 555-0199' }],
      address: { city: 'London' },
    });
    expect(brief.rows[1]!.fields).toEqual({});
    expect(full.rows[0]!.fields.notes).toContain('long notes');
    // Through the dispatcher as the window asks for it (the contract lets `brief` through).
    const viaApi = (await t.core.dispatch('listContacts', { limit: 10, offset: 0, brief: true })) as { ok: true; value: typeof brief };
    expect(viaApi.value.rows[0]!.fields).toEqual(brief.rows[0]!.fields);
  });
});
