// Secrets (vendor credentials) live in the OS keychain, never in SQLite, logs or the renderer.
export type SecretStoreKind = 'keychain' | 'memory' | 'file';

export interface SecretStoreInfo {
  kind: SecretStoreKind;
  /** True when secrets survive a restart. */
  persistent: boolean;
  /** Why the keychain is not in use, in words a person understands. */
  detail: string;
}

export interface SecretStore {
  readonly info: SecretStoreInfo;
  get(key: string): Promise<string | null>;
  set(key: string, value: string): Promise<void>;
  delete(key: string): Promise<boolean>;
}

/** The keychain "service" under which Concord's entries appear (Passwords and Keys, Keychain Access, …). */
export const KEYCHAIN_SERVICE = 'Concord';

/** Keychain entry name for an account's credentials. */
export function accountSecretKey(accountId: string): string {
  return `account:${accountId}`;
}
