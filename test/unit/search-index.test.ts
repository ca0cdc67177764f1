// The search index is written by the core from records (store/search-index.ts), not by triggers:
// every way a record's words change must reach it before the write commits, and a record an
// older build (or a migration) left unindexed is indexed at the next open.
import { afterEach, describe, expect, it } from 'vitest';
import { createCore } from '../../src/main/core';
import { MemorySecretStore } from '../../src/main/core/secrets/memory-store';
import { createLogger, nullSink } from '../../src/main/core/log';
import { searchTextOf } from '../../src/main/core/store/search-index';
import { makeTestCore, seedAccount, type TestCore } from '../helpers/core';

let t: TestCore | undefined;
afterEach(() => t?.cleanup());

const names = (core: TestCore['core'], search: string) =>
  core.contacts
    .list({ limit: 50, offset: 0, search })
    .rows.map((r) => r.displayName)
    .sort();
const pending = (core: TestCore['core']) => core.store.sqlite.prepare('SELECT count(*) FROM search_pending').pluck().get();

describe('search index', () => {
  it('a phone is found by every trailing run of four or more digits, however it was typed', () => {
    expect(
      searchTextOf({ givenName: 'Ann', familyName: 'Lee', phones: [{ raw: '(402) 762-1915', e164: '+14027621915' }] }).phones.split(' '),
    ).toEqual(['14027621915', '4027621915', '027621915', '27621915', '7621915', '621915', '21915', '1915']);
    expect(searchTextOf({ fullName: 'Carol King', givenName: 'Carol', emails: [{ address: 'c@k.org' }], company: 'Northwind' })).toEqual({
      name: 'Carol Carol King',
      company: 'Northwind',
      emails: 'c@k.org',
      phones: '',
    });
  });

  it('follows a pull, an edit and a merge, with nothing left pending between writes', async () => {
    t = await makeTestCore();
    const core = t.core;
    const acc = await seedAccount(core, 'lightening', [
      { givenName: 'Ada', familyName: 'Lovelace', phones: [{ raw: '+1 402 762 1915', e164: '+14027621915' }] },
      { givenName: 'Augusta', familyName: 'Byron' },
    ]);
    expect(pending(core)).toBe(0);
    expect(names(core, 'lovelace')).toEqual(['Ada Lovelace']);
    expect(names(core, '762-1915')).toEqual(['Ada Lovelace']);
    expect(names(core, 'lovelase')).toEqual(['Ada Lovelace']); // one typo: the trigram index

    const ada = core.store.sqlite
      .prepare("SELECT id FROM records WHERE account_id = ? AND remote_id = 'lightening-1'")
      .pluck()
      .get(acc) as string;
    core.syncStore.edit(ada, { familyName: 'King' });
    expect(pending(core)).toBe(0);
    expect(names(core, 'lovelace')).toEqual([]);
    expect(names(core, 'king')).toEqual(['Ada King']);

    // A server change fast-forwards local: the index follows it too.
    core.syncStore.upsertFromServer({
      accountId: acc,
      remoteId: 'lightening-2',
      raw: { id: 2, n: 'Ada Byron' },
      canonical: { givenName: 'Ada', familyName: 'Byron' },
      versions: { v: '2' },
    });
    expect(names(core, 'augusta')).toEqual([]);
    expect(names(core, 'byron')).toEqual(['Ada Byron']);

    // A merge re-points records to one person: both are found as that person.
    const ids = core.store.sqlite.prepare('SELECT id FROM records ORDER BY rowid').pluck().all() as string[];
    const people = core.store.sqlite.prepare('SELECT person_id FROM records ORDER BY rowid').pluck().all() as string[];
    core.syncStore.link(ids, people[0]!, {}, people);
    expect(pending(core)).toBe(0);
    const found = (q: string) => core.contacts.list({ limit: 50, offset: 0, search: q }).rows.map((r) => r.id);
    expect(found('byron')).toEqual([people[0]]);
    expect(found('king')).toEqual([people[0]]);
  });

  it('indexes at open what an older build wrote without indexing', async () => {
    t = await makeTestCore();
    await seedAccount(t.core, 'lightening', [{ givenName: 'Grace', familyName: 'Hopper' }]);
    // As a build without this index (or a migration) would leave it: a record noted, not indexed.
    t.core.store.sqlite.prepare("UPDATE records SET local = json_set(local, '$.familyName', 'Murray')").run();
    expect(pending(t.core)).toBe(1);
    t.core.close();
    const reopened = await createCore({ dataDir: t.dir, secretStore: new MemorySecretStore(), log: createLogger(nullSink) });
    try {
      expect(pending(reopened)).toBe(0);
      expect(reopened.contacts.list({ limit: 50, offset: 0, search: 'murray' }).total).toBe(1);
      expect(names(reopened, 'hopper')).toEqual([]);
    } finally {
      reopened.close();
      t = { ...t, cleanup: () => {} };
    }
  });
});
