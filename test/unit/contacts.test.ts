import { afterEach, describe, expect, it } from 'vitest';
import { toFtsQuery } from '../../src/main/core/contacts/contacts-service';
import { makeTestCore, seedAccount, type TestCore } from '../helpers/core';

let t: TestCore | undefined;
afterEach(() => t?.cleanup());

const ada = {
  givenName: 'Ada',
  familyName: 'Lovelace',
  emails: [{ address: 'ada@analytical.org', primary: true }],
  phones: [{ e164: '+16503517500', raw: '(650) 351-7500' }],
};
const alan = { givenName: 'Alan', familyName: 'Turing', company: 'Bletchley Park' };
const zoe = { givenName: 'Zoë', familyName: 'Ångström' };

describe('contacts service', () => {
  it('lists people sorted by name with their vendors and canonical fields', async () => {
    t = await makeTestCore();
    await seedAccount(t.core, 'mpdx', [ada, alan]);
    await seedAccount(t.core, 'livevox', [zoe]);
    const res = t.core.contacts.list({ limit: 10, offset: 0 });
    expect(res.total).toBe(3);
    expect(res.rows.map((r) => r.displayName)).toEqual(['Ada Lovelace', 'Alan Turing', 'Zoë Ångström']);
    expect(res.rows[0]!.vendors).toEqual(['mpdx']);
    expect(res.rows[2]!.vendors).toEqual(['livevox']);
    expect(res.rows[0]!.fields.emails?.[0]?.address).toBe('ada@analytical.org');
    expect(res.rows[1]!.states).toEqual(['synced']);
  });

  it('pages with limit and offset', async () => {
    t = await makeTestCore();
    await seedAccount(
      t.core,
      'calltools',
      Array.from({ length: 25 }, (_, i) => ({ givenName: `P${String(i).padStart(2, '0')}`, familyName: 'X' })),
    );
    const p1 = t.core.contacts.list({ limit: 10, offset: 0 });
    const p3 = t.core.contacts.list({ limit: 10, offset: 20 });
    expect(p1.total).toBe(25);
    expect(p1.rows).toHaveLength(10);
    expect(p3.rows.map((r) => r.displayName)).toEqual(['P20 X', 'P21 X', 'P22 X', 'P23 X', 'P24 X']);
  });

  it('searches names, emails, companies and phones by prefix, accent-insensitively', async () => {
    t = await makeTestCore();
    await seedAccount(t.core, 'mpdx', [ada, alan, zoe]);
    const names = (q: string) => t!.core.contacts.list({ search: q, limit: 10, offset: 0 }).rows.map((r) => r.displayName);
    expect(names('lov')).toEqual(['Ada Lovelace']);
    expect(names('ada@analytical')).toEqual(['Ada Lovelace']);
    expect(names('bletchley')).toEqual(['Alan Turing']);
    expect(names('6503517500')).toEqual(['Ada Lovelace']);
    expect(names('angstrom')).toEqual(['Zoë Ångström']);
    expect(names('a')).toEqual(['Ada Lovelace', 'Alan Turing', 'Zoë Ångström']);
    expect(names('nobody')).toEqual([]);
  });

  it('finds a phone however it is typed — national, international, dashed, or just its last digits', async () => {
    t = await makeTestCore();
    const grace = { givenName: 'Grace', familyName: 'Hopper', phones: [{ e164: '+14027621915', raw: '402.762.1915' }] };
    const unparsed = { givenName: 'Kim', familyName: 'Local', phones: [{ e164: null, raw: '555-0199' }] };
    await seedAccount(t.core, 'calltools', [ada, grace, unparsed, alan]);
    const names = (q: string) => t!.core.contacts.list({ search: q, limit: 10, offset: 0 }).rows.map((r) => r.displayName);
    for (const q of [
      '(402) 762-1915',
      '402-762-1915',
      '+1 402 762 1915',
      '14027621915',
      '4027621915',
      '762-1915',
      '762 1915',
      '1915',
      '402762',
    ]) {
      expect(names(q), q).toEqual(['Grace Hopper']);
    }
    expect(names('555-0199')).toEqual(['Kim Local']);
    expect(names('0199')).toEqual(['Kim Local']);
    expect(names('(650) 351-7500')).toEqual(['Ada Lovelace']);
    expect(names('999-9999')).toEqual([]);
  });

  it('finds a name with one typo in it, and not a different name', async () => {
    t = await makeTestCore();
    const johnson = { givenName: 'Betty', familyName: 'Johnson' };
    const mark = { givenName: 'Mark', familyName: 'Stone' };
    await seedAccount(t.core, 'mpdx', [ada, alan, johnson, mark, zoe]);
    const names = (q: string) => t!.core.contacts.list({ search: q, limit: 10, offset: 0 }).rows.map((r) => r.displayName);
    expect(names('lovleace')).toEqual(['Ada Lovelace']); // a swap
    expect(names('Johnsson')).toEqual(['Betty Johnson']); // a letter too many
    expect(names('turning')).toEqual(['Alan Turing']); // a letter too many
    expect(names('betty jonson')).toEqual(['Betty Johnson']); // one word right, one with a letter missing
    expect(names('angstrem')).toEqual(['Zoë Ångström']); // accents folded, then one edit
    expect(names('lovelace')).toEqual(['Ada Lovelace']); // exact still exact
    // Names of four letters or more take one typo too, but only when nobody has the word as typed.
    expect(names('Marx')).toEqual(['Mark Stone']);
    expect(names('brwn')).toEqual([]);
    expect(names('Ado')).toEqual([]); // three letters: not fuzzed (Ada, Ida, Ava are different names)
    expect(names('zzzzzz')).toEqual([]);
  });

  it('any single insertion, deletion, substitution or swap in a name of four or more letters finds the person', async () => {
    t = await makeTestCore();
    const people = [
      ada,
      alan,
      { givenName: 'Amanda', familyName: 'Brown' },
      { givenName: 'Andrew', familyName: 'Baker' },
      { givenName: 'Mark', familyName: 'Stone' },
    ];
    await seedAccount(t.core, 'mpdx', people);
    const names = (q: string) => t!.core.contacts.list({ search: q, limit: 10, offset: 0 }).rows.map((r) => r.displayName);
    // The issue's own misses, then every one-edit variant of each name word.
    expect(names('amanda bown')).toEqual(['Amanda Brown']);
    expect(names('andrew bakr')).toEqual(['Andrew Baker']);
    expect(names('andrew bker')).toEqual(['Andrew Baker']);
    expect(names('brwn')).toEqual(['Amanda Brown']);
    const letters = 'abcdefghijklmnopqrstuvwxyz';
    const edits = (w: string): string[] => {
      const out = new Set<string>();
      for (let i = 0; i <= w.length; i++) for (const c of letters) out.add(w.slice(0, i) + c + w.slice(i)); // insertion
      for (let i = 0; i < w.length; i++) {
        out.add(w.slice(0, i) + w.slice(i + 1)); // deletion
        for (const c of letters) out.add(w.slice(0, i) + c + w.slice(i + 1)); // substitution
        if (i + 1 < w.length) out.add(w.slice(0, i) + w[i + 1] + w[i] + w.slice(i + 2)); // swap
      }
      out.delete(w);
      return [...out].filter((x) => x.length >= 3);
    };
    // Every word the index holds (names, companies, emails): a typo that starts one of them is found by it.
    const words = people
      .flatMap((p) => [
        p.givenName!,
        p.familyName!,
        ...('company' in p && p.company ? p.company.split(' ') : []),
        ...('emails' in p && p.emails ? p.emails.flatMap((e) => e.address.split(/[@.]/)) : []),
      ])
      .map((x) => x.toLowerCase());
    for (const p of people) {
      const full = `${p.givenName} ${p.familyName}`;
      for (const word of [p.givenName!, p.familyName!].filter((x) => x.length >= 4).map((x) => x.toLowerCase())) {
        for (const typo of edits(word)) {
          const found = names(typo);
          // A typo that is itself the start of another name word finds that name (still typing); otherwise this person.
          if (!found.includes(full))
            expect(
              words.some((o) => o.startsWith(typo)),
              `"${typo}" (one edit from "${word}") found ${JSON.stringify(found)}`,
            ).toBe(true);
        }
      }
    }
  });

  it('keeps the search index in step with edits to a record', async () => {
    t = await makeTestCore();
    const acc = await seedAccount(t.core, 'mpdx', [ada]);
    t.core.syncStore.upsertFromServer({
      accountId: acc,
      remoteId: 'mpdx-1',
      raw: {},
      canonical: { givenName: 'Augusta', familyName: 'King' },
      versions: {},
    });
    expect(t.core.contacts.list({ search: 'lovelace', limit: 5, offset: 0 }).total).toBe(0);
    expect(t.core.contacts.list({ search: 'augusta king', limit: 5, offset: 0 }).total).toBe(1);
  });

  it('filters by vendor', async () => {
    t = await makeTestCore();
    await seedAccount(t.core, 'mpdx', [ada]);
    await seedAccount(t.core, 'bigchange', [alan]);
    expect(t.core.contacts.list({ vendor: 'bigchange', limit: 5, offset: 0 }).rows.map((r) => r.displayName)).toEqual(['Alan Turing']);
  });

  it('shows one contact with its vendor records, by person id or record id', async () => {
    t = await makeTestCore();
    await seedAccount(t.core, 'mpdx', [ada]);
    const row = t.core.contacts.list({ limit: 1, offset: 0 }).rows[0]!;
    const detail = t.core.contacts.get(row.id);
    expect(detail.displayName).toBe('Ada Lovelace');
    expect(detail.records).toHaveLength(1);
    expect(detail.records[0]!.vendor).toBe('mpdx');
    expect(detail.records[0]!.remoteId).toBe('mpdx-1');
    expect(t.core.contacts.get(detail.records[0]!.id).id).toBe(row.id);
    expect(() => t!.core.contacts.get('missing')).toThrow(/No contact/);
  });

  it('turns any typed text into a safe FTS query', () => {
    expect(toFtsQuery('ada lov')).toBe('"ada"* "lov"*');
    expect(toFtsQuery('a"b OR c*')).toBe('"a"* "b"* "OR"* "c*"*');
    expect(toFtsQuery('  ,;  ')).toBeNull();
  });

  it('survives search input that is FTS syntax', async () => {
    t = await makeTestCore();
    await seedAccount(t.core, 'mpdx', [ada]);
    for (const q of ['NEAR(', 'ada AND', '*', '"', 'col:ada', '^ada']) {
      expect(() => t!.core.contacts.list({ search: q, limit: 5, offset: 0 })).not.toThrow();
    }
  });
});

