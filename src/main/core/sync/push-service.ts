// Push (docs/design.md#push-and-write-guards): send an account's outbox in the order changes were made, lane by lane
// (push-lanes.ts: one person's or one MPDX contact's changes in order, lanes side by side).
// MPDX checks its own updated_in_db_at and answers a stale write with 409; for the other
// vendors Concord guards the write itself by re-reading the record and comparing the version
// token. Either way a moved record is merged: clean merges are re-sent with the fresh token,
// real conflicts wait for a person. Retryable failures stop the account's push with the
// change back in the queue, so order is kept and nothing is lost.
import type { Clock } from '../clock';
import type { Logger } from '../log';
import type { Connector, RemoteRecord } from '../vendors/connector';
import { retryDelayMs } from '../vendors/backoff';
import { readIfThere } from '../vendors/evidence';
import { VendorError } from '../vendors/errors';
import { diff } from './merge';
import { fieldMessage, intentFields, pushBatches } from './push-batch';
import { lanesOf, PushWidth, runLanes, type WidthTuning } from './push-lanes';
import type { ChangeView, RecordView, SyncStore } from './sync-store';
import { VENDOR_LABELS, type Vendor } from '../../../shared/domain';

export interface PushResult {
  pushed: number;
  conflicts: number;
  rejected: number;
  /** Why the push stopped early (the change that hit it is back in the queue). */
  stoppedBy: VendorError | Error | null;
  /** The most changes in flight at once. */
  peakWidth?: number;
}

/** Re-merges per change before giving up on a record that keeps moving under us. */
const MAX_ROUNDS = 3;

export class PushService {
  constructor(
    private readonly store: SyncStore,
    private readonly clock: Clock,
    private readonly log: Logger,
    /** First wait before a failed change is tried again, doubled per attempt (the sync's round delay). */
    private readonly backoffBaseMs = 2_000,
    /** How many changes go to one vendor at once (see push-lanes.ts). */
    private readonly widthTuning: WidthTuning = {},
  ) {}

  /** Each account's pool width, kept from one push to the next. */
  private readonly widths = new Map<string, PushWidth>();

  /**
   * Changes left `in_flight` by a crash or a kill: ask the vendor whether they landed before
   * anything is sent again, so a write reaches the vendor once.
   */
  async recover(accountId: string, connector: Connector): Promise<void> {
    const readBack = async (ids: (string | null)[]): Promise<Map<string, RemoteRecord> | null> => {
      const wanted = ids.filter((id): id is string => !!id);
      return connector.readMany && wanted.length >= 2 ? connector.readMany(wanted) : null;
    };
    // Only the holder of the store's sync lease gets here, so an in-flight change is a
    // leftover of a sync that died (its lease expired), never one another sync is sending.
    const inFlight = this.store.openChanges(accountId, ['in_flight']);
    // A batch killed mid-way leaves many: read them back together where the vendor can (one
    // search for 200 LiveVox records), else one by one below.
    const known = await readBack(
      inFlight.filter((c) => c.op === 'update' || c.op === 'delete').map((c) => this.store.record(c.recordId).remoteId),
    );
    for (const c of inFlight) {
      const rec = this.store.record(c.recordId);
      if (c.op === 'create') {
        if (rec.remoteId) {
          const found = await readIfThere(connector, rec.remoteId);
          if (found) this.store.pushed(c.id, found, found.remoteId);
          else this.store.release(c.id, 'Interrupted; not found at the vendor, creating again');
        } else {
          // Steps already done resume in push (the saga checks what landed); with none
          // stored, push looks the record up by strong evidence before creating it.
          this.store.release(c.id, 'Interrupted before the vendor answered; checking before sending again');
        }
        continue;
      }
      if (c.op === 'merge') {
        this.store.release(c.id, 'Interrupted; merging again'); // the vendor's merge of merged records is a no-op or a 404 we accept
        continue;
      }
      const current = !rec.remoteId ? null : known ? (known.get(rec.remoteId) ?? null) : await readIfThere(connector, rec.remoteId);
      if (c.op === 'delete') {
        if (current) this.store.release(c.id, 'Interrupted; the record is still there, deleting again');
        else this.store.pushed(c.id, null);
        continue;
      }
      if (!current) {
        this.store.release(c.id, null);
        this.store.raiseDeleted(rec.id);
        continue;
      }
      const landed = Object.keys(diff(current.canonical, rec.local, intentFields(c, connector))).length === 0;
      if (landed) this.store.pushed(c.id, current);
      else this.store.release(c.id, 'Interrupted before the vendor applied it; sending again');
    }
  }

