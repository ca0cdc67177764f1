// The one owner of sync state (docs/design.md#architecture, #data-model, #sync-and-merge), as the rest of the core calls it. Only the
// sync state machine writes the records, changes, conflicts, people and journal tables, and
// only through named transitions — edit, create, delete, merge remote, raise conflict, claim,
// step, pushed, release, reject, resolve, undo, link, unlink — each one transaction. A crash
// between any two of them leaves the store consistent: an edit and its outbox row land
// together, a push result and the change's `done` land together, a create's step id lands
// before the next request.
//
// This class is a facade (issue 24): the transitions live in src/main/core/state/ (one module
// per group, on SyncState), their SQL in src/main/core/store/ (one module per table). It keeps
// the API every caller compiles against.
import { removalPlan, type FieldPolicyNote, type RemovalPlan } from '../store/removed-accounts';
import * as removal from '../state/account-removal';
import type Database from 'better-sqlite3';
import type { CanonicalContact, ChangeOp, ChangeState } from '../../../shared/domain';
import type { Clock } from '../clock';
import type { NameStats } from '../contacts/name-choice';
import * as edits from '../state/edits';
import * as lease from '../state/lease';
import * as links from '../state/links';
import * as mergeSteps from '../state/merge';
import * as outbox from '../state/outbox';
import * as pull from '../state/pull';
import { resolve } from '../state/resolve';
import { SyncState, type FieldCheck, type WritableFields } from '../state/sync-state';
import {
  toChange,
  type ChangeView,
  type ConflictKind,
  type IncomingRecord,
  type MergeSnapshot,
  type MergeOutcome,
  type RecordView,
  type Resolution,
} from '../state/types';
import { remoteIdClaimed } from '../store/records';
import { openChangeCounts } from '../store/status-counts';
import type { Lease } from '../store/sync-lease';
import type { CreateProgress, RemoteRecord, RememberedPage } from '../vendors/connector';
import type { FieldConflict } from './merge';

export type { ChangeOp, ChangeState, Lease };
export { BASE_IS_LOCAL } from '../store/sync-records';
export {
  existingOf,
  partInWords,
  summaryOf,
  unheldParts,
  type ChangeView,
  type ConflictKind,
  type ExistingRecord,
  type IncomingRecord,
  type MergeSnapshot,
  type MergeOutcome,
  type RecordView,
  type Resolution,
  type UpsertOutcome,
} from '../state/types';

export class SyncStore {
  private readonly s: SyncState;
  private claimed: ((accountId: string, remoteId: string) => boolean) | undefined;

  constructor(
    private readonly sqlite: Database.Database,
    clock: Clock,
    /** Canonical fields a vendor can write; edits outside them are refused. */
    writable: WritableFields,
    /**
     * The vendor's field rules, run when a value is typed: the patch as it will be stored
     * (typed phones in E.164 with the raw text kept, emails trimmed) and what is wrong with it.
     */
    check: FieldCheck = (_v, _a, patch) => ({ patch, problems: [] }),
  ) {
    this.s = new SyncState(sqlite, clock, writable, check);
  }

  /** Run several transitions as one transaction (a merge queues several edits at once). */
  tx<T>(fn: () => T): T {
    return this.s.tx(fn);
  }

  /** Rows of people or records this transaction added (or, negative, removed); written by `tx`. */
  private counted(table: 'people' | 'records', n: number): void {
    this.s.counted(table, n);
  }

  /**
   * One action a person sees as one thing (a merge, a person edit fanned out to five vendors):
   * every journal row written inside shares an action id, and `cause` (words: "the merge of
   * Ann Lee and Ann Leigh") says why rows it wrote happened. One transaction; nested, the outer
   * action wins.
   */
  withAction<T>(cause: string | null, fn: () => T, id?: string): T {
    return this.s.withAction(cause, fn, id);
  }

  // ---- reads ------------------------------------------------------------------------------

  record(id: string): RecordView {
    return this.s.record(id);
  }

  /** Whether a vendor id belongs to another record for good (store/records.ts): a create's lookup must not adopt it. */
  remoteIdClaimed(accountId: string, remoteId: string): boolean {
    this.claimed ??= remoteIdClaimed(this.sqlite);
    return this.claimed(accountId, remoteId);
  }

  change(id: number): ChangeView {
    return this.s.change(id);
  }

