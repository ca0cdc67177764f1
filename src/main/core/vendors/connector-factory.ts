// Build the connector for a stored account: its settings from SQLite, its secret from the
// keychain, its vendor from the registry.
import type { Vendor } from '../../../shared/domain';
import type { AccountsService } from '../accounts/accounts-service';
import { credentialsProblem } from '../accounts/credentials-check';
import { checkBaseUrl } from './base-url';
import type { Connector } from './connector';
import { VendorError } from './errors';
import { vendorDefinition } from './registry';
import type { RetryOptions } from './retry';
import type { VendorLimits } from './limits';

export function connectorFactory(
  accounts: AccountsService,
  fetchImpl: typeof fetch,
  retry?: RetryOptions,
  limits?: Partial<VendorLimits>,
): (accountId: string, opts?: { signal?: AbortSignal }) => Promise<Connector> {
  return async (accountId, opts = {}) => {
    const acc = accounts.get(accountId);
    const def = vendorDefinition(acc.kind);
    if (!def) throw new VendorError({ kind: 'validation', message: `Concord cannot talk to ${acc.kind} accounts yet` });
    const credentials = await accounts.credentials(accountId);
    if (!credentials) {
      throw new VendorError({
        kind: 'auth',
        message: `No credentials are stored for "${acc.label}" (the keychain may have been unavailable when it was added, or it was added with --secret-store file and this run did not pass it); add the account again`,
      });
    }
    const parsed = def.credentialsSchema.safeParse(credentials);
    if (!parsed.success)
      throw new VendorError({
        kind: 'auth',
        message: `The stored credentials for "${acc.label}" are not what ${acc.kind} needs: ${parsed.error.issues.map((i) => i.message).join('; ')}`,
      });
    return def.create({
      baseUrl: acc.baseUrl ?? def.defaultBaseUrl,
      credentials: parsed.data,
      settings: accounts.settings(accountId),
      fetch: fetchImpl,
      retry,
      limits,
      signal: opts.signal,
    });
  };
}

export type CredentialsTest = (input: {
  kind: Vendor;
  accountId?: string;
  baseUrl?: string | null;
  credentials: Record<string, unknown>;
  settings?: Record<string, string>;
}) => Promise<{ ok: boolean; detail: string }>;

/**
 * "Test" before saving: a connector for credentials as typed (over an account's stored ones
 * for an edit), asked the vendor's own connection test. Nothing is kept, and the account's
 * health is not touched: these are not its credentials yet.
 */
export function credentialsTester(
  accounts: AccountsService,
  fetchImpl: typeof fetch,
  retry?: RetryOptions,
  limits?: Partial<VendorLimits>,
): CredentialsTest {
  return async ({ kind, accountId, baseUrl, credentials, settings }) => {
    const def = vendorDefinition(kind);
    if (!def) return { ok: false, detail: `Concord cannot talk to ${kind} accounts yet` };
    const account = accountId ? accounts.get(accountId) : null;
    const typed = Object.fromEntries(Object.entries(credentials).filter(([, v]) => v !== '' && v != null));
    const merged = { ...(accountId ? ((await accounts.credentials(accountId)) ?? {}) : {}), ...typed };
    const problem = credentialsProblem(kind, merged);
    if (problem) return { ok: false, detail: problem };
    const url = (baseUrl === undefined ? account?.baseUrl : baseUrl?.trim()) || def.defaultBaseUrl;
    try {
      checkBaseUrl(url);
    } catch (e) {
      return { ok: false, detail: (e as Error).message };
    }
    try {
      const connector = def.create({
        baseUrl: url,
        credentials: def.credentialsSchema.parse(merged),
        settings: { ...(accountId ? accounts.settings(accountId) : {}), ...settings },
        fetch: fetchImpl,
        retry,
        limits,
      });
      return await connector.testConnection();
    } catch (e) {
      return { ok: false, detail: (e as Error)?.message ?? String(e) };
    }
  };
}
