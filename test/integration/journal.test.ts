// The activity journal as a person reads it: one entry per action (a merge with its vendor
// writes, a person edit sent to each vendor, one sync's pushes), each row naming its person,
// and a vendor delete saying which merge caused it — on real SQLite, through the real services.
import { afterEach, describe, expect, it } from 'vitest';
import type { CanonicalContact } from '../../src/shared/domain';
import { makeTestCore, seedAccount, type TestCore } from '../helpers/core';

let t: TestCore | undefined;
afterEach(() => {
  t?.cleanup();
  t = undefined;
});

const ann: CanonicalContact = {
  givenName: 'Ann',
  familyName: 'Lee',
  emails: [{ address: 'ann.lee@example.com' }],
  phones: [{ e164: '+15035550101', raw: '(503) 555-0101' }],
};
const anne: CanonicalContact = {
  givenName: 'Anne',
  familyName: 'Lee',
  emails: [{ address: 'ann.lee@example.com' }],
  phones: [{ e164: '+15035550101', raw: '(503) 555-0101' }],
};
// Strangers, so that a shared email and phone are rare evidence (the matcher weighs by frequency).
const GIVEN = ['Bo', 'Cy', 'Di', 'Ed', 'Flo', 'Gus', 'Hal', 'Ida', 'Jo', 'Kit'];
const FAMILY = ['Quist', 'Rowe', 'Sato', 'Tran'];
const others: CanonicalContact[] = GIVEN.flatMap((g, i) =>
  FAMILY.map((f, k) => ({
    givenName: g,
    familyName: f,
    emails: [{ address: `${g}.${f}@example.org`.toLowerCase() }],
    phones: [{ e164: `+1503555${String(2000 + i * 10 + k)}`, raw: `503 555 ${2000 + i * 10 + k}` }],
  })),
);

async function mergedAnn() {
  t = await makeTestCore();
  const { core } = t;
  const calltools = await seedAccount(core, 'calltools', [ann, anne, ...others]);
  await seedAccount(core, 'mpdx', [ann]);
  const c = core.dedupe.scan().clusters.find((x) => x.records.some((r) => r.account === calltools && r.name === 'Anne Lee'))!;
  expect(c.records.length).toBe(3);
  const { mergeId, personId } = core.dedupe.merge(c.id);
  return { core, calltools, mergeId, personId };
}

describe('the activity journal', () => {
  it('a merge is one entry, named by its person, and its vendor delete says which merge caused it', async () => {
    const { core, mergeId, personId } = await mergedAnn();
    const { total, entries } = core.journal.list({ limit: 50, offset: 0 });
    const merge = entries[0]!;
    expect(merge).toMatchObject({
      id: mergeId,
      kind: 'merge',
      undo: 'merge',
      people: [{ id: personId, name: expect.stringMatching(/Lee$/) }],
    });
    // The merge's queued writes (an edit, a delete at CallTools) are its rows, not entries of their own.
    expect(merge.rows.length).toBeGreaterThanOrEqual(1);
    const del = merge.rows.find((r) => r.summary.startsWith('deleted here'))!;
    expect(del.summary).toBe('deleted here; to be deleted at CallTools because of the merge of Ann Lee and Anne Lee');
    expect(del).toMatchObject({ actor: 'merge', vendor: 'CallTools', people: [{ id: personId }] });
    expect(entries.some((e) => e.id === del.id)).toBe(false);
    expect(total).toBe(entries.length);

    // A later sync sends it with a person edit: the delete's push carries the merge as its
    // cause, and the sync's pushes are one entry.
    core.edits.edit(personId, { familyName: 'Lee-Hart' });
    const owner = 'test-sync';
    expect(core.syncStore.acquireLease(owner, 'test', 30_000)).toEqual({ ok: true });
    const sent: number[] = [];
    for (const a of core.accounts.list()) {
      for (const ch of core.syncStore.openChanges(a.id)) {
        core.syncStore.claim(ch.id);
        core.syncStore.pushed(ch.id, null);
        sent.push(ch.id);
      }
    }
    core.syncStore.releaseLease(owner);
    expect(sent.length).toBe(3);
    const after = core.journal.list({ limit: 50, offset: 0 });
    const sync = after.entries[0]!;
    expect(sync.kind).toBe('sync.push');
    expect(sync.rows.length).toBe(sent.length);
    expect(sync.rows.find((r) => r.summary.startsWith('deleted at'))!.summary).toBe(
      'deleted at CallTools because of the merge of Ann Lee and Anne Lee',
    );
    expect(after.entries.map((e) => e.kind).slice(1, 3)).toEqual(['edit', 'merge']);
    // Filtering by kind keeps an action whole.
    expect(core.journal.list({ kind: 'sync', limit: 50, offset: 0 }).entries.map((e) => e.rows.length)).toEqual([sent.length]);

    // The unmerge names the person that was merged and is an entry of its own.
    core.dedupe.undo(mergeId);
    const undone = core.journal.list({ limit: 50, offset: 0 }).entries[0]!;
    expect(undone).toMatchObject({ kind: 'unmerge', people: [{ id: personId }] });
  });

  it('a person edit sent to each of their vendors is one entry; two edits one after the other are two', async () => {
    const { core, personId } = await mergedAnn();
    const records = core.contacts.get(personId).records.filter((r) => r.state !== 'deleted_local');
    expect(records.length).toBe(2);
    core.edits.edit(personId, { familyName: 'Lee-Hart' });
    const [edit] = core.journal.list({ limit: 50, offset: 0 }).entries;
    expect(edit).toMatchObject({
      kind: 'edit',
      undo: null,
      summary: expect.stringMatching(/^edited familyName at (CallTools, MPDX|MPDX, CallTools)$/),
      people: [{ id: personId, name: core.contacts.get(personId).displayName }],
    });
    expect(edit!.people[0]!.name).toMatch(/Lee-Hart$/);
    expect(edit!.rows.map((r) => r.entityId).sort()).toEqual(records.map((r) => r.id).sort());
    expect(edit!.rows.every((r) => r.undo === 'edit' || r.undo === null)).toBe(true);

    // Grouping is by action, not by time: two edits of one record in the same instant stay apart.
    const rec = records[0]!.id;
    core.edits.edit(rec, { givenName: 'Annie' });
    core.edits.edit(rec, { givenName: 'Ana' });
    const list = core.journal.list({ limit: 2, offset: 0 });
    expect(list.entries.map((e) => [e.summary, e.rows.length, e.people[0]?.name])).toEqual([
      ['edited givenName', 0, core.contacts.get(personId).displayName],
      ['edited givenName', 0, core.contacts.get(personId).displayName],
    ]);
    expect(list.total).toBe(core.journal.list({ limit: 1000, offset: 0 }).entries.length);
  });
});
