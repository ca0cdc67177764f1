// Acting on a person's decision about a cluster (docs/design.md#duplicates-and-matching). "Same person" links the records into
// one person; picked values are written through the outbox, and inside one vendor the duplicate
// is merged the vendor's way — the writes the planner (merge-plan.ts) previewed. "Not the same"
// is remembered on the vendors' ids, so it survives re-syncs. Every merge and dismissal can be
// undone; a bulk merge (every cluster above the auto-link line) and its undo run as jobs in
// batches, and the near-certain links after a sync are one undoable entry.
import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import { CoreError } from '../errors';
import { inBatches } from '../jobs';
import { readSetting, writeSetting } from '../store/app-settings';
import { markCandidatesAmong, reopenCandidatesAmong } from '../store/match-candidates';
import { decisionKey, recordDecisions, reverseDecisions, type Decided } from '../store/match-decisions';
import { undoableEntry, type UndoableEntry } from '../store/match-journal';
import type { MergeSnapshot, SyncStore } from '../sync/sync-store';
import type { ClusterQueue } from './cluster-queue';
import type { ClusterView, QueuedCluster } from './cluster-view';
import { andList, bulkPlanOf, pinsOf, survivingPerson, type BulkPlan, type MergePlan } from './merge-plan';

const LINK_AFTER_SYNC = 'dedupe.linkAfterSync';
// ~1 ms a merge: a batch is a short transaction, and the window hears progress often.
const BULK_BATCH = 100;

/** What a merge's or dismissal's journal entry keeps (its `after`), for its undo. */
interface DecisionEntry {
  recordIds: string[];
  decisionIds?: number[];
  changeIds?: number[];
}
/** What a bulk merge's (or the links after a sync's) lead entry keeps: the merges it made. */
interface BulkEntry {
  mergeIds: number[];
}

export interface MergeResult {
  mergeId: number;
  personId: string;
  plan: MergePlan;
}

export interface Undone {
  undone: string;
  compensating: number;
}

export class MergeJobs {
  private bulkRun: AbortController | null = null;

  constructor(
    private readonly sqlite: Database.Database,
    private readonly store: SyncStore,
    private readonly queue: ClusterQueue,
    private readonly plan: (c: ClusterView, picks?: Record<string, string>) => MergePlan,
    private readonly now: () => string,
  ) {}

  /** Apply a merge: link, pin the picks, queue the writes. Returns the journal id to undo it with. */
  merge(clusterId: string, opts: { picks?: Record<string, string>; actor?: string; clusters?: ClusterView[] } = {}): MergeResult {
    const c = opts.clusters ? opts.clusters.find((x) => x.id === clusterId) : this.queue.cluster(clusterId);
    if (!c) throw new CoreError('not_found', `No duplicate cluster ${clusterId} (run a scan; clusters change as records change)`);
    const was = this.queue.isCurrent();
    const r = this.mergeOne(c, opts);
    this.queue.took(r.mergeId, c);
    this.queue.drop(was, [c.id]);
    return r;
  }

  /**
   * Every cluster the model is near-certain about (at or above the auto-link line) whose records
   * are all in different accounts, linked as one person in Concord: a link only, nothing sent to
   * a vendor (inside one vendor a merge writes, so a person previews it). One journal entry
   * leads them, and undoing it unlinks them all.
   */
  linkNearCertain(): { linked: number; linkId: number | null } {
    const sure = this.queue.full(
      this.queue.autoLinkable().filter((c) => new Set(c.records.map((r) => r.account)).size === c.records.length),
    );
    if (!sure.length) return { linked: 0, linkId: null };
    const was = this.queue.isCurrent();
    const actionId = randomUUID();
    const mergeIds: number[] = [];
    const people = sure.length === 1 ? '1 person' : `${sure.length} people`;
    const linkId = this.store.withAction(
      `linking ${people} the model is near-certain about`,
      () => {
        for (const c of sure) {
          const r = this.mergeOne(c, { actor: 'auto', linkOnly: true });
          this.queue.took(r.mergeId, c);
          mergeIds.push(r.mergeId);
        }
        return this.store.journal(
          'bulk-merge',
          'bulk',
          actionId,
          `linked ${people} automatically (nothing sent to a vendor)`,
          null,
          { mergeIds, linkOnly: true },
          'auto',
        );
      },
      actionId,
    );
    this.queue.drop(
      was,
      sure.map((c) => c.id),
    );
    // What now waits: the queue re-forms around the people just linked (records that could not
    // join them may now), so it is worked out again around them, and kept on the entry for
    // status in another process.
    const left = this.queue.regroupAround(sure.flatMap((c) => c.records.map((r) => r.recordId)));
    this.store.amendJournal(linkId, `linked ${people} automatically (nothing sent to a vendor)`, { mergeIds, linkOnly: true, ...left });
    return { linked: sure.length, linkId };
  }