describe('a person edit fanned out to vendors that can and cannot hold the value', () => {
  it('the records that can take it do; the one that cannot keeps its value and the result says why', async () => {
    t = await makeTestCore();
    const mx = await seedAccount(t.core, 'mpdx', [{ givenName: 'Ada', familyName: 'Lovelace', emails: [{ address: 'ada@one.org' }] }]);
    const lv = await seedAccount(t.core, 'livevox', [{ givenName: 'Ada', familyName: 'Lovelace', emails: [{ address: 'ada@one.org' }] }]);
    const rec = (acc: string) =>
      t!.core.store.sqlite.prepare('SELECT id, person_id FROM records WHERE account_id = ?').get(acc) as { id: string; person_id: string };
    const [a, b] = [rec(mx), rec(lv)];
    t.core.syncStore.link([a.id, b.id], a.person_id, {}, [a.person_id, b.person_id]);
    const two = [{ address: 'ada@one.org' }, { address: 'ada@two.org' }];
    const r = t.core.edits.edit(a.person_id, { emails: two });
    expect(r.records.map((x) => x.vendor)).toEqual(['mpdx']);
    expect(r.notHeld).toEqual([{ recordId: b.id, vendor: 'livevox', reason: expect.stringMatching(/LiveVox/) }]);
    expect(t.core.syncStore.record(b.id).local.emails).toEqual([{ address: 'ada@one.org' }]); // untouched
    expect(t.core.syncStore.record(a.id).local.emails!.map((e) => e.address)).toEqual(['ada@one.org', 'ada@two.org']);
    // A value no linked record can hold is a refusal, not a save.
    expect(() => t!.core.edits.edit(a.person_id, { emails: [{ address: 'not an email' }] })).toThrow(/not an email address/);
  });

  it('an address with a county: CallTools takes it; MPDX, with no place for a county, keeps what it had and the result says why', async () => {
    t = await makeTestCore();
    const mx = await seedAccount(t.core, 'mpdx', [{ givenName: 'Ada', familyName: 'Lovelace' }]);
    const ct = await seedAccount(t.core, 'calltools', [{ givenName: 'Ada', familyName: 'Lovelace' }]);
    const rec = (acc: string) =>
      t!.core.store.sqlite.prepare('SELECT id, person_id FROM records WHERE account_id = ?').get(acc) as { id: string; person_id: string };
    const [a, b] = [rec(mx), rec(ct)];
    t.core.syncStore.link([a.id, b.id], a.person_id, {}, [a.person_id, b.person_id]);
    const withCounty = { street1: '1 Main St', city: 'Portland', region: 'OR', postalCode: '97201', county: 'Multnomah', country: 'US' };
    // CallTools keeps a county, MPDX does not: MPDX keeps what it had, and the result says why.
    const r = t.core.edits.edit(a.person_id, { address: withCounty });
    expect(r.records.map((x) => x.vendor)).toEqual(['calltools']);
    expect(r.notHeld).toEqual([
      { recordId: a.id, vendor: 'mpdx', reason: expect.stringMatching(/MPDX cannot hold this: address: no place for a county/) },
    ]);
    expect(t.core.syncStore.record(a.id).local.address).toBeUndefined();
    expect(t.core.syncStore.record(b.id).local.address).toEqual(withCounty);
    // The person still shows the whole address.
    expect(t.core.contacts.get(a.person_id).golden.address).toMatchObject({ county: 'Multnomah' });
  });
});
