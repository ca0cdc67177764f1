// "Try with sandbox vendors" inside the app: the five simulators run in the core's own
// process on free loopback ports, and an account is connected to each. They stop with the
// core; the accounts stay (a later sync says the vendor is offline, which is true).
// The sandbox is one thing: starting it again while it runs reuses the running simulators and
// the accounts already connected to them, and after a restart of the app it re-points the
// sandbox accounts already here at the new simulators instead of adding five more.
import type { AccountSummary } from '../../../shared/contract';
import { VENDOR_LABELS, type Vendor } from '../../../shared/domain';
import type { AccountsService } from '../accounts/accounts-service';
import { startSandbox, type RunningSandbox } from './index';

type VendorInfo = { baseUrl: string; credentials: Record<string, unknown>; settings?: Record<string, unknown> };

export class SandboxHost {
  private running: RunningSandbox | null = null;
  /** A start under way: a second click (or the CLI and the window at once) waits for it. */
  private starting: Promise<{ accounts: AccountSummary[]; added: number; reused: boolean }> | null = null;

  constructor(private readonly accounts: AccountsService) {}

  start(opts: { seed?: number; people?: number } = {}): Promise<{ accounts: AccountSummary[]; added: number; reused: boolean }> {
    this.starting ??= this.startOnce(opts).finally(() => (this.starting = null));
    return this.starting;
  }

  private async startOnce(opts: {
    seed?: number;
    people?: number;
  }): Promise<{ accounts: AccountSummary[]; added: number; reused: boolean }> {
    const wasRunning = !!this.running;
    this.running ??= await startSandbox({ seed: opts.seed ?? 1, people: opts.people ?? 300 });
    const have = this.accounts.sandboxAccounts();
    const out: AccountSummary[] = [];
    let added = 0;
    for (const [vendor, info] of Object.entries(this.running.vendors) as [Vendor, VendorInfo][]) {
      const existing = have.get(vendor);
      if (existing && wasRunning && existing.baseUrl === info.baseUrl)
        out.push(existing); // already connected to these simulators
      else if (existing)
        out.push(this.accounts.repointSandbox(existing.id, info.baseUrl, info.credentials, info.settings)); // simulators of an earlier run are gone
      else {
        out.push(
          await this.accounts.add({
            kind: vendor,
            label: `${VENDOR_LABELS[vendor]} sandbox`,
            baseUrl: info.baseUrl,
            credentials: info.credentials,
            settings: info.settings,
            sandbox: true,
          }),
        );
        added++;
      }
    }
    return { accounts: out, added, reused: wasRunning && added === 0 };
  }

  /** Whether the simulators run in this core now. */
  isRunning(): boolean {
    return !!this.running;
  }

  /** The running simulators (base URL and credentials per vendor), for tests and the CLI. */
  info(): RunningSandbox | null {
    return this.running;
  }

  async stop(): Promise<void> {
    const r = this.running;
    this.running = null;
    await r?.close();
  }
}
