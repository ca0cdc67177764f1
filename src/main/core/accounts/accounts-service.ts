// Connected vendor accounts. Non-secret settings go to SQLite; credentials go to the
// SecretStore under a key derived from the account id, and nowhere else.
import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { AccountSummary } from '../../../shared/contract';
import type { AccountKind } from '../../../shared/domain';
import type { Clock } from '../clock';
import { CoreError } from '../errors';
import type { Logger } from '../log';
import { accountSecretKey, type SecretStore } from '../secrets/secret-store';
import { ACCOUNT_FORMS } from '../vendors/account-forms';
import { checkBaseUrl, isLoopbackHost } from '../vendors/base-url';
import { credentialsProblem } from './credentials-check';
import { accountAddress, insertAccount, listAccountRows, peopleOfAccount, saveAccount, saveAccountSettings } from '../store/accounts';

export interface NewAccount {
  kind: AccountKind;
  label?: string;
  baseUrl?: string | null;
  settings?: Record<string, unknown>;
  credentials?: Record<string, unknown>;
  /**
   * A sandbox account: its credentials are loopback-only test tokens made up by the
   * simulators, so they are kept with the account (settings.testCredentials, marked
   * sandbox) and need no keychain. Only a loopback base URL may be a sandbox account.
   */
  sandbox?: boolean;
}

