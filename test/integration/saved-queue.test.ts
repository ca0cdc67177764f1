// The duplicates queue kept in the store between runs (store/saved-queue.ts): a restarted core
// opens Duplicates from it, and after any write the queue depends on (made by this core or by
// another process on the same file) it is worked out again — never shown stale. The check for
// each kind of write: what the queue shows equals what working it out from scratch gives.
import Database from 'better-sqlite3';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DB_FILE } from '../../src/main/core/store/open';
import type { Input, Output, RequestKey } from '../../src/shared/contract';
import { fillStore } from '../helpers/big-store';
import { makeTestCore, type TestCore } from '../helpers/core';
import { tempDir } from '../helpers/tmp';

const open: TestCore[] = [];
let dir: { dir: string; cleanup: () => void } | undefined;
afterEach(() => {
  for (const t of open.splice(0)) t.core.close();
  dir?.cleanup();
  dir = undefined;
});

async function start(): Promise<TestCore> {
  const t = await makeTestCore(dir!.dir);
  open.push(t);
  return t;
}

function stop(t: TestCore): void {
  open.splice(open.indexOf(t), 1);
  t.core.close();
}

async function call<K extends RequestKey>(t: TestCore, k: K, input: Input<K>): Promise<Output<K>> {
  const r = await t.core.dispatch(k, input);
  if (!r.ok) throw new Error(`${k}: ${r.error.message}`);
  return r.value as Output<K>;
}

/** The whole queue as the window sees it: every summary, best first, the tally, and the first cluster in full. */
async function queue(t: TestCore): Promise<unknown> {
  const listed = async (order: 'best' | 'unsure') => {
    const items = [];
    let page;
    do {
      page = await call(t, 'listDuplicates', { offset: items.length, limit: 500, order });
      items.push(...page.items);
    } while (page.items.length && items.length < page.total);
    return { total: page.total, autoLinkable: page.autoLinkable, items };
  };
  const best = await listed('best');
  const first = best.items[0] && (await call(t, 'getDuplicate', { id: best.items[0].id }));
  // Both orders, as a restarted core pages them straight from the store.
  return { ...best, unsure: (await listed('unsure')).items.map((c) => c.id), first };
}

/** The queue's first cluster and its first two records, as the window shows them. */
async function firstCluster(t: TestCore): Promise<{ clusterId: string; recordId: string; otherId: string }> {
  const [top] = (await call(t, 'listDuplicates', { offset: 0, limit: 1 })).items;
  const c = (await call(t, 'getDuplicate', { id: top!.id }))!;
  return { clusterId: c.id, recordId: c.records[0]!.recordId, otherId: c.records[1]!.recordId };
}

/** The same queue worked out from the records and pairs (the saved one taken away first). */
async function workedOut(t: TestCore): Promise<unknown> {
  t.core.store.sqlite.prepare('DELETE FROM saved_queue_state').run();
  return queue(t);
}