  /** Whether each sync ends by linking the near-certain duplicates (on unless a person turned it off). */
  linksAfterSync(): boolean {
    return readSetting<boolean>(this.sqlite, LINK_AFTER_SYNC) ?? true;
  }

  setLinksAfterSync(on: boolean): boolean {
    writeSetting(this.sqlite, LINK_AFTER_SYNC, on, this.now());
    return on;
  }

  /** "Not the same person", remembered on the vendors' ids for every pair in the cluster. */
  dismiss(clusterId: string): { dismissId: number } {
    const c = this.queue.find(clusterId);
    const was = this.queue.isCurrent();
    const r = this.store.tx(() => {
      const ids = this.decide(c, 'different', 'user');
      markCandidatesAmong(
        this.sqlite,
        c.records.map((r) => r.recordId),
        'dismissed',
      );
      return {
        dismissId: this.store.journal(
          'dismiss',
          'cluster',
          clusterId,
          `not the same: ${c.records.map((r) => r.name).join(' / ')}`,
          null,
          { decisionIds: ids, recordIds: c.records.map((r) => r.recordId) },
          'user',
        ),
      };
    });
    this.queue.took(r.dismissId, c);
    this.queue.drop(was, [c.id]);
    return r;
  }

  /**
   * Undo a merge or a dismissal from the journal. A merge not yet pushed is taken back
   * whole; once pushed, compensating writes restore each vendor record (a deleted duplicate
   * is created again). MPDX cannot split contacts it merged: the people stay under one
   * contact there, and are unlinked in Concord.
   */
  undo(journalId: number): Undone {
    const j = undoableEntry(this.sqlite, journalId);
    if (!j || !['merge', 'dismiss', 'bulk-merge'].includes(j.kind))
      throw new CoreError('not_found', `No merge or dismissal with id ${journalId}`);
    if (j.undone) throw new CoreError('bad_request', 'That was already undone');
    if (j.kind === 'bulk-merge') throw new CoreError('bad_request', 'A bulk merge is undone as a job (undoBulk)');
    const was = this.queue.isCurrent();
    const back: ClusterView[] = [];
    // An unmerge's compensating writes belong to it (one action); a person asked for it directly.
    const r = this.store.withAction(null, () => this.undoOne(j, back));
    this.queue.restore(was, back);
    return r;
  }

  /**
   * One undo for a whole bulk merge, as a job like the merge itself: each of its merges, newest
   * first, in batches of one transaction, yielding between them so the window stays answered.
   * A crash part-way leaves the lead not yet undone: undoing it again takes back the rest (a
   * merge already undone, on its own or by the first attempt, stays undone).
   */
  async undoBulk(journalId: number, onProgress?: (done: number, total: number) => void): Promise<Undone> {
    const j = undoableEntry(this.sqlite, journalId);
    if (!j || j.kind !== 'bulk-merge') throw new CoreError('not_found', `No bulk merge with id ${journalId}`);
    if (j.undone) throw new CoreError('bad_request', 'That was already undone');
    const { mergeIds } = j.after as BulkEntry;
    const order = [...mergeIds].reverse();
    const actionId = randomUUID();
    let compensating = 0;
    let undone = 0;
    await inBatches(
      order,
      BULK_BATCH,
      (batch) => {
        const was = this.queue.isCurrent();
        const back: ClusterView[] = [];
        this.store.withAction(
          'undoing a bulk merge',
          () => {
            for (const id of batch) {
              const m = undoableEntry(this.sqlite, id);
              if (!m || m.undone) continue;
              compensating += this.undoOne(m, back).compensating;
              undone++;
            }
          },
          actionId,
        );
        this.queue.restore(was, back);
      },
      { onProgress },
    );
    this.store.withAction(
      'undoing a bulk merge',
      () => {
        this.store.markUndone(j.id);
        this.store.journal(
          'bulk-unmerge',
          'bulk',
          String(j.id),
          `bulk merge undone: ${undone} merge${undone === 1 ? '' : 's'} taken back${compensating ? `; ${compensating} compensating write${compensating === 1 ? '' : 's'} queued` : ''}`,
          null,
          { undone, compensating },
          'user',
        );
      },
      actionId,
    );
    return { undone: 'bulk-merge', compensating };
  }

