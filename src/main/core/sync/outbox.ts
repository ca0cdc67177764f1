// The outbox and the record states around it (DESIGN §2, §4). Every method is one
// transaction, so a crash between any two of them leaves the store consistent: an edit and
// its outbox row land together, a push result and the change's `done` land together.
import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { AccountKind, CanonicalContact, RecordState } from '../../../shared/domain';
import type { Clock } from '../clock';
import type { RecordsRepo } from '../contacts/records-repo';
import { CoreError } from '../errors';
import type { RemoteRecord } from '../vendors/connector';
import { applyPatch, diff, merge3, sameValue, type FieldConflict } from './merge';

export type ChangeOp = 'create' | 'update' | 'delete' | 'merge';
export type ChangeState = 'pending' | 'in_flight' | 'done' | 'conflict' | 'rejected' | 'cancelled';

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
  baseVersions: Record<string, string>;
  idempotencyKey: string;
  state: ChangeState;
  overwrite: boolean;
  attempts: number;
  lastError: string | null;
  createdAt: string;
}

/** What applying a server copy to an edited record came to. */
export type ReconcileOutcome = 'clean' | 'conflict' | 'already_there';

const OPEN = "('pending','in_flight','conflict','rejected')";

type RecordSql = { id: string; account_id: string; kind: AccountKind; remote_id: string | null; person_id: string; server: string | null; base: string | null; local: string; versions: string; state: RecordState };
type ChangeSql = { id: number; record_id: string; account_id: string; op: ChangeOp; patch: string; base_versions: string; idempotency_key: string; state: ChangeState; overwrite: number; attempts: number; last_error: string | null; created_at: string };

export class Outbox {
  constructor(
    private readonly sqlite: Database.Database,
    private readonly records: RecordsRepo,
    private readonly clock: Clock,
    /** Canonical fields a vendor can write; edits outside them are refused. */
    private readonly writable: (vendor: AccountKind) => readonly string[],
  ) {}

  private now(): string {
    return this.clock.now().toISOString();
  }

  tx<T>(fn: () => T): T {
    return this.sqlite.inTransaction ? fn() : this.sqlite.transaction(fn)();
  }

  record(id: string): RecordView {
    const r = this.sqlite
      .prepare('SELECT r.id, r.account_id, a.kind, r.remote_id, r.person_id, r.server, r.base, r.local, r.versions, r.state FROM records r JOIN accounts a ON a.id = r.account_id WHERE r.id = ?')
      .get(id) as RecordSql | undefined;
    if (!r) throw new CoreError('not_found', `No record with id ${id}`);
    return {
      id: r.id, accountId: r.account_id, vendor: r.kind, remoteId: r.remote_id, personId: r.person_id,
      server: r.server ? JSON.parse(r.server) : null, base: r.base ? (JSON.parse(r.base) as CanonicalContact) : null,
      local: JSON.parse(r.local) as CanonicalContact, versions: JSON.parse(r.versions) as Record<string, string>, state: r.state,
    };
  }

  change(id: number): ChangeView {
    const c = this.sqlite.prepare('SELECT * FROM changes WHERE id = ?').get(id) as ChangeSql | undefined;
    if (!c) throw new CoreError('not_found', `No change with id ${id}`);
    return toChange(c);
  }

  /** Open changes of one account in the order they were made. */
  openChanges(accountId: string, states: ChangeState[] = ['pending']): ChangeView[] {
    return (this.sqlite.prepare(`SELECT * FROM changes WHERE account_id = ? AND state IN (SELECT value FROM json_each(?)) ORDER BY id`).all(accountId, JSON.stringify(states)) as ChangeSql[]).map(toChange);
  }

  openChangesOf(recordId: string): ChangeView[] {
    return (this.sqlite.prepare(`SELECT * FROM changes WHERE record_id = ? AND state IN ${OPEN} ORDER BY id`).all(recordId) as ChangeSql[]).map(toChange);
  }

