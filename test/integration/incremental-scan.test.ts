// An incremental duplicate scan reads only what changed and what is around it
// (dedupe/scan-incremental.ts). It must leave exactly what the scan that reads every record
// leaves: the same stored pairs with the same scores, and the same queue in the same order. Two
// stores are filled alike and given the same random writes (renames, new phones and emails, a
// record made to copy another, new twins, vendor deletions, "not the same"); one scans as the app
// does, the other has its kept keys taken away before each scan, so it reads every record.
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import type { ScanResult } from '../../src/main/core/dedupe/scan';
import type { CanonicalContact } from '../../src/shared/domain';
import { fillStore } from '../helpers/big-store';
import { makeTestCore, type TestCore } from '../helpers/core';
import { tempDir } from '../helpers/tmp';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

async function core(): Promise<TestCore> {
  const d = tempDir();
  const t = await makeTestCore(d.dir);
  cleanups.push(() => {
    t.core.close();
    d.cleanup();
  });
  return t;
}

type Write =
  | { kind: 'rename' | 'phone' | 'email' | 'copy' | 'twin' | 'crowd'; at: number; from: number; typo: boolean }
  | { kind: 'delete'; at: number }
  | { kind: 'dismiss' };

const write: fc.Arbitrary<Write> = fc.oneof(
  fc.record({
    kind: fc.constantFrom('rename', 'phone', 'email', 'copy', 'twin', 'crowd'),
    at: fc.nat(),
    from: fc.nat(),
    typo: fc.boolean(),
  }) as fc.Arbitrary<Write>,
  fc.record({ kind: fc.constant('delete'), at: fc.nat() }) as fc.Arbitrary<Write>,
  fc.constant({ kind: 'dismiss' } as const),
);

/** The live records as (account, vendor id), in the store's order: the same in both stores. */
function liveKeys(t: TestCore): { accountId: string; remoteId: string }[] {
  return t.core.store.sqlite
    .prepare(
      "SELECT account_id AS accountId, remote_id AS remoteId FROM records WHERE state NOT IN ('deleted_local', 'deleted_remote') ORDER BY rowid",
    )
    .all() as { accountId: string; remoteId: string }[];
}

/** The kept keys taken away: the store's scans read every record, as before keys were kept. */
const withoutKeys = (t: TestCore): void => void t.core.store.sqlite.prepare('UPDATE match_keys_state SET kept = 0').run();

const idOf = (t: TestCore, k: { accountId: string; remoteId: string }): string =>
  t.core.store.sqlite
    .prepare('SELECT id FROM records WHERE account_id = ? AND remote_id = ?')
    .pluck()
    .get(k.accountId, k.remoteId) as string;

const scans = (t: TestCore): number =>
  t.core.store.sqlite.prepare("SELECT count(*) FROM journal WHERE kind = 'dedupe.scan'").pluck().get() as number;

const typo = (s: string | null | undefined): string | null | undefined =>
  s && s.length > 3 ? s.slice(0, 2) + s[3] + s[2] + s.slice(4) : s;

/** Apply one write to a store, naming records by their place among the live ones. */
function apply(t: TestCore, w: Write, n: number): void {
  const s = t.core.syncStore;
  if (w.kind === 'dismiss') {
    // The queue shown is brought up to date first (opening Duplicates scans what was written).
    t.core.dedupe.scan();
    const top = t.core.dedupe.page(0, 1).items[0];
    if (top) t.core.dedupe.dismiss(top.id);
    return;
  }
  const live = liveKeys(t);
  const at = live[w.at % live.length]!;
  const id = t.core.store.sqlite
    .prepare('SELECT id FROM records WHERE account_id = ? AND remote_id = ?')
    .pluck()
    .get(at.accountId, at.remoteId) as string;
  if (w.kind === 'delete') {
    s.markDeletedRemote(at.accountId, at.remoteId);
    return;
  }
  const rec = s.record(id);
  const fromKey = live[w.from % live.length]!;
  const fromId = t.core.store.sqlite
    .prepare('SELECT id FROM records WHERE account_id = ? AND remote_id = ?')
    .pluck()
    .get(fromKey.accountId, fromKey.remoteId) as string;
  const from = s.record(fromId).local;
  const local: CanonicalContact = { ...rec.local };
  if (w.kind === 'rename')
    Object.assign(local, { givenName: from.givenName, familyName: w.typo ? typo(from.familyName) : from.familyName });
  if (w.kind === 'phone') local.phones = from.phones;
  if (w.kind === 'email') local.emails = from.emails;
  if (w.kind === 'copy') Object.assign(local, { ...from, givenName: w.typo ? typo(from.givenName) : from.givenName });
  if (w.kind === 'crowd') Object.assign(local, crowded(from));
  if (w.kind === 'twin') {
    const twin = { ...from, familyName: w.typo ? typo(from.familyName) : from.familyName };
    s.upsertFromServer({ accountId: at.accountId, remoteId: `twin-${n}`, raw: twin, canonical: twin, versions: {} });
    return;
  }
  s.upsertFromServer({ accountId: rec.accountId, remoteId: rec.remoteId!, raw: local, canonical: local, versions: {} });
}

/**
 * Big blocks (over BIG members, blocking.ts), where a record meets only its nearest in the
 * block's sorted order: a shared switchboard number and a common family name.
 */
const crowded = (c: CanonicalContact): Partial<CanonicalContact> => ({
  familyName: 'Smith',
  phones: [{ e164: '+15555550100', raw: '+1 555 555 0100' }, ...(c.phones ?? []).slice(0, 1)],
});