  async push(
    accountId: string,
    connector: Connector,
    onProgress?: (done: number, total: number) => void,
    signal?: AbortSignal,
  ): Promise<PushResult> {
    const result: PushResult = { pushed: 0, conflicts: 0, rejected: 0, stoppedBy: null };
    // Changes told to wait (a 429's Retry-After, backoff after a failure) are not due yet.
    const queue = this.store.openChanges(accountId, ['pending'], this.clock.now());
    const width = this.widthOf(accountId);
    // Each change counts once, whether a batch or its lane settled it.
    const counted = new Set<number>();
    const progress = (id: number) => {
      if (counted.has(id)) return;
      counted.add(id);
      onProgress?.(counted.size, queue.length);
    };
    // Cancelled, or a retryable failure: no change starts; the rest stays queued, nothing half-sent.
    const stopped = () => result.stoppedBy !== null || !!signal?.aborted;
    const send = async (queued: ChangeView): Promise<void> => {
      const c = this.store.change(queued.id);
      if (c.state !== 'pending') return progress(c.id); // settled by a batch or by an earlier change of its lane
      try {
        const outcome = await this.pushOne(c, connector);
        if (outcome === 'pushed') result.pushed++;
        else if (outcome === 'conflict') result.conflicts++;
        width.ok();
      } catch (e) {
        if (e instanceof VendorError && e.kind === 'validation') {
          this.store.reject(c.id, fieldMessage(e));
          result.rejected++;
        } else if (e instanceof VendorError && e.kind === 'not_found' && c.op === 'update') {
          this.store.release(c.id, null);
          this.store.raiseDeleted(c.recordId);
          result.conflicts++;
        } else {
          // Offline, rate limited, 5xx, auth, a malformed answer or a bug: keep the change
          // queued. A write that may have landed is re-read before it is sent again (updates
          // are guarded; a create with attempts > 0 looks itself up first).
          stop([c], e);
          return;
        }
      }
      progress(c.id);
    };
    const stop = (changes: readonly ChangeView[], e: unknown): void => {
      // Offline: nothing to wait for at the vendor; the next sync that reaches it sends.
      const offline = e instanceof VendorError && e.kind === 'offline';
      // Said in the person's words: the socket error is in the log.
      const said = offline
        ? `${VENDOR_LABELS[connector.vendor as Vendor] ?? connector.vendor} can't be reached — nothing is lost; it goes out with the next sync that reaches it`
        : (e as Error).message;
      for (const queued of changes) {
        const c = this.store.change(queued.id);
        // Attempts made so far, this one included (a claim counted it already).
        const attempts = c.state === 'in_flight' ? c.attempts : c.attempts + 1;
        if (c.state === 'in_flight' || c.state === 'pending') this.store.release(c.id, said, offline ? null : this.retryAt(e, attempts));
      }
      if (e instanceof VendorError && (e.kind === 'rate_limited' || e.kind === 'transient')) width.slowDown();
      result.stoppedBy ??= e as Error;
      this.log.warn('push stopped', { accountId, changes: changes.map((c) => c.id), error: (e as Error).message });
    };
    const lanes = lanesOf(queue.map((c) => ({ change: c, id: c.id, keys: this.laneKeys(c) })));
    // Where the vendor has bulk routes, the lanes' heads go out in batches first (push-batch.ts).
    await pushBatches(
      {
        store: this.store,
        log: this.log,
        width,
        stopped,
        failed: stop,
        settled: (id, outcome) => {
          if (outcome === 'pushed') result.pushed++;
          else if (outcome === 'conflict') result.conflicts++;
          else if (outcome === 'rejected') result.rejected++;
          progress(id);
        },
      },
      connector,
      lanes.map((lane) => lane.map((item) => item.change)),
    );
    result.peakWidth = await runLanes(lanes, width, stopped, (item) => send(item.change));
    return result;
  }

