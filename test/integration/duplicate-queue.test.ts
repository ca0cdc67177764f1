// The duplicates queue as the window uses it, through the contract (core.dispatch): paged
// summaries (never the whole queue), a cluster in full on demand, merges and decisions that
// take a row out in place and an undo that puts it back, and the bulk merge as one job in the
// core — planned with every deletion named, with progress, a cancel that keeps whole merges
// only, and one undo for all of it.
import { afterEach, describe, expect, it } from 'vitest';
import type { Output, RequestKey, Input } from '../../src/shared/contract';
import { fillStore } from '../helpers/big-store';
import { makeTestCore, type TestCore } from '../helpers/core';

let t: TestCore | undefined;
afterEach(() => {
  t?.cleanup();
  t = undefined;
});

async function call<K extends RequestKey>(k: K, input: Input<K>): Promise<Output<K>> {
  const r = await t!.core.dispatch(k, input);
  if (!r.ok) throw new Error(`${k}: ${r.error.message}`);
  return r.value as Output<K>;
}

const count = (sql: string): number => (t!.core.store.sqlite.prepare(sql).get() as { n: number }).n;

describe('the duplicates queue in the core', () => {
  it('pages summaries, fetches one cluster in full, and updates in place after a merge, a dismissal and their undo', async () => {
    t = await makeTestCore();
    fillStore(t.core, 3000, 5);
    const scan = await call('scanDuplicates', {});
    expect(scan).not.toHaveProperty('clusters'); // the scan answers with counts; the queue is paged
    expect(scan.total).toBeGreaterThan(150);

    const first = await call('listDuplicates', { offset: 0, limit: 50 });
    expect(first.total).toBe(scan.total);
    expect(first.items).toHaveLength(50);
    expect(first.items[0]).not.toHaveProperty('records'); // summaries only
    const scores = first.items.map((c) => c.score);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores); // best first
    // Least certain first: nearest even odds lead (their answers teach the matcher most).
    const unsure = await call('listDuplicates', { offset: 0, limit: 500, order: 'unsure' });
    const doubt = unsure.items.map((c) => Math.abs(c.confidence - 0.5));
    expect([...doubt].sort((a, b) => a - b)).toEqual(doubt);
    expect(unsure.total).toBe(first.total);
    const second = await call('listDuplicates', { offset: 50, limit: 50 });
    expect(second.items.map((c) => c.id).filter((id) => first.items.some((x) => x.id === id))).toEqual([]);

    const target = first.items[3]!;
    const full = (await call('getDuplicate', { id: target.id }))!;
    expect(full.records.map((r) => r.name).sort()).toEqual([...full.records.map((r) => r.name)].sort());
    expect(new Set(full.records.map((r) => r.name))).toEqual(new Set(target.names));
    // The queue keeps only who is in each cluster; the full cluster reads its values and every
    // pair's reasons from the store, as stored (the pair's records in either order).
    for (const s of first.items.filter((c) => c.size > 2).slice(0, 5)) {
      const c = (await call('getDuplicate', { id: s.id }))!;
      for (const r of c.records) expect(r.contact).toEqual(t!.core.syncStore.record(r.recordId).local);
      expect(c.pairs.length).toBeGreaterThanOrEqual(c.records.length - 1);
      for (const p of c.pairs) {
        const stored = t!.core.store.sqlite
          .prepare('SELECT reasons FROM match_candidates WHERE record_a = ? AND record_b = ?')
          .pluck()
          .get(...[p.a, p.b].sort()) as string;
        expect(p.reasons.length).toBeGreaterThan(0);
        expect(p.reasons).toEqual(JSON.parse(stored));
      }
    }

    // A merge: the row goes, everything else keeps its order; the count is one less everywhere.
    const { mergeId } = await call('mergeDuplicates', { clusterId: target.id, picks: {} });
    const after = await call('listDuplicates', { offset: 0, limit: 50 });
    expect(after.total).toBe(scan.total - 1);
    expect(after.items.map((c) => c.id)).toEqual([...first.items.filter((c) => c.id !== target.id), second.items[0]!].map((c) => c.id));
    expect(await call('getDuplicate', { id: target.id })).toBeNull();
    expect((await call('getStatus', {})).duplicates?.waiting).toBe(scan.total - 1);

    const other = after.items[0]!;
    const { dismissId } = await call('dismissDuplicates', { clusterId: other.id });
    expect((await call('listDuplicates', { offset: 0, limit: 1 })).items[0]!.id).toBe(after.items[1]!.id);

    // Undo puts each back where it was.
    await call('undoJournal', { id: mergeId });
    await call('undoJournal', { id: dismissId });
    const back = await call('listDuplicates', { offset: 0, limit: 50 });
    expect(back.total).toBe(scan.total);
    expect(back.items.map((c) => c.id)).toEqual(first.items.map((c) => c.id));
    // And what the core worked out in place is what it would work out from scratch.
    const fresh = t.core.dedupe.scan({ full: true }).clusters;
    expect(fresh.length).toBe(back.total);
    const all = await call('listDuplicates', { offset: 0, limit: 500 });
    const rest = await call('listDuplicates', { offset: 500, limit: 500 });
    expect(new Set([...all.items, ...rest.items].map((c) => c.id))).toEqual(new Set(fresh.slice(0, 1000).map((c) => c.id)));
  });

  it('bulk merge: planned with deletions named, run as one job with progress and cancel, undone with one undo', async () => {
    t = await makeTestCore();
    fillStore(t.core, 3000, 5);
    await call('scanDuplicates', {});
    const plan = await call('planBulkMerge', {});
    const page = await call('listDuplicates', { offset: 0, limit: 1 });
    expect(plan.clusters).toBe(page.autoLinkable);
    expect(plan.clusters).toBeGreaterThan(200);
    expect(plan.deletionsTotal).toBe(plan.accounts.reduce((n, a) => n + a.delete, 0));
    expect(plan.deletions).toHaveLength(Math.min(plan.deletionsTotal, 500));
    for (const d of plan.deletions) expect(d.remoteId).toBeTruthy();
    expect(plan.accounts.filter((a) => a.vendor === 'bigchange' || a.vendor === 'mpdx').every((a) => a.delete === 0)).toBe(true); // they cannot or need not delete

    // A count that is no longer true is refused: nothing is merged on a stale confirmation.
    await expect(call('bulkMerge', { expected: plan.clusters + 1 })).rejects.toThrow(/queue changed/);
    expect(count("SELECT count(*) AS n FROM journal WHERE kind = 'merge'")).toBe(0);

    // Cancel after the first progress report: whole batches only, all in one undoable entry.
    const progress: number[] = [];
    const off = t.core.events.on((e, p) => {
      if (e !== 'bulkMergeProgress') return;
      progress.push((p as { done: number }).done);
      if (progress.length === 1) void call('cancelBulkMerge', {});
    });
    const cancelled = await call('bulkMerge', { expected: plan.clusters });
    off();
    expect(cancelled.cancelled).toBe(true);
    expect(cancelled.merged).toBe(progress[0]);
    expect(cancelled.merged).toBeLessThan(plan.clusters);
    expect(count("SELECT count(*) AS n FROM journal WHERE kind = 'merge' AND undone = 0")).toBe(cancelled.merged);
    const left = await call('listDuplicates', { offset: 0, limit: 1 });
    expect(left.autoLinkable).toBe(plan.clusters - cancelled.merged);

    const pendingAfterFirstRun = count("SELECT count(*) AS n FROM changes WHERE state = 'pending'");
    // The rest, then one undo for that whole job.
    const rest = await call('bulkMerge', { expected: left.autoLinkable });
    expect(rest).toMatchObject({ merged: left.autoLinkable, cancelled: false });
    expect((await call('listDuplicates', { offset: 0, limit: 1 })).autoLinkable).toBe(0);
    const activity = await call('listJournal', { limit: 5, offset: 0 });
    const entry = activity.entries.find((e) => e.id === rest.bulkId)!;
    expect(entry).toMatchObject({ kind: 'bulk-merge', undo: 'merge' });
    expect(entry.rowCount).toBeGreaterThanOrEqual(left.autoLinkable);
    expect(entry.rows.length).toBeLessThanOrEqual(200); // a huge action is not one huge payload
    await call('undoJournal', { id: rest.bulkId! });
    expect(count("SELECT count(*) AS n FROM journal WHERE kind = 'merge' AND undone = 0")).toBe(cancelled.merged);
    expect((await call('listDuplicates', { offset: 0, limit: 1 })).autoLinkable).toBe(left.autoLinkable);
    // Nothing of the undone merges waits to be sent; the first run's merges still do.
    expect(count("SELECT count(*) AS n FROM changes WHERE state = 'pending'")).toBe(pendingAfterFirstRun);
  });
});
