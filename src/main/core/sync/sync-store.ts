// The one owner of sync state (DESIGN §1, §2, §4). Only this module writes the records,
// changes, conflicts, people and journal tables, and only through named transitions — edit,
// create, delete, reconcile, raise conflict, claim, step, pushed, release, reject, resolve,
// undo, link, unlink — each one transaction. A crash between any two of them leaves the
// store consistent: an edit and its outbox row land together, a push result and the
// change's `done` land together, a create's step id lands before the next request.
// Every other service calls these; `grep` for INSERT/UPDATE on those tables finds only here.
import { keepAndDeleteAccount, purgeRemovals, removalKept, removalPlan, restoreAccount, REMOVAL_UNDO_DAYS, type FieldPolicyNote, type RemovalPlan } from '../store/removed-accounts';
import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import {
  displayName, OPEN_CHANGE_STATES, VENDOR_LABELS, type AccountKind, type CanonicalContact, type ChangeOp, type ChangeState, type RecordState,
} from '../../../shared/domain';
import type { Clock } from '../clock';
import { computeGolden } from '../contacts/golden';
import type { NameStats } from '../contacts/name-choice';
import { CoreError } from '../errors';
import { uuidv7 } from '../ids';
import { SearchIndex } from '../store/search-index';
import type { CreateProgress, RemoteRecord, RememberedPage } from '../vendors/connector';
import { applyPatch, diff, fieldOfIntent, intentOf, merge3, sameValue, type FieldConflict } from './merge';
import { packServerCopy, readServerCopy, sameServerCopy, type StoredServerCopy } from './server-copy';

export type { ChangeOp, ChangeState };

export interface RecordView {
  id: string;
  accountId: string;
  vendor: AccountKind;
  remoteId: string | null;
  personId: string;
  server: unknown;
  base: CanonicalContact | null;
  local: CanonicalContact;
  versions: Record<string, string>;
  state: RecordState;
}

export interface ChangeView {
  id: number;
  recordId: string;
  accountId: string;
  op: ChangeOp;
  patch: Record<string, unknown>;
  /** Intent paths: what the person changed (see `intentOf`). */
  intent: string[];
  /** A create's completed steps. */
  progress: CreateProgress;
  /** A create's vendor-only values a person gave (see Connector.previewCreate). */
  createValues: Record<string, string>;
  baseVersions: Record<string, string>;
  idempotencyKey: string;
  state: ChangeState;
  overwrite: boolean;
  attempts: number;
  lastError: string | null;
  nextAttemptAt: string | null;
  createdAt: string;
}

/** What applying a server copy to an edited record came to. */
export type ReconcileOutcome = 'clean' | 'conflict' | 'already_there';

/** What sync does with a record the vendor sent (see `upsertFromServer`). `held`: it has local edits, so sync merges it instead. */
export type UpsertOutcome = 'created' | 'updated' | 'unchanged' | 'held';

export interface IncomingRecord {
  accountId: string;
  remoteId: string;
  raw: unknown;
  canonical: CanonicalContact;
  versions: Record<string, string>;
}

export type Resolution =
  | { take: 'local' | 'remote' }
  | { fields: Record<string, { take: 'local' | 'remote' } | { value: unknown }> }
  | { deleted: 'recreate' | 'drop' }
  | { exists: 'same' }
  | { exists: 'different'; key?: string };

export type ConflictKind = 'fields' | 'deleted' | 'exists';

/**
 * What an `exists` conflict keeps of the record the create met (in `conflicts.remote_versions`,
 * which for this kind holds no version tokens: nothing of that record is the person's yet).
 */
export interface ExistingRecord {
  remoteId: string;
  mergedByVendor: boolean;
  /** The create's value that became the record's id (LiveVox's account key); null where there is none. */
  key: { name: string; label: string } | null;
}

/** The `exists` details kept in remote_versions, or null for another kind. */
export function existingOf(kind: string, remoteVersions: string | null): ExistingRecord | null {
  if (kind !== 'exists' || !remoteVersions) return null;
  const v = JSON.parse(remoteVersions) as Record<string, string>;
  return { remoteId: v.existingRemoteId ?? '', mergedByVendor: v.mergedByVendor === 'true', key: v.keyName ? { name: v.keyName, label: v.keyLabel ?? v.keyName } : null };
}

/** A store-wide sync lease (see schema `sync_lease`). */
export interface Lease {
  owner: string;
  holder: string;
  startedAt: string;
  expiresAt: string;
}

const OPEN = `(${OPEN_CHANGE_STATES.map((s) => `'${s}'`).join(',')})`;
/**
 * `records.base` when it equals `local` (a record with no local edits: nearly all of them),
 * so the canonical JSON is stored once. Not JSON, so a reader that forgets it fails loudly.
 * Every write of `local` alone keeps the old value as base first (see `KEEP_BASE`).
 */
export const BASE_IS_LOCAL = '=';
/** In an UPDATE that sets `local` but not `base`: a base that was "same as local" becomes the old local. */
const KEEP_BASE = `base = CASE WHEN base = '${BASE_IS_LOCAL}' THEN local ELSE base END`;
/** What to store as base beside `local`. */
const baseBeside = (base: string, local: string): string => (base === local ? BASE_IS_LOCAL : base);
const LEASE = 'sync';

type RecordSql = { id: string; account_id: string; kind: AccountKind; remote_id: string | null; person_id: string; server: StoredServerCopy; base: string | null; local: string; versions: string; state: RecordState };
type ChangeSql = { id: number; record_id: string; account_id: string; op: ChangeOp; patch: string; intent: string; progress: string; create_values?: string; base_versions: string; idempotency_key: string; state: ChangeState; overwrite: number; attempts: number; last_error: string | null; next_attempt_at: string | null; created_at: string };
/** What a pull compares an incoming record with. */
type StoredCopy = { id: string; person_id: string; state: string; server: StoredServerCopy; base: string | null; local: string; versions: string };
type PersonSnapshot = { id: string; golden: string; pinned: string; display_name: string; created_at: string };
export type MergeSnapshot = { records: { id: string; personId: string; local: CanonicalContact; state: string }[]; people: PersonSnapshot[] };

export class SyncStore {
  private readonly st;
  /** The action whose journal rows are being written (see `withAction`). */
  private action: { id: string; cause: string | null } | null = null;
  /** While this store holds the sync lease, the sync's own rows (actor 'sync') are one action. */
  private syncAction: string | null = null;
  /** How deep in `tx` calls this store is; the outermost one indexes what it wrote (see `tx`). */
  private depth = 0;
  /** row_counts changes not yet written (migration 0011: SyncStore keeps the counts, not triggers). */
  private readonly rowDeltas = { people: 0, records: 0 };
  private readonly search: SearchIndex;

