import { describe, expect, it } from 'vitest';
import type { KeytarApi } from '../../src/main/core/secrets/keytar-store';
import { chooseSecretStore } from '../../src/main/core/secrets/probe';
import { makeTestCore } from '../helpers/core';

// A keytar-shaped object standing in for a keychain that hangs or fails: these tests are about
// the probe's decision, the real keychain is exercised in keychain.test.ts.
const hanging: KeytarApi = {
  getPassword: () => new Promise(() => {}),
  setPassword: () => new Promise(() => {}),
  deletePassword: () => new Promise(() => {}),
};
const failing: KeytarApi = {
  getPassword: async () => {
    throw new Error('Cannot autolaunch D-Bus without X11 $DISPLAY');
  },
  setPassword: async () => {
    throw new Error('Cannot autolaunch D-Bus without X11 $DISPLAY');
  },
  deletePassword: async () => false,
};

describe('secret store selection', () => {
  it('falls back to memory, visibly, when the keychain does not answer in time', async () => {
    const started = Date.now();
    const store = await chooseSecretStore({ keytar: hanging, timeoutMs: 150 });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(store.info.kind).toBe('memory');
    expect(store.info.persistent).toBe(false);
    expect(store.info.detail).toMatch(/no answer within 150 ms/);
    await store.set('k', 'v');
    expect(await store.get('k')).toBe('v');
  });

  it('falls back to memory when the keychain errors, and says why', async () => {
    const store = await chooseSecretStore({ keytar: failing, timeoutMs: 1000 });
    expect(store.info.kind).toBe('memory');
    expect(store.info.detail).toMatch(/D-Bus/);
  });

  it('falls back when the keychain module cannot be loaded', async () => {
    const store = await chooseSecretStore({ keytarPath: '/nonexistent/keytar.js', timeoutMs: 1000 });
    expect(store.info.kind).toBe('memory');
    expect(store.info.detail).toMatch(/could not be loaded/);
  });

  it('keeps account credentials out of SQLite and the log', async () => {
    const t = await makeTestCore();
    try {
      const acc = await t.core.accounts.add({
        kind: 'calltools',
        baseUrl: 'http://127.0.0.1:1',
        credentials: { token: 'a1b2c3d4e5f6a7b8c9d0a1b2c3d4e5f6a7b8c9d0' },
      });
      expect(await t.core.accounts.credentials(acc.id)).toEqual({ token: 'a1b2c3d4e5f6a7b8c9d0a1b2c3d4e5f6a7b8c9d0' });
      t.core.log.info('debug dump', { creds: 'a1b2c3d4e5f6a7b8c9d0a1b2c3d4e5f6a7b8c9d0' });
      const dump = t.core.store.sqlite.prepare('SELECT * FROM accounts').all();
      expect(JSON.stringify(dump)).not.toContain('a1b2c3d4e5f6');
      expect(t.logLines.join('\n')).not.toContain('a1b2c3d4e5f6');
    } finally {
      t.cleanup();
    }
  });

  it('refuses a non-loopback http base URL', async () => {
    const t = await makeTestCore();
    try {
      await expect(t.core.accounts.add({ kind: 'mpdx', baseUrl: 'http://api.mpdx.org' })).rejects.toThrow(/must use https/);
      await expect(t.core.accounts.add({ kind: 'mpdx', baseUrl: 'https://api.mpdx.org' })).resolves.toMatchObject({ kind: 'mpdx' });
      expect(t.core.accounts.list()).toHaveLength(1);
    } finally {
      t.cleanup();
    }
  });
});