  /** What a change must stay in order with: its person, its winner's person (a merge), its MPDX contact. */
  private laneKeys(c: ChangeView): string[] {
    const rec = this.store.record(c.recordId);
    const keys = [`person:${rec.personId}`, `record:${rec.id}`];
    // MPDX ids are contact/person: every write under one contact moves its updated_in_db_at.
    const contact = rec.remoteId?.includes('/') ? rec.remoteId.split('/')[0] : null;
    if (contact) keys.push(`contact:${contact}`);
    // Creates a vendor's evidence lookup could mistake for each other (one email or phone, a
    // household) go one after the other, so a lost answer is looked up with the other settled.
    if (c.op === 'create') {
      for (const e of rec.local.emails ?? []) if (e.address) keys.push(`email:${e.address.trim().toLowerCase()}`);
      for (const p of rec.local.phones ?? []) {
        const digits = String(p.e164 ?? p.raw ?? '').replace(/\D/g, '');
        if (digits) keys.push(`phone:${digits}`);
      }
    }
    if (c.op === 'merge' && typeof c.patch.winnerRecordId === 'string')
      keys.push(`person:${this.store.record(c.patch.winnerRecordId).personId}`, `record:${c.patch.winnerRecordId}`);
    return keys;
  }

  private widthOf(accountId: string): PushWidth {
    let w = this.widths.get(accountId);
    if (!w) this.widths.set(accountId, (w = new PushWidth(this.widthTuning)));
    return w;
  }

