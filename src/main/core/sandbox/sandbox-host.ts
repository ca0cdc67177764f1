// "Try with sandbox vendors" inside the app: the five simulators run in the core's own
// process on free loopback ports, and an account is connected to each. They stop with the
// core; the accounts stay (a later sync says the vendor is offline, which is true).
import type { AccountSummary } from '../../../shared/contract';
import { VENDOR_LABELS, type Vendor } from '../../../shared/domain';
import type { AccountsService } from '../accounts/accounts-service';
import { startSandbox, type RunningSandbox } from './index';

export class SandboxHost {
  private running: RunningSandbox | null = null;

  constructor(private readonly accounts: AccountsService) {}

  async start(opts: { seed?: number; people?: number } = {}): Promise<{ accounts: AccountSummary[] }> {
    await this.stop();
    this.running = await startSandbox({ seed: opts.seed ?? 1, people: opts.people ?? 300 });
    const added: AccountSummary[] = [];
    for (const [vendor, info] of Object.entries(this.running.vendors) as [Vendor, { baseUrl: string; credentials: Record<string, unknown>; settings?: Record<string, unknown> }][]) {
      added.push(await this.accounts.add({ kind: vendor, label: `${VENDOR_LABELS[vendor]} sandbox`, baseUrl: info.baseUrl, credentials: info.credentials, settings: info.settings, sandbox: true }));
    }
    return { accounts: added };
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