describe('the saved duplicates queue', () => {
  it('is what a restarted core opens with, without working the queue out again', { timeout: 60_000 }, async () => {
    dir = tempDir();
    let t = await start();
    fillStore(t.core, 2000, 7);
    await call(t, 'scanDuplicates', {});
    const before = await queue(t);
    const first = (before as { items: { id: string }[] }).items[0]!;
    const full = await call(t, 'getDuplicate', { id: first.id });
    stop(t);
    // A write no stamp sees (nothing in Concord writes pairs behind the stamp's back): were the
    // queue worked out again, it would come back empty. It comes back as it was, so it was read.
    const raw = new Database(path.join(dir.dir, DB_FILE));
    raw.prepare("DELETE FROM match_candidates WHERE status = 'open'").run();
    raw.close();
    t = await start();
    const withoutFirst = (q: unknown) => ({ ...(q as object), first: undefined });
    expect(withoutFirst(await queue(t))).toEqual(withoutFirst(before));
    // A cluster's values and reasons are read from the store as before (reasons now gone with the pairs).
    const again = await call(t, 'getDuplicate', { id: first.id });
    expect(again!.records).toEqual(full!.records);
  });

  it(
    'is worked out again after each kind of write, here or in another process, and then equals a fresh one',
    { timeout: 120_000 },
    async () => {
      dir = tempDir();
      let t = await start();
      fillStore(t.core, 1500, 11);
      await call(t, 'scanDuplicates', {});

      // Each step writes, restarts, and compares the queue the restarted core shows with a fresh one.
      // (A new record has no pairs until the next scan, so it leaves the queue as it was.)
      const steps: [string, (t: TestCore) => Promise<void> | void, 'changes' | 'same'][] = [
        [
          'a record renamed by a pull',
          async (t) => {
            const c = await firstCluster(t);
            const rec = t.core.syncStore.record(c.recordId);
            t.core.syncStore.upsertFromServer({
              accountId: rec.accountId,
              remoteId: rec.remoteId!,
              raw: { ...rec.local, givenName: 'Zebulon', familyName: 'Quaxley' },
              canonical: { ...rec.local, givenName: 'Zebulon', familyName: 'Quaxley' },
              versions: {},
            });
          },
          'changes',
        ],
        [
          'a new record that duplicates one in the queue',
          async (t) => {
            const rec = t.core.syncStore.record((await firstCluster(t)).recordId);
            t.core.syncStore.upsertFromServer({
              accountId: rec.accountId,
              remoteId: 'new-twin',
              raw: rec.local,
              canonical: rec.local,
              versions: {},
            });
          },
          'same',
        ],
        [
          'a record deleted at the vendor',
          async (t) => {
            const rec = t.core.syncStore.record((await firstCluster(t)).recordId);
            t.core.syncStore.markDeletedRemote(rec.accountId, rec.remoteId!);
          },
          'changes',
        ],
        [
          'a merge',
          async (t) => void (await call(t, 'mergeDuplicates', { clusterId: (await firstCluster(t)).clusterId, picks: {} })),
          'changes',
        ],
        [
          '"not the same"',
          async (t) => void (await call(t, 'dismissDuplicates', { clusterId: (await firstCluster(t)).clusterId })),
          'changes',
        ],
        [
          'an account renamed',
          async (t) => {
            const acc = t.core.syncStore.record((await firstCluster(t)).recordId).accountId;
            await call(t, 'updateAccount', { id: acc, label: 'Renamed account' });
          },
          'changes',
        ],
        [
          'in another process, two records of a cluster linked to one person',
          async (t) => {
            const c = await firstCluster(t);
            stop(t);
            const raw = new Database(path.join(dir!.dir, DB_FILE));
            const person = raw.prepare('SELECT person_id FROM records WHERE id = ?').pluck().get(c.otherId);
            raw.prepare('UPDATE records SET person_id = ? WHERE id = ?').run(person, c.recordId);
            raw.close();
          },
          'changes',
        ],
      ];
      for (const [what, write, effect] of steps) {
        const had = await queue(t);
        await write(t);
        if (open.includes(t)) stop(t);
        t = await start();
        const shown = await queue(t);
        if (effect === 'changes') expect(shown, what).not.toEqual(had);
        expect(shown, what).toEqual(await workedOut(t));
      }

      // An undo puts the clusters back in the saved queue too: a restart shows them where they were.
      const merged = (await firstCluster(t)).clusterId;
      const beforeMerge = await queue(t);
      const { mergeId } = await call(t, 'mergeDuplicates', { clusterId: merged, picks: {} });
      stop(t);
      t = await start();
      await call(t, 'undoJournal', { id: mergeId });
      stop(t);
      t = await start();
      const restored = await queue(t);
      expect(restored).toEqual(beforeMerge);
      expect(restored).toEqual(await workedOut(t));
    },
  );
});
