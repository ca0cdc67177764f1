// Pull: page through a vendor and store what it holds (docs/design.md#sync-and-merge). Each page and the cursor
// that follows it are committed in one transaction, so a crash or a dropped connection
// mid-pull resumes from the last committed page and never skips a record.
import type Database from 'better-sqlite3';
import type { AccountKind } from '../../../shared/domain';
import type { AccountsService } from '../accounts/accounts-service';
import type { Clock } from '../clock';
import type { EventBus } from '../events';
import type { Logger } from '../log';
import type { Connector } from '../vendors/connector';
import { VendorError, type VendorErrorKind } from '../vendors/errors';
import { readAhead } from './read-ahead';
import type { SyncStore } from './sync-store';
import { healthOfFailure, setAccountHealth } from '../store/account-health';
import {
  cursorSaver,
  markFullScan,
  markPulled,
  pullState,
  recordCountOfAccount,
  recordsAtVendor,
  storedVersionsOf,
  type PullState,
} from '../store/pull-state';

export interface PullSummary {
  accountId: string;
  vendor: AccountKind;
  label: string;
  pulled: number;
  created: number;
  updated: number;
  unchanged: number;
  /** Records with local edits that were merged with the server's copy. */
  held: number;
  /** Of those, how many became conflicts. */
  conflicts: number;
  deleted: number;
  pages: number;
  /** Of those, pages the vendor sent exactly as last time, whose records were not looked at again. */
  samePages: number;
  complete: boolean;
  error: { kind: VendorErrorKind | 'internal' | 'cancelled'; message: string; timedOut?: boolean } | null;
}

/** How often a vendor with incremental pulls is scanned in full, to see what was deleted there. */
/** A person (or the app quitting) stopped the sync; what was committed stays. */
export class SyncCancelled extends Error {
  constructor() {
    super('Cancelled; what was done so far is kept, the rest waits for the next sync');
    this.name = 'SyncCancelled';
  }
}

export const FULL_SCAN_EVERY_MS = 24 * 3600_000;

export type ConnectorFactory = (accountId: string, opts?: { signal?: AbortSignal }) => Promise<Connector>;

export class PullService {
  constructor(
    private readonly sqlite: Database.Database,
    private readonly store: SyncStore,
    private readonly accounts: AccountsService,
    private readonly connectorFor: ConnectorFactory,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly events: EventBus,
  ) {}

