// Removing an account, and undoing it (issue 26): the removal says what it does and does it,
// waiting changes block it, and its undo puts back every row as it was — records, people,
// links, match pairs and decisions, search, counts — with the secret it needs still in the
// keychain until the undo window has passed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type Database from 'better-sqlite3';
import { accountSecretKey } from '../../src/main/core/secrets/secret-store';
import { sandboxCore, type SandboxCore } from '../helpers/sandbox-core';

// Everything a removal touches, row for row (rowids aside: the search index follows them).
function state(sqlite: Database.Database): Record<string, unknown[]> {
  const q = (sql: string) => sqlite.prepare(sql).all();
  return {
    accounts: q('SELECT id, kind, label, base_url, settings FROM accounts ORDER BY id'),
    people: q('SELECT id, display_name, golden, pinned FROM people ORDER BY id'),
    records: q('SELECT * FROM records ORDER BY id'),
    changes: q('SELECT * FROM changes ORDER BY id'),
    conflicts: q('SELECT * FROM conflicts ORDER BY id'),
    candidates: q('SELECT * FROM match_candidates ORDER BY id'),
    decisions: q('SELECT * FROM match_decisions ORDER BY id'),
    pages: q('SELECT * FROM pull_pages ORDER BY account_id, page_key'),
    counts: q('SELECT * FROM row_counts ORDER BY name'),
  };
}

describe('removing an account and undoing it', () => {
  let h: SandboxCore;
  let offsetMs = 0;
  beforeAll(async () => {
    h = await sandboxCore(5, 120, { clock: { now: () => new Date(Date.now() + offsetMs) } });
    // Links across accounts, and a dismissal: the rows a removal must take and give back.
    h.core.dedupe.linkNearCertain();
  }, 60_000);
  afterAll(() => h?.close());

  const account = (kind: string) => h.core.accounts.list().find((a) => a.kind === kind)!;
  const find = async (name: string) => (await h.core.handlers.listContacts({ search: name, limit: 50, offset: 0 })).rows.map((r) => r.id);

  it('takes the records, keeps linked people, and undo brings back every row', async () => {
    const ct = account('calltools');
    const sqlite = h.core.store.sqlite;
    const before = state(sqlite);
    const plan = await h.core.handlers.planRemoveAccount({ id: ct.id });
    expect(plan.records).toBeGreaterThan(0);
    expect(plan.peopleLinked).toBeGreaterThan(0); // the near-certain links reached CallTools
    expect(plan.waiting).toBe(0);

    // A person only in CallTools, found by name before the removal.
    const only = sqlite
      .prepare(
        'SELECT p.id, p.display_name FROM people p WHERE NOT EXISTS (SELECT 1 FROM records r WHERE r.person_id = p.id AND r.account_id <> ?) AND EXISTS (SELECT 1 FROM records r WHERE r.person_id = p.id) LIMIT 1',
      )
      .get(ct.id) as { id: string; display_name: string };
    expect(await find(only.display_name)).toContain(only.id);
    // Its secret (sandbox accounts may keep theirs in settings: give it one to keep).
    const key = accountSecretKey(ct.id);
    const secret = (await h.core.secretStore.get(key)) ?? '{"note":"kept for undo"}';
    const hadOne = (await h.core.secretStore.get(key)) !== null;
    await h.core.secretStore.set(key, secret);

    const r = await h.core.handlers.removeAccount({ id: ct.id });
    expect(r.records).toBe(plan.records);
    expect(r.people).toBe(plan.peopleOnlyHere);
    expect(sqlite.prepare('SELECT count(*) FROM records WHERE account_id = ?').pluck().get(ct.id)).toBe(0);
    expect(h.core.accounts.list().some((a) => a.id === ct.id)).toBe(false);
    expect(await find(only.display_name)).not.toContain(only.id);
    expect((await h.core.handlers.getStatus({})).counts.people).toBe(
      (before.counts as { name: string; n: number }[]).find((c) => c.name === 'people')!.n - r.people,
    );
    // The keychain keeps its secret while the removal can be undone.
    expect(await h.core.secretStore.get(key)).toBe(secret);
    const entry = (await h.core.handlers.listJournal({ kind: 'account.remove', limit: 5, offset: 0 })).entries[0]!;
    expect(entry.undo).toBe('account');

    // Another kind's typed undo refuses it and changes nothing.
    await expect(h.core.handlers.undoJournal({ id: r.undoId, kind: 'merge' })).rejects.toThrow(/not that kind/);
    const out = await h.core.handlers.undoJournal({ id: r.undoId, kind: 'account.remove' });
    expect(out.undone).toBe('account.remove');
    expect(state(sqlite)).toEqual(before);
    expect(await find(only.display_name)).toContain(only.id);
    await expect(h.core.handlers.undoJournal({ id: r.undoId })).rejects.toThrow(/no longer be undone/);
    if (!hadOne) await h.core.secretStore.delete(key);

    // The account is whole again: a sync finds nothing new, nothing gone and nothing to send.
    const s = await h.core.sync.sync({});
    const again = s.accounts.find((a) => a.accountId === ct.id)!;
    expect(again.errors).toEqual([]);
    expect([again.created, again.deleted, again.pushed]).toEqual([0, 0, 0]);
  }, 60_000);

  it('is refused while a change waits, and nothing is removed', async () => {
    const lv = account('livevox');
    const sqlite = h.core.store.sqlite;
    const rec = sqlite.prepare("SELECT id FROM records WHERE account_id = ? AND state = 'synced' LIMIT 1").pluck().get(lv.id) as string;
    h.core.edits.edit(rec, { familyName: 'Waiting-Edit' });
    const before = state(sqlite);
    await expect(h.core.handlers.removeAccount({ id: lv.id })).rejects.toThrow(/still open/);
    expect(state(sqlite)).toEqual(before);
    h.core.edits.undo(rec);
  });

  it('is final after the undo window: the copy and the secret go', async () => {
    const bc = account('bigchange');
    await h.core.secretStore.set(accountSecretKey(bc.id), '{"key":"old"}');
    const r = await h.core.handlers.removeAccount({ id: bc.id });
    expect(h.core.store.sqlite.prepare('SELECT count(*) FROM removed_rows WHERE journal_id = ?').pluck().get(r.undoId)).toBeGreaterThan(0);
    offsetMs = 8 * 86_400_000;
    // The next removal (or the next start) purges what is past the window.
    const lt = account('lightening');
    await h.core.handlers.removeAccount({ id: lt.id });
    expect(h.core.store.sqlite.prepare('SELECT count(*) FROM removed_rows WHERE journal_id = ?').pluck().get(r.undoId)).toBe(0);
    expect(await h.core.secretStore.get(accountSecretKey(bc.id))).toBeNull();
    await expect(h.core.handlers.undoJournal({ id: r.undoId })).rejects.toThrow(/no longer be undone/);
  });
});
