import { pathToFileURL } from 'node:url';
import { KEYCHAIN_SERVICE, type SecretStore, type SecretStoreInfo } from './secret-store';

export interface KeytarApi {
  getPassword(service: string, account: string): Promise<string | null>;
  setPassword(service: string, account: string, password: string): Promise<void>;
  deletePassword(service: string, account: string): Promise<boolean>;
}

/**
 * Load keytar. In the Electron app `modulePath` points at a copy built for Electron's ABI
 * (scripts/build-electron-native.mjs); the CLI and tests use the Node build in node_modules.
 */
export async function loadKeytar(modulePath?: string): Promise<KeytarApi> {
  const mod = (modulePath ? await import(pathToFileURL(modulePath).href) : await import('keytar')) as { default?: KeytarApi } & KeytarApi;
  return mod.default ?? mod;
}

export class KeytarSecretStore implements SecretStore {
  readonly info: SecretStoreInfo;

  constructor(
    private readonly keytar: KeytarApi,
    private readonly service: string = KEYCHAIN_SERVICE,
    detail = 'Credentials are stored in the system keychain.',
  ) {
    this.info = { kind: 'keychain', persistent: true, detail };
  }

  get(key: string): Promise<string | null> {
    return this.keytar.getPassword(this.service, key);
  }

  set(key: string, value: string): Promise<void> {
    return this.keytar.setPassword(this.service, key, value);
  }

  delete(key: string): Promise<boolean> {
    return this.keytar.deletePassword(this.service, key);
  }
}
