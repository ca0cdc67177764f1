// keytar against a real Secret Service (gnome-keyring in a private D-Bus session, set up by
// scripts/with-keychain.mjs, which `npm test` uses). CI must run it for real.
import { describe, expect, it } from 'vitest';
import { createCore } from '../../src/main/core';
import { createLogger, nullSink } from '../../src/main/core/log';
import { chooseSecretStore } from '../../src/main/core/secrets/probe';
import { tempDir } from '../helpers/tmp';

const available = process.env.CONCORD_KEYCHAIN_TEST === '1';
if (!available && process.env.CI) {
  throw new Error('CI must run the keychain test under scripts/with-keychain.mjs (dbus-run-session + gnome-keyring)');
}

// Skipped only on a workstation without dbus-run-session/gnome-keyring (the wrapper says so).
describe.skipIf(!available)('keytar secret store (real keychain)', () => {
  it('the start-up probe picks the keychain and round-trips a secret', async () => {
    const store = await chooseSecretStore({ timeoutMs: 5000, service: 'Concord-test' });
    expect(store.info).toMatchObject({ kind: 'keychain', persistent: true });
    const key = `test:${Date.now()}`;
    await store.set(key, 'correct horse battery staple');
    expect(await store.get(key)).toBe('correct horse battery staple');
    expect(await store.delete(key)).toBe(true);
    expect(await store.get(key)).toBeNull();
  });

  it('a core reports the keychain and keeps credentials across restarts of the core', async () => {
    const t = tempDir();
    try {
      const log = createLogger(nullSink);
      const first = await createCore({ dataDir: t.dir, log });
      expect((await first.dispatch('getStatus', {})) as { value: { secretStore: { kind: string } } }).toMatchObject({
        ok: true,
        value: { secretStore: { kind: 'keychain' } },
      });
      const acc = await first.accounts.add({
        kind: 'livevox',
        baseUrl: 'http://127.0.0.1:1',
        credentials: { accessToken: 'lv-access-123456', clientName: 'c', userName: 'u', password: 'p' },
      });
      first.close();
      const second = await createCore({ dataDir: t.dir, log });
      expect(await second.accounts.credentials(acc.id)).toEqual({
        accessToken: 'lv-access-123456',
        clientName: 'c',
        userName: 'u',
        password: 'p',
      });
      second.close();
    } finally {
      t.cleanup();
    }
  });
});
