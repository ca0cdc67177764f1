// The opt-in plaintext store for machines without a Secret Service (`--secret-store file`,
// like gh's --insecure-storage): one JSON file readable only by the user. Never chosen by
// itself; the host that picks it warns every time it is used.
import fs from 'node:fs';
import path from 'node:path';
import { CoreError } from '../errors';
import type { SecretStore, SecretStoreInfo } from './secret-store';
import { makePrivateDir } from '../store/private-files';

export const SECRETS_FILE = 'secrets.json';

export class FileSecretStore implements SecretStore {
  readonly info: SecretStoreInfo;
  readonly file: string;

  constructor(dataDir: string) {
    this.file = path.join(dataDir, SECRETS_FILE);
    this.info = {
      kind: 'file',
      persistent: true,
      detail: `Credentials are stored unencrypted in ${this.file} (readable only by you; chosen with --secret-store file).`,
    };
  }

  /** The warning a host prints each time it runs with this store. */
  warning(): string {
    return `warning: credentials are kept unencrypted in ${this.file} (--secret-store file); anyone who can read that file as you can use them. Prefer a system keychain where there is one.`;
  }

  async get(key: string): Promise<string | null> {
    return this.read()[key] ?? null;
  }

  async set(key: string, value: string): Promise<void> {
    this.write({ ...this.read(), [key]: value });
  }

  async delete(key: string): Promise<boolean> {
    const all = this.read();
    if (!(key in all)) return false;
    delete all[key];
    this.write(all);
    return true;
  }

  private read(): Record<string, string> {
    let text: string;
    try {
      // A file others can read is refused rather than used: its secrets may already be out.
      const st = fs.statSync(this.file);
      if (process.platform !== 'win32' && (st.mode & 0o077) !== 0) {
        throw new CoreError(
          'secret_store',
          `${this.file} can be read by other users (mode ${(st.mode & 0o777).toString(8)}); run "chmod 600 ${this.file}" and rotate the credentials in it if others may have read them`,
        );
      }
      text = fs.readFileSync(this.file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw e;
    }
    try {
      const parsed = JSON.parse(text) as unknown;
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, string>;
    } catch {
      // fall through
    }
    throw new CoreError('secret_store', `${this.file} is not a JSON object of credentials; it was left as it is`);
  }

  private write(all: Record<string, string>): void {
    makePrivateDir(path.dirname(this.file));
    // Written beside and renamed over, created 0600 so it is never readable by others, not even briefly.
    const tmp = `${this.file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(all, null, 2) + '\n', { mode: 0o600 });
    fs.chmodSync(tmp, 0o600);
    fs.renameSync(tmp, this.file);
  }
}
