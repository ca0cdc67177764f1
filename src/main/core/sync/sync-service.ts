// One sync of one or every account (docs/design.md#sync-and-merge): check changes a crash left in flight, pull
// (merging into edited records), then push the outbox. Rate limits and 5xx answers that
// outlast a request's own retries make the sync wait and carry on from where it stopped,
// a few rounds at most; an unreachable vendor stops quietly with the outbox kept.
import type { WidthTuning } from './push-lanes';
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import type Database from 'better-sqlite3';
import type { AccountKind } from '../../../shared/domain';
import type { AccountsService } from '../accounts/accounts-service';
import type { Clock } from '../clock';
import type { EventBus } from '../events';
import { CoreError } from '../errors';
import type { Logger } from '../log';
import type { Connector } from '../vendors/connector';
import { backoffMs } from '../vendors/backoff';
import { VendorError, type VendorErrorKind } from '../vendors/errors';
import { DEFAULT_VENDOR_LIMITS, refused } from '../vendors/limits';
import type { SyncStore } from './sync-store';
import { SyncCancelled, type ConnectorFactory, type PullService, type PullSummary } from './pull-service';
import type { PushService } from './push-service';
import { healthOfFailure, markPushed, setAccountHealth } from '../store/account-health';

export interface AccountSyncSummary {
  accountId: string;
  vendor: AccountKind;
  label: string;
  pulled: number;
  created: number;
  updated: number;
  deleted: number;
  pushed: number;
  conflicts: number;
  rejected: number;
  /** Outbox changes still waiting for this account after the sync. */
  waiting: number;
  complete: boolean;
  errors: { kind: VendorErrorKind | 'internal' | 'cancelled'; message: string }[];
}

export interface SyncOptions {
  accountId?: string;
  full?: boolean;
  /** Pull only (no push). */
  pullOnly?: boolean;
  /** When another sync holds the store, wait for it instead of saying so. */
  wait?: boolean;
  /** Who started it: a person, the app's schedule, or connectivity coming back. */
  trigger?: SyncTrigger;
}

export type SyncTrigger = 'person' | 'schedule' | 'reconnect';

export interface SyncResult {
  accounts: AccountSyncSummary[];
  offline: boolean;
  /** Stopped by a person (or the app quitting); what was committed stays, the rest waits. */
  cancelled: boolean;
  duplicates: { waiting: number; autoLinkable: number; linked: number; linkId: number | null } | null;
}

/** A sync holds the store's lease this long past its last heartbeat; a killed sync's lease lapses by itself. */
export const LEASE_TTL_MS = 30_000;

export interface SyncTuning {
  /** Extra rounds after a retryable stop (default 4). */
  maxRounds?: number;
  /** First wait between rounds (default 2 s), doubled each round, capped at 60 s. */
  roundDelayMs?: number;
  sleep?: (ms: number) => Promise<void>;
  /** How this host names itself in "a sync is already running" (default: "process <pid>"). */
  holder?: string;
  /** One account's whole sync, every request of it (default limits.ts syncDeadlineMs). */
  syncDeadlineMs?: number;
  /** Changes sent to one vendor at once (push-lanes.ts; default 4 growing to 8). */
  pushWidth?: WidthTuning;
}

/** What runs after a sync brought in changes: the incremental duplicate scan (docs/design.md#duplicates-and-matching). */
export type AfterSync = () => { waiting: number; autoLinkable: number; linked: number; linkId: number | null } | null;

export class SyncService {
  constructor(
    private readonly sqlite: Database.Database,
    private readonly accounts: AccountsService,
    private readonly connectorFor: ConnectorFactory,
    private readonly puller: PullService,
    private readonly pusher: PushService,
    private readonly store: SyncStore,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly events: EventBus,
    private readonly tuning: SyncTuning = {},
    private readonly afterSync: AfterSync = () => null,
  ) {}

  /**
   * Sync every account (or one) under the store's sync lease: one sync at a time per store,
   * whether the app or the CLI started it. A second one is told plainly who is syncing.
   */
  /** The sync this process is running, so a person can stop it (whoever started it), or one account of it. */
  private current: {
    controller: AbortController;
    accounts: Map<string, AbortController>;
    trigger: SyncTrigger;
    startedAt: string;
  } | null = null;

