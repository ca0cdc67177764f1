import { KEYCHAIN_SERVICE, type SecretStore } from './secret-store';
import { KeytarSecretStore, loadKeytar, type KeytarApi } from './keytar-store';
import { MemorySecretStore } from './memory-store';

export interface ProbeOptions {
  /** Where keytar lives (Electron-ABI copy in the app); default: the `keytar` package. */
  keytarPath?: string;
  /** Injected keytar (tests); default loads it. */
  keytar?: KeytarApi;
  timeoutMs?: number;
  service?: string;
}

/**
 * Pick the secret store at start-up: write, read back and delete a probe entry in the
 * keychain within a timeout. A locked or absent Secret Service can hang rather than fail,
 * hence the timeout; any failure falls back to the in-memory store, which says why.
 */
export async function chooseSecretStore(opts: ProbeOptions = {}): Promise<SecretStore> {
  const service = opts.service ?? KEYCHAIN_SERVICE;
  let keytar: KeytarApi;
  try {
    keytar = opts.keytar ?? (await loadKeytar(opts.keytarPath));
  } catch (e) {
    return new MemorySecretStore(
      `The keychain library could not be loaded (${shortError(e)}); credentials are kept only until Concord quits.`,
    );
  }
  const probeKey = `probe:${process.pid}:${Date.now()}`;
  const probe = async (): Promise<void> => {
    await keytar.setPassword(service, probeKey, 'ok');
    const back = await keytar.getPassword(service, probeKey);
    await keytar.deletePassword(service, probeKey);
    if (back !== 'ok') throw new Error('the keychain did not return what was stored');
  };
  const timeoutMs = opts.timeoutMs ?? 3000;
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      probe(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    return new KeytarSecretStore(keytar, service);
  } catch (e) {
    return new MemorySecretStore(`The system keychain is not available (${shortError(e)}); credentials are kept only until Concord quits.`);
  } finally {
    clearTimeout(timer);
  }
}

function shortError(e: unknown): string {
  const msg = (e as Error)?.message ?? String(e);
  return msg.split('\n')[0]!.slice(0, 160);
}