  /** These clusters in full, read a thousand at a time (a million records' queue in full at once does not fit). */
  private *inFull(clusters: readonly QueuedCluster[]): Iterable<ClusterView> {
    for (let i = 0; i < clusters.length; i += 1000) yield* this.queue.full(clusters.slice(i, i + 1000));
  }

  /**
   * What merging every cluster above the auto-link threshold would write, counted per
   * vendor account, with every vendor deletion named — for the confirmation a person reads
   * before a bulk merge.
   */
  bulkPlan(): BulkPlan {
    return bulkPlanOf(this.inFull(this.queue.queued().filter((c) => c.auto)), (c) => this.plan(c));
  }

  /**
   * Merge every cluster above the auto-link threshold as one job in the core: in batches of
   * one transaction each (a crash keeps whole merges only), yielding between batches so
   * progress reaches the window and Cancel is heard. One journal entry leads them all, and
   * undoing it undoes every merge. `expected` is the count the person confirmed: if the
   * queue changed since, nothing is merged.
   */
  async bulkMerge(opts: {
    expected: number;
    onProgress?: (done: number, total: number) => void;
  }): Promise<{ merged: number; total: number; cancelled: boolean; bulkId: number | null }> {
    if (this.bulkRun) throw new CoreError('conflict', 'A bulk merge is already running');
    const auto = this.queue.queued().filter((c) => c.auto);
    if (auto.length !== opts.expected)
      throw new CoreError(
        'conflict',
        `The queue changed since you confirmed (${opts.expected} clusters then, ${auto.length} now); review the new count and confirm again`,
      );
    const run = (this.bulkRun = new AbortController());
    const actionId = randomUUID();
    const cause = `the bulk merge of ${auto.length} cluster${auto.length === 1 ? '' : 's'}`;
    const mergeIds: number[] = [];
    let bulkId: number | null = null;
    try {
      await inBatches(
        auto,
        BULK_BATCH,
        (batch) => {
          const was = this.queue.isCurrent();
          this.store.withAction(
            cause,
            () => {
              for (const c of this.queue.full(batch)) {
                const r = this.mergeOne(c, { actor: 'user' });
                this.queue.took(r.mergeId, c);
                mergeIds.push(r.mergeId);
              }
              // The lead row, kept up to date batch by batch so a crash leaves one undoable entry.
              bulkId ??= this.store.journal('bulk-merge', 'bulk', actionId, '', null, null, 'user');
              this.store.amendJournal(bulkId, `merged ${mergeIds.length} clusters above the auto-link threshold`, { mergeIds });
            },
            actionId,
          );
          this.queue.drop(
            was,
            batch.map((c) => c.id),
          );
        },
        { signal: run.signal, onProgress: opts.onProgress },
      );
    } finally {
      this.bulkRun = null;
    }
    return { merged: mergeIds.length, total: auto.length, cancelled: mergeIds.length < auto.length, bulkId };
  }

  /** Stop a running bulk merge after the batch in hand (whole merges only). */
  cancelBulkMerge(): { cancelled: boolean } {
    if (!this.bulkRun) return { cancelled: false };
    this.bulkRun.abort();
    return { cancelled: true };
  }

