// Sandbox accounts need no keychain: their loopback-only test tokens stay with the account,
// marked, and count only while it points at loopback. Nothing else gets that treatment.
import { afterEach, describe, expect, it } from 'vitest';
import { makeTestCore, type TestCore } from '../helpers/core';

let t: TestCore | null = null;
afterEach(() => t?.cleanup());

describe('sandbox credentials', () => {
  it('are kept with a loopback sandbox account, out of the secret store, its settings and the logs', async () => {
    t = await makeTestCore();
    const token = 'feedface'.repeat(5);
    const r = await t.core.dispatch('addAccount', {
      kind: 'calltools',
      baseUrl: 'http://127.0.0.1:9',
      credentials: { token },
      sandbox: true,
    });
    expect(r.ok).toBe(true);
    const id = (r as { value: { id: string } }).value.id;
    expect(await t.core.secretStore.get(`account:${id}`)).toBeNull();
    expect(await t.core.accounts.credentials(id)).toEqual({ token });
    expect(t.core.accounts.settings(id)).toEqual({ sandbox: true }); // what connectors and hosts see
    t.core.log.info('probe', { detail: `sent ${token}` });
    expect(t.logLines.join('\n')).not.toContain(token);
    // Pointed somewhere else, the test tokens stop counting.
    t.core.store.sqlite.prepare('UPDATE accounts SET base_url = ? WHERE id = ?').run('https://api.calltools.example', id);
    expect(await t.core.accounts.credentials(id)).toBeNull();
  });

  it('are refused off loopback, and a real account cannot smuggle test tokens in through its settings', async () => {
    t = await makeTestCore();
    expect(
      await t.core.dispatch('addAccount', {
        kind: 'calltools',
        baseUrl: 'https://api.calltools.example',
        credentials: { token: 'f'.repeat(40) },
        sandbox: true,
      }),
    ).toMatchObject({ ok: false, error: { code: 'bad_request', message: expect.stringMatching(/loopback/) } });
    const acc = await t.core.accounts.add({
      kind: 'calltools',
      baseUrl: 'http://127.0.0.1:9',
      credentials: { token: 'a'.repeat(40) },
      settings: { sandbox: true, testCredentials: { token: 'b'.repeat(40) } },
    });
    expect(await t.core.accounts.credentials(acc.id)).toEqual({ token: 'a'.repeat(40) }); // from the secret store
  });
});
