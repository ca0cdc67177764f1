// Build the connector for a stored account: its settings from SQLite, its secret from the
// keychain, its vendor from the registry.
import type { AccountsService } from '../accounts/accounts-service';
import type { Connector } from './connector';
import { VendorError } from './errors';
import { vendorDefinition } from './registry';
import type { RetryOptions } from './retry';
import type { VendorLimits } from './limits';

export function connectorFactory(accounts: AccountsService, fetchImpl: typeof fetch, retry?: RetryOptions, limits?: Partial<VendorLimits>): (accountId: string, opts?: { signal?: AbortSignal }) => Promise<Connector> {
  return async (accountId, opts = {}) => {
    const acc = accounts.get(accountId);
    const def = vendorDefinition(acc.kind);
    if (!def) throw new VendorError({ kind: 'validation', message: `Concord cannot talk to ${acc.kind} accounts yet` });
    const credentials = await accounts.credentials(accountId);
    if (!credentials) {
      throw new VendorError({ kind: 'auth', message: `No credentials are stored for "${acc.label}" (the keychain may have been unavailable when it was added, or it was added with --secret-store file and this run did not pass it); add the account again` });
    }
    const parsed = def.credentialsSchema.safeParse(credentials);
    if (!parsed.success) throw new VendorError({ kind: 'auth', message: `The stored credentials for "${acc.label}" are not what ${acc.kind} needs: ${parsed.error.issues.map((i) => i.message).join('; ')}` });
    return def.create({ baseUrl: acc.baseUrl ?? def.defaultBaseUrl, credentials: parsed.data, settings: accounts.settings(accountId), fetch: fetchImpl, retry, limits, signal: opts.signal });
  };
}
