// The sync state machine's shared state and the steps every transition is made of (docs/design.md#architecture,
// §2, §4): the table modules it writes through, its transaction (with the counts and search
// entries that commit with it), the journal's action, and the internal steps (keep a record's
// open change in line with its edit, raise or close a conflict, recompute a golden record).
// The named transitions are the sibling modules (pull, merge, edits, resolve, outbox, links,
// lease); SyncStore (sync/sync-store.ts) is the facade the rest of the core calls.
import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import {
  displayName,
  type AccountKind,
  type CanonicalContact,
  type ChangeOp,
  type ChangeState,
  type RecordState,
} from '../../../shared/domain';
import type { Clock } from '../clock';
import { computeGolden } from '../contacts/golden';
import type { NameStats } from '../contacts/name-choice';
import { CoreError } from '../errors';
import { journalTable } from '../store/journal-entries';
import { pullPages } from '../store/pull-state';
import { SearchIndex } from '../store/search-index';
import { rowCountBumper } from '../store/status-counts';
import { changeTable } from '../store/sync-changes';
import { conflictTable } from '../store/sync-conflicts';
import { peopleTable } from '../store/sync-people';
import { BASE_IS_LOCAL, recordTable } from '../store/sync-records';
import { inTransaction } from '../store/transaction';
import { diff, fieldOfIntent, type FieldConflict } from '../sync/merge';
import { readServerCopy } from '../sync/server-copy';
import { toChange, type ChangeView, type ConflictKind, type RecordView } from './types';

/** Canonical fields a vendor can write; edits outside them are refused. */
export type WritableFields = (vendor: AccountKind) => readonly string[];
/**
 * The vendor's field rules, run when a value is typed: the patch as it will be stored
 * (typed phones in E.164 with the raw text kept, emails trimmed) and what is wrong with it.
 */
export type FieldCheck = (
  vendor: AccountKind,
  accountId: string,
  patch: Partial<CanonicalContact>,
  current: CanonicalContact,
  raw: unknown,
) => { patch: Partial<CanonicalContact>; problems: { field: string; message: string }[] };

export class SyncState {
  readonly records;
  readonly people;
  readonly changes;
  readonly conflicts;
  readonly journalRows;
  readonly pages;
  private readonly bumpCount;
  readonly search: SearchIndex;
  /** The action whose journal rows are being written (see `withAction`). */
  private action: { id: string; cause: string | null } | null = null;
  /** While this store holds the sync lease, the sync's own rows (actor 'sync') are one action. */
  syncAction: string | null = null;
  /** How deep in `tx` calls this store is; the outermost one indexes what it wrote (see `tx`). */
  private depth = 0;
  /** row_counts changes not yet written (migration 0011: the state machine keeps the counts, not triggers). */
  private readonly rowDeltas = { people: 0, records: 0 };
  /** The store's name statistics (given / family name counts), from the last duplicate scan. */
  nameStats: NameStats | undefined;

  constructor(
    readonly sqlite: Database.Database,
    readonly clock: Clock,
    readonly writable: WritableFields,
    readonly check: FieldCheck,
  ) {
    this.search = new SearchIndex(sqlite);
    this.search.flush(); // what a migration or an older build left to index
    this.records = recordTable(sqlite);
    this.people = peopleTable(sqlite);
    this.changes = changeTable(sqlite);
    this.conflicts = conflictTable(sqlite);
    this.journalRows = journalTable(sqlite);
    this.pages = pullPages(sqlite);
    this.bumpCount = rowCountBumper(sqlite);
  }

  now(): string {
    return this.clock.now().toISOString();
  }

  /** Run several transitions as one transaction (a merge queues several edits at once). */
  tx<T>(fn: () => T): T {
    // The outermost call indexes the records it wrote before it returns, inside the transaction
    // (its own, or the caller's: a pull commits a page and its cursor together), so a committed
    // record is always findable.
    const run = (): T => {
      this.depth++;
      try {
        const out = fn();
        if (this.depth === 1) this.search.flush();
        return out;
      } finally {
        // Counts follow the rows written, thrown or not: they are in the same transaction, and
        // roll back with the rows if it does.
        if (this.depth === 1) this.writeCounts();
        this.depth--;
      }
    };
    return inTransaction(this.sqlite, run);
  }

