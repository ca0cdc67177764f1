// The app syncs by itself (issue 12 §11): every N minutes while it is open (the person sets N,
// default 15, 0 = never), and as soon as a vendor answers again after being unreachable. Only
// a host that stays open starts it (the window's core worker, the e2e harness) — never the
// CLI. A sync it starts is the same sync a person starts: same progress events, same lease,
// and `SyncService.cancel()` stops it.
import type Database from 'better-sqlite3';
import type { SyncSchedule } from '../../../shared/contract';
import type { AccountsService } from '../accounts/accounts-service';
import type { Clock } from '../clock';
import { CoreError } from '../errors';
import type { Logger } from '../log';
import type { SyncService, SyncTrigger } from './sync-service';
import { readSetting, writeSetting } from '../store/app-settings';

export const DEFAULT_SYNC_MINUTES = 15;
const KEY = 'sync.scheduleMinutes';

export interface SchedulerTiming {
  /** How long "a minute" is (tests shrink it). */
  minuteMs?: number;
  /** How often a vendor is asked whether it is reachable (default one minute). */
  probeMs?: number;
}

export class SyncScheduler {
  private timer: NodeJS.Timeout | null = null;
  private probe: NodeJS.Timeout | null = null;
  private nextAt: Date | null = null;
  private started = false;
  private probeTurn = 0;

  constructor(
    private readonly sqlite: Database.Database,
    private readonly sync: SyncService,
    private readonly accounts: AccountsService,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly timing: SchedulerTiming = {},
  ) {}

  minutes(): number {
    const stored = readSetting(this.sqlite, KEY);
    const n = stored === undefined ? DEFAULT_SYNC_MINUTES : Number(stored);
    return Number.isInteger(n) && n >= 0 ? n : DEFAULT_SYNC_MINUTES;
  }

  schedule(): SyncSchedule {
    return { minutes: this.minutes(), nextAt: this.nextAt?.toISOString() ?? null, running: this.sync.inProgress() };
  }

  setMinutes(minutes: number): SyncSchedule {
    if (!Number.isInteger(minutes) || minutes < 0) throw new CoreError('bad_request', 'Minutes must be a whole number, 0 for never');
    writeSetting(this.sqlite, KEY, minutes, this.clock.now().toISOString());
    if (this.started) this.plan();
    return this.schedule();
  }

  start(): void {
    this.started = true;
    this.plan();
    const probeMs = this.timing.probeMs ?? 60_000;
    this.probe = setInterval(() => void this.checkReachability(), probeMs);
    this.probe.unref?.();
  }

  stop(): void {
    this.started = false;
    if (this.timer) clearTimeout(this.timer);
    if (this.probe) clearInterval(this.probe);
    this.timer = this.probe = null;
    this.nextAt = null;
  }

  private plan(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.nextAt = null;
    const minutes = this.minutes();
    if (!minutes || !this.started) return;
    const ms = minutes * (this.timing.minuteMs ?? 60_000);
    this.nextAt = new Date(this.clock.now().getTime() + ms);
    this.timer = setTimeout(() => void this.run('schedule').finally(() => this.plan()), ms);
    this.timer.unref?.();
  }

  /**
   * Ask one vendor account (in turn) whether it answers, so "online"/"offline" reflects the
   * network, not the last sync. An account that was offline and answers again starts a sync:
   * the changes that waited go out at once.
   */
  private async checkReachability(): Promise<void> {
    const list = this.accounts.list().filter((a) => a.kind !== 'csv');
    if (!list.length || this.sync.inProgress()) return;
    const wasOffline = list.filter((a) => a.health === 'offline');
    // While offline, ask an offline account; otherwise take turns, so a dropped network is noticed.
    const pool = wasOffline.length ? wasOffline : list;
    const acc = pool[this.probeTurn++ % pool.length]!;
    const before = acc.health;
    let r: { ok: boolean; detail: string };
    try {
      r = await this.sync.test(acc.id);
    } catch (e) {
      // The host closed the store while the vendor was being asked: nothing to do any more.
      if (this.started) this.log.warn('reachability check failed', { error: String((e as Error)?.message ?? e) });
      return;
    }
    if (!this.started) return;
    if (!r.ok) {
      if (before !== 'offline' && /reach|offline/i.test(r.detail)) this.log.info('vendor unreachable', { accountId: acc.id });
      return;
    }
    if (before === 'offline') await this.run('reconnect');
  }

  private async run(trigger: SyncTrigger): Promise<void> {
    try {
      await this.sync.sync({ trigger });
    } catch (e) {
      // Another sync holds the store (the CLI, a person's): this one simply waits for the next turn.
      if (!(e instanceof CoreError && e.code === 'busy'))
        this.log.warn('scheduled sync failed', { trigger, error: String((e as Error)?.message ?? e) });
    }
  }
}