  /**
   * Stop this process's running sync between pages and changes: every account, or only
   * `accountId` (the others go on: accounts sync side by side). False when none runs here, or
   * that account is not part of it.
   */
  cancel(accountId?: string): boolean {
    if (!this.current) return false;
    if (accountId === undefined) {
      this.current.controller.abort();
      return true;
    }
    const one = this.current.accounts.get(accountId);
    if (!one) return false;
    one.abort();
    return true;
  }

  /** This process's running sync, if any (the lease says whether another process syncs). */
  inProgress(): { trigger: SyncTrigger; startedAt: string } | null {
    return this.current ? { trigger: this.current.trigger, startedAt: this.current.startedAt } : null;
  }

  async sync(opts: SyncOptions = {}): Promise<SyncResult> {
    const ids = opts.accountId
      ? [this.accounts.get(opts.accountId).id]
      : this.accounts
          .list()
          .filter((a) => a.kind !== 'csv')
          .map((a) => a.id);
    // The owner names this machine and process, so a sync killed here is seen as gone at once.
    const owner = `${os.hostname()}|${process.pid}|${randomUUID()}`;
    const holder = this.tuning.holder ?? `process ${process.pid}`;
    for (;;) {
      const got = this.store.acquireLease(owner, holder, LEASE_TTL_MS, holderGone);
      if (got.ok) break;
      if (!opts.wait)
        throw new CoreError('busy', `A sync is already running (since ${localTime(got.lease.startedAt)}, ${got.lease.holder})`);
      await (this.tuning.sleep ?? ((x) => new Promise((r) => setTimeout(r, x))))(500);
    }
    const beat = setInterval(() => {
      if (!this.store.heartbeat(owner, LEASE_TTL_MS)) this.log.warn('sync lease lost', { owner });
    }, LEASE_TTL_MS / 3);
    beat.unref?.();
    const trigger = opts.trigger ?? 'person';
    const controller = new AbortController();
    const accounts = new Map(ids.map((id) => [id, new AbortController()]));
    this.current = { controller, accounts, trigger, startedAt: this.clock.now().toISOString() };
    this.events.emit('syncStarted', { trigger });
    let result: SyncResult | null = null;
    try {
      // Accounts sync side by side: five vendors are five servers, and waiting on one's network
      // (or its retries when it cannot be reached) need not hold up the others. The store stays
      // single-writer: each of its writes is one synchronous transaction between the awaits.
      const out = await Promise.all(
        ids.map((id) => this.syncAccount(id, { ...opts, signal: AbortSignal.any([controller.signal, accounts.get(id)!.signal]) })),
      );
      // Cancelled as a whole, or account by account until none was left running.
      const cancelled = controller.signal.aborted || [...accounts.values()].every((a) => a.signal.aborted);
      // Every sync that brought records in or out ends with an incremental duplicate scan, so
      // likely duplicates are waiting for review without anyone asking for a scan.
      const changed = out.some((a) => a.created + a.updated + a.deleted + a.pushed > 0);
      const duplicates = changed && !cancelled ? this.afterSync() : null;
      this.events.emit('statusChanged', {});
      result = {
        accounts: out,
        offline: out.length > 0 && out.every((a) => a.errors.some((e) => e.kind === 'offline')),
        cancelled,
        duplicates,
      };
      return result;
    } finally {
      clearInterval(beat);
      this.current = null;
      this.store.releaseLease(owner);
      this.events.emit('syncFinished', {
        trigger,
        cancelled: result?.cancelled ?? false,
        failed: result === null,
        conflicts: result?.accounts.reduce((n, a) => n + a.conflicts, 0) ?? 0,
        rejected: result?.accounts.reduce((n, a) => n + a.rejected, 0) ?? 0,
        pushed: result?.accounts.reduce((n, a) => n + a.pushed, 0) ?? 0,
        pulled: result?.accounts.reduce((n, a) => n + a.pulled, 0) ?? 0,
        linked: result?.duplicates?.linked ?? 0,
        linkId: result?.duplicates?.linkId ?? null,
      });
    }
  }

  /** Who is syncing this store right now, if anyone. */
  running(): { holder: string; startedAt: string } | null {
    const l = this.store.currentLease();
    return l ? { holder: l.holder, startedAt: l.startedAt } : null;
  }

  /** Pull only, as `concord sync` did before push existed; kept for the tests of pull alone. */
  pull(accountId: string, opts: { full?: boolean } = {}): Promise<PullSummary> {
    return this.puller.pull(accountId, opts);
  }

  test(accountId: string): Promise<{ ok: boolean; detail: string }> {
    return this.puller.test(accountId);
  }