  /**
   * A person edited a record. Local changes at once; the outbox row (one open update per
   * record, its patch always "local minus base") is written in the same transaction.
   */
  editRecord(recordId: string, patch: Partial<CanonicalContact>, actor = 'user'): { changeId: number | null; journalId: number } {
    return this.tx(() => {
      const rec = this.record(recordId);
      if (rec.state === 'deleted_local') throw new CoreError('bad_request', 'This record was deleted here; it cannot be edited');
      if (rec.vendor === 'csv') throw new CoreError('bad_request', 'A CSV source changes only by importing the file again');
      const writable = this.writable(rec.vendor);
      const refused = Object.keys(patch).filter((f) => !writable.includes(f));
      if (refused.length) throw new CoreError('bad_request', `${rec.vendor} records cannot hold ${refused.join(', ')}`);
      const before = rec.local;
      const local = applyPatch(rec.local, patch);
      this.sqlite.prepare('UPDATE records SET local = ?, updated_at = ? WHERE id = ?').run(JSON.stringify(local), this.now(), recordId);
      const journalId = this.journal('edit', 'record', recordId, `edited ${summaryOf(patch)}`, pick(before, Object.keys(patch)), pick(local, Object.keys(patch)), actor);
      const changeId = this.refreshChange(recordId);
      this.records.refreshPerson(rec.personId);
      return { changeId, journalId };
    });
  }

  /** A new record made here, pushed as a create. */
  createRecord(accountId: string, personId: string, contact: CanonicalContact): { recordId: string; changeId: number } {
    return this.tx(() => {
      const id = randomUUID();
      const now = this.now();
      this.sqlite.prepare("INSERT INTO records (id, account_id, remote_id, person_id, server, base, local, versions, state, created_at, updated_at) VALUES (?, ?, NULL, ?, NULL, NULL, ?, '{}', 'modified', ?, ?)")
        .run(id, accountId, personId, JSON.stringify(contact), now, now);
      const changeId = this.insertChange(id, accountId, 'create', contact as Record<string, unknown>, {});
      this.journal('edit', 'record', id, 'created here', null, contact, 'user');
      this.records.refreshPerson(personId);
      return { recordId: id, changeId };
    });
  }

  deleteRecord(recordId: string): number {
    return this.tx(() => {
      const rec = this.record(recordId);
      for (const c of this.openChangesOf(recordId)) if (c.state !== 'in_flight') this.setChange(c.id, 'cancelled', null);
      this.setRecordState(recordId, 'deleted_local');
      this.journal('edit', 'record', recordId, 'deleted here', rec.local, null, 'user');
      return rec.remoteId ? this.insertChange(recordId, rec.accountId, 'delete', {}, rec.versions) : 0;
    });
  }

  /**
   * Bring the record's open update in line with local vs base: create it, rewrite its patch,
   * or cancel it when nothing differs any more. Returns the open change id, if any.
   */
  refreshChange(recordId: string): number | null {
    const rec = this.record(recordId);
    const open = this.openChangesOf(recordId);
    if (open.some((c) => c.op === 'create')) {
      const create = open.find((c) => c.op === 'create' && c.state !== 'in_flight');
      if (create) this.sqlite.prepare('UPDATE changes SET patch = ?, updated_at = ? WHERE id = ?').run(JSON.stringify(rec.local), this.now(), create.id);
      return create?.id ?? null;
    }
    const patch = diff(rec.base ?? {}, rec.local, this.writable(rec.vendor));
    const editable = open.find((c) => c.op === 'update' && c.state !== 'in_flight');
    const inFlight = open.some((c) => c.state === 'in_flight');
    if (!Object.keys(patch).length) {
      if (editable) this.setChange(editable.id, 'cancelled', null);
      if (!inFlight && rec.state !== 'deleted_remote') this.setRecordState(recordId, 'synced');
      this.closeConflicts(recordId, 'nothing left to push');
      return null;
    }
    if (editable) {
      const state = editable.state === 'rejected' ? 'pending' : editable.state; // fixed after a rejection: try again
      this.sqlite.prepare('UPDATE changes SET patch = ?, state = ?, updated_at = ? WHERE id = ?').run(JSON.stringify(patch), state, this.now(), editable.id);
      if (!inFlight) this.setRecordState(recordId, state === 'conflict' ? 'conflicted' : 'modified');
      return editable.id;
    }
    const id = this.insertChange(recordId, rec.accountId, 'update', patch as Record<string, unknown>, rec.versions);
    if (!inFlight) this.setRecordState(recordId, 'modified');
    return id;
  }

