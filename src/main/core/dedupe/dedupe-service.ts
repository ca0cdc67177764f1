// Duplicate people (DESIGN §5): scan the store, keep scored candidates, show clusters best
// first with their reasons, and act on a person's decision. "Same person" links records into
// one person; picked values are written through the outbox, and inside one vendor the
// duplicate is merged the vendor's way (MPDX's own merge, else update the survivor and delete
// the loser) — always after a preview of the exact writes. "Not the same" is remembered on
// the vendors' ids, so it survives re-syncs. Every merge and dismissal can be undone.
import { createHash, randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { AccountKind, CanonicalContact } from '../../../shared/domain';
import { ADDRESS_PART_WORDS, displayName, VENDOR_LABELS } from '../../../shared/domain';
import type { Clock } from '../clock';
import { computeGolden, isBlank } from '../contacts/golden';
import { NameCounts } from '../contacts/name-choice';
import { CoreError } from '../errors';
import type { MergeSnapshot, SyncStore } from '../sync/sync-store';
import { inBatches } from '../jobs';
import { sameValue } from '../sync/merge';
import { agreeKey } from '../reconcile/policy-service';
import { clusterPairs } from './cluster';
import { Frequencies, toMatchRecord, type MatchRecord } from './features';
import { loadParameters, saveParameters } from './parameter-store';
import { DEFAULT_PARAMETERS, describeParameters, type MatchParameters } from './parameters';
import { scoreCandidates } from './scan-pairs';
import { decide, type Decision } from './decision';
import { confidence, DEFAULT_THRESHOLDS, modelOf, scorePair, type Reason, type Thresholds } from './score';
import { readSetting, writeSetting } from '../store/app-settings';

export interface ClusterView {
  id: string;
  score: number;
  confidence: number;
  /** At or above the auto-link threshold. */
  auto: boolean;
  records: { recordId: string; personId: string; account: string; accountLabel: string; vendor: AccountKind; remoteId: string | null; name: string; contact: CanonicalContact }[];
  /** Reasons of the strongest pair, then the others' pairs. */
  reasons: Reason[];
  pairs: { a: string; b: string; score: number; reasons: Reason[] }[];
}

export interface PlannedWrite {
  recordId: string;
  vendor: AccountKind;
  accountLabel: string;
  remoteId: string | null;
  op: 'update' | 'delete' | 'merge' | 'link';
  fields?: Partial<CanonicalContact>;
  note: string;
}

export interface MergePlan {
  clusterId: string;
  golden: CanonicalContact;
  writes: PlannedWrite[];
  /** Golden values only a minority of the records that have the field hold (marked in the preview). */
  minority: { field: string; held: number; of: number }[];
}

export interface ScanResult {
  clusters: ClusterView[];
  total: number;
  autoLinkable: number;
  records: number;
  rescored: number;
  comparisons: number;
  autoLinked: number;
  ms: number;
}

interface Loaded {
  id: string;
  accountId: string;
  vendor: AccountKind;
  label: string;
  remoteId: string | null;
  personId: string;
  contact: CanonicalContact;
}

const FLOOR_MARGIN = 4;
const LINK_AFTER_SYNC = 'dedupe.linkAfterSync';
// ~1 ms a merge: a batch is a short transaction, and the window hears progress often.
const BULK_BATCH = 100;
const BULK_DELETIONS_LISTED = 500;

export interface ClusterSummary {
  id: string;
  score: number;
  confidence: number;
  auto: boolean;
  /** The records' names, each once. */
  names: string[];
  vendors: AccountKind[];
  size: number;
}

export interface BulkPlan {
  clusters: number;
  accounts: { vendor: AccountKind; accountLabel: string; update: number; delete: number; merge: number; link: number }[];
  /** The vendor deletions, named (the first BULK_DELETIONS_LISTED). */
  deletions: { vendor: AccountKind; accountLabel: string; remoteId: string | null; name: string }[];
  deletionsTotal: number;
}

interface ClusterCache {
  key: string;
  clusters: ClusterView[];
  byId: Map<string, ClusterView>;
  auto: number;
  rank: Map<string, number>;
  /** The queue least certain first, worked out when asked for. */
  unsure?: ClusterView[];
}

type JournalRowSql = { id: number; kind: string; before: string | null; after: string; undone: number };

const summaryOf = (c: ClusterView): ClusterSummary => ({ id: c.id, score: c.score, confidence: c.confidence, auto: c.auto, names: [...new Set(c.records.map((r) => r.name))], vendors: c.records.map((r) => r.vendor), size: c.records.length });

export class DedupeService {
  /** Thresholds a person set (CLI, settings): they win over the model's own (decision.ts). */
  private overrides: Partial<Thresholds>;
  /** The last full scan's decision, read from the store again when another connection (the CLI) wrote it. */
  private decided?: { decision: Decision | null; version: number };

  constructor(
    private readonly sqlite: Database.Database,
    private readonly store: SyncStore,
    private readonly clock: Clock,
    private readonly writable: (vendor: AccountKind) => readonly string[],
    private readonly canDelete: (vendor: AccountKind) => boolean,
    private readonly hasOwnMerge: (vendor: AccountKind) => boolean,
    thresholds: Partial<Thresholds> = {},
    /** The address parts a vendor keeps (absent: all): a merge's preview shows only what it will hold. */
    private readonly addressParts: (vendor: AccountKind) => readonly string[] | undefined = () => undefined,
    /** The parts of phones and emails a vendor holds (`phones.label`, …); see FieldSupport.parts. */
    private readonly parts: (vendor: AccountKind) => readonly string[] = () => [],
  ) {
    this.overrides = { ...thresholds };
  }

  setThresholds(t: Partial<Thresholds>): Thresholds {
    this.overrides = { ...this.overrides, ...t };
    return this.thresholds;
  }

  /** The thresholds in use: a person's, else those the estimated model implies, else the defaults. */
  get thresholds(): Thresholds {
    const version = this.sqlite.pragma('data_version', { simple: true }) as number;
    if (this.decided?.version !== version) this.decided = { decision: this.parameters().decision ?? null, version };
    const d = this.decided.decision;
    return { ...DEFAULT_THRESHOLDS, ...(d ? { review: d.review, autoLink: d.autoLink } : {}), ...this.overrides };
  }

  /** What the model expects of its own thresholds (null before the first full scan). */
  decision(): Decision | null {
    return this.parameters().decision ?? null;
  }

  /**
   * Score what changed since the last scan (everything with `full`), store the candidates,
   * and return the clusters best first. With `autoLink`, clusters above the auto-link
   * threshold whose records are all in different vendors are linked (undoable).
   */
  scan(opts: { full?: boolean; autoLink?: boolean } = {}): ScanResult {
    const started = performance.now();
    const loaded = this.load();
    const last = opts.full ? null : (this.sqlite.prepare("SELECT max(at) AS at FROM journal WHERE kind = 'dedupe.scan'").get() as { at: string | null }).at;
    const stored = (this.sqlite.prepare('SELECT count(*) AS n FROM match_candidates').get() as { n: number }).n;
    const dirtyIds = last && stored >= 0 ? new Set((this.sqlite.prepare("SELECT id FROM records WHERE updated_at > ? AND state NOT IN ('deleted_local', 'deleted_remote')").all(last) as { id: string }[]).map((r) => r.id)) : null;
    const recs = loaded.map((r, i) => toMatchRecord(i, r));
    this.countNames(recs);
    const freq = new Frequencies(recs);
    const dirty = dirtyIds ? new Set(recs.filter((r) => dirtyIds.has(r.id)).map((r) => r.ix)) : undefined;
    // Candidates are kept from below the lowest review threshold the model may choose, so the
    // next full scan's curve (decision.ts) sees the pairs around it.
    const floor = Math.min(this.thresholds.review, DEFAULT_THRESHOLDS.review) - FLOOR_MARGIN;
    // A full scan estimates the weights from the store (and the person's decisions) first;
    // an incremental one scores with the stored estimate.
    const scored = dirty?.size === 0 ? { pairs: [], comparisons: 0, params: this.parameters() } : scoreCandidates(recs, freq, !dirty
      ? { floor, dirty, estimate: { start: DEFAULT_PARAMETERS, labels: this.labels(recs), now: this.now() } }
      : { floor, dirty, params: this.parameters() });
    const { pairs, comparisons } = scored;
    if (!dirty) {
      scored.params = { ...scored.params, decision: decide(pairs.map((p) => p.score), scored.params.lambda * scored.params.pairs) };
      this.decided = { decision: scored.params.decision ?? null, version: this.sqlite.pragma('data_version', { simple: true }) as number };
    }
    this.store.tx(() => {
      if (!dirty) saveParameters(this.sqlite, scored.params, this.now());
      if (!dirty) this.sqlite.prepare("DELETE FROM match_candidates WHERE status = 'open'").run();
      else {
        const del = this.sqlite.prepare("DELETE FROM match_candidates WHERE status = 'open' AND (record_a = ? OR record_b = ?)");
        for (const ix of dirty) del.run(recs[ix]!.id, recs[ix]!.id);
      }
      const ins = this.sqlite.prepare("INSERT INTO match_candidates (record_a, record_b, score, reasons, status, created_at) VALUES (?, ?, ?, ?, 'open', ?) ON CONFLICT(record_a, record_b) DO UPDATE SET score = excluded.score, reasons = excluded.reasons");
      const now = this.now();
      for (const p of pairs) {
        const [a, b] = [recs[p.a]!.id, recs[p.b]!.id].sort() as [string, string];
        ins.run(a, b, p.score, JSON.stringify(p.reasons), now);
      }
    });
    const found = this.clustersOf(loaded, recs, freq);
    // Journaled after clustering so the entry carries what waits for review (status reads it),
    // and before remembering: the cache is keyed on the store's write counter.
    this.store.journal('dedupe.scan', 'store', 'dedupe', `scanned ${recs.length} records, ${comparisons} comparisons`, null, { records: recs.length, rescored: dirty ? dirty.size : recs.length, ...tally(found) }, 'system');
    const clusters = this.remember(found);
    const autoLinked = opts.autoLink ? this.linkNearCertain().linked : 0;
    const now = autoLinked ? this.clusters() : clusters;
    return { clusters: now, total: now.length, autoLinkable: now.filter((c) => c.auto).length, records: recs.length, rescored: dirty ? dirty.size : recs.length, comparisons, autoLinked, ms: Math.round(performance.now() - started) };
  }

  /** The current clusters from the stored candidates (no rescoring). */
  clusters(): ClusterView[] {
    return this.current().clusters;
  }

  /**
   * One page of the queue, best first, as light summaries: at 100,000 records the queue is
   * tens of thousands of clusters, and the window only ever shows a screenful.
   */
  page(offset: number, limit: number, order: 'best' | 'unsure' = 'best'): { total: number; autoLinkable: number; items: ClusterSummary[] } {
    const c = this.current();
    return { total: c.clusters.length, autoLinkable: c.auto, items: this.ordered(c, order).slice(offset, offset + limit).map(summaryOf) };
  }

  /**
   * 'unsure' puts the clusters nearest even odds first: a person's answer there teaches the
   * matcher most (its decisions are labels at the next full scan), and they are the ones it
   * cannot settle alone. Kept until the queue changes.
   */
  private ordered(c: ClusterCache, order: 'best' | 'unsure'): ClusterView[] {
    if (order === 'best') return c.clusters;
    if (c.unsure?.length !== c.clusters.length) c.unsure = [...c.clusters].sort((x, y) => Math.abs(x.confidence - 0.5) - Math.abs(y.confidence - 0.5) || y.score - x.score);
    return c.unsure;
  }

  /** One cluster in full (records and their values), or null when it is gone. */
  cluster(id: string): ClusterView | null {
    return this.current().byId.get(id) ?? null;
  }

  /**
   * Selecting a cluster in the window plans a merge each time: with 100,000 records,
   * reloading them all per click would take seconds. Reuse the last clusters while the store
   * has not been written since (SQLite's own counters: this connection's total_changes and
   * data_version for other connections, such as the CLI); a merge or decision made here
   * updates them in place instead of recomputing.
   */
  private current(): ClusterCache {
    if (this.cache && this.cache.key === this.key()) return this.cache;
    const loaded = this.load();
    const recs = loaded.map((r, i) => toMatchRecord(i, r));
    this.countNames(recs);
    this.remember(this.clustersOf(loaded, recs, new Frequencies(recs)));
    return this.cache!;
  }

  /** The store's name statistics, for golden records to repair swaps and prefer common spellings (name-choice.ts). */
  private countNames(recs: MatchRecord[]): void {
    const counts = new NameCounts();
    for (const r of recs) counts.add(r.given, r.family);
    this.store.useNameStats(counts);
  }

  private cache: ClusterCache | null = null;
  private writes?: Database.Statement;

  private key(): string {
    this.writes ??= this.sqlite.prepare('SELECT total_changes() AS n');
    const own = (this.writes.get() as { n: number }).n;
    return `${own}:${this.sqlite.pragma('data_version', { simple: true }) as number}:${this.thresholds.review}:${this.thresholds.autoLink}`;
  }

  private remember(clusters: ClusterView[], rank?: Map<string, number>): ClusterView[] {
    // Rank: the place each cluster had when the queue was worked out, so an undo puts one back exactly there.
    this.cache = { key: this.key(), clusters, byId: new Map(clusters.map((c) => [c.id, c])), auto: clusters.filter((c) => c.auto).length, rank: rank ?? new Map(clusters.map((c, i) => [c.id, i])) };
    this.lastTally = tally(clusters);
    return clusters;
  }

  /**
   * After a merge or decision made here: take its clusters out of the queue in place (valid
   * only when the cache was current before the write, i.e. `wasKey` still matched).
   */
  private dropFromQueue(wasCurrent: boolean, ids: string[]): void {
    if (!this.cache || !wasCurrent) return void this.recompute();
    const c = this.cache;
    if (ids.length > 1) {
      const gone = new Set(ids);
      c.clusters = c.clusters.filter((x) => !gone.has(x.id));
    } else {
      // One merge or decision: splice it out where it is, without rebuilding the rest.
      const at = c.clusters.findIndex((x) => x.id === ids[0]);
      if (at >= 0) c.clusters.splice(at, 1);
    }
    for (const id of ids) {
      if (c.byId.get(id)?.auto) c.auto--;
      c.byId.delete(id);
    }
    c.unsure = undefined;
    c.key = this.key();
    this.lastTally = { waiting: c.clusters.length, autoLinkable: c.auto };
  }

  /** After an undo: put the clusters it reopened back in place, best first. */
  private restoreToQueue(wasCurrent: boolean, views: ClusterView[]): void {
    if (!this.cache || !wasCurrent) return void this.recompute();
    const have = new Set(this.cache.clusters.map((c) => c.id));
    const back = views.filter((v) => !have.has(v.id));
    const rank = this.cache.rank;
    const at = (c: ClusterView): number => rank.get(c.id) ?? Number.MAX_SAFE_INTEGER;
    this.remember([...this.cache.clusters, ...back].sort((x, y) => y.score - x.score || at(x) - at(y)), rank);
  }

  /** Clusters taken out of the queue by a merge or dismissal in this process, by journal id (for undo). */
  private taken = new Map<number, ClusterView>();

  /** The queue was not current before the write: work it out again now, so counts stay true. */
  private recompute(): void {
    this.cache = null;
    this.current();
  }

  private isCurrent(): boolean {
    return !!this.cache && this.cache.key === this.key();
  }

  private lastTally: { waiting: number; autoLinkable: number } | null = null;

  /**
   * Likely duplicates waiting for a person: from the clusters this process last worked out,
   * else from the last scan's journal entry (a fresh CLI process), null before any scan. Cheap
   * enough for every status call; a scan, merge or decision brings it up to date.
   */
  waiting(): { waiting: number; autoLinkable: number } | null {
    if (this.lastTally) return this.lastTally;
    // The last scan's tally, or the links after it (they take clusters out of the queue), as
    // another process (the CLI) wrote them.
    const row = this.sqlite.prepare("SELECT after FROM journal WHERE kind = 'dedupe.scan' OR (kind = 'bulk-merge' AND actor = 'auto' AND undone = 0) ORDER BY id DESC LIMIT 1").get() as { after: string | null } | undefined;
    const after = row?.after ? (JSON.parse(row.after) as { waiting?: number; autoLinkable?: number }) : null;
    return after && typeof after.waiting === 'number' ? { waiting: after.waiting, autoLinkable: after.autoLinkable ?? 0 } : null;
  }

  private clustersOf(loaded: Loaded[], recs: MatchRecord[], freq: Frequencies): ClusterView[] {
    const ixOf = new Map(recs.map((r) => [r.id, r.ix]));
    const rows = this.sqlite.prepare("SELECT record_a, record_b, score, reasons FROM match_candidates WHERE status = 'open'").all() as { record_a: string; record_b: string; score: number; reasons: string }[];
    const pairs = rows.flatMap((r) => {
      const a = ixOf.get(r.record_a);
      const b = ixOf.get(r.record_b);
      if (a === undefined || b === undefined || recs[a]!.personId === recs[b]!.personId) return [];
      return [{ a, b, score: r.score, reasons: JSON.parse(r.reasons) as Reason[] }];
    });
    const different = this.differentSet();
    const model = modelOf(this.parameters());
    const keyOf = (r: MatchRecord) => stableKey(r.accountId, r.remoteId, r.id);
    const clusters = clusterPairs(pairs, {
      threshold: this.thresholds.review,
      floor: this.thresholds.review - FLOOR_MARGIN,
      score: (a, b) => (recs[a]!.personId === recs[b]!.personId ? 100 : scorePair(recs[a]!, recs[b]!, freq, false, model).score),
      different: (a, b) => different.has(pairKey(keyOf(recs[a]!), keyOf(recs[b]!))),
    });
    return clusters.map((c) => {
      const members = c.members.map((ix) => loaded[ix]!);
      const best = c.pairs[0];
      return {
        id: clusterId(members.map((m) => m.id)),
        score: c.score,
        confidence: Math.round(confidence(c.score) * 1000) / 1000,
        auto: c.score >= this.thresholds.autoLink,
        records: members.map((m) => ({ recordId: m.id, personId: m.personId, account: m.accountId, accountLabel: m.label, vendor: m.vendor, remoteId: m.remoteId, name: displayName(m.contact), contact: m.contact })),
        reasons: best?.reasons ?? [],
        pairs: c.pairs.map((p) => ({ a: recs[p.a]!.id, b: recs[p.b]!.id, score: p.score, reasons: p.reasons })),
      };
    });
  }

  /**
   * The exact writes a merge would make, per vendor record. `picks` chooses a field's value
   * from one record (FIELD -> record id); `survivors` chooses the record that stays inside
   * an account (default: the one with the most filled fields).
   */
  plan(clusterIdOrView: string | ClusterView, picks: Record<string, string> = {}): MergePlan {
    const c = typeof clusterIdOrView === 'string' ? this.findCluster(clusterIdOrView) : clusterIdOrView;
    const pinned = pinsOf(c, picks);
    const golden = computeGolden(c.records.map((r) => ({ local: r.contact, updatedAt: '' })), pinned as Partial<CanonicalContact>, this.store.nameStats);
    const writes: PlannedWrite[] = [];
    const byAccount = new Map<string, ClusterView['records']>();
    for (const r of c.records) byAccount.set(r.account, [...(byAccount.get(r.account) ?? []), r]);
    for (const group of byAccount.values()) {
      const survivor = [...group].sort((x, y) => filled(y.contact) - filled(x.contact) || x.recordId.localeCompare(y.recordId))[0]!;
      const writable = this.writable(survivor.vendor);
      // The picked values go to every record that can hold them; inside one vendor the
      // survivor also takes what only the duplicates had (fill blanks).
      const patch: Record<string, unknown> = {};
      for (const [f, v] of Object.entries(pinned)) if (writable.includes(f) && JSON.stringify(survivor.contact[f as keyof CanonicalContact] ?? null) !== JSON.stringify(v)) patch[f] = v;
      if (group.length > 1) {
        for (const loser of group) {
          if (loser === survivor) continue;
          for (const f of writable) {
            const key = f as keyof CanonicalContact;
            if (f in patch || !isBlank(survivor.contact[key]) || isBlank(loser.contact[key])) continue;
            patch[f] = loser.contact[key];
          }
        }
      }
      const notHeld = this.keepHeldAddress(patch, survivor);
      this.keepHeldEntries(patch, survivor);
      if (Object.keys(patch).length) writes.push({ recordId: survivor.recordId, vendor: survivor.vendor, accountLabel: survivor.accountLabel, remoteId: survivor.remoteId, op: 'update', fields: patch as Partial<CanonicalContact>, note: `update ${Object.keys(patch).join(', ')}${notHeld}` });
      else writes.push({ recordId: survivor.recordId, vendor: survivor.vendor, accountLabel: survivor.accountLabel, remoteId: survivor.remoteId, op: 'link', note: 'linked; nothing to write' });
      for (const loser of group) {
        if (loser === survivor) continue;
        if (this.hasOwnMerge(loser.vendor) && loser.remoteId && survivor.remoteId) writes.push({ recordId: loser.recordId, vendor: loser.vendor, accountLabel: loser.accountLabel, remoteId: loser.remoteId, op: 'merge', note: `merged into ${survivor.remoteId} by ${loser.vendor}'s own merge` });
        else if (this.canDelete(loser.vendor) && loser.remoteId) writes.push({ recordId: loser.recordId, vendor: loser.vendor, accountLabel: loser.accountLabel, remoteId: loser.remoteId, op: 'delete', note: `delete the duplicate (its values are kept on ${survivor.remoteId})` });
        else writes.push({ recordId: loser.recordId, vendor: loser.vendor, accountLabel: loser.accountLabel, remoteId: loser.remoteId, op: 'link', note: `${loser.vendor} cannot delete contacts; the duplicate stays and is linked` });
      }
    }
    return { clusterId: c.id, golden, writes, minority: minorityOf(c, golden) };
  }

  /**
   * An address goes to a vendor as the parts it keeps (BigChange: no state or county): the
   * preview shows what the vendor will hold, and says what it leaves out. Dropped from the
   * patch when what is left is what the record holds already.
   */
  private keepHeldAddress(patch: Record<string, unknown>, r: ClusterView['records'][number]): string {
    const a = patch.address as CanonicalContact['address'] | undefined;
    const parts = this.addressParts(r.vendor);
    if (!a || !parts) return '';
    const kept = Object.fromEntries(Object.entries(a).filter(([k]) => parts.includes(k)));
    const lost = Object.keys(a).filter((k) => !parts.includes(k) && !isBlank(a[k as keyof typeof a]));
    if (sameValue('address', kept, r.contact.address)) delete patch.address;
    else patch.address = kept;
    return lost.length ? `; ${VENDOR_LABELS[r.vendor]} keeps no ${lost.map((k) => ADDRESS_PART_WORDS[k as keyof typeof ADDRESS_PART_WORDS] ?? k).join(' or ')}` : '';
  }

  /**
   * Phones and emails go to a vendor as it can hold them: the same numbers (addresses) it holds
   * already are no write at all, whatever labels or flags the picked record gives them (the
   * vendor has no place for those, and the edit would be refused); otherwise the entries carry
   * only the parts it keeps.
   */
  private keepHeldEntries(patch: Record<string, unknown>, r: ClusterView['records'][number]): void {
    const held = this.parts(r.vendor);
    for (const f of ['phones', 'emails'] as const) {
      const v = patch[f] as Record<string, unknown>[] | undefined;
      if (!v) continue;
      if (agreeKey(f, v) === agreeKey(f, r.contact[f])) {
        delete patch[f];
        continue;
      }
      patch[f] = v.map((e) => Object.fromEntries(Object.entries(e).filter(([k]) => !['label', 'primary', 'mobile', 'doNotContact'].includes(k) || held.includes(`${f}.${k}`))));
    }
  }

  /** Apply a merge: link, pin the picks, queue the writes. Returns the journal id to undo it with. */
  merge(clusterId: string, opts: { picks?: Record<string, string>; actor?: string; clusters?: ClusterView[] } = {}): { mergeId: number; personId: string; plan: MergePlan } {
    const c = opts.clusters ? opts.clusters.find((x) => x.id === clusterId) : this.cluster(clusterId);
    if (!c) throw new CoreError('not_found', `No duplicate cluster ${clusterId} (run a scan; clusters change as records change)`);
    const was = this.isCurrent();
    const r = this.mergeOne(c, opts);
    this.taken.set(r.mergeId, c);
    this.dropFromQueue(was, [c.id]);
    return r;
  }

  /** `linkOnly`: one person in Concord, nothing written to a vendor (the links after a sync). */
  private mergeOne(c: ClusterView, opts: { picks?: Record<string, string>; actor?: string; linkOnly?: boolean }): { mergeId: number; personId: string; plan: MergePlan } {
    const clusterId = c.id;
    const plan = this.plan(c, opts.picks);
    // The merge's rows are one action, and its vendor deletes and edits say it caused them.
    return this.store.withAction(`the merge of ${andList([...new Set(c.records.map((r) => r.name))])}`, () => {
      const recordIds = c.records.map((r) => r.recordId);
      const before = this.store.snapshot(recordIds);
      // The person with the most records keeps its id (links and deep links stay valid).
      const counts = new Map<string, number>();
      for (const r of c.records) counts.set(r.personId, (counts.get(r.personId) ?? 0) + 1);
      const target = [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]![0];
      const pinned = { ...Object.assign({}, ...before.people.map((p) => JSON.parse(p.pinned) as object)) } as Record<string, unknown>;
      Object.assign(pinned, pinsOf(c, opts.picks ?? {}));
      this.store.link(recordIds, target, pinned, before.people.map((p) => p.id));
      const changeIds: number[] = [];
      const survivorOf = new Map<string, string>();
      for (const w of plan.writes) if (w.op === 'update' || w.op === 'link') survivorOf.set(c.records.find((r) => r.recordId === w.recordId)!.account, w.recordId);
      for (const w of opts.linkOnly ? [] : plan.writes) {
        if (w.op === 'update') changeIds.push(this.store.edit(w.recordId, w.fields!, 'merge').changeId ?? 0);
        else if (w.op === 'delete') changeIds.push(this.store.delete(w.recordId, 'merge'));
        else if (w.op === 'merge') changeIds.push(this.store.queueVendorMerge(w.recordId, survivorOf.get(c.records.find((r) => r.recordId === w.recordId)!.account)));
      }
      const stmt = this.sqlite.prepare("UPDATE match_candidates SET status = 'linked' WHERE record_a IN (SELECT value FROM json_each(?)) AND record_b IN (SELECT value FROM json_each(?))");
      stmt.run(JSON.stringify(recordIds), JSON.stringify(recordIds));
      const decisionIds = this.decide(c, 'same', opts.actor ?? 'user');
      const said = opts.linkOnly ? `linked ${c.records.length} records as one person (nothing sent to a vendor)` : `merged ${c.records.length} records: ${plan.writes.map((w) => `${w.vendor} ${w.op}`).join(', ')}`;
      const mergeId = this.store.journal('merge', 'person', target, said, before, { personId: target, recordIds, changeIds: changeIds.filter(Boolean), decisionIds, clusterId, picks: opts.picks ?? {} }, opts.actor ?? 'user');
      return { mergeId, personId: target, plan };
    });
  }

  /**
   * Every cluster the model is near-certain about (at or above the auto-link line) whose records
   * are all in different accounts, linked as one person in Concord: a link only, nothing sent to
   * a vendor (inside one vendor a merge writes, so a person previews it). One journal entry
   * leads them, and undoing it unlinks them all.
   */
  linkNearCertain(): { linked: number; linkId: number | null } {
    const all = this.clusters();
    const sure = all.filter((c) => c.auto && new Set(c.records.map((r) => r.account)).size === c.records.length);
    if (!sure.length) return { linked: 0, linkId: null };
    const was = this.isCurrent();
    const actionId = randomUUID();
    const mergeIds: number[] = [];
    const people = sure.length === 1 ? '1 person' : `${sure.length} people`;
    const linkId = this.store.withAction(`linking ${people} the model is near-certain about`, () => {
      for (const c of sure) {
        const r = this.mergeOne(c, { actor: 'auto', linkOnly: true });
        this.taken.set(r.mergeId, c);
        mergeIds.push(r.mergeId);
      }
      return this.store.journal('bulk-merge', 'bulk', actionId, `linked ${people} automatically (nothing sent to a vendor)`, null, { mergeIds, linkOnly: true }, 'auto');
    }, actionId);
    this.dropFromQueue(was, sure.map((c) => c.id));
    // What now waits: the queue re-forms around the people just linked (clusters that held one
    // of their records regroup), so it is worked out again, and kept on the entry for status in
    // another process.
    this.cache = null;
    const left = tally(this.clusters());
    this.store.amendJournal(linkId, `linked ${people} automatically (nothing sent to a vendor)`, { mergeIds, linkOnly: true, ...left });
    this.lastTally = left;
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
    const c = this.findCluster(clusterId);
    const was = this.isCurrent();
    const r = this.store.tx(() => {
      const ids = this.decide(c, 'different', 'user');
      this.sqlite.prepare("UPDATE match_candidates SET status = 'dismissed' WHERE record_a IN (SELECT value FROM json_each(?)) AND record_b IN (SELECT value FROM json_each(?))").run(JSON.stringify(c.records.map((r) => r.recordId)), JSON.stringify(c.records.map((r) => r.recordId)));
      return { dismissId: this.store.journal('dismiss', 'cluster', clusterId, `not the same: ${c.records.map((r) => r.name).join(' / ')}`, null, { decisionIds: ids, recordIds: c.records.map((r) => r.recordId) }, 'user') };
    });
    this.taken.set(r.dismissId, c);
    this.dropFromQueue(was, [c.id]);
    return r;
  }

  /**
   * Undo a merge or a dismissal from the journal. A merge not yet pushed is taken back
   * whole; once pushed, compensating writes restore each vendor record (a deleted duplicate
   * is created again). MPDX cannot split contacts it merged: the people stay under one
   * contact there, and are unlinked in Concord.
   */
  undo(journalId: number): { undone: string; compensating: number } {
    const j = this.journalRow(journalId);
    if (!j || !['merge', 'dismiss', 'bulk-merge'].includes(j.kind)) throw new CoreError('not_found', `No merge or dismissal with id ${journalId}`);
    if (j.undone) throw new CoreError('bad_request', 'That was already undone');
    if (j.kind === 'bulk-merge') throw new CoreError('bad_request', 'A bulk merge is undone as a job (undoBulk)');
    const was = this.isCurrent();
    const back: ClusterView[] = [];
    // An unmerge's compensating writes belong to it (one action); a person asked for it directly.
    const r = this.store.withAction(null, () => this.undoOne(j, back));
    this.restoreToQueue(was, back);
    return r;
  }

  /**
   * One undo for a whole bulk merge, as a job like the merge itself: each of its merges, newest
   * first, in batches of one transaction, yielding between them so the window stays answered.
   * A crash part-way leaves the lead not yet undone: undoing it again takes back the rest (a
   * merge already undone, on its own or by the first attempt, stays undone).
   */
  async undoBulk(journalId: number, onProgress?: (done: number, total: number) => void): Promise<{ undone: string; compensating: number }> {
    const j = this.journalRow(journalId);
    if (!j || j.kind !== 'bulk-merge') throw new CoreError('not_found', `No bulk merge with id ${journalId}`);
    if (j.undone) throw new CoreError('bad_request', 'That was already undone');
    const { mergeIds } = JSON.parse(j.after) as { mergeIds: number[] };
    const order = [...mergeIds].reverse();
    const actionId = randomUUID();
    let compensating = 0;
    let undone = 0;
    await inBatches(order, BULK_BATCH, (batch) => {
      const was = this.isCurrent();
      const back: ClusterView[] = [];
      this.store.withAction('undoing a bulk merge', () => {
        for (const id of batch) {
          const m = this.journalRow(id);
          if (!m || m.undone) continue;
          compensating += this.undoOne(m, back).compensating;
          undone++;
        }
      }, actionId);
      this.restoreToQueue(was, back);
    }, { onProgress });
    this.store.withAction('undoing a bulk merge', () => {
      this.store.markUndone(j.id);
      this.store.journal('bulk-unmerge', 'bulk', String(j.id), `bulk merge undone: ${undone} merge${undone === 1 ? '' : 's'} taken back${compensating ? `; ${compensating} compensating write${compensating === 1 ? '' : 's'} queued` : ''}`, null, { undone, compensating }, 'user');
    }, actionId);
    return { undone: 'bulk-merge', compensating };
  }

  private journalRow(id: number): JournalRowSql | undefined {
    return this.sqlite.prepare('SELECT id, kind, before, after, undone FROM journal WHERE id = ?').get(id) as JournalRowSql | undefined;
  }

  private undoOne(j: JournalRowSql, back: ClusterView[]): { undone: string; compensating: number } {
    const after = JSON.parse(j.after) as { decisionIds?: number[]; recordIds: string[]; changeIds?: number[] };
    const now = this.now();
    const taken = this.taken.get(j.id);
    if (taken) back.push(taken);
    if (j.kind === 'dismiss') {
      this.sqlite.prepare('UPDATE match_decisions SET reversed_at = ? WHERE id IN (SELECT value FROM json_each(?))').run(now, JSON.stringify(after.decisionIds ?? []));
      this.sqlite.prepare("UPDATE match_candidates SET status = 'open' WHERE status = 'dismissed' AND record_a IN (SELECT value FROM json_each(?)) AND record_b IN (SELECT value FROM json_each(?))").run(JSON.stringify(after.recordIds), JSON.stringify(after.recordIds));
      this.store.markUndone(j.id);
      this.store.journal('undo', 'cluster', String(j.id), 'they may be the same after all', null, null, 'user');
      return { undone: 'dismiss', compensating: 0 };
    }
    const before = JSON.parse(j.before!) as MergeSnapshot;
    const { compensating } = this.store.unlink(before, after.changeIds ?? []);
    const ids = JSON.stringify(before.records.map((r) => r.id));
    this.sqlite.prepare("UPDATE match_candidates SET status = 'open' WHERE status = 'linked' AND record_a IN (SELECT value FROM json_each(?)) AND record_b IN (SELECT value FROM json_each(?))").run(ids, ids);
    this.sqlite.prepare('UPDATE match_decisions SET reversed_at = ? WHERE id IN (SELECT value FROM json_each(?))').run(now, JSON.stringify(after.decisionIds ?? []));
    this.store.markUndone(j.id);
    this.store.journal('unmerge', 'person', String(j.id), `merge undone${compensating ? `; ${compensating} compensating write${compensating === 1 ? '' : 's'} queued` : ''}`, null, { compensating }, 'user');
    return { undone: 'merge', compensating };
  }

  /**
   * What merging every cluster above the auto-link threshold would write, counted per
   * vendor account, with every vendor deletion named — for the confirmation a person reads
   * before a bulk merge.
   */
  bulkPlan(): BulkPlan {
    const auto = this.clusters().filter((c) => c.auto);
    const perAccount = new Map<string, BulkPlan['accounts'][number]>();
    const deletions: BulkPlan['deletions'] = [];
    for (const c of auto) {
      for (const w of this.plan(c).writes) {
        const key = `${w.vendor}|${w.accountLabel}`;
        const a = perAccount.get(key) ?? { vendor: w.vendor, accountLabel: w.accountLabel, update: 0, delete: 0, merge: 0, link: 0 };
        a[w.op]++;
        perAccount.set(key, a);
        if (w.op === 'delete' && deletions.length < BULK_DELETIONS_LISTED) deletions.push({ vendor: w.vendor, accountLabel: w.accountLabel, remoteId: w.remoteId, name: c.records.find((r) => r.recordId === w.recordId)?.name ?? '' });
      }
    }
    const accounts = [...perAccount.values()];
    return { clusters: auto.length, accounts, deletions, deletionsTotal: accounts.reduce((n, a) => n + a.delete, 0) };
  }

  private bulkRun: AbortController | null = null;

  /**
   * Merge every cluster above the auto-link threshold as one job in the core: in batches of
   * one transaction each (a crash keeps whole merges only), yielding between batches so
   * progress reaches the window and Cancel is heard. One journal entry leads them all, and
   * undoing it undoes every merge. `expected` is the count the person confirmed: if the
   * queue changed since, nothing is merged.
   */
  async bulkMerge(opts: { expected: number; onProgress?: (done: number, total: number) => void }): Promise<{ merged: number; total: number; cancelled: boolean; bulkId: number | null }> {
    if (this.bulkRun) throw new CoreError('conflict', 'A bulk merge is already running');
    const auto = this.clusters().filter((c) => c.auto);
    if (auto.length !== opts.expected) throw new CoreError('conflict', `The queue changed since you confirmed (${opts.expected} clusters then, ${auto.length} now); review the new count and confirm again`);
    const run = (this.bulkRun = new AbortController());
    const actionId = randomUUID();
    const cause = `the bulk merge of ${auto.length} cluster${auto.length === 1 ? '' : 's'}`;
    const mergeIds: number[] = [];
    let bulkId: number | null = null;
    try {
      await inBatches(auto, BULK_BATCH, (batch) => {
        const was = this.isCurrent();
        this.store.withAction(cause, () => {
          for (const c of batch) {
            const r = this.mergeOne(c, { actor: 'user' });
            this.taken.set(r.mergeId, c);
            mergeIds.push(r.mergeId);
          }
          // The lead row, kept up to date batch by batch so a crash leaves one undoable entry.
          bulkId ??= this.store.journal('bulk-merge', 'bulk', actionId, '', null, null, 'user');
          this.store.amendJournal(bulkId, `merged ${mergeIds.length} clusters above the auto-link threshold`, { mergeIds });
        }, actionId);
        this.dropFromQueue(was, batch.map((c) => c.id));
      }, { signal: run.signal, onProgress: opts.onProgress });
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

  private decide(c: ClusterView, decision: 'same' | 'different', by: string): number[] {
    const keys = c.records.map((r) => stableKey(r.account, r.remoteId, r.recordId));
    const ids: number[] = [];
    const ins = this.sqlite.prepare('INSERT INTO match_decisions (key_a, key_b, decision, decided_by, created_at) VALUES (?, ?, ?, ?, ?)');
    for (let i = 0; i < keys.length; i++) {
      for (let k = i + 1; k < keys.length; k++) {
        const [a, b] = [keys[i]!, keys[k]!].sort() as [string, string];
        ids.push(Number(ins.run(a, b, decision, by, this.now()).lastInsertRowid));
      }
    }
    return ids;
  }

  /** The weights in use: the last full scan's estimate, or the defaults before one. */
  parameters(): MatchParameters {
    return loadParameters(this.sqlite);
  }

  /** The weights in use, per field and level, for the match-weights chart. */
  weights(): Omit<MatchParameters, 'm' | 'u' | 'iterations'> & { fields: ReturnType<typeof describeParameters> } {
    const p = this.parameters();
    return { source: p.source, estimatedAt: p.estimatedAt, records: p.records, pairs: p.pairs, labels: p.labels, lambda: p.lambda, priorBits: p.priorBits, fields: describeParameters(p) };
  }

  /**
   * Open candidate pairs a decision would teach most, as active learning picks them: those
   * nearest even odds (score 10 bits, confidence 0.5), where the model is least sure.
   */
  informativePairs(limit = 20): { a: string; b: string; score: number; confidence: number; reasons: Reason[] }[] {
    const rows = this.sqlite.prepare("SELECT record_a, record_b, score, reasons FROM match_candidates WHERE status = 'open' ORDER BY abs(score - 10), record_a, record_b LIMIT ?").all(limit) as { record_a: string; record_b: string; score: number; reasons: string }[];
    return rows.map((r) => ({ a: r.record_a, b: r.record_b, score: r.score, confidence: Math.round(confidence(r.score) * 1000) / 1000, reasons: JSON.parse(r.reasons) as Reason[] }));
  }

  /** The person's standing decisions as record index pairs: labels for the estimate. */
  private labels(recs: MatchRecord[]): [number, number, boolean][] {
    const ixOf = new Map(recs.map((r) => [stableKey(r.accountId, r.remoteId, r.id), r.ix]));
    const rows = this.sqlite.prepare('SELECT key_a, key_b, decision FROM match_decisions WHERE reversed_at IS NULL').all() as { key_a: string; key_b: string; decision: string }[];
    return rows.flatMap((r) => {
      const [a, b] = [ixOf.get(r.key_a), ixOf.get(r.key_b)];
      return a === undefined || b === undefined ? [] : [[a, b, r.decision === 'same'] as [number, number, boolean]];
    });
  }

  private differentSet(): Set<string> {
    const rows = this.sqlite.prepare("SELECT key_a, key_b FROM match_decisions WHERE decision = 'different' AND reversed_at IS NULL").all() as { key_a: string; key_b: string }[];
    return new Set(rows.map((r) => pairKey(r.key_a, r.key_b)));
  }

  private findCluster(id: string): ClusterView {
    const c = this.cluster(id);
    if (!c) throw new CoreError('not_found', `No duplicate cluster ${id} (run a scan; clusters change as records change)`);
    return c;
  }

  private load(): Loaded[] {
    const rows = this.sqlite
      .prepare("SELECT r.id, r.account_id, a.kind, a.label, r.remote_id, r.person_id, r.local FROM records r JOIN accounts a ON a.id = r.account_id WHERE r.state NOT IN ('deleted_local', 'deleted_remote') ORDER BY r.rowid")
      .all() as { id: string; account_id: string; kind: AccountKind; label: string; remote_id: string | null; person_id: string; local: string }[];
    return rows.map((r) => ({ id: r.id, accountId: r.account_id, vendor: r.kind, label: r.label, remoteId: r.remote_id, personId: r.person_id, contact: JSON.parse(r.local) as CanonicalContact }));
  }

  private now(): string {
    return this.clock.now().toISOString();
  }
}

const tally = (clusters: ClusterView[]): { waiting: number; autoLinkable: number } => ({ waiting: clusters.length, autoLinkable: clusters.filter((c) => c.auto).length });

/** Decisions are keyed on the vendor's id, which survives a re-sync; a record not yet created there uses its own id. */
const stableKey = (accountId: string, remoteId: string | null, recordId: string): string => (remoteId ? `${accountId}:${remoteId}` : `local:${recordId}`);
const pairKey = (a: string, b: string): string => (a < b ? `${a}|${b}` : `${b}|${a}`);
const clusterId = (recordIds: string[]): string => createHash('sha1').update([...recordIds].sort().join(',')).digest('hex').slice(0, 12);
const filled = (c: CanonicalContact): number => Object.values(c).filter((v) => !isBlank(v)).length;

/** "A", "A and B", "A, B and C". */
function andList(names: string[]): string {
  return names.length < 2 ? (names[0] ?? 'records') : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

/**
 * The values a merge's picks pin, FIELD -> the picked record's value, for the preview and the
 * merge alike. A name is one fact: picking a record's given or family name takes both of its
 * parts (README: a picked given name brings its family name along), so no record is written a
 * name nobody has ("Melissa Melissa").
 */
export function pinsOf(c: Pick<ClusterView, 'records'>, picks: Record<string, string>): Record<string, unknown> {
  const byId = new Map(c.records.map((r) => [r.recordId, r]));
  const pinned: Record<string, unknown> = {};
  for (const [field, recordId] of Object.entries(picks)) {
    const r = byId.get(recordId);
    if (!r) throw new CoreError('bad_request', `Record ${recordId} is not in this cluster`);
    pinned[field] = r.contact[field as keyof CanonicalContact] ?? null;
    if (field === 'givenName' || field === 'familyName') {
      const other = field === 'givenName' ? 'familyName' : 'givenName';
      if (!(other in picks) && !isBlank(r.contact[other])) pinned[other] = r.contact[other];
    }
  }
  return pinned;
}

/**
 * Single-value golden fields fewer than half of the records that have the field agree with:
 * the person should look twice before every vendor is given that value. Names count as one:
 * a record agrees when both parts match (a swapped record agrees in neither order).
 */
function minorityOf(c: Pick<ClusterView, 'records'>, golden: CanonicalContact): MergePlan['minority'] {
  const out: MergePlan['minority'] = [];
  for (const field of ['givenName', 'familyName', 'birthDate', 'company', 'role', 'address'] as const) {
    if (isBlank(golden[field])) continue;
    const having = c.records.filter((r) => !isBlank(r.contact[field]));
    if (having.length < 2) continue;
    const held = having.filter((r) => sameValue(field, r.contact[field], golden[field])).length;
    if (held * 2 < having.length) out.push({ field, held, of: having.length });
  }
  return out;
}
