import type { SecretStore, SecretStoreInfo } from './secret-store';

// Fallback when no keychain answers: secrets are held for this session only and are
// never written anywhere (writing them to disk in plaintext is not an option).
export class MemorySecretStore implements SecretStore {
  private readonly values = new Map<string, string>();
  readonly info: SecretStoreInfo;

  constructor(detail = 'No system keychain answered; credentials are kept only until Concord quits.') {
    this.info = { kind: 'memory', persistent: false, detail };
  }

  async get(key: string): Promise<string | null> {
    return this.values.get(key) ?? null;
  }

  async set(key: string, value: string): Promise<void> {
    this.values.set(key, value);
  }

  async delete(key: string): Promise<boolean> {
    return this.values.delete(key);
  }
}