function crowd(t: TestCore): void {
  const s = t.core.syncStore;
  liveKeys(t).forEach((k, i) => {
    if (i % 12) return;
    const id = t.core.store.sqlite
      .prepare('SELECT id FROM records WHERE account_id = ? AND remote_id = ?')
      .pluck()
      .get(k.accountId, k.remoteId) as string;
    const local = { ...s.record(id).local };
    Object.assign(local, crowded(local));
    s.upsertFromServer({ accountId: k.accountId, remoteId: k.remoteId, raw: local, canonical: local, versions: {} });
  });
}

const keysOf = (t: TestCore): Map<string, string> =>
  new Map(
    (t.core.store.sqlite.prepare('SELECT id, account_id, remote_id FROM records').raw().all() as [string, string, string][]).map(
      ([id, a, r]) => [id, `${a}:${r}`],
    ),
  );

/** The queue as the window would list it, in terms both stores share. */
function queueOf(t: TestCore): unknown {
  const keyOf = keysOf(t);
  return t.core.dedupe.clusters().map((c) => ({
    score: c.score,
    auto: c.auto,
    records: c.records.map((r) => [keyOf.get(r.recordId), r.personId === c.records[0]!.personId]),
  }));
}

/** What a scan left, in terms both stores share: stored open pairs and the queue in order. */
function left(t: TestCore, scan: ScanResult): unknown {
  const keyOf = new Map(
    (t.core.store.sqlite.prepare('SELECT id, account_id, remote_id FROM records').raw().all() as [string, string, string][]).map(
      ([id, a, r]) => [id, `${a}:${r}`],
    ),
  );
  const pairs = (
    t.core.store.sqlite.prepare("SELECT record_a, record_b, score FROM match_candidates WHERE status = 'open'").raw().all() as [
      string,
      string,
      number,
    ][]
  )
    .map(([a, b, score]) => [...[keyOf.get(a)!, keyOf.get(b)!].sort(), score].join(' '))
    .sort();
  const queue = scan.clusters.map((c) => ({
    score: c.score,
    confidence: c.confidence,
    auto: c.auto,
    records: c.records.map((r) => keyOf.get(r.recordId)),
    pairs: c.pairs.map((p) => [keyOf.get(p.a), keyOf.get(p.b), p.score]),
    reasons: c.reasons,
  }));
  return { pairs, queue, total: scan.total, autoLinkable: scan.autoLinkable };
}

describe('an incremental duplicate scan', () => {
  it('runs when Duplicates opens after an edit, so the edit is in the queue at once', { timeout: 60_000 }, async () => {
    const t = await core();
    fillStore(t.core, 1500, 9);
    t.core.dedupe.scan({ full: true });
    // A person types another record's name, phone and email into a contact (no sync, no scan).
    const [x, y] = liveKeys(t)
      .slice(100, 102)
      .map((k) => t.core.syncStore.record(idOf(t, k)));
    t.core.syncStore.edit(x!.id, {
      givenName: y!.local.givenName,
      familyName: y!.local.familyName,
      phones: y!.local.phones,
      emails: y!.local.emails,
      address: y!.local.address,
    });
    const scansBefore = scans(t);
    const listed = t.core.dedupe.page(0, 10_000);
    expect(scans(t)).toBe(scansBefore + 1);
    const together = listed.items.filter((c) => c.size >= 2).map((c) => t.core.dedupe.cluster(c.id)!.records.map((r) => r.recordId));
    expect(together.some((ids) => ids.includes(x!.id) && ids.includes(y!.id))).toBe(true);
    // The same queue as working it out again from the pairs the scan stored.
    t.core.store.sqlite.prepare('DELETE FROM saved_queue_state').run();
    expect(t.core.dedupe.page(0, 10_000).items).toEqual(listed.items);
  });

  it('reads only what changed and around it, and leaves what reading every record leaves', { timeout: 240_000 }, async () => {
    const RECORDS = 1200;
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(write, { minLength: 1, maxLength: 6 }), { minLength: 2, maxLength: 4 }), async (rounds) => {
        const [a, b] = [await core(), await core()];
        for (const t of [a, b]) {
          fillStore(t.core, RECORDS, 5);
          crowd(t);
          t.core.dedupe.scan({ full: true });
        }
        let n = 0;
        for (const round of rounds) {
          for (const w of round) {
            n++;
            for (const t of [a, b]) {
              if (t === b) withoutKeys(b);
              apply(t, w, n);
            }
          }
          const patched = a.core.dedupe.scan();
          // The other store's kept keys taken away: it reads every record, as before keys were kept.
          withoutKeys(b);
          const whole = b.core.dedupe.scan();
          if (whole.rescored) {
            expect(whole.read).toBe(liveKeys(b).length);
            expect(patched.read).toBeLessThan(whole.read / 3);
          }
          // The same pairs compared (blocking found the same partners), the same records rescored.
          expect([patched.comparisons, patched.rescored]).toEqual([whole.comparisons, whole.rescored]);
          expect(left(a, patched)).toEqual(left(b, whole));
          // The window pages the patched queue (from the store) in that same order.
          const ids = a.core.dedupe.page(0, 10_000).items.map((c) => c.id);
          expect(ids).toEqual(patched.clusters.map((c) => c.id));
          // The near-certain ones linked, as after a sync: the queue regroups around them only,
          // as working it all out again (the other store, without kept keys or a saved queue) regroups it.
          withoutKeys(b);
          b.core.store.sqlite.prepare('DELETE FROM saved_queue_state').run();
          const [la, lb] = [a.core.dedupe.linkNearCertain(), b.core.dedupe.linkNearCertain()];
          expect(la.linked).toBe(lb.linked);
          expect(queueOf(a)).toEqual(queueOf(b));
        }
        for (const c of cleanups.splice(0)) c();
      }),
      { numRuns: 4, seed: 25, endOnFailure: true },
    );
  });
});