  async syncAccount(accountId: string, opts: SyncOptions & { signal?: AbortSignal } = {}): Promise<AccountSyncSummary> {
    const acc = this.accounts.get(accountId);
    const s: AccountSyncSummary = {
      accountId,
      vendor: acc.kind,
      label: acc.label,
      pulled: 0,
      created: 0,
      updated: 0,
      deleted: 0,
      pushed: 0,
      conflicts: 0,
      rejected: 0,
      waiting: 0,
      complete: false,
      errors: [],
    };
    if (acc.kind === 'csv') {
      s.complete = true;
      return s;
    }
    // One deadline for the account's whole sync: every request of its connector is aborted with
    // this refusal when it passes, so a vendor that answers slowly on every page cannot hold the
    // sync (and the store's lease) for ever. Pages already committed stay.
    const deadlineMs = this.tuning.syncDeadlineMs ?? DEFAULT_VENDOR_LIMITS.syncDeadlineMs;
    const deadline = new AbortController();
    const timer = setTimeout(
      () =>
        deadline.abort(
          refused(
            `The sync of ${acc.label} ran past its ${durationText(deadlineMs)} limit — stopped; what came so far is kept, the rest waits for the next sync`,
          ),
        ),
      deadlineMs,
    );
    timer.unref();
    try {
      return await this.syncAccountWithin(acc, s, deadline.signal, opts);
    } finally {
      clearTimeout(timer);
    }
  }

  private async syncAccountWithin(
    acc: { id: string; kind: AccountKind; label: string },
    s: AccountSyncSummary,
    deadline: AbortSignal,
    opts: SyncOptions & { signal?: AbortSignal },
  ): Promise<AccountSyncSummary> {
    const accountId = acc.id;
    let connector: Connector;
    try {
      connector = await this.connectorFor(accountId, { signal: deadline });
    } catch (e) {
      this.fail(s, e);
      return this.finish(s);
    }
    const maxRounds = this.tuning.maxRounds ?? 4;
    let full = !!opts.full;
    let pulled = false;
    let pushed = !!opts.pullOnly;
    // Rounds that made progress do not count: a long outbox under a steady trickle of 429s
    // keeps going; only rounds that got nothing through use up the budget.
    let idle = 0;
    const pushAll = async (): Promise<boolean> => {
      const total = this.store.openChanges(accountId, ['pending'], this.clock.now()).length;
      this.progress(acc.kind, accountId, 'push', 0, total);
      const r = await this.pusher.push(
        accountId,
        connector,
        (done, all) => this.progress(acc.kind, accountId, 'push', done, all),
        opts.signal,
      );
      s.pushed += r.pushed;
      s.conflicts += r.conflicts;
      s.rejected += r.rejected;
      if (r.pushed) markPushed(this.sqlite, accountId, this.clock.now().toISOString());
      if (r.stoppedBy) throw r.stoppedBy;
      return !opts.signal?.aborted;
    };
    for (let round = 0; idle <= maxRounds && !(pulled && pushed); round++) {
      const progressBefore = s.pulled + s.pushed + s.conflicts + s.rejected;
      if (opts.signal?.aborted) {
        if (!s.errors.some((e) => e.kind === 'cancelled')) s.errors.push({ kind: 'cancelled', message: new SyncCancelled().message });
        break;
      }
      if (round > 0) await this.wait(Math.max(1, idle), s.errors.at(-1), accountId);
      try {
        await this.pusher.recover(accountId, connector);
        // Changes to records Concord already holds go out first: the push guards each write
        // itself (MPDX's 409, a re-read elsewhere), so it need not wait behind a full pull.
        if (!pushed && round === 0) await pushAll();
        if (!pulled) {
          const p = await this.puller.pull(accountId, { full, connector, signal: opts.signal });
          s.pulled += p.pulled;
          s.created += p.created;
          s.updated += p.updated;
          s.deleted += p.deleted;
          s.conflicts += p.conflicts;
          full = false; // a resumed pull continues from its committed cursor
          if (p.error) {
            const { timedOut, ...error } = p.error;
            s.errors.push(error);
            // A timeout was retried once already (retry.ts); another round would only wait again.
            if (!retryable(p.error.kind) || timedOut) break;
            continue;
          }
          pulled = true;
        }
        // …and whatever the pull merged into edited records goes after it.
        // A change told to wait a little (backoff after a failed try) is waited for within this
        // sync, so "Sync now" sends everything it can; one waiting longer goes with a later sync.
        if (!pushed) pushed = (await pushAll()) && !this.dueSoon(accountId);
      } catch (e) {
        this.fail(s, e);
        if (!(e instanceof VendorError) || !retryable(e.kind) || e.timedOut) break;
      } finally {
        idle = s.pulled + s.pushed + s.conflicts + s.rejected > progressBefore ? 0 : idle + 1;
      }
    }
    s.complete = pulled && pushed;
    return this.finish(s);
  }