  private async pushOne(c: ChangeView, connector: Connector): Promise<'pushed' | 'conflict' | 'nothing'> {
    if (c.op === 'create') return this.pushCreate(c, connector);
    const rec = this.store.record(c.recordId);
    if (!rec.remoteId) throw new Error(`Record ${rec.id} has no vendor id to ${c.op}`);
    if (c.op === 'merge') {
      // The vendor's own merge (MPDX): the loser lives on under the winner, or is gone.
      const winner = this.store.record(String(c.patch.winnerRecordId));
      if (!connector.mergeRecords || !winner.remoteId)
        throw new VendorError({
          kind: 'validation',
          message: `${connector.vendor} has no merge of its own; the records stay linked in Concord`,
        });
      this.store.claim(c.id);
      const res = await connector.mergeRecords(winner.remoteId, rec.remoteId);
      this.store.merged(c.id, res.loserRemoteId);
      return 'pushed';
    }
    if (c.op === 'delete') {
      this.store.claim(c.id);
      try {
        await connector.delete(rec.remoteId);
      } catch (e) {
        if (!(e instanceof VendorError && e.kind === 'not_found')) throw e; // already gone is what we wanted
      }
      this.store.pushed(c.id, null);
      return 'pushed';
    }
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const change = this.store.change(c.id);
      // The record as just re-read: the write is built against it, not the copy of the last pull.
      let fresh: unknown;
      let now: RecordView | null = null;
      if (!connector.checksVersions && !change.overwrite) {
        // Last-writer-wins vendors: look before writing.
        const current = await connector.read(rec.remoteId);
        fresh = current.raw;
        // A version token can be too coarse to see a write in the same second (Lightening's
        // updated_at), so what the record holds counts too: any change since base is a move.
        const stored = this.store.record(rec.id);
        const moved =
          JSON.stringify(current.versions) !== JSON.stringify(stored.versions) ||
          Object.keys(diff(stored.base ?? {}, current.canonical)).length > 0;
        if (moved) {
          const outcome = this.store.mergeRemote(rec.id, current);
          if (outcome === 'conflict') return 'conflict';
          if (outcome === 'already_there') return 'nothing';
        } else now = stored; // nothing merged since it was read: no need to read it again
      }
      now ??= this.store.record(rec.id);
      const latest = this.store.change(c.id);
      // Intent, not diffs: only the fields the person changed go out.
      const patch = diff(now.base ?? {}, now.local, intentFields(latest, connector));
      if (latest.state !== 'pending') return latest.state === 'conflict' ? 'conflict' : 'nothing';
      if (!Object.keys(patch).length) {
        this.store.pushed(c.id, null);
        return 'nothing';
      }
      this.store.claim(c.id);
      try {
        // A save the re-read could not see (same second, a change of no meaning such as a
        // trimmed name) is still in the fresh copy, which a connector sends back (Lightening's name).
        const res = await connector.update(rec.remoteId, patch, {
          raw: fresh ?? now.server,
          versions: now.versions,
          overwrite: latest.overwrite,
        });
        this.store.pushed(c.id, res.record);
        return 'pushed';
      } catch (e) {
        if (!(e instanceof VendorError && e.kind === 'conflict')) throw e;
        // MPDX 409: someone wrote in between. Re-read, merge, and go again with the fresh token.
        // A 409 on one phone, email or address means both wrote that very entry: a person decides.
        this.store.release(c.id, e.message);
        const current = await connector.read(rec.remoteId);
        const outcome = this.store.mergeRemote(rec.id, current, { contested: contestedField(e.resource) });
        if (outcome === 'conflict') return 'conflict';
        if (outcome === 'already_there') return 'nothing';
      }
    }
    // Still moving after several merges: leave it for the next sync rather than loop.
    throw new VendorError({
      kind: 'transient',
      message: 'The record kept changing on the server while Concord was writing it; it will be tried again at the next sync',
    });
  }

  /**
   * A create is a saga: each step's remote id is stored the moment it is known, so an
   * interrupted create resumes after its last completed step. With no step stored but an
   * attempt made (its answer may have been lost), the vendor is asked first — by strong
   * evidence only — whether the record exists.
   */
  private async pushCreate(c: ChangeView, connector: Connector): Promise<'pushed' | 'nothing' | 'conflict'> {
    const rec = this.store.record(c.recordId);
    if (c.attempts > 0) {
      // With progress stored the record may be complete already (its answer, or the re-read
      // after it, failed): a one-request create would otherwise be sent again. A saga's
      // findCreated adopts only a record holding everything; else it resumes below.
      const found = await connector.findCreated(rec.local, {
        // Two people can share an email or phone: the other one's record is never this create's.
        taken: (id) => id !== rec.remoteId && this.store.remoteIdClaimed(c.accountId, id),
        idempotencyKey: c.idempotencyKey,
        progress: c.progress,
        values: c.createValues,
      });
      if (found) {
        this.store.pushed(c.id, found, found.remoteId);
        return 'pushed';
      }
    }
    this.store.claim(c.id);
    const res = await connector.create(rec.local, {
      taken: (id) => id !== rec.remoteId && this.store.remoteIdClaimed(c.accountId, id),
      idempotencyKey: c.idempotencyKey,
      progress: c.progress,
      values: c.createValues,
      onStep: (progress) => this.store.step(c.id, progress),
    });
    if (res.alreadyExisted && res.record) {
      // Someone's record already there: a person says whether it is this one (never adopted here).
      const key = connector.previewCreate(rec.local, c.createValues).needs.find((n) => n.becomesId);
      this.store.raiseExists(c.id, res.record, {
        mergedByVendor: !!res.mergedByVendor,
        key: key ? { name: key.key, label: key.label } : null,
      });
      return 'conflict';
    }
    this.store.pushed(c.id, res.record, res.remoteId);
    return 'pushed';
  }

  private retryAt(e: unknown, attempts: number): string {
    const ms = retryDelayMs(e, attempts - 1, { baseMs: this.backoffBaseMs, capMs: 15 * 60_000 });
    return new Date(this.clock.now().getTime() + ms).toISOString();
  }
}

/** The canonical field a vendor's conflict names by its part (`phone:<id>` -> phones). */
function contestedField(resource: string | undefined): string[] {
  const kind = resource?.split(':')[0];
  return kind === 'phone' ? ['phones'] : kind === 'email' ? ['emails'] : kind === 'address' ? ['address'] : [];
}