  /** Rows of people or records this transaction added (or, negative, removed); written by `tx`. */
  counted(table: 'people' | 'records', n: number): void {
    this.rowDeltas[table] += n;
  }

  /** A record row just inserted: counted, and indexed for search (no trigger does either, migration 0011). */
  inserted(rowid: number | bigint, contact: CanonicalContact): void {
    this.counted('records', 1);
    this.search.add(rowid, contact);
  }

  private writeCounts(): void {
    for (const table of ['people', 'records'] as const) {
      if (this.rowDeltas[table]) this.bumpCount(table, this.rowDeltas[table]);
      this.rowDeltas[table] = 0;
    }
  }

  /** See SyncStore.withAction. */
  withAction<T>(cause: string | null, fn: () => T, id: string = randomUUID()): T {
    // A job that spans several transactions (a bulk merge) passes the same id to each.
    if (this.action) return this.tx(fn);
    this.action = { id, cause };
    try {
      return this.tx(fn);
    } finally {
      this.action = null;
    }
  }

  /** See SyncStore.journal. */
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
    const actionId = this.action?.id ?? (actor === 'sync' ? this.syncAction : null);
    return this.journalRows.append(
      this.now(),
      actor,
      kind,
      entityType,
      entityId,
      summary,
      before === null ? null : JSON.stringify(before),
      after === null ? null : JSON.stringify(after),
      actionId,
      cause ?? this.action?.cause ?? null,
    );
  }

  // ---- reads ------------------------------------------------------------------------------

  record(id: string): RecordView {
    const r = this.records.byId(id);
    if (!r) throw new CoreError('not_found', `No record with id ${id}`);
    // The server copy is unpacked (inflated, its dictionary applied) when first asked for: most
    // readers want ids, local and base only (a push reads a record up to four times per change).
    let server: { v: unknown } | null = null;
    return {
      id: r.id,
      accountId: r.account_id,
      vendor: r.kind,
      remoteId: r.remote_id,
      personId: r.person_id,
      get server() {
        return (server ??= { v: readServerCopy(r.server) }).v;
      },
      set server(v: unknown) {
        server = { v };
      },
      base: r.base === BASE_IS_LOCAL ? (JSON.parse(r.local) as CanonicalContact) : r.base ? (JSON.parse(r.base) as CanonicalContact) : null,
      local: JSON.parse(r.local) as CanonicalContact,
      versions: JSON.parse(r.versions) as Record<string, string>,
      state: r.state,
    };
  }

  change(id: number): ChangeView {
    const c = this.changes.byId(id);
    if (!c) throw new CoreError('not_found', `No change with id ${id}`);
    return toChange(c);
  }

  openChangesOf(recordId: string): ChangeView[] {
    return this.changes.openOfRecord(recordId).map(toChange);
  }

  openConflict(recordId: string): { id: string; kind: ConflictKind; fields: FieldConflict[]; changeId: number | null } | null {
    const row = this.conflicts.openOfRecord(recordId);
    return row
      ? { id: row.id, kind: row.kind as ConflictKind, fields: JSON.parse(row.fields) as FieldConflict[], changeId: row.change_id }
      : null;
  }

  // ---- the steps transitions are made of ----------------------------------------------------

  /**
   * Bring the record's open update in line with what the person meant: the fields of its
   * intent (plus `more`) whose local value differs from base. Creates it, rewrites its patch,
   * or cancels it when nothing differs any more. Returns the open change id, if any.
   */
  refreshChange(recordId: string, more: string[] = []): number | null {
    const rec = this.record(recordId);
    const open = this.openChangesOf(recordId);
    if (open.some((c) => c.op === 'create')) {
      const create = open.find((c) => c.op === 'create' && c.state !== 'in_flight');
      if (create) this.changes.setCreatePatch(create.id, JSON.stringify(rec.local), this.now());
      return create?.id ?? null;
    }
    const editable = open.find((c) => c.op === 'update' && c.state !== 'in_flight');
    const inFlight = open.some((c) => c.state === 'in_flight');
    const intent = [...new Set([...(editable?.intent ?? []), ...more])];
    const writable = this.writable(rec.vendor);
    const fields = [...new Set(intent.map(fieldOfIntent))].filter((f) => writable.includes(f));
    const patch = diff(rec.base ?? {}, rec.local, fields);
    if (!Object.keys(patch).length) {
      if (editable) this.setChange(editable.id, 'cancelled', null);
      if (!inFlight && rec.state !== 'deleted_remote') this.setRecordState(recordId, 'synced');
      this.closeConflicts(recordId, 'nothing left to push');
      return null;
    }
    const keptIntent = intent.filter((p) => fieldOfIntent(p) in patch);
    if (editable) {
      // A person's new edit after a rejection is their fix: try again. A re-read is not.
      const state = editable.state === 'rejected' && more.length ? 'pending' : editable.state;
      this.changes.setPatch(editable.id, JSON.stringify(patch), JSON.stringify(keptIntent), state, this.now());
      if (!inFlight) this.setRecordState(recordId, state === 'conflict' ? 'conflicted' : 'modified');
      return editable.id;
    }
    const id = this.insertChange(recordId, rec.accountId, 'update', patch as Record<string, unknown>, rec.versions, keptIntent);
    if (!inFlight) this.setRecordState(recordId, 'modified');
    return id;
  }

  raiseConflict(recordId: string, kind: ConflictKind, fields: FieldConflict[], remoteVersions: Record<string, string>): void {
    const open = this.openConflict(recordId);
    const change = this.openChangesOf(recordId).find((c) => c.op !== 'delete');
    if (open) {
      this.conflicts.update(open.id, kind, JSON.stringify(fields), JSON.stringify(remoteVersions), change?.id ?? null);
      return;
    }
    this.conflicts.insert(
      randomUUID(),
      recordId,
      change?.id ?? null,
      kind,
      JSON.stringify(fields),
      JSON.stringify(remoteVersions),
      this.now(),
    );
    const said =
      kind === 'deleted'
        ? 'deleted on the server while edited here'
        : kind === 'exists'
          ? `the create met a record already at the vendor (${remoteVersions.existingRemoteId ?? '?'})`
          : `conflict on ${fields.map((f) => f.field).join(', ')}`;
    this.journal('conflict.raise', 'record', recordId, said, null, fields, 'sync');
  }

  /** Both sides now agree on every disputed field: the conflict closes by itself and the change may go. */
  settleConflict(recordId: string, changeId: number | null): void {
    this.closeConflicts(recordId, 'both sides agree now');
    if (changeId !== null && this.change(changeId).state === 'conflict') this.setChange(changeId, 'pending', null);
  }

  closeConflicts(recordId: string, why: string): void {
    this.conflicts.closeAllOfRecord(recordId, JSON.stringify({ auto: why }), this.now());
  }

  setChange(id: number, state: ChangeState, error: string | null, overwrite?: boolean): void {
    if (overwrite === undefined) this.changes.setState(id, state, error, this.now());
    else this.changes.setStateOverwrite(id, state, error, overwrite, this.now());
  }

  setRecordState(recordId: string, state: RecordState): void {
    this.records.setState(recordId, state, this.now());
  }

  insertChange(
    recordId: string,
    accountId: string,
    op: ChangeOp,
    patch: Record<string, unknown>,
    baseVersions: Record<string, string>,
    intent: string[] = [],
  ): number {
    const now = this.now();
    return this.changes.insert(
      recordId,
      accountId,
      op,
      JSON.stringify(patch),
      JSON.stringify(intent),
      JSON.stringify(baseVersions),
      randomUUID(),
      now,
    );
  }

  /** Recompute a person's golden record from its records (pinned fields win). */
  refreshPerson(personId: string): void {
    const pinned = this.people.pinned(personId);
    if (pinned === undefined) return;
    const recs = this.records.goldenSources(personId);
    const golden = computeGolden(
      recs.map((r) => ({ local: JSON.parse(r.local) as CanonicalContact, updatedAt: r.updated_at, trusted: trustedFor(r.settings) })),
      JSON.parse(pinned) as Partial<CanonicalContact>,
      this.nameStats,
    );
    this.people.setGolden(personId, JSON.stringify(golden), displayName(golden), this.now());
  }
}

function trustedFor(settings: string): string[] | undefined {
  const t = (JSON.parse(settings) as { trustedFor?: unknown }).trustedFor;
  return Array.isArray(t) ? t.map(String) : undefined;
}