export class AccountsService {
  constructor(
    private readonly sqlite: Database.Database,
    private readonly secrets: SecretStore,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  list(): AccountSummary[] {
    return listAccountRows(this.sqlite).map(({ settings, ...r }) => ({
      ...r,
      trustedFor: trustedOf(settings),
      ...formSettingsOf(r.kind, settings),
    }));
  }

  get(id: string): AccountSummary {
    const a = this.list().find((x) => x.id === id);
    if (!a) throw new CoreError('not_found', `No account with id ${id}`);
    return a;
  }

  async add(input: NewAccount): Promise<AccountSummary> {
    if (input.baseUrl) {
      try {
        checkBaseUrl(input.baseUrl);
      } catch (e) {
        throw new CoreError('bad_request', (e as Error).message);
      }
    }
    // Checked before anything is kept: credentials a sync would refuse are refused here, by key.
    if (input.credentials !== undefined) {
      const problem = credentialsProblem(input.kind, input.credentials);
      if (problem) throw new CoreError('bad_request', problem);
    }
    const id = randomUUID();
    const settings = { ...(input.settings ?? {}) };
    delete settings.testCredentials; // only ever set here, from a sandbox account's own tokens
    if (input.sandbox) {
      if (!input.baseUrl || !isLoopbackHost(new URL(input.baseUrl).hostname)) {
        throw new CoreError(
          'bad_request',
          'A sandbox account must point at a loopback address (127.0.0.1); real credentials go to the secret store',
        );
      }
      settings.sandbox = true;
      if (input.credentials) settings.testCredentials = input.credentials;
    } else if (input.credentials) {
      // The secret first: if the keychain refuses, no half-made account is left behind.
      const json = JSON.stringify(input.credentials);
      this.log.addSecret(json);
      for (const v of Object.values(input.credentials)) if (typeof v === 'string') this.log.addSecret(v);
      await this.secrets.set(accountSecretKey(id), json);
    }
    insertAccount(this.sqlite, {
      id,
      kind: input.kind,
      label: input.label ?? defaultLabel(input.kind),
      baseUrl: input.baseUrl ?? null,
      settings,
      createdAt: this.clock.now().toISOString(),
    });
    this.log.info('account added', { id, kind: input.kind });
    return this.get(id);
  }

  /**
   * Change an account as the Edit dialog does: label, base URL, credentials, settings. Keys of
   * `credentials` left out keep what is stored (the window never sees a secret to send back);
   * the merged whole is checked by the same rule as `add`. A new address or new credentials
   * make the account's health unknown again until the next test or sync says otherwise.
   */
  async update(
    id: string,
    input: { label?: string; baseUrl?: string | null; credentials?: Record<string, unknown>; settings?: Record<string, unknown> },
  ): Promise<AccountSummary> {
    const before = this.get(id);
    if (before.kind === 'csv') throw new CoreError('bad_request', 'A CSV source has no address or credentials to change');
    const raw = this.rawSettings(id);
    const sandbox = raw.sandbox === true;
    const label = input.label?.trim();
    if (input.label !== undefined && !label) throw new CoreError('bad_request', 'An account needs a label');
    let baseUrl = before.baseUrl;
    if (input.baseUrl !== undefined) {
      baseUrl = input.baseUrl?.trim() || null;
      if (baseUrl) {
        try {
          checkBaseUrl(baseUrl);
        } catch (e) {
          throw new CoreError('bad_request', (e as Error).message);
        }
      }
      // Its test tokens are honoured only on loopback: a sandbox account cannot become a real one.
      if (sandbox && (!baseUrl || !isLoopbackHost(new URL(baseUrl).hostname)))
        throw new CoreError('bad_request', 'A sandbox account stays on 127.0.0.1; add a new account for the real vendor');
    }
    const settings = { ...raw };
    for (const [k, v] of Object.entries(input.settings ?? {})) {
      if (k === 'testCredentials' || k === 'sandbox' || k === 'trustedFor') continue; // set only by their own paths
      if (v === '' || v == null) delete settings[k];
      else settings[k] = v;
    }
    const typed = Object.fromEntries(Object.entries(input.credentials ?? {}).filter(([, v]) => v !== '' && v != null));
    const newCredentials = Object.keys(typed).length > 0;
    if (newCredentials) {
      const merged = { ...((await this.credentials(id)) ?? {}), ...typed };
      const problem = credentialsProblem(before.kind, merged);
      if (problem) throw new CoreError('bad_request', problem);
      if (sandbox) settings.testCredentials = merged;
      else {
        const json = JSON.stringify(merged);
        this.log.addSecret(json);
        for (const v of Object.values(merged)) if (typeof v === 'string') this.log.addSecret(v);
        await this.secrets.set(accountSecretKey(id), json);
      }
    }
    const reach = newCredentials || baseUrl !== before.baseUrl;
    saveAccount(this.sqlite, id, { label: label ?? before.label, baseUrl, settings, reached: reach });
    this.log.info('account changed', {
      id,
      label: label !== undefined,
      baseUrl: baseUrl !== before.baseUrl,
      credentials: newCredentials,
      settings: Object.keys(input.settings ?? {}),
    });
    return this.get(id);
  }

  /**
   * Removed accounts whose removal can no longer be undone (SyncStore.purgeRemovals): their
   * secrets leave the keychain. Until then a removal's undo needs them.
   */
  async forgetRemoved(ids: readonly string[]): Promise<void> {
    for (const id of ids) {
      await this.secrets
        .delete(accountSecretKey(id))
        .catch((e: Error) => this.log.warn('account secret not deleted', { id, error: e.message }));
      this.log.info('removed account forgotten', { id });
    }
  }

  /** Sandbox accounts already here, by vendor (the first of each), so the sandbox is started once. */
  sandboxAccounts(): Map<AccountKind, AccountSummary> {
    const out = new Map<AccountKind, AccountSummary>();
    for (const a of this.list()) if (!out.has(a.kind) && this.rawSettings(a.id).sandbox === true) out.set(a.kind, a);
    return out;
  }

  /** A sandbox account pointed at simulators started again (new port, new test tokens). */
  repointSandbox(
    id: string,
    baseUrl: string,
    credentials: Record<string, unknown>,
    settings: Record<string, unknown> = {},
  ): AccountSummary {
    if (!isLoopbackHost(new URL(baseUrl).hostname))
      throw new CoreError('bad_request', 'A sandbox account must point at a loopback address (127.0.0.1)');
    const next = { ...this.rawSettings(id), ...settings, sandbox: true, testCredentials: credentials };
    saveAccount(this.sqlite, id, { label: this.get(id).label, baseUrl, settings: next, reached: true });
    return this.get(id);
  }

  /**
   * Make this account the trusted source for some canonical fields: the golden record takes
   * them from it before the most recent record. Returns the people whose golden record may change.
   */
  setTrustedFor(id: string, fields: string[]): string[] {
    const settings = { ...this.rawSettings(id), trustedFor: [...new Set(fields)] };
    saveAccountSettings(this.sqlite, id, settings);
    return peopleOfAccount(this.sqlite, id);
  }

  /** Non-secret settings (a sandbox account's test tokens are not among them). */
  settings(id: string): Record<string, unknown> {
    const { testCredentials: _t, ...rest } = this.rawSettings(id);
    return rest;
  }

  private rawSettings(id: string): Record<string, unknown> {
    const row = accountAddress(this.sqlite, id);
    if (!row) throw new CoreError('not_found', `No account with id ${id}`);
    return row.settings;
  }

  async credentials<C = Record<string, unknown>>(id: string): Promise<C | null> {
    const test = this.testCredentials(id);
    if (test) {
      for (const v of Object.values(test)) if (typeof v === 'string') this.log.addSecret(v); // test tokens, still kept out of logs
      return test as C;
    }
    const json = await this.secrets.get(accountSecretKey(id));
    if (!json) return null;
    this.log.addSecret(json);
    return JSON.parse(json) as C;
  }

  /** A sandbox account's test tokens — honoured only while the account still points at loopback. */
  private testCredentials(id: string): Record<string, unknown> | null {
    const row = accountAddress(this.sqlite, id);
    if (!row?.baseUrl) return null;
    const s = row.settings;
    if (s.sandbox !== true || !s.testCredentials || typeof s.testCredentials !== 'object') return null;
    let host: string;
    try {
      host = new URL(row.baseUrl).hostname;
    } catch {
      return null;
    }
    return isLoopbackHost(host) ? (s.testCredentials as Record<string, unknown>) : null;
  }
}

function defaultLabel(kind: AccountKind): string {
  return kind === 'csv' ? 'CSV import' : kind[0]!.toUpperCase() + kind.slice(1);
}

/** Whether it is a sandbox account, and the settings its form shows (never its test tokens). */
function formSettingsOf(kind: AccountKind, settings: string): { sandbox: boolean; settings: Record<string, string> } {
  const s = JSON.parse(settings) as Record<string, unknown>;
  const keys = kind === 'csv' ? [] : ACCOUNT_FORMS[kind].settings.map((f) => f.key);
  return {
    sandbox: s.sandbox === true,
    settings: Object.fromEntries(
      keys.filter((k) => s[k] != null).map((k) => [k, typeof s[k] === 'object' ? formatSetting(s[k]) : String(s[k])]),
    ),
  };
}

/** A structured setting as typed in the form (BigChange's location: "latitude, longitude"). */
function formatSetting(v: unknown): string {
  const o = v as { lat?: unknown; lng?: unknown; latitude?: unknown; longitude?: unknown };
  const lat = o.lat ?? o.latitude;
  const lng = o.lng ?? o.longitude;
  return lat != null && lng != null ? `${String(lat)}, ${String(lng)}` : JSON.stringify(v);
}

function trustedOf(settings: string): string[] {
  const t = (JSON.parse(settings) as Record<string, unknown>).trustedFor;
  return Array.isArray(t) ? t.map(String) : [];
}