  /** `linkOnly`: one person in Concord, nothing written to a vendor (the links after a sync). */
  private mergeOne(c: ClusterView, opts: { picks?: Record<string, string>; actor?: string; linkOnly?: boolean }): MergeResult {
    const clusterId = c.id;
    const plan = this.plan(c, opts.picks);
    // The merge's rows are one action, and its vendor deletes and edits say it caused them.
    return this.store.withAction(`the merge of ${andList([...new Set(c.records.map((r) => r.name))])}`, () => {
      const recordIds = c.records.map((r) => r.recordId);
      const before = this.store.snapshot(recordIds);
      // The person with the most records keeps its id (links and deep links stay valid).
      const target = survivingPerson(c.records);
      const pinned = { ...Object.assign({}, ...before.people.map((p) => JSON.parse(p.pinned) as object)) } as Record<string, unknown>;
      Object.assign(pinned, pinsOf(c, opts.picks ?? {}));
      this.store.link(
        recordIds,
        target,
        pinned,
        before.people.map((p) => p.id),
      );
      const changeIds: number[] = [];
      const survivorOf = new Map<string, string>();
      for (const w of plan.writes)
        if (w.op === 'update' || w.op === 'link') survivorOf.set(c.records.find((r) => r.recordId === w.recordId)!.account, w.recordId);
      for (const w of opts.linkOnly ? [] : plan.writes) {
        if (w.op === 'update') changeIds.push(this.store.edit(w.recordId, w.fields!, 'merge').changeId ?? 0);
        else if (w.op === 'delete') changeIds.push(this.store.delete(w.recordId, 'merge'));
        else if (w.op === 'merge')
          changeIds.push(
            this.store.queueVendorMerge(w.recordId, survivorOf.get(c.records.find((r) => r.recordId === w.recordId)!.account)),
          );
      }
      markCandidatesAmong(this.sqlite, recordIds, 'linked');
      const decisionIds = this.decide(c, 'same', opts.actor ?? 'user');
      const said = opts.linkOnly
        ? `linked ${c.records.length} records as one person (nothing sent to a vendor)`
        : `merged ${c.records.length} records: ${plan.writes.map((w) => `${w.vendor} ${w.op}`).join(', ')}`;
      const mergeId = this.store.journal(
        'merge',
        'person',
        target,
        said,
        before,
        { personId: target, recordIds, changeIds: changeIds.filter(Boolean), decisionIds, clusterId, picks: opts.picks ?? {} },
        opts.actor ?? 'user',
      );
      return { mergeId, personId: target, plan };
    });
  }

  private undoOne(j: UndoableEntry, back: ClusterView[]): Undone {
    const after = j.after as DecisionEntry;
    const now = this.now();
    const taken = this.queue.takenBy(j.id);
    if (taken) back.push(taken);
    if (j.kind === 'dismiss') {
      reverseDecisions(this.sqlite, after.decisionIds ?? [], now);
      reopenCandidatesAmong(this.sqlite, after.recordIds, 'dismissed');
      this.store.markUndone(j.id);
      this.store.journal('undo', 'cluster', String(j.id), 'they may be the same after all', null, null, 'user');
      return { undone: 'dismiss', compensating: 0 };
    }
    const before = j.before as MergeSnapshot;
    const { compensating } = this.store.unlink(before, after.changeIds ?? []);
    reopenCandidatesAmong(
      this.sqlite,
      before.records.map((r) => r.id),
      'linked',
    );
    reverseDecisions(this.sqlite, after.decisionIds ?? [], now);
    this.store.markUndone(j.id);
    this.store.journal(
      'unmerge',
      'person',
      String(j.id),
      `merge undone${compensating ? `; ${compensating} compensating write${compensating === 1 ? '' : 's'} queued` : ''}`,
      null,
      { compensating },
      'user',
    );
    return { undone: 'merge', compensating };
  }

  /** The decision on every pair of the cluster's records, kept on the vendors' ids; the new rows' ids. */
  private decide(c: ClusterView, decision: Decided, by: string): number[] {
    return recordDecisions(
      this.sqlite,
      c.records.map((r) => decisionKey(r.account, r.remoteId, r.recordId)),
      decision,
      by,
      this.now(),
    );
  }
}