  /** Open changes of one account in the order they were made; `dueBy` leaves out those told to wait (next_attempt_at). */
  openChanges(accountId: string, states: ChangeState[] = ['pending'], dueBy?: Date): ChangeView[] {
    return this.s.changes.ofAccount(accountId, states, dueBy?.toISOString()).map(toChange);
  }

  openChangesOf(recordId: string): ChangeView[] {
    return this.s.openChangesOf(recordId);
  }

  openConflict(recordId: string): { id: string; kind: ConflictKind; fields: FieldConflict[]; changeId: number | null } | null {
    return this.s.openConflict(recordId);
  }

  /** Outbox counts for status. */
  counts(): { pending: number; inFlight: number; conflict: number; rejected: number } {
    const rows = openChangeCounts(this.sqlite);
    const n = (s: string) => rows.find((r) => r.state === s)?.n ?? 0;
    return { pending: n('pending'), inFlight: n('in_flight'), conflict: n('conflict'), rejected: n('rejected') };
  }

  // ---- pull --------------------------------------------------------------------------------

  /**
   * Store what the server holds for a record with no local edits: server, base and local all
   * fast-forward. A record with pending local edits is left for `mergeRemote`.
   */
  upsertFromServer(rec: IncomingRecord): pull.Upserted {
    return pull.upsertFromServer(this.s, rec);
  }

  /**
   * A page of a pull, as `upsertFromServer` record by record but as one unit of work: one
   * transaction, one lookup of the page's stored copies, and each changed person's golden
   * record computed once at the end of the page.
   */
  upsertPage(accountId: string, recs: Omit<IncomingRecord, 'accountId'>[]): pull.Upserted[] {
    return pull.upsertPage(this.s, accountId, recs);
  }

  /** What a page of a full re-read held when it was last stored (see PullPage.source). */
  rememberedPage(accountId: string, key: string): RememberedPage | undefined {
    return pull.rememberedPage(this.s, accountId, key);
  }

  /**
   * Remember a page just stored, or forget it: only a page whose every record now holds what
   * the page said may be skipped next time. A record held by local edits keeps its own server
   * copy until the merge, so such a page is read again; and a server copy stored any other way
   * (a push's answer, a merge, a single read) forgets every page of its account, since the
   * vendor could later send a page that matches an older memory but not that copy.
   */
  rememberPage(accountId: string, key: string, page: RememberedPage | null): void {
    pull.rememberPage(this.s, accountId, key, page);
  }

  /** The vendor says this record is gone; records with local edits are left for the sync merge. */
  markDeletedRemote(accountId: string, remoteId: string): boolean {
    return pull.markDeletedRemote(this.s, accountId, remoteId);
  }

  /**
   * The server's copy of a record that has local edits (from a pull, or re-read before a
   * push): three-way merge per field. Clean: the edit is rebased on the new server copy.
   * Same field changed on both sides: a conflict, and the change is held.
   */
  mergeRemote(recordId: string, remote: RemoteRecord, opts: { contested?: readonly string[] } = {}): MergeOutcome {
    return mergeSteps.mergeRemote(this.s, recordId, remote, opts);
  }

  /**
   * A create met a record the vendor already holds (LiveVox 202 "Contact already exists!",
   * CallTools' upsert "MERGE"): a question for a person, not an adoption. The create waits as a
   * conflict showing both records; nothing of the existing one becomes the person's, and no
   * vendor id is kept, until someone says they are the same person.
   */
  raiseExists(
    changeId: number,
    existing: RemoteRecord,
    how: { mergedByVendor: boolean; key: { name: string; label: string } | null },
  ): void {
    mergeSteps.raiseExists(this.s, changeId, existing, how);
  }

  /** A record with local edits is gone on the server: the person decides (recreate or drop). */
  raiseDeleted(recordId: string): void {
    mergeSteps.raiseDeleted(this.s, recordId);
  }

  /**
   * The vendor deleted a container of records (an MPDX contact): each record under it is gone,
   * or, where it holds local edits, a deleted-conflict for the person (as a full scan does).
   */
  markGroupDeleted(accountId: string, group: string): { deleted: number; conflicts: number } {
    return mergeSteps.markGroupDeleted(this.s, accountId, group);
  }

  /**
   * A record arriving under an id Concord does not know may be one the vendor moved (a merge of
   * two MPDX contacts moves the loser's people under the winner). A record deleted with its old
   * container and carrying the same key takes the new id and comes back: its person, links and
   * history stay, and the pull then updates it instead of storing the person a second time.
   */
  adoptMoved(accountId: string, remoteId: string, keyOf: (remoteId: string) => string): boolean {
    return pull.adoptMoved(this.s, accountId, remoteId, keyOf);
  }