  /**
   * The server's copy of a record that has local edits (from a pull, or re-read before a
   * push): three-way merge per field. Clean: the edit is rebased on the new server copy.
   * Same field changed on both sides: a conflict, and the change is held.
   */
  reconcile(recordId: string, remote: RemoteRecord): ReconcileOutcome {
    return this.tx(() => {
      const rec = this.record(recordId);
      const writable = this.writable(rec.vendor);
      const { merged, conflicts } = merge3(rec.base ?? {}, rec.local, remote.canonical, writable);
      this.sqlite.prepare('UPDATE records SET server = ?, base = ?, local = ?, versions = ?, updated_at = ? WHERE id = ?')
        .run(JSON.stringify(remote.raw ?? null), JSON.stringify(remote.canonical), JSON.stringify(merged), JSON.stringify(remote.versions), this.now(), recordId);
      const open = this.openChangesOf(recordId).filter((c) => c.op === 'update');
      for (const c of open) this.sqlite.prepare('UPDATE changes SET base_versions = ? WHERE id = ?').run(JSON.stringify(remote.versions), c.id);
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
      this.records.refreshPerson(rec.personId);
      return outcome;
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

  openConflict(recordId: string): { id: string; kind: 'fields' | 'deleted'; fields: FieldConflict[]; changeId: number | null } | null {
    const row = this.sqlite.prepare("SELECT id, kind, fields, change_id FROM conflicts WHERE record_id = ? AND state = 'open'").get(recordId) as { id: string; kind: 'fields' | 'deleted'; fields: string; change_id: number | null } | undefined;
    return row ? { id: row.id, kind: row.kind, fields: JSON.parse(row.fields) as FieldConflict[], changeId: row.change_id } : null;
  }

  private raiseConflict(recordId: string, kind: 'fields' | 'deleted', fields: FieldConflict[], remoteVersions: Record<string, string>): void {
    const open = this.openConflict(recordId);
    const change = this.openChangesOf(recordId).find((c) => c.op !== 'delete');
    if (open) {
      this.sqlite.prepare('UPDATE conflicts SET kind = ?, fields = ?, remote_versions = ?, change_id = coalesce(change_id, ?) WHERE id = ?').run(kind, JSON.stringify(fields), JSON.stringify(remoteVersions), change?.id ?? null, open.id);
      return;
    }
    this.sqlite.prepare("INSERT INTO conflicts (id, record_id, change_id, kind, fields, remote_versions, state, created_at) VALUES (?, ?, ?, ?, ?, ?, 'open', ?)")
      .run(randomUUID(), recordId, change?.id ?? null, kind, JSON.stringify(fields), JSON.stringify(remoteVersions), this.now());
    this.journal('conflict.raise', 'record', recordId, `${kind === 'deleted' ? 'deleted on the server while edited here' : `conflict on ${fields.map((f) => f.field).join(', ')}`}`, null, fields, 'sync');
  }

  /** Both sides now agree on every disputed field: the conflict closes by itself and the change may go. */
  private settleConflict(recordId: string, changeId: number | null): void {
    this.closeConflicts(recordId, 'both sides agree now');
    if (changeId !== null && this.change(changeId).state === 'conflict') this.setChange(changeId, 'pending', null);
  }

  private closeConflicts(recordId: string, why: string): void {
    this.sqlite.prepare("UPDATE conflicts SET state = 'resolved', resolution = ?, resolved_by = 'sync', resolved_at = ? WHERE record_id = ? AND state = 'open'").run(JSON.stringify({ auto: why }), this.now(), recordId);
  }

  /** The vendor accepted a change: the server copy becomes base, and local follows where nothing else is waiting. */
  pushed(changeId: number, result: RemoteRecord | null, remoteId?: string): void {
    this.tx(() => {
      const c = this.change(changeId);
      const rec = this.record(c.recordId);
      this.setChange(changeId, 'done', null);
      const others = this.openChangesOf(rec.id).filter((x) => x.id !== changeId);
      if (c.op === 'delete') {
        this.setRecordState(rec.id, 'deleted_local');
        this.journal('sync.push', 'record', rec.id, 'deleted on the server', null, null, 'sync');
        return;
      }
      if (remoteId && rec.remoteId !== remoteId) {
        const holder = this.sqlite.prepare('SELECT id FROM records WHERE account_id = ? AND remote_id = ? AND id <> ?').get(rec.accountId, remoteId, rec.id) as { id: string } | undefined;
        if (holder) {
          // The vendor matched an existing contact instead of creating one (CallTools MERGE,
          // LiveVox 202): Concord already has it as another record, so this one folds into it.
          this.setRecordState(rec.id, 'deleted_local');
          if (result) this.records.upsertFromServer({ accountId: rec.accountId, remoteId, raw: result.raw, canonical: result.canonical, versions: result.versions });
          this.journal('sync.push', 'record', rec.id, `already existed at the vendor as record ${holder.id}; folded into it`, null, { existingRecord: holder.id, remoteId }, 'sync');
          this.records.refreshPerson(rec.personId);
          return;
        }
        this.sqlite.prepare('UPDATE records SET remote_id = ? WHERE id = ?').run(remoteId, rec.id);
      }
      if (result) {
        const local = others.length ? rec.local : result.canonical;
        this.sqlite.prepare('UPDATE records SET server = ?, base = ?, local = ?, versions = ?, updated_at = ? WHERE id = ?')
          .run(JSON.stringify(result.raw ?? null), JSON.stringify(result.canonical), JSON.stringify(local), JSON.stringify(result.versions), this.now(), rec.id);
      }
      this.setRecordState(rec.id, others.length ? (others.some((o) => o.state === 'conflict') ? 'conflicted' : 'modified') : 'synced');
      this.closeConflicts(rec.id, 'pushed');
      this.journal('sync.push', 'record', rec.id, `${c.op} sent: ${summaryOf(c.patch)}`, null, c.patch, 'sync');
      this.records.refreshPerson(rec.personId);
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

  /** The change is about to be sent: from here a crash leaves it `in_flight`, checked at the next start. */
  claim(changeId: number): void {
    this.tx(() => {
      const c = this.change(changeId);
      this.sqlite.prepare("UPDATE changes SET state = 'in_flight', attempts = attempts + 1, updated_at = ? WHERE id = ?").run(this.now(), changeId);
      if (c.op !== 'delete') this.setRecordState(c.recordId, 'pushing'); // a record deleted here stays deleted_local
    });
  }

  /** Back to the queue (transient failure, or an in-flight change found unsent at start-up). */
  release(changeId: number, error: string | null, nextAttemptAt: string | null = null): void {
    this.tx(() => {
      const c = this.change(changeId);
      this.sqlite.prepare("UPDATE changes SET state = 'pending', last_error = ?, next_attempt_at = ?, updated_at = ? WHERE id = ?").run(error, nextAttemptAt, this.now(), changeId);
      if (c.op !== 'delete') this.setRecordState(c.recordId, 'modified');
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

  /** A record's open conflict was settled: its change goes back to the queue (or is dropped). */
  setChange(id: number, state: ChangeState, error: string | null, overwrite?: boolean): void {
    this.sqlite.prepare(`UPDATE changes SET state = ?, last_error = ?, ${overwrite === undefined ? '' : 'overwrite = @o, '}updated_at = ? WHERE id = ?`.replace('@o', overwrite ? '1' : '0'))
      .run(state, error, this.now(), id);
  }

  setRecordState(recordId: string, state: RecordState): void {
    this.sqlite.prepare('UPDATE records SET state = ?, updated_at = ? WHERE id = ?').run(state, this.now(), recordId);
  }

  insertChange(recordId: string, accountId: string, op: ChangeOp, patch: Record<string, unknown>, baseVersions: Record<string, string>): number {
    const now = this.now();
    return Number(this.sqlite.prepare("INSERT INTO changes (record_id, account_id, op, patch, base_versions, idempotency_key, state, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, 'pending', ?, ?)")
      .run(recordId, accountId, op, JSON.stringify(patch), JSON.stringify(baseVersions), randomUUID(), now, now).lastInsertRowid);
  }

  journal(kind: string, entityType: string, entityId: string, summary: string, before: unknown, after: unknown, actor: string): number {
    return Number(this.sqlite.prepare('INSERT INTO journal (at, actor, kind, entity_type, entity_id, summary, before, after) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
      .run(this.now(), actor, kind, entityType, entityId, summary, before === null ? null : JSON.stringify(before), after === null ? null : JSON.stringify(after)).lastInsertRowid);
  }

  /** Outbox counts for status. */
  counts(): { pending: number; inFlight: number; conflict: number; rejected: number } {
    const rows = this.sqlite.prepare(`SELECT state, count(*) AS n FROM changes WHERE state IN ${OPEN} GROUP BY state`).all() as { state: string; n: number }[];
    const n = (s: string) => rows.find((r) => r.state === s)?.n ?? 0;
    return { pending: n('pending'), inFlight: n('in_flight'), conflict: n('conflict'), rejected: n('rejected') };
  }
}

function toChange(c: ChangeSql): ChangeView {
  return {
    id: c.id, recordId: c.record_id, accountId: c.account_id, op: c.op, patch: JSON.parse(c.patch) as Record<string, unknown>,
    baseVersions: JSON.parse(c.base_versions) as Record<string, string>, idempotencyKey: c.idempotency_key, state: c.state,
    overwrite: c.overwrite === 1, attempts: c.attempts, lastError: c.last_error, createdAt: c.created_at,
  };
}

function pick(c: CanonicalContact, fields: string[]): Record<string, unknown> {
  return Object.fromEntries(fields.map((f) => [f, c[f as keyof CanonicalContact] ?? null]));
}

export function summaryOf(patch: Record<string, unknown>): string {
  return Object.keys(patch).join(', ') || '(nothing)';
}