  async pull(accountId: string, opts: { full?: boolean; signal?: AbortSignal; connector?: Connector } = {}): Promise<PullSummary> {
    const acc = pullState(this.sqlite, accountId);
    if (!acc) throw new Error(`No account with id ${accountId}`);
    const summary: PullSummary = {
      accountId,
      vendor: acc.kind,
      label: acc.label,
      pulled: 0,
      created: 0,
      updated: 0,
      unchanged: 0,
      held: 0,
      conflicts: 0,
      deleted: 0,
      pages: 0,
      samePages: 0,
      complete: false,
      error: null,
    };
    if (acc.kind === 'csv') {
      summary.complete = true; // a file source has nothing to pull; it changes by re-import
      return summary;
    }
    // Incremental pulls cannot see deletions (MPDX and LiveVox filter by change time), so a
    // full scan runs when the last complete one is older than FULL_SCAN_EVERY_MS.
    const stale =
      acc.pullCursor?.startsWith('since:') &&
      (!acc.lastFullScanAt || this.clock.now().getTime() - Date.parse(acc.lastFullScanAt) > FULL_SCAN_EVERY_MS);
    const full = opts.full || !!stale;
    const startCursor = full ? null : acc.pullCursor;
    const seen = new Set<string>();
    let sawFullScan = false;
    // The connector began again from the first page (its cursor pointed past the end).
    let fromStart = startCursor === null;
    const saveCursor = cursorSaver(this.sqlite);
    this.progress(acc, 'pull', 0);
    try {
      const connector = opts.connector ?? (await this.connectorFor(accountId));
      // The next page is requested while this one is stored; it is committed only after this one.
      // A full pull asked for by a person reads and compares every record, remembered or not.
      const remembered = opts.full ? undefined : (key: string) => this.store.rememberedPage(accountId, key);
      const knownRecords = recordCountOfAccount(this.sqlite, accountId);
      // What the store holds, so an incremental pull need not re-read what a push's answer gave it.
      const storedVersions = full ? undefined : storedVersionsOf(this.sqlite, accountId);
      for await (const page of readAhead(
        connector.pull(startCursor, { full, signal: opts.signal, remembered, knownRecords, storedVersions }),
      )) {
        // Cancelled: stop between pages; every page before this one is committed with its cursor.
        if (opts.signal?.aborted) throw new SyncCancelled();
        if (page.restarted) {
          // Records seen before the restart may have moved pages: only the new scan counts.
          seen.clear();
          sawFullScan = false;
          fromStart = true;
        }
        this.store.tx(() => {
          // Records the vendor sent byte for byte as last time: stored as they are, not looked at again.
          for (const id of page.unchangedIds ?? []) seen.add(id);
          summary.unchanged += page.unchangedIds?.length ?? 0;
          // A vendor's deleted containers first (MPDX deleted_records), then records it moved out of them.
          for (const g of page.deletedGroups ?? []) {
            const n = this.store.markGroupDeleted(accountId, g);
            summary.deleted += n.deleted;
            summary.conflicts += n.conflicts;
          }
          if (connector.recordKey && !page.fullScan)
            for (const r of page.records) this.store.adoptMoved(accountId, r.remoteId, connector.recordKey);
          const results = page.records.length ? this.store.upsertPage(accountId, page.records) : [];
          let allStored = true;
          page.records.forEach((r, i) => {
            const { id, outcome, moved } = results[i]!;
            summary[outcome]++;
            allStored &&= outcome !== 'held';
            // Edited here and the server moved since: three-way merge with what it now holds (docs/design.md#sync-and-merge).
            if (outcome === 'held' && moved && this.store.openChangesOf(id).some((c) => c.op === 'update' && c.state !== 'in_flight')) {
              if (this.store.mergeRemote(id, r) === 'conflict') summary.conflicts++;
            }
            seen.add(r.remoteId);
          });
          for (const id of page.deletedIds ?? []) if (this.store.markDeletedRemote(accountId, id)) summary.deleted++;
          if (page.source) {
            const remember = page.remember ?? { remoteIds: page.records.map((r) => r.remoteId) };
            this.store.rememberPage(
              accountId,
              page.source.key,
              allStored
                ? {
                    digest: page.source.digest,
                    remoteIds: remember.remoteIds,
                    itemDigests: remember.itemDigests,
                    nextCursor: page.nextCursor,
                  }
                : null,
            );
          }
          saveCursor(accountId, page.nextCursor ?? page.checkpoint ?? null);
        });
        summary.pulled += (page.unchangedIds?.length ?? 0) + page.records.length;
        summary.pages++;
        if (page.unchangedIds && !page.records.length) summary.samePages++;
        sawFullScan ||= page.fullScan;
        this.progress(acc, 'pull', summary.pulled);
      }
      // A full scan that ran start to end in this call saw everything: the rest is gone.
      if (sawFullScan && fromStart) {
        const gone = this.markUnseenDeleted(accountId, seen);
        summary.deleted += gone.deleted;
        summary.conflicts += gone.conflicts;
        markFullScan(this.sqlite, accountId, this.clock.now().toISOString());
      }
      summary.complete = true;
      markPulled(this.sqlite, accountId, this.clock.now().toISOString());
      this.progress(acc, 'done', summary.pulled);
    } catch (e) {
      const kind = e instanceof SyncCancelled ? 'cancelled' : e instanceof VendorError ? e.kind : 'internal';
      const message = (e as Error)?.message ?? String(e);
      summary.error = { kind, message, ...(e instanceof VendorError && e.timedOut ? { timedOut: true } : {}) };
      // Paging that went nowhere: the cursor it reached would only resume the loop.
      if (e instanceof VendorError && e.restartPull) saveCursor(accountId, null);
      if (kind !== 'cancelled') setAccountHealth(this.sqlite, accountId, healthOfFailure(kind), message);
      this.log.warn('pull stopped', { accountId, vendor: acc.kind, kind, message, pulled: summary.pulled });
      this.progress(acc, 'error', summary.pulled, message);
    }
    if (summary.created || summary.updated || summary.deleted) this.events.emit('contactsChanged', { reason: 'pull' });
    this.events.emit('statusChanged', {});
    return summary;
  }

  /** Ask the vendor whether the account works; the answer is kept as the account's health. */
  async test(accountId: string): Promise<{ ok: boolean; detail: string }> {
    try {
      const connector = await this.connectorFor(accountId);
      const r = await connector.testConnection();
      setAccountHealth(this.sqlite, accountId, 'ok');
      return r;
    } catch (e) {
      const kind = e instanceof VendorError ? e.kind : 'internal';
      const detail = (e as Error)?.message ?? String(e);
      setAccountHealth(this.sqlite, accountId, healthOfFailure(kind), detail);
      return { ok: false, detail };
    } finally {
      this.events.emit('statusChanged', {});
    }
  }

  private markUnseenDeleted(accountId: string, seen: Set<string>): { deleted: number; conflicts: number } {
    const rows = recordsAtVendor(this.sqlite, accountId);
    const n = { deleted: 0, conflicts: 0 };
    this.store.tx(() => {
      for (const r of rows) {
        if (seen.has(r.remote_id)) continue;
        if (r.state === 'synced') {
          if (this.store.markDeletedRemote(accountId, r.remote_id)) n.deleted++;
        } else if (this.store.openConflict(r.id)?.kind !== 'deleted') {
          this.store.raiseDeleted(r.id); // edited here, gone there: the person decides
          n.conflicts++;
        }
      }
    });
    return n;
  }

  private progress(acc: PullState, phase: 'pull' | 'done' | 'error', done: number, message?: string): void {
    this.events.emit('syncProgress', { accountId: acc.id, vendor: acc.kind, phase, done, total: null, message: message ?? null });
  }
}