  constructor(
    private readonly sqlite: Database.Database,
    private readonly clock: Clock,
    /** Canonical fields a vendor can write; edits outside them are refused. */
    private readonly writable: (vendor: AccountKind) => readonly string[],
    /**
     * The vendor's field rules, run when a value is typed: the patch as it will be stored
     * (typed phones in E.164 with the raw text kept, emails trimmed) and what is wrong with it.
     */
    private readonly check: (vendor: AccountKind, accountId: string, patch: Partial<CanonicalContact>, current: CanonicalContact, raw: unknown) => { patch: Partial<CanonicalContact>; problems: { field: string; message: string }[] } = (_v, _a, patch) => ({ patch, problems: [] }),
  ) {
    this.search = new SearchIndex(sqlite);
    this.search.flush(); // what a migration or an older build left to index
    this.st = {
      record: sqlite.prepare('SELECT r.id, r.account_id, a.kind, r.remote_id, r.person_id, r.server, r.base, r.local, r.versions, r.state FROM records r JOIN accounts a ON a.id = r.account_id WHERE r.id = ?'),
      change: sqlite.prepare('SELECT * FROM changes WHERE id = ?'),
      kindOf: sqlite.prepare('SELECT kind FROM accounts WHERE id = ?'),
      rememberedPage: sqlite.prepare('SELECT digest, remote_ids, item_digests, next_cursor FROM pull_pages WHERE account_id = ? AND page_key = ?'),
      rememberPage: sqlite.prepare('INSERT INTO pull_pages (account_id, page_key, digest, remote_ids, item_digests, next_cursor) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (account_id, page_key) DO UPDATE SET digest = excluded.digest, remote_ids = excluded.remote_ids, item_digests = excluded.item_digests, next_cursor = excluded.next_cursor'),
      forgetPage: sqlite.prepare('DELETE FROM pull_pages WHERE account_id = ? AND page_key = ?'),
      forgetPages: sqlite.prepare('DELETE FROM pull_pages WHERE account_id = ?'),
      openOf: sqlite.prepare(`SELECT * FROM changes WHERE record_id = ? AND state IN ${OPEN} ORDER BY id`),
      setLocal: sqlite.prepare(`UPDATE records SET ${KEEP_BASE}, local = ?, updated_at = ? WHERE id = ?`),
      setState: sqlite.prepare('UPDATE records SET state = ?, updated_at = ? WHERE id = ?'),
      setServerCopy: sqlite.prepare('UPDATE records SET server = ?, base = ?, local = ?, versions = ?, updated_at = ? WHERE id = ?'),
      byRemote: sqlite.prepare('SELECT id, person_id, state, server, base, local, versions FROM records WHERE account_id = ? AND remote_id = ?'),
      byRemotes: sqlite.prepare('SELECT id, remote_id, person_id, state, server, base, local, versions FROM records WHERE account_id = ? AND remote_id IN (SELECT value FROM json_each(?))'),
      setServer: sqlite.prepare('UPDATE records SET server = ? WHERE id = ?'),
      fastForward: sqlite.prepare("UPDATE records SET server = ?, base = ?, local = ?, versions = ?, state = 'synced', updated_at = ? WHERE id = ?"),
      insertPerson: sqlite.prepare('INSERT INTO people (id, golden, display_name, created_at, updated_at) VALUES (?, ?, ?, ?, ?)'),
      insertRecord: sqlite.prepare("INSERT INTO records (id, account_id, remote_id, person_id, server, base, local, versions, state, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
      person: sqlite.prepare('SELECT pinned FROM people WHERE id = ?'),
      personRecords: sqlite.prepare("SELECT r.local, r.updated_at, a.settings FROM records r JOIN accounts a ON a.id = r.account_id WHERE r.person_id = ? AND r.state NOT IN ('deleted_local', 'deleted_remote')"),
      updatePerson: sqlite.prepare('UPDATE people SET golden = ?, display_name = ?, updated_at = ? WHERE id = ?'),
      markDeleted: sqlite.prepare("UPDATE records SET state = 'deleted_remote', updated_at = ? WHERE account_id = ? AND remote_id = ? AND state = 'synced'"),
      insertChange: sqlite.prepare("INSERT INTO changes (record_id, account_id, op, patch, intent, base_versions, idempotency_key, state, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?)"),
      journal: sqlite.prepare('INSERT INTO journal (at, actor, kind, entity_type, entity_id, summary, before, after, action_id, cause) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)'),
      openConflict: sqlite.prepare("SELECT id, kind, fields, change_id FROM conflicts WHERE record_id = ? AND state = 'open'"),
      bumpCount: sqlite.prepare('UPDATE row_counts SET n = n + ? WHERE name = ?'),
      dropPersonIfEmpty: sqlite.prepare('DELETE FROM people WHERE id = ? AND NOT EXISTS (SELECT 1 FROM records WHERE person_id = ?)'),
      closeConflicts: sqlite.prepare("UPDATE conflicts SET state = 'resolved', resolution = ?, resolved_by = 'sync', resolved_at = ? WHERE record_id = ? AND state = 'open'"),
    };
  }

  private now(): string {
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
    return this.sqlite.inTransaction ? run() : this.sqlite.transaction(run)();
  }

  /** Rows of people or records this transaction added (or, negative, removed); written by `tx`. */
  private counted(table: 'people' | 'records', n: number): void {
    this.rowDeltas[table] += n;
  }

  /** A record row just inserted: counted, and indexed for search (no trigger does either, migration 0011). */
  private inserted(rowid: number | bigint, contact: CanonicalContact): void {
    this.counted('records', 1);
    this.search.add(rowid, contact);
  }

  private writeCounts(): void {
    for (const table of ['people', 'records'] as const) {
      if (this.rowDeltas[table]) this.st.bumpCount.run(this.rowDeltas[table], table);
      this.rowDeltas[table] = 0;
    }
  }

  /**
   * One action a person sees as one thing (a merge, a person edit fanned out to five vendors):
   * every journal row written inside shares an action id, and `cause` (words: "the merge of
   * Ann Lee and Ann Leigh") says why rows it wrote happened. One transaction; nested, the outer
   * action wins.
   */
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

  // ---- reads ------------------------------------------------------------------------------

  record(id: string): RecordView {
    const r = this.st.record.get(id) as RecordSql | undefined;
    if (!r) throw new CoreError('not_found', `No record with id ${id}`);
    return {
      id: r.id, accountId: r.account_id, vendor: r.kind, remoteId: r.remote_id, personId: r.person_id,
      server: readServerCopy(r.server), base: r.base === BASE_IS_LOCAL ? (JSON.parse(r.local) as CanonicalContact) : r.base ? (JSON.parse(r.base) as CanonicalContact) : null,
      local: JSON.parse(r.local) as CanonicalContact, versions: JSON.parse(r.versions) as Record<string, string>, state: r.state,
    };
  }

  change(id: number): ChangeView {
    const c = this.st.change.get(id) as ChangeSql | undefined;
    if (!c) throw new CoreError('not_found', `No change with id ${id}`);
    return toChange(c);
  }

  /** Open changes of one account in the order they were made; `dueBy` leaves out those told to wait (next_attempt_at). */
  openChanges(accountId: string, states: ChangeState[] = ['pending'], dueBy?: Date): ChangeView[] {
    const rows = this.sqlite.prepare(`SELECT * FROM changes WHERE account_id = ? AND state IN (SELECT value FROM json_each(?))${dueBy ? ' AND (next_attempt_at IS NULL OR next_attempt_at <= ?)' : ''} ORDER BY id`)
      .all(accountId, JSON.stringify(states), ...(dueBy ? [dueBy.toISOString()] : [])) as ChangeSql[];
    return rows.map(toChange);
  }

  openChangesOf(recordId: string): ChangeView[] {
    return (this.st.openOf.all(recordId) as ChangeSql[]).map(toChange);
  }

  openConflict(recordId: string): { id: string; kind: ConflictKind; fields: FieldConflict[]; changeId: number | null } | null {
    const row = this.st.openConflict.get(recordId) as { id: string; kind: ConflictKind; fields: string; change_id: number | null } | undefined;
    return row ? { id: row.id, kind: row.kind, fields: JSON.parse(row.fields) as FieldConflict[], changeId: row.change_id } : null;
  }

  /** Outbox counts for status. */
  counts(): { pending: number; inFlight: number; conflict: number; rejected: number } {
    const rows = this.sqlite.prepare(`SELECT state, count(*) AS n FROM changes WHERE state IN ${OPEN} GROUP BY state`).all() as { state: string; n: number }[];
    const n = (s: string) => rows.find((r) => r.state === s)?.n ?? 0;
    return { pending: n('pending'), inFlight: n('in_flight'), conflict: n('conflict'), rejected: n('rejected') };
  }

  // ---- pull --------------------------------------------------------------------------------

  /**
   * Store what the server holds for a record with no local edits: server, base and local all
   * fast-forward. A record with pending local edits is left for `reconcile`.
   */
  upsertFromServer(rec: IncomingRecord): { id: string; outcome: UpsertOutcome; moved?: boolean } {
    return this.tx(() => {
      this.st.forgetPages.run(rec.accountId); // a server copy stored outside a page (see rememberPage)
      const existing = this.st.byRemote.get(rec.accountId, rec.remoteId) as StoredCopy | undefined;
      const touched = new Set<string>();
      const out = this.upsertOne(rec.accountId, this.kindOf(rec.accountId), rec, existing, touched);
      for (const p of touched) this.refreshPerson(p);
      return out;
    });
  }

  /**
   * A page of a pull, as `upsertFromServer` record by record but as one unit of work: one
   * transaction, one lookup of the page's stored copies, and each changed person's golden
   * record computed once at the end of the page.
   */
  upsertPage(accountId: string, recs: Omit<IncomingRecord, 'accountId'>[]): { id: string; outcome: UpsertOutcome; moved?: boolean }[] {
    return this.tx(() => {
      const stored = new Map(
        (this.st.byRemotes.all(accountId, JSON.stringify(recs.map((r) => r.remoteId))) as (StoredCopy & { remote_id: string })[]).map((r) => [r.remote_id, r as StoredCopy]),
      );
      const touched = new Set<string>();
      const kind = this.kindOf(accountId);
      const out = recs.map((r) => {
        const res = this.upsertOne(accountId, kind, r, stored.get(r.remoteId), touched);
        // The same record twice in one page: the second sees what the first stored.
        if (res.outcome === 'created' || res.outcome === 'updated') stored.set(r.remoteId, this.st.byRemote.get(accountId, r.remoteId) as StoredCopy);
        return res;
      });
      for (const p of touched) this.refreshPerson(p);
      return out;
    });
  }

  /** The account's vendor (it picks the dictionary its raw copies are packed with). */
  private kindOf(accountId: string): AccountKind | undefined {
    return (this.st.kindOf.get(accountId) as { kind: AccountKind } | undefined)?.kind;
  }

  /** One record of a pull against its stored copy; people whose golden record must be recomputed go to `touched`. */
  private upsertOne(accountId: string, kind: AccountKind | undefined, rec: Omit<IncomingRecord, 'accountId'>, existing: StoredCopy | undefined, touched: Set<string>): { id: string; outcome: UpsertOutcome; moved?: boolean } {
    const raw = JSON.stringify(rec.raw ?? null);
    const versions = JSON.stringify(rec.versions);
    // Asked for only when needed: a connector may map a record lazily (see vendors/lazy-record),
    // and an unchanged record (same version, same raw copy) never needs its canonical form.
    let canonicalJson: string | undefined;
    const canonical = (): string => (canonicalJson ??= JSON.stringify(rec.canonical));
    if (existing) {
      // `moved`: the server's copy is not the one the edit was last merged with.
      if (existing.state !== 'synced' && existing.state !== 'deleted_remote') return { id: existing.id, outcome: 'held', moved: existing.versions !== versions };
      if (existing.state === 'synced' && existing.versions === versions) {
        const sameRaw = sameServerCopy(existing.server, raw);
        if (sameRaw || (existing.base === BASE_IS_LOCAL ? existing.local : existing.base) === canonical()) {
          // Same version, same meaning: a different endpoint's shape of the same record (LiveVox
          // read vs list) is kept as the raw copy without counting as a change.
          if (!sameRaw) this.st.setServer.run(packServerCopy(raw, kind), existing.id);
          return { id: existing.id, outcome: 'unchanged' };
        }
      }
      this.st.fastForward.run(packServerCopy(raw, kind), BASE_IS_LOCAL, canonical(), versions, this.now(), existing.id);
      touched.add(existing.person_id);
      return { id: existing.id, outcome: 'updated' };
    }
    const now = this.now();
    const personId = uuidv7();
    this.st.insertPerson.run(personId, canonical(), displayName(rec.canonical), now, now);
    this.counted('people', 1);
    const id = uuidv7();
    const row = this.st.insertRecord.run(id, accountId, rec.remoteId, personId, packServerCopy(raw, kind), BASE_IS_LOCAL, canonical(), versions, 'synced', now, now);
    this.inserted(row.lastInsertRowid, rec.canonical);
    return { id, outcome: 'created' };
  }

  /** What a page of a full re-read held when it was last stored (see PullPage.source). */
  rememberedPage(accountId: string, key: string): RememberedPage | undefined {
    const row = this.st.rememberedPage.get(accountId, key) as { digest: string; remote_ids: string; item_digests: string | null; next_cursor: string | null } | undefined;
    if (!row) return undefined;
    const itemDigests = row.item_digests ? (JSON.parse(row.item_digests) as string[]) : undefined;
    return { digest: row.digest, remoteIds: JSON.parse(row.remote_ids) as string[], ...(itemDigests ? { itemDigests } : {}), nextCursor: row.next_cursor };
  }

  /**
   * Remember a page just stored, or forget it: only a page whose every record now holds what
   * the page said may be skipped next time. A record held by local edits keeps its own server
   * copy until the merge, so such a page is read again; and a server copy stored any other way
   * (a push's answer, a merge, a single read) forgets every page of its account, since the
   * vendor could later send a page that matches an older memory but not that copy.
   */
  rememberPage(accountId: string, key: string, page: RememberedPage | null): void {
    if (page) this.st.rememberPage.run(accountId, key, page.digest, JSON.stringify(page.remoteIds), page.itemDigests ? JSON.stringify(page.itemDigests) : null, page.nextCursor);
    else this.st.forgetPage.run(accountId, key);
  }

  /** The vendor says this record is gone; records with local edits are left for the sync merge. */
  markDeletedRemote(accountId: string, remoteId: string): boolean {
    return this.st.markDeleted.run(this.now(), accountId, remoteId).changes > 0;
  }

  /**
   * The server's copy of a record that has local edits (from a pull, or re-read before a
   * push): three-way merge per field. Clean: the edit is rebased on the new server copy.
   * Same field changed on both sides: a conflict, and the change is held.
   */
  reconcile(recordId: string, remote: RemoteRecord, opts: { contested?: readonly string[] } = {}): ReconcileOutcome {
    return this.tx(() => {
      const rec = this.record(recordId);
      this.st.forgetPages.run(rec.accountId); // a server copy stored outside a page (see rememberPage)
      const writable = this.writable(rec.vendor);
      const { merged, conflicts } = merge3(rec.base ?? {}, rec.local, remote.canonical, writable);
      // The vendor said both sides wrote the same part (MPDX: a 409 on one phone): where both
      // changed that field, a person decides, even if the lists would merge entry by entry.
      for (const f of opts.contested ?? []) {
        const field = f as keyof CanonicalContact;
        if (conflicts.some((c) => c.field === f) || sameValue(f, rec.local[field], rec.base?.[field]) || sameValue(f, remote.canonical[field], rec.base?.[field]) || sameValue(f, rec.local[field], remote.canonical[field])) continue;
        conflicts.push({ field: f, base: rec.base?.[field] ?? null, local: rec.local[field] ?? null, remote: remote.canonical[field] ?? null });
        merged[field] = rec.local[field] as never;
      }
      this.st.setServerCopy.run(packServerCopy(JSON.stringify(remote.raw ?? null), rec.vendor), baseBeside(JSON.stringify(remote.canonical), JSON.stringify(merged)), JSON.stringify(merged), JSON.stringify(remote.versions), this.now(), recordId);
      for (const c of this.openChangesOf(recordId)) {
        if (c.op === 'update') this.sqlite.prepare('UPDATE changes SET base_versions = ? WHERE id = ?').run(JSON.stringify(remote.versions), c.id);
      }
      // A field already in dispute stays in dispute until a person settles it, unless the
      // server now holds the local value (the merge above would see it as a local-only edit).
      const prior = this.openConflict(recordId);
      if (prior?.kind === 'fields') {
        for (const f of prior.fields) {
          if (conflicts.some((c) => c.field === f.field)) continue;
          const field = f.field as keyof CanonicalContact;
          if (!sameValue(f.field, merged[field], remote.canonical[field])) conflicts.push({ ...f, local: merged[field] ?? null, remote: remote.canonical[field] ?? null });
        }
      }
      if (prior && !conflicts.length) this.settleConflict(recordId, prior.changeId);
      let outcome: ReconcileOutcome;
      if (conflicts.length) {
        this.raiseConflict(recordId, 'fields', conflicts, remote.versions);
        outcome = 'conflict';
      } else {
        outcome = Object.keys(diff(remote.canonical, merged, writable)).length ? 'clean' : 'already_there';
      }
      const id = this.refreshChange(recordId);
      if (outcome === 'conflict' && id !== null) {
        this.setChange(id, 'conflict', null);
        this.setRecordState(recordId, 'conflicted');
      }
      this.refreshPerson(rec.personId);
      return outcome;
    });
  }

  /**
   * A create met a record the vendor already holds (LiveVox 202 "Contact already exists!",
   * CallTools' upsert "MERGE"): a question for a person, not an adoption. The create waits as a
   * conflict showing both records; nothing of the existing one becomes the person's, and no
   * vendor id is kept, until someone says they are the same person.
   */
  raiseExists(changeId: number, existing: RemoteRecord, how: { mergedByVendor: boolean; key: { name: string; label: string } | null }): void {
    this.tx(() => {
      const c = this.change(changeId);
      const rec = this.record(c.recordId);
      const names = [...new Set([...Object.keys(rec.local), ...Object.keys(existing.canonical)])];
      const fields = names.map((field) => ({ field, base: null, local: rec.local[field as keyof CanonicalContact] ?? null, remote: existing.canonical[field as keyof CanonicalContact] ?? null }));
      const vendor = VENDOR_LABELS[rec.vendor];
      const why = how.mergedByVendor
        ? `${vendor} merged this new contact into its contact ${existing.remoteId}: is it the same person?`
        : `${vendor} already has a contact${how.key ? ` under ${how.key.label} ${existing.remoteId}` : ` ${existing.remoteId}`}: is it the same person?`;
      this.setChange(changeId, 'conflict', why);
      const meta: Record<string, string> = { existingRemoteId: existing.remoteId, mergedByVendor: String(how.mergedByVendor), ...(how.key ? { keyName: how.key.name, keyLabel: how.key.label } : {}) };
      this.raiseConflict(rec.id, 'exists', fields, meta);
      this.setRecordState(rec.id, 'conflicted');
    });
  }

  /** A record with local edits is gone on the server: the person decides (recreate or drop). */
  raiseDeleted(recordId: string): void {
    this.tx(() => {
      const rec = this.record(recordId);
      const fields = Object.entries(diff(rec.base ?? {}, rec.local)).map(([field, local]) => ({ field, base: rec.base?.[field as keyof CanonicalContact] ?? null, local, remote: null }));
      this.raiseConflict(recordId, 'deleted', fields, {});
      for (const c of this.openChangesOf(recordId)) if (c.state !== 'in_flight') this.setChange(c.id, 'conflict', 'Deleted on the server');
      this.setRecordState(recordId, 'conflicted');
    });
  }

  /**
   * The vendor deleted a container of records (an MPDX contact): each record under it is gone,
   * or, where it holds local edits, a deleted-conflict for the person (as a full scan does).
   */
  markGroupDeleted(accountId: string, group: string): { deleted: number; conflicts: number } {
    return this.tx(() => {
      const n = { deleted: 0, conflicts: 0 };
      // `group/` up to `group0` ('0' follows '/'): a range on the remote-id index, not a LIKE scan.
      const rows = this.sqlite.prepare("SELECT id, remote_id, state FROM records WHERE account_id = ? AND remote_id >= ? AND remote_id < ? AND state IN ('synced', 'modified', 'rejected', 'conflicted')").all(accountId, `${group}/`, `${group}0`) as { id: string; remote_id: string; state: string }[];
      for (const r of rows) {
        if (r.state === 'synced') {
          if (this.markDeletedRemote(accountId, r.remote_id)) n.deleted++;
        } else if (this.openConflict(r.id)?.kind !== 'deleted') {
          this.raiseDeleted(r.id);
          n.conflicts++;
        }
      }
      return n;
    });
  }

  /**
   * A record arriving under an id Concord does not know may be one the vendor moved (a merge of
   * two MPDX contacts moves the loser's people under the winner). A record deleted with its old
   * container and carrying the same key takes the new id and comes back: its person, links and
   * history stay, and the pull then updates it instead of storing the person a second time.
   */
  adoptMoved(accountId: string, remoteId: string, keyOf: (remoteId: string) => string): boolean {
    if (this.st.byRemote.get(accountId, remoteId)) return false;
    const key = keyOf(remoteId);
    const gone = (this.sqlite.prepare("SELECT id, remote_id FROM records WHERE account_id = ? AND state = 'deleted_remote' AND instr(remote_id, ?) > 0").all(accountId, key) as { id: string; remote_id: string }[])
      .filter((r) => r.remote_id !== remoteId && keyOf(r.remote_id) === key);
    if (gone.length !== 1) return false; // none, or not one clear match: store it as new
    this.tx(() => {
      this.sqlite.prepare("UPDATE records SET remote_id = ?, state = 'synced', updated_at = ? WHERE id = ?").run(remoteId, this.now(), gone[0]!.id);
      this.st.forgetPages.run(accountId);
    });
    return true;
  }

  // ---- edits -------------------------------------------------------------------------------

  /**
   * A person edited a record. Local changes at once; the outbox row (one open update per
   * record; its intent the union of what was edited, its patch those fields of local) is
   * written in the same transaction. Values the vendor cannot hold are refused here.
   */
  edit(recordId: string, typed: Partial<CanonicalContact>, actor = 'user'): { changeId: number | null; journalId: number } {
    return this.tx(() => {
      const rec = this.record(recordId);
      if (rec.state === 'deleted_local') throw new CoreError('bad_request', 'This record was deleted here; it cannot be edited');
      if (rec.vendor === 'csv') throw new CoreError('bad_request', 'A CSV source changes only by importing the file again');
      const writable = this.writable(rec.vendor);
      const refused = Object.keys(typed).filter((f) => !writable.includes(f));
      if (refused.length) throw new CoreError('bad_request', `${rec.vendor} records cannot hold ${refused.join(', ')}`);
      const checked = this.check(rec.vendor, rec.accountId, typed, rec.local, rec.server);
      if (checked.problems.length) throw new CoreError('bad_request', refusal(rec.vendor, checked.problems));
      const patch = checked.patch;
      const before = rec.local;
      const local = applyPatch(rec.local, patch);
      const intent = intentOf(before, local);
      const unheld = unheldParts(intent, writable);
      if (unheld.length) throw new CoreError('bad_request', `Not saved — ${VENDOR_LABELS[rec.vendor]} cannot hold ${unheld.map(partInWords).join(' or ')}`);
      // A vendor that cannot hold which entry is primary keeps its own rule (its first entry), so
      // the stored list carries no primary flags of its own there: what is shown is what it holds.
      for (const f of ['phones', 'emails'] as const) {
        if (f in patch && !writable.includes(`${f}.primary`) && Array.isArray(local[f])) (local as Record<string, unknown>)[f] = (local[f] as { primary?: boolean }[]).map(({ primary: _p, ...rest }) => rest);
      }
      this.st.setLocal.run(JSON.stringify(local), this.now(), recordId);
      const journalId = this.journal('edit', 'record', recordId, `edited ${summaryOf(patch)}`, pick(before, Object.keys(patch)), pick(local, Object.keys(patch)), actor);
      const changeId = this.refreshChange(recordId, intent);
      this.refreshPerson(rec.personId);
      return { changeId, journalId };
    });
  }

  /** Fields no linked record can hold are kept on the person, so nothing typed is dropped. */
  pin(personId: string, fields: Partial<CanonicalContact>, actor = 'user'): void {
    this.tx(() => {
      const person = this.st.person.get(personId) as { pinned: string } | undefined;
      if (!person) throw new CoreError('not_found', `No person with id ${personId}`);
      const pinned = { ...(JSON.parse(person.pinned) as Record<string, unknown>), ...fields };
      this.sqlite.prepare('UPDATE people SET pinned = ? WHERE id = ?').run(JSON.stringify(pinned), personId);
      this.journal('edit', 'person', personId, `pinned ${Object.keys(fields).join(', ')}`, null, pinned, actor);
      this.refreshPerson(personId);
    });
  }

  /** A new record made here, pushed as a create. */
  create(accountId: string, personId: string, contact: CanonicalContact, actor = 'user', values: Record<string, string> = {}, summary = 'created here'): { recordId: string; changeId: number } {
    return this.tx(() => {
      const id = uuidv7();
      const now = this.now();
      const row = this.st.insertRecord.run(id, accountId, null, personId, null, null, JSON.stringify(contact), '{}', 'modified', now, now);
      this.inserted(row.lastInsertRowid, contact);
      const changeId = this.insertChange(id, accountId, 'create', contact as Record<string, unknown>, {}, Object.keys(contact));
      if (Object.keys(values).length) this.sqlite.prepare('UPDATE changes SET create_values = ? WHERE id = ?').run(JSON.stringify(values), changeId);
      this.journal('edit', 'record', id, summary, null, contact, actor);
      this.refreshPerson(personId);
      return { recordId: id, changeId };
    });
  }

  delete(recordId: string, actor = 'user'): number {
    return this.tx(() => {
      const rec = this.record(recordId);
      for (const c of this.openChangesOf(recordId)) if (c.state !== 'in_flight') this.setChange(c.id, 'cancelled', null);
      this.setRecordState(recordId, 'deleted_local');
      // A create never sent (one that met an existing record waits as a conflict) has nothing left to settle.
      if (!rec.remoteId) this.closeConflicts(recordId, 'deleted here before it was created');
      this.journal('edit', 'record', recordId, 'deleted here', rec.local, null, actor);
      return rec.remoteId ? this.insertChange(recordId, rec.accountId, 'delete', {}, rec.versions) : 0;
    });
  }

  /** Take a record out of its person into a person of its own (an add undone where the vendor cannot delete). */
  unlinkRecord(recordId: string, actor = 'user'): string {
    return this.tx(() => {
      const rec = this.record(recordId);
      const personId = uuidv7();
      const now = this.now();
      this.st.insertPerson.run(personId, JSON.stringify(rec.local), displayName(rec.local), now, now);
      this.counted('people', 1);
      this.sqlite.prepare('UPDATE records SET person_id = ?, updated_at = ? WHERE id = ?').run(personId, now, recordId);
      this.journal('unlink', 'record', recordId, 'no longer linked to the person', { personId: rec.personId }, { personId }, actor);
      this.refreshPerson(rec.personId);
      this.refreshPerson(personId);
      return personId;
    });
  }

  /** A vendor's own merge of two of its records, queued (MPDX contacts/merges). */
  queueVendorMerge(recordId: string, winnerRecordId: string | undefined): number {
    return this.tx(() => this.insertChange(recordId, this.record(recordId).accountId, 'merge', { winnerRecordId }, {}));
  }

  /** Undo the latest edit of a record that has not been pushed yet. Returns false when there is none. */
  undoLatestEdit(recordId: string, actor = 'user'): boolean {
    return this.tx(() => {
      if (this.openChangesOf(recordId).some((c) => c.state === 'in_flight')) return false;
      const entry = this.sqlite.prepare("SELECT id, before, after FROM journal WHERE entity_type = 'record' AND entity_id = ? AND kind = 'edit' AND undone = 0 AND before IS NOT NULL ORDER BY id DESC LIMIT 1").get(recordId) as { id: number; before: string; after: string } | undefined;
      if (!entry) return false;
      // Only an edit not yet sent: a push since then makes it history, not something to undo.
      const pushedSince = this.sqlite.prepare("SELECT 1 FROM journal WHERE entity_type = 'record' AND entity_id = ? AND kind = 'sync.push' AND id > ?").get(recordId, entry.id);
      if (pushedSince) return false;
      const rec = this.record(recordId);
      const before = JSON.parse(entry.before) as Record<string, unknown>;
      const local = { ...rec.local } as Record<string, unknown>;
      for (const [f, v] of Object.entries(before)) {
        if (v === null) delete local[f];
        else local[f] = v;
      }
      this.st.setLocal.run(JSON.stringify(local), this.now(), recordId);
      this.sqlite.prepare('UPDATE journal SET undone = 1 WHERE id = ?').run(entry.id);
      this.journal('undo', 'record', recordId, `undid ${Object.keys(before).join(', ')}`, JSON.parse(entry.after), before, actor);
      this.refreshChange(recordId);
      this.refreshPerson(rec.personId);
      return true;
    });
  }

  // ---- conflicts ---------------------------------------------------------------------------

  /**
   * Settle a conflict. "local" for a field is "keep mine": the change is then sent with
   * MPDX's `overwrite` (or, elsewhere, without the re-read guard). "remote" drops the local
   * value; a typed value replaces both.
   */
  resolve(conflictId: string, resolution: Resolution, by = 'user'): { changeId: number | null } {
    return this.tx(() => {
      const row = this.sqlite.prepare("SELECT record_id, kind, fields, remote_versions FROM conflicts WHERE id = ? AND state = 'open'").get(conflictId) as { record_id: string; kind: ConflictKind; fields: string; remote_versions: string | null } | undefined;
      if (!row) throw new CoreError('not_found', `No open conflict with id ${conflictId}`);
      const rec = this.record(row.record_id);
      const fields = JSON.parse(row.fields) as FieldConflict[];
      const now = this.now();
      const close = (): void => {
        this.sqlite.prepare("UPDATE conflicts SET state = 'resolved', resolution = ?, resolved_by = ?, resolved_at = ? WHERE id = ?").run(JSON.stringify(resolution), by, now, conflictId);
        this.journal('conflict.resolve', 'record', rec.id, describe(resolution), fields, resolution, by);
      };
      const open = this.openChangesOf(rec.id).filter((c) => c.state !== 'in_flight');

      if (row.kind === 'exists') {
        if (!('exists' in resolution)) throw new CoreError('bad_request', 'This create met a record already at the vendor: say whether it is the same person or a different one');
        return this.resolveExists(rec, open, existingOf(row.kind, row.remote_versions)!, resolution, close);
      }
      if ('exists' in resolution) throw new CoreError('bad_request', 'same/different person is only for a create that met an existing record');
      if (row.kind === 'deleted') {
        if (!('deleted' in resolution)) throw new CoreError('bad_request', 'This record was deleted on the server: choose recreate or drop');
        for (const c of open) this.setChange(c.id, 'cancelled', null);
        close();
        if (resolution.deleted === 'drop') {
          this.setRecordState(rec.id, 'deleted_remote');
          return { changeId: null };
        }
        this.sqlite.prepare("UPDATE records SET remote_id = NULL, server = NULL, base = NULL, versions = '{}', state = 'modified', updated_at = ? WHERE id = ?").run(now, rec.id);
        return { changeId: this.insertChange(rec.id, rec.accountId, 'create', rec.local as Record<string, unknown>, {}, Object.keys(rec.local)) };
      }
      if ('deleted' in resolution) throw new CoreError('bad_request', 'recreate/drop is only for a record deleted on the server');
      const choice = (f: string): { take: 'local' | 'remote' } | { value: unknown } => ('take' in resolution ? { take: resolution.take } : resolution.fields[f]) ?? missing(f);
      const local = { ...rec.local } as Record<string, unknown>;
      const typed: string[] = [];
      let keepMine = false;
      for (const f of fields) {
        const c = choice(f.field);
        if ('value' in c) {
          local[f.field] = c.value;
          typed.push(f.field);
        } else if (c.take === 'remote') local[f.field] = f.remote;
        else {
          local[f.field] = f.local;
          keepMine = true;
        }
        if (local[f.field] === null || local[f.field] === undefined) delete local[f.field];
      }
      if (typed.length) {
        const checked = this.check(rec.vendor, rec.accountId, Object.fromEntries(typed.map((f) => [f, local[f] ?? null])), rec.local, rec.server);
        if (checked.problems.length) throw new CoreError('bad_request', refusal(rec.vendor, checked.problems));
        Object.assign(local, checked.patch);
      }
      this.st.setLocal.run(JSON.stringify(local), now, rec.id);
      close();
      for (const c of open) if (c.state === 'conflict') this.setChange(c.id, 'pending', null, keepMine);
      const changeId = this.refreshChange(rec.id, typed);
      if (changeId !== null && keepMine) this.setChange(changeId, 'pending', null, true);
      if (changeId !== null) this.setRecordState(rec.id, 'modified');
      this.refreshPerson(rec.personId);
      return { changeId };
    });
  }

  /**
   * "The same person": the create goes back to the queue holding the existing record's id, so
   * the next push looks it up and links it (as a create whose answer was lost would be).
   * "A different person": under a new key the create is sent again from the start; where the
   * vendor has no key (CallTools merged by phone), nothing is created and the record is dropped.
   */
  private resolveExists(rec: RecordView, open: ChangeView[], existing: ExistingRecord, resolution: { exists: 'same' } | { exists: 'different'; key?: string }, close: () => void): { changeId: number | null } {
    const create = open.find((c) => c.op === 'create' && c.state === 'conflict');
    if (!create) throw new CoreError('conflict', 'The create this conflict holds is not waiting any more');
    const now = this.now();
    if (resolution.exists === 'same') {
      this.sqlite.prepare("UPDATE changes SET state = 'pending', progress = ?, attempts = max(attempts, 1), last_error = NULL, next_attempt_at = NULL, updated_at = ? WHERE id = ?").run(JSON.stringify({ record: existing.remoteId }), now, create.id);
      this.setRecordState(rec.id, 'modified');
      close();
      return { changeId: create.id };
    }
    if (!existing.key) {
      this.setChange(create.id, 'cancelled', null);
      this.setRecordState(rec.id, 'deleted_local');
      close();
      this.refreshPerson(rec.personId);
      return { changeId: null };
    }
    const key = resolution.key?.trim();
    if (!key) throw new CoreError('bad_request', `Type a new ${existing.key.label} for this person`);
    if (key === existing.remoteId) throw new CoreError('bad_request', `${existing.key.label} ${key} is the one already taken`);
    const taken = this.sqlite.prepare('SELECT 1 FROM records WHERE account_id = ? AND remote_id = ?').get(rec.accountId, key);
    if (taken) throw new CoreError('bad_request', `${VENDOR_LABELS[rec.vendor]} already has a contact under ${existing.key.label} ${key}`);
    const values = { ...create.createValues, [existing.key.name]: key };
    this.sqlite.prepare("UPDATE changes SET state = 'pending', progress = '{}', attempts = 0, create_values = ?, last_error = NULL, next_attempt_at = NULL, updated_at = ? WHERE id = ?").run(JSON.stringify(values), now, create.id);
    this.setRecordState(rec.id, 'modified');
    close();
    return { changeId: create.id };
  }

  // ---- push --------------------------------------------------------------------------------

  /** The change is about to be sent: from here a crash leaves it `in_flight`, checked by the next sync. */
  claim(changeId: number): void {
    this.tx(() => {
      const c = this.change(changeId);
      this.sqlite.prepare("UPDATE changes SET state = 'in_flight', attempts = attempts + 1, updated_at = ? WHERE id = ?").run(this.now(), changeId);
      if (c.op !== 'delete') this.setRecordState(c.recordId, 'pushing'); // a record deleted here stays deleted_local
    });
  }

  /** A step of a create is done at the vendor: keep its id before the next request goes out. */
  step(changeId: number, progress: CreateProgress): void {
    this.sqlite.prepare('UPDATE changes SET progress = ?, updated_at = ? WHERE id = ?').run(JSON.stringify(progress), this.now(), changeId);
  }

  /** The vendor accepted a change: the server copy becomes base, and local follows where nothing else is waiting. */
  pushed(changeId: number, result: RemoteRecord | null, remoteId?: string): void {
    this.tx(() => {
      const c = this.change(changeId);
      const rec = this.record(c.recordId);
      this.st.forgetPages.run(rec.accountId); // a server copy stored outside a page (see rememberPage)
      this.setChange(changeId, 'done', null);
      const others = this.openChangesOf(rec.id).filter((x) => x.id !== changeId);
      if (c.op === 'delete') {
        this.setRecordState(rec.id, 'deleted_local');
        // The delete was queued by some action (a merge): the push says so too, sent much later.
        const queued = this.sqlite.prepare("SELECT cause FROM journal WHERE entity_type = 'record' AND entity_id = ? AND kind = 'edit' AND after IS NULL ORDER BY id DESC LIMIT 1").get(rec.id) as { cause: string | null } | undefined;
        this.journal('sync.push', 'record', rec.id, 'deleted on the server', null, null, 'sync', queued?.cause ?? null);
        return;
      }
      if (remoteId && rec.remoteId !== remoteId) {
        const holder = this.sqlite.prepare('SELECT id, person_id FROM records WHERE account_id = ? AND remote_id = ? AND id <> ?').get(rec.accountId, remoteId, rec.id) as { id: string; person_id: string } | undefined;
        if (holder) {
          // The vendor matched an existing contact instead of creating one (CallTools MERGE,
          // LiveVox 202), or a pull saw our create before its answer was settled: Concord
          // already has it as another record, so this one folds into it.
          this.setRecordState(rec.id, 'deleted_local');
          if (result) this.upsertFromServer({ accountId: rec.accountId, remoteId, raw: result.raw, canonical: result.canonical, versions: result.versions });
          // A holder alone in a person of its own (what a pull makes) joins the person the
          // record was created for; one already linked to others stays where a person put it.
          const alone = (this.sqlite.prepare('SELECT count(*) AS n FROM records WHERE person_id = ?').get(holder.person_id) as { n: number }).n === 1;
          if (alone && holder.person_id !== rec.personId) {
            this.sqlite.prepare('UPDATE records SET person_id = ? WHERE id = ?').run(rec.personId, holder.id);
            this.counted('people', -this.st.dropPersonIfEmpty.run(holder.person_id, holder.person_id).changes);
          }
          this.journal('sync.push', 'record', rec.id, `already existed at the vendor as record ${holder.id}; folded into it`, null, { existingRecord: holder.id, remoteId }, 'sync');
          this.refreshPerson(rec.personId);
          return;
        }
        this.sqlite.prepare('UPDATE records SET remote_id = ? WHERE id = ?').run(remoteId, rec.id);
      }
      if (result) {
        const local = others.length ? rec.local : result.canonical;
        this.st.setServerCopy.run(packServerCopy(JSON.stringify(result.raw ?? null), rec.vendor), baseBeside(JSON.stringify(result.canonical), JSON.stringify(local)), JSON.stringify(local), JSON.stringify(result.versions), this.now(), rec.id);
      }
      this.setRecordState(rec.id, others.length ? (others.some((o) => o.state === 'conflict') ? 'conflicted' : 'modified') : 'synced');
      this.closeConflicts(rec.id, 'pushed');
      this.journal('sync.push', 'record', rec.id, `${c.op} sent: ${summaryOf(c.patch)}`, null, c.patch, 'sync');
      this.refreshPerson(rec.personId);
    });
  }

  /** The vendor merged a record into another: it now lives under a new id (or is gone). */
  merged(changeId: number, loserRemoteId: string | null): void {
    this.tx(() => {
      const c = this.change(changeId);
      this.setChange(changeId, 'done', null);
      if (loserRemoteId) this.sqlite.prepare('UPDATE records SET remote_id = ?, updated_at = ? WHERE id = ?').run(loserRemoteId, this.now(), c.recordId);
      else this.setRecordState(c.recordId, 'deleted_local');
      if (loserRemoteId && !this.openChangesOf(c.recordId).length) this.setRecordState(c.recordId, 'synced');
      this.journal('sync.push', 'record', c.recordId, `merged at the vendor into record ${String(c.patch.winnerRecordId)}`, null, c.patch, 'sync');
    });
  }

  /** Back to the queue (transient failure, or an in-flight change found unsent by recovery). */
  release(changeId: number, error: string | null, nextAttemptAt: string | null = null): void {
    this.tx(() => {
      const c = this.change(changeId);
      this.sqlite.prepare("UPDATE changes SET state = 'pending', last_error = ?, next_attempt_at = ?, updated_at = ? WHERE id = ?").run(error, nextAttemptAt, this.now(), changeId);
      if (c.op !== 'delete') this.setRecordState(c.recordId, this.openConflict(c.recordId) ? 'conflicted' : 'modified');
    });
  }

  /** The vendor refused the data: shown to the person, who can fix the record and retry. */
  reject(changeId: number, message: string): void {
    this.tx(() => {
      const c = this.change(changeId);
      this.setChange(changeId, 'rejected', message);
      this.setRecordState(c.recordId, 'rejected');
      this.journal('sync.reject', 'record', c.recordId, message, null, c.patch, 'sync');
    });
  }

  // ---- people ------------------------------------------------------------------------------

  /** The store's name statistics (given / family name counts), from the last duplicate scan. */
  nameStats: NameStats | undefined;
  /** Golden names from now on repair swaps and prefer common spellings by these counts (contacts/name-choice.ts). */
  useNameStats(stats: NameStats): void {
    this.nameStats = stats;
  }

  /** Recompute a person's golden record from its records (pinned fields win). */
  refreshPerson(personId: string): void {
    const person = this.st.person.get(personId) as { pinned: string } | undefined;
    if (!person) return;
    const recs = this.st.personRecords.all(personId) as { local: string; updated_at: string; settings: string }[];
    const golden = computeGolden(
      recs.map((r) => ({ local: JSON.parse(r.local) as CanonicalContact, updatedAt: r.updated_at, trusted: trustedFor(r.settings) })),
      JSON.parse(person.pinned) as Partial<CanonicalContact>,
      this.nameStats,
    );
    this.st.updatePerson.run(JSON.stringify(golden), displayName(golden), this.now(), personId);
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
  removeAccount(accountId: string, label: string, keep: { policies: FieldPolicyNote[] } = { policies: [] }): { records: number; people: number; journalId: number } {
    return this.tx(() => {
      const plan = this.removalPlan(accountId);
      if (plan.waiting) throw new CoreError('bad_request', `${plan.waiting} change${plan.waiting === 1 ? '' : 's'} to ${label} ${plan.waiting === 1 ? 'is' : 'are'} still open (waiting, in conflict or refused): send, settle or undo ${plan.waiting === 1 ? 'it' : 'them'} first`);
      const journalId = this.journal('account.remove', 'account', accountId, `removed the account ${label}`, { label, policies: keep.policies }, null, 'user');
      const { people, records } = keepAndDeleteAccount(this.sqlite, accountId, journalId);
      this.counted('records', -records);
      let gone = 0;
      for (const p of people) {
        const dropped = this.st.dropPersonIfEmpty.run(p, p).changes;
        gone += dropped;
        if (!dropped) this.refreshPerson(p);
      }
      this.counted('people', -gone);
      this.amendJournal(journalId, `removed the account ${label}: ${records} record${records === 1 ? '' : 's'} and ${gone} ${gone === 1 ? 'person' : 'people'} only there`, { label, records, people: gone });
      return { records, people: gone, journalId };
    });
  }

  /**
   * Undo an account's removal: its rows come back as they were kept (people it shared with
   * other accounts are linked again if they still exist), indexed and counted, golden records
   * recomputed. Returns the account id and what came back.
   */
  restoreAccount(journalId: number): { accountId: string; records: number; people: number; policies: FieldPolicyNote[] } {
    return this.tx(() => {
      if (!removalKept(this.sqlite, journalId)) throw new CoreError('bad_request', `That removal can no longer be undone: its copy was kept for ${REMOVAL_UNDO_DAYS} days, or it was already undone`);
      const r = restoreAccount(this.sqlite, journalId);
      for (const rec of r.records) this.inserted(rec.rowid, JSON.parse(rec.local) as CanonicalContact);
      this.counted('people', r.people);
      for (const p of r.stayed) this.refreshPerson(p);
      this.markUndone(journalId);
      this.journal('undo', 'account', r.accountId, `brought back the account ${r.label}: ${r.records.length} record${r.records.length === 1 ? '' : 's'}`, null, { undoOf: journalId }, 'user');
      return { accountId: r.accountId, records: r.records.length, people: r.people, policies: r.policies };
    });
  }

  /** Forget removals older than the undo window; returns the accounts whose secrets may now go. */
  purgeRemovals(): string[] {
    return this.tx(() => purgeRemovals(this.sqlite, new Date(this.clock.now().getTime() - REMOVAL_UNDO_DAYS * 86_400_000).toISOString()));
  }

  /** Golden records again after a setting they depend on changed (e.g. an account's trust). */
  refreshPeople(personIds: Iterable<string>): void {
    this.tx(() => {
      for (const id of personIds) this.refreshPerson(id);
    });
  }

  /** How records and people stood before a merge: what `unlink` restores. */
  snapshot(recordIds: string[]): MergeSnapshot {
    const records = recordIds.map((id) => {
      const r = this.sqlite.prepare('SELECT id, person_id, local, state FROM records WHERE id = ?').get(id) as { id: string; person_id: string; local: string; state: string };
      return { id: r.id, personId: r.person_id, local: JSON.parse(r.local) as CanonicalContact, state: r.state };
    });
    const people = [...new Set(records.map((r) => r.personId))].map((id) => this.sqlite.prepare('SELECT id, golden, pinned, display_name, created_at FROM people WHERE id = ?').get(id) as PersonSnapshot);
    return { records, people };
  }

  /** "Same person": records move to one person with the pinned picks; emptied people go. */
  link(recordIds: string[], target: string, pinned: Record<string, unknown>, formerPeople: string[]): void {
    this.tx(() => {
      this.sqlite.prepare('UPDATE records SET person_id = ? WHERE id IN (SELECT value FROM json_each(?))').run(target, JSON.stringify(recordIds));
      this.sqlite.prepare('UPDATE people SET pinned = ? WHERE id = ?').run(JSON.stringify(pinned), target);
      for (const p of formerPeople) if (p !== target) this.counted('people', -this.st.dropPersonIfEmpty.run(p, p).changes);
      this.refreshPerson(target);
    });
  }

  /**
   * Take a merge back. Its changes not sent yet are cancelled (record back as it was); sent
   * ones are compensated (an update written back, a deleted duplicate created again). Vendor
   * merges cannot be split. Then every record returns to its person as it was.
   */
  unlink(before: MergeSnapshot, changeIds: number[]): { compensating: number } {
    return this.tx(() => {
      const now = this.now();
      let compensating = 0;
      for (const id of changeIds) {
        const ch = this.change(id);
        const rec = before.records.find((r) => r.id === ch.recordId)!;
        if (ch.state === 'pending' || ch.state === 'rejected' || ch.state === 'conflict') {
          this.setChange(id, 'cancelled', 'merge undone');
          this.sqlite.prepare(`UPDATE records SET ${KEEP_BASE}, local = ?, state = ? WHERE id = ?`).run(JSON.stringify(rec.local), rec.state === 'deleted_local' ? 'deleted_local' : 'synced', rec.id);
          this.refreshChange(rec.id);
          continue;
        }
        if (ch.state === 'cancelled') continue;
        if (ch.state !== 'done') throw new CoreError('conflict', 'A write of this merge is being sent right now; try again after the sync');
        if (ch.op === 'update') {
          const back = Object.fromEntries(Object.keys(ch.patch).map((f) => [f, rec.local[f as keyof CanonicalContact] ?? null]));
          this.edit(rec.id, back as Partial<CanonicalContact>, 'undo');
          compensating++;
        } else if (ch.op === 'delete') {
          this.sqlite.prepare("UPDATE records SET remote_id = NULL, server = NULL, base = NULL, versions = '{}', local = ?, state = 'modified' WHERE id = ?").run(JSON.stringify(rec.local), rec.id);
          this.insertChange(rec.id, ch.accountId, 'create', rec.local as Record<string, unknown>, {}, Object.keys(rec.local));
          compensating++;
        }
      }
      for (const p of before.people) {
        const back = this.sqlite.prepare('INSERT OR IGNORE INTO people (id, golden, pinned, display_name, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)').run(p.id, p.golden, p.pinned, p.display_name, p.created_at, now);
        if (back.changes) this.counted('people', 1);
        else this.sqlite.prepare('UPDATE people SET pinned = ? WHERE id = ?').run(p.pinned, p.id);
      }
      for (const r of before.records) this.sqlite.prepare('UPDATE records SET person_id = ? WHERE id = ?').run(r.personId, r.id);
      for (const p of before.people) this.refreshPerson(p.id);
      return { compensating };
    });
  }

  // ---- journal -----------------------------------------------------------------------------

  /**
   * An entry in the activity journal (what happened, with before/after for undo), stamped with
   * the action it belongs to. `cause` overrides the action's, for a row written long after the
   * action that caused it (a queued delete, pushed by a later sync).
   */
  journal(kind: string, entityType: string, entityId: string, summary: string, before: unknown, after: unknown, actor: string, cause?: string | null): number {
    const actionId = this.action?.id ?? (actor === 'sync' ? this.syncAction : null);
    return Number(this.st.journal.run(this.now(), actor, kind, entityType, entityId, summary, before === null ? null : JSON.stringify(before), after === null ? null : JSON.stringify(after), actionId, cause ?? this.action?.cause ?? null).lastInsertRowid);
  }

  /** Mark a journal entry undone (its undo is journaled by the caller's transition). */
  /** Bring a job's lead row up to date as it goes (a bulk merge or add: one undoable entry even if it stops part-way). */
  amendJournal(journalId: number, summary: string, after: unknown): void {
    this.sqlite.prepare('UPDATE journal SET summary = ?, after = ? WHERE id = ?').run(summary, JSON.stringify(after), journalId);
  }

  markUndone(journalId: number): void {
    this.sqlite.prepare('UPDATE journal SET undone = 1 WHERE id = ?').run(journalId);
  }

  // ---- the sync lease ----------------------------------------------------------------------

  /**
   * Take the store's sync lease, or say who holds it. One transaction that takes SQLite's
   * write lock first (BEGIN IMMEDIATE), so two processes cannot both see it free.
   */
  acquireLease(owner: string, holder: string, ttlMs: number, gone: (owner: string) => boolean = () => false): { ok: true } | { ok: false; lease: Lease } {
    const take = this.sqlite.transaction(() => {
      const now = this.clock.now();
      const cur = this.sqlite.prepare('SELECT owner, holder, started_at, expires_at FROM sync_lease WHERE name = ?').get(LEASE) as { owner: string; holder: string; started_at: string; expires_at: string } | undefined;
      // `gone`: the holder is known to have died (a killed process on this machine), so its
      // lease need not run out first.
      if (cur && cur.owner !== owner && Date.parse(cur.expires_at) > now.getTime() && !gone(cur.owner)) {
        return { ok: false as const, lease: { owner: cur.owner, holder: cur.holder, startedAt: cur.started_at, expiresAt: cur.expires_at } };
      }
      const at = now.toISOString();
      this.sqlite.prepare('INSERT INTO sync_lease (name, owner, holder, started_at, heartbeat_at, expires_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(name) DO UPDATE SET owner = excluded.owner, holder = excluded.holder, started_at = excluded.started_at, heartbeat_at = excluded.heartbeat_at, expires_at = excluded.expires_at')
        .run(LEASE, owner, holder, at, at, new Date(now.getTime() + ttlMs).toISOString());
      return { ok: true as const };
    });
    const got = take.immediate();
    if (got.ok) this.syncAction = randomUUID();
    return got;
  }

  /** Still alive: push the lease's expiry on. False when it was lost (expired and taken). */
  heartbeat(owner: string, ttlMs: number): boolean {
    const now = this.clock.now();
    return this.sqlite.prepare('UPDATE sync_lease SET heartbeat_at = ?, expires_at = ? WHERE name = ? AND owner = ?').run(now.toISOString(), new Date(now.getTime() + ttlMs).toISOString(), LEASE, owner).changes > 0;
  }

  releaseLease(owner: string): void {
    this.syncAction = null;
    this.sqlite.prepare('DELETE FROM sync_lease WHERE name = ? AND owner = ?').run(LEASE, owner);
  }

  /** Who is syncing right now, if anyone (an expired lease is nobody). */
  currentLease(): Lease | null {
    const cur = this.sqlite.prepare('SELECT owner, holder, started_at, expires_at FROM sync_lease WHERE name = ?').get(LEASE) as { owner: string; holder: string; started_at: string; expires_at: string } | undefined;
    if (!cur || Date.parse(cur.expires_at) <= this.clock.now().getTime()) return null;
    return { owner: cur.owner, holder: cur.holder, startedAt: cur.started_at, expiresAt: cur.expires_at };
  }

  // ---- internals ---------------------------------------------------------------------------

  /**
   * Bring the record's open update in line with what the person meant: the fields of its
   * intent (plus `more`) whose local value differs from base. Creates it, rewrites its patch,
   * or cancels it when nothing differs any more. Returns the open change id, if any.
   */
  private refreshChange(recordId: string, more: string[] = []): number | null {
    const rec = this.record(recordId);
    const open = this.openChangesOf(recordId);
    if (open.some((c) => c.op === 'create')) {
      const create = open.find((c) => c.op === 'create' && c.state !== 'in_flight');
      if (create) this.sqlite.prepare('UPDATE changes SET patch = ?, updated_at = ? WHERE id = ?').run(JSON.stringify(rec.local), this.now(), create.id);
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
      this.sqlite.prepare('UPDATE changes SET patch = ?, intent = ?, state = ?, updated_at = ? WHERE id = ?').run(JSON.stringify(patch), JSON.stringify(keptIntent), state, this.now(), editable.id);
      if (!inFlight) this.setRecordState(recordId, state === 'conflict' ? 'conflicted' : 'modified');
      return editable.id;
    }
    const id = this.insertChange(recordId, rec.accountId, 'update', patch as Record<string, unknown>, rec.versions, keptIntent);
    if (!inFlight) this.setRecordState(recordId, 'modified');
    return id;
  }

  private raiseConflict(recordId: string, kind: ConflictKind, fields: FieldConflict[], remoteVersions: Record<string, string>): void {
    const open = this.openConflict(recordId);
    const change = this.openChangesOf(recordId).find((c) => c.op !== 'delete');
    if (open) {
      this.sqlite.prepare('UPDATE conflicts SET kind = ?, fields = ?, remote_versions = ?, change_id = coalesce(change_id, ?) WHERE id = ?').run(kind, JSON.stringify(fields), JSON.stringify(remoteVersions), change?.id ?? null, open.id);
      return;
    }
    this.sqlite.prepare("INSERT INTO conflicts (id, record_id, change_id, kind, fields, remote_versions, state, created_at) VALUES (?, ?, ?, ?, ?, ?, 'open', ?)")
      .run(randomUUID(), recordId, change?.id ?? null, kind, JSON.stringify(fields), JSON.stringify(remoteVersions), this.now());
    const said = kind === 'deleted' ? 'deleted on the server while edited here' : kind === 'exists' ? `the create met a record already at the vendor (${remoteVersions.existingRemoteId ?? '?'})` : `conflict on ${fields.map((f) => f.field).join(', ')}`;
    this.journal('conflict.raise', 'record', recordId, said, null, fields, 'sync');
  }

  /** Both sides now agree on every disputed field: the conflict closes by itself and the change may go. */
  private settleConflict(recordId: string, changeId: number | null): void {
    this.closeConflicts(recordId, 'both sides agree now');
    if (changeId !== null && this.change(changeId).state === 'conflict') this.setChange(changeId, 'pending', null);
  }

  private closeConflicts(recordId: string, why: string): void {
    this.st.closeConflicts.run(JSON.stringify({ auto: why }), this.now(), recordId);
  }

  private setChange(id: number, state: ChangeState, error: string | null, overwrite?: boolean): void {
    if (overwrite === undefined) this.sqlite.prepare('UPDATE changes SET state = ?, last_error = ?, updated_at = ? WHERE id = ?').run(state, error, this.now(), id);
    else this.sqlite.prepare('UPDATE changes SET state = ?, last_error = ?, overwrite = ?, updated_at = ? WHERE id = ?').run(state, error, overwrite ? 1 : 0, this.now(), id);
  }

  private setRecordState(recordId: string, state: RecordState): void {
    this.st.setState.run(state, this.now(), recordId);
  }

  private insertChange(recordId: string, accountId: string, op: ChangeOp, patch: Record<string, unknown>, baseVersions: Record<string, string>, intent: string[] = []): number {
    const now = this.now();
    return Number(this.st.insertChange.run(recordId, accountId, op, JSON.stringify(patch), JSON.stringify(intent), JSON.stringify(baseVersions), randomUUID(), now, now).lastInsertRowid);
  }
}

function toChange(c: ChangeSql): ChangeView {
  return {
    id: c.id, recordId: c.record_id, accountId: c.account_id, op: c.op, patch: JSON.parse(c.patch) as Record<string, unknown>,
    intent: JSON.parse(c.intent) as string[], progress: JSON.parse(c.progress) as CreateProgress, createValues: JSON.parse(c.create_values ?? '{}') as Record<string, string>,
    baseVersions: JSON.parse(c.base_versions) as Record<string, string>, idempotencyKey: c.idempotency_key, state: c.state,
    overwrite: c.overwrite === 1, attempts: c.attempts, lastError: c.last_error, nextAttemptAt: c.next_attempt_at, createdAt: c.created_at,
  };
}

function pick(c: CanonicalContact, fields: string[]): Record<string, unknown> {
  return Object.fromEntries(fields.map((f) => [f, c[f as keyof CanonicalContact] ?? null]));
}

function trustedFor(settings: string): string[] | undefined {
  const t = (JSON.parse(settings) as { trustedFor?: unknown }).trustedFor;
  return Array.isArray(t) ? t.map(String) : undefined;
}

/** A field-by-field resolution must say what to do with every disputed field: no silent "keep mine". */
function missing(field: string): never {
  throw new CoreError('bad_request', `Choose mine, theirs or a value for ${field}`);
}

/** Parts of phones/emails an edit changes by themselves that the vendor cannot hold. */
export function unheldParts(intent: string[], writable: readonly string[]): string[] {
  return intent.filter((p) => p.includes('.') && !writable.includes(p));
}

export function partInWords(path: string): string {
  const [field, part] = path.split('.') as [string, string];
  const what = field === 'phones' ? 'phone' : 'email';
  return part === 'primary' ? `which ${what} is the primary one` : part === 'label' ? `${what} labels` : part === 'mobile' ? 'which phone is the mobile' : `a do-not-contact flag per ${what}`;
}

function refusal(vendor: AccountKind, problems: { field: string; message: string }[]): string {
  return `Not saved — ${VENDOR_LABELS[vendor]} cannot hold this: ${problems.map((p) => p.message).join('; ')}`;
}

export function summaryOf(patch: Record<string, unknown>): string {
  return Object.keys(patch).join(', ') || '(nothing)';
}

function describe(r: Resolution): string {
  if ('take' in r) return r.take === 'local' ? 'kept mine for every field' : 'took theirs for every field';
  if ('deleted' in r) return r.deleted === 'recreate' ? 'recreate on the server' : 'dropped the local edit';
  if ('exists' in r) return r.exists === 'same' ? 'the same person: link them' : `a different person${r.key ? `: create under ${r.key}` : ': not created there'}`;
  return Object.entries(r.fields).map(([f, c]) => `${f}: ${'value' in c ? 'typed a value' : c.take === 'local' ? 'kept mine' : 'took theirs'}`).join(', ');
}