  private finish(s: AccountSyncSummary): AccountSyncSummary {
    s.waiting = this.store.openChanges(s.accountId, ['pending', 'in_flight']).length;
    const last = s.errors.at(-1);
    if (s.complete) {
      setAccountHealth(this.sqlite, s.accountId, 'ok');
      this.progress(s.vendor, s.accountId, 'done', s.pulled + s.pushed, null);
    } else if (last?.kind === 'cancelled') {
      // A person stopped it: the account is as healthy as it was; say so on its card.
      this.progress(s.vendor, s.accountId, 'error', s.pulled + s.pushed, null, 'Cancelled; the rest waits for the next sync');
    } else if (last) {
      const health = healthOfFailure(last.kind);
      const message = last.kind === 'offline' ? `offline, ${s.waiting} change${s.waiting === 1 ? '' : 's'} waiting` : last.message;
      setAccountHealth(this.sqlite, s.accountId, health, message);
      this.progress(s.vendor, s.accountId, 'error', s.pulled + s.pushed, null, message);
    }
    // Each card says how its account is as soon as its sync ends, not when the slowest one does.
    this.events.emit('statusChanged', {});
    if (s.pushed || s.conflicts || s.rejected) this.events.emit('contactsChanged', { reason: 'sync' });
    return s;
  }

  private fail(s: AccountSyncSummary, e: unknown): void {
    const kind = e instanceof VendorError ? e.kind : 'internal';
    s.errors.push({ kind, message: (e as Error)?.message ?? String(e) });
    if (kind === 'internal') this.log.error('sync failed', { accountId: s.accountId, error: String((e as Error)?.stack ?? e) });
  }

  /** A pending change that will be due within a round's longest wait. */
  private dueSoon(accountId: string): boolean {
    const horizon = this.clock.now().getTime() + 60_000;
    return this.store.openChanges(accountId, ['pending']).some((c) => c.nextAttemptAt !== null && Date.parse(c.nextAttemptAt) <= horizon);
  }

  /** Between rounds: the round's backoff, or until the first change told to wait is due, whichever is later (capped). */
  private wait(round: number, last: { kind: string } | undefined, accountId: string): Promise<void> {
    const base = this.tuning.roundDelayMs ?? 2_000;
    const backoff = backoffMs(round - 1, { baseMs: base * (last?.kind === 'rate_limited' ? 2 : 1), capMs: 60_000 });
    const due = this.store
      .openChanges(accountId, ['pending'])
      .map((c) => (c.nextAttemptAt ? Date.parse(c.nextAttemptAt) - this.clock.now().getTime() : 0));
    const ms = Math.min(60_000, Math.max(backoff, due.length ? Math.min(...due) : 0));
    return (this.tuning.sleep ?? ((x) => new Promise((r) => setTimeout(r, x))))(ms);
  }

  private progress(
    vendor: AccountKind,
    accountId: string,
    phase: 'pull' | 'push' | 'done' | 'error',
    done: number,
    total: number | null,
    message?: string,
  ): void {
    this.events.emit('syncProgress', { accountId, vendor, phase, done, total, message: message ?? null });
  }
}

const retryable = (kind: string): boolean => kind === 'transient' || kind === 'rate_limited' || kind === 'malformed';

/** A lease holder on this machine whose process no longer exists. */
function holderGone(owner: string): boolean {
  const [host, pidText] = owner.split('|');
  const pid = Number(pidText);
  if (host !== os.hostname() || !Number.isInteger(pid) || pid <= 0 || pid === process.pid) return false;
  try {
    process.kill(pid, 0); // signal 0: only asks whether the process exists
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/** "60 minutes", "2 seconds". */
function durationText(ms: number): string {
  const n = ms >= 60_000 ? ms / 60_000 : ms / 1000;
  const unit = ms >= 60_000 ? 'minute' : 'second';
  const v = Number.isInteger(n) ? n : Number(n.toFixed(1));
  return `${v}-${unit}`;
}

function localTime(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toTimeString().slice(0, 8);
}