  // ---- edits -------------------------------------------------------------------------------

  /**
   * A person edited a record. Local changes at once; the outbox row (one open update per
   * record; its intent the union of what was edited, its patch those fields of local) is
   * written in the same transaction. Values the vendor cannot hold are refused here.
   */
  edit(recordId: string, typed: Partial<CanonicalContact>, actor = 'user'): { changeId: number | null; journalId: number } {
    return edits.edit(this.s, recordId, typed, actor);
  }

  /** Fields no linked record can hold are kept on the person, so nothing typed is dropped. */
  pin(personId: string, fields: Partial<CanonicalContact>, actor = 'user'): void {
    edits.pin(this.s, personId, fields, actor);
  }

  /** A new record made here, pushed as a create. */
  create(
    accountId: string,
    personId: string,
    contact: CanonicalContact,
    actor = 'user',
    values: Record<string, string> = {},
    summary = 'created here',
  ): { recordId: string; changeId: number } {
    return edits.create(this.s, accountId, personId, contact, actor, values, summary);
  }

  delete(recordId: string, actor = 'user'): number {
    return edits.deleteRecord(this.s, recordId, actor);
  }

  /** Take a record out of its person into a person of its own (an add undone where the vendor cannot delete). */
  unlinkRecord(recordId: string, actor = 'user'): string {
    return edits.unlinkRecord(this.s, recordId, actor);
  }

  /** A vendor's own merge of two of its records, queued (MPDX contacts/merges). */
  queueVendorMerge(recordId: string, winnerRecordId: string | undefined): number {
    return edits.queueVendorMerge(this.s, recordId, winnerRecordId);
  }

  /** Undo the latest edit of a record that has not been pushed yet. Returns false when there is none. */
  undoLatestEdit(recordId: string, actor = 'user'): boolean {
    return edits.undoLatestEdit(this.s, recordId, actor);
  }

  // ---- conflicts ---------------------------------------------------------------------------

  /**
   * Settle a conflict. "local" for a field is "keep mine": the change is then sent with
   * MPDX's `overwrite` (or, elsewhere, without the re-read guard). "remote" drops the local
   * value; a typed value replaces both.
   */
  resolve(conflictId: string, resolution: Resolution, by = 'user'): { changeId: number | null } {
    return resolve(this.s, conflictId, resolution, by);
  }

  // ---- push --------------------------------------------------------------------------------

  /** The change is about to be sent: from here a crash leaves it `in_flight`, checked by the next sync. */
  claim(changeId: number): void {
    outbox.claim(this.s, changeId);
  }

  /** A step of a create is done at the vendor: keep its id before the next request goes out. */
  step(changeId: number, progress: CreateProgress): void {
    outbox.step(this.s, changeId, progress);
  }

  /** The vendor accepted a change: the server copy becomes base, and local follows where nothing else is waiting. */
  pushed(changeId: number, result: RemoteRecord | null, remoteId?: string): void {
    outbox.pushed(this.s, changeId, result, remoteId);
  }

  /** The vendor merged a record into another: it now lives under a new id (or is gone). */
  merged(changeId: number, loserRemoteId: string | null): void {
    outbox.merged(this.s, changeId, loserRemoteId);
  }

  /** Back to the queue (transient failure, or an in-flight change found unsent by recovery). */
  release(changeId: number, error: string | null, nextAttemptAt: string | null = null): void {
    outbox.release(this.s, changeId, error, nextAttemptAt);
  }

  /** The vendor refused the data: shown to the person, who can fix the record and retry. */
  reject(changeId: number, message: string): void {
    outbox.reject(this.s, changeId, message);
  }

  // ---- people ------------------------------------------------------------------------------

  /** The store's name statistics (given / family name counts), from the last duplicate scan. */
  get nameStats(): NameStats | undefined {
    return this.s.nameStats;
  }

  set nameStats(stats: NameStats | undefined) {
    this.s.nameStats = stats;
  }

  /** Golden names from now on repair swaps and prefer common spellings by these counts (contacts/name-choice.ts). */
  useNameStats(stats: NameStats): void {
    this.s.nameStats = stats;
  }

  /** Recompute a person's golden record from its records (pinned fields win). */
  refreshPerson(personId: string): void {
    this.s.refreshPerson(personId);
  }

  /**
   * What removing an account would do, for the window to say before it is done: its records,
   * the people who are only there (they go) and those linked to records elsewhere (they stay,
   * with those), and its changes still open (waiting, sending, in conflict or refused).
   */
  removalPlan(accountId: string): RemovalPlan {
    return removalPlan(this.sqlite, accountId);
  }

  /**
   * Remove an account and everything Concord keeps of it: its records (the vendor keeps its
   * own; nothing is sent), their closed changes and conflicts, match pairs and decisions, and
   * the people left with no record. Linked people stay with their other records, their golden
   * record recomputed. Refused while any of its changes is open, so none is dropped silently.
   * A copy is kept for REMOVAL_UNDO_DAYS so `restoreAccount` can undo it.
   */
  removeAccount(
    accountId: string,
    label: string,
    keep: { policies: FieldPolicyNote[] } = { policies: [] },
  ): { records: number; people: number; journalId: number } {
    return removal.removeAccount(this.s, accountId, label, keep);
  }

  /**
   * Undo an account's removal: its rows come back as they were kept (people it shared with
   * other accounts are linked again if they still exist), indexed and counted, golden records
   * recomputed. Returns the account id and what came back.
   */
  restoreAccount(journalId: number): { accountId: string; records: number; people: number; policies: FieldPolicyNote[] } {
    return removal.restoreAccount(this.s, journalId);
  }

  /** Forget removals older than the undo window; returns the accounts whose secrets may now go. */
  purgeRemovals(): string[] {
    return removal.purgeRemovals(this.s);
  }

  /** Golden records again after a setting they depend on changed (e.g. an account's trust). */
  refreshPeople(personIds: Iterable<string>): void {
    links.refreshPeople(this.s, personIds);
  }

  /** How records and people stood before a merge: what `unlink` restores. */
  snapshot(recordIds: string[]): MergeSnapshot {
    return links.snapshot(this.s, recordIds);
  }

  /** "Same person": records move to one person with the pinned picks; emptied people go. */
  link(recordIds: string[], target: string, pinned: Record<string, unknown>, formerPeople: string[]): void {
    links.link(this.s, recordIds, target, pinned, formerPeople);
  }

  /**
   * Take a merge back. Its changes not sent yet are cancelled (record back as it was); sent
   * ones are compensated (an update written back, a deleted duplicate created again). Vendor
   * merges cannot be split. Then every record returns to its person as it was.
   */
  unlink(before: MergeSnapshot, changeIds: number[]): { compensating: number } {
    return links.unlink(this.s, before, changeIds);
  }

  // ---- journal -----------------------------------------------------------------------------

  /**
   * An entry in the activity journal (what happened, with before/after for undo), stamped with
   * the action it belongs to. `cause` overrides the action's, for a row written long after the
   * action that caused it (a queued delete, pushed by a later sync).
   */
  journal(
    kind: string,
    entityType: string,
    entityId: string,
    summary: string,
    before: unknown,
    after: unknown,
    actor: string,
    cause?: string | null,
  ): number {
    return this.s.journal(kind, entityType, entityId, summary, before, after, actor, cause);
  }

  /** Bring a job's lead row up to date as it goes (a bulk merge or add: one undoable entry even if it stops part-way). */
  amendJournal(journalId: number, summary: string, after: unknown): void {
    this.s.journalRows.amend(journalId, summary, JSON.stringify(after));
  }

  /** Mark a journal entry undone (its undo is journaled by the caller's transition). */
  markUndone(journalId: number): void {
    this.s.journalRows.markUndone(journalId);
  }

  // ---- the sync lease ----------------------------------------------------------------------

  /**
   * Take the store's sync lease, or say who holds it. One transaction that takes SQLite's
   * write lock first (BEGIN IMMEDIATE), so two processes cannot both see it free.
   */
  acquireLease(
    owner: string,
    holder: string,
    ttlMs: number,
    gone: (owner: string) => boolean = () => false,
  ): { ok: true } | { ok: false; lease: Lease } {
    return lease.acquireLease(this.s, owner, holder, ttlMs, gone);
  }

  /** Still alive: push the lease's expiry on. False when it was lost (expired and taken). */
  heartbeat(owner: string, ttlMs: number): boolean {
    return lease.heartbeat(this.s, owner, ttlMs);
  }

  releaseLease(owner: string): void {
    lease.releaseLease(this.s, owner);
  }

  /** Who is syncing right now, if anyone (an expired lease is nobody). */
  currentLease(): Lease | null {
    return lease.currentLease(this.s);
  }
}
