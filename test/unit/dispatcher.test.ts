import { afterEach, describe, expect, it } from 'vitest';
import { REQUEST_KEYS, requests } from '../../src/shared/contract';
import { makeTestCore, seedAccount, type TestCore } from '../helpers/core';

let t: TestCore | undefined;
afterEach(() => t?.cleanup());

describe('dispatcher (the validated entry every host uses)', () => {
  it('has a handler for every contract key and nothing else', async () => {
    t = await makeTestCore();
    expect(Object.keys(t.core.handlers).sort()).toEqual([...REQUEST_KEYS].sort());
  });

  it('answers getStatus with output that satisfies the contract', async () => {
    t = await makeTestCore();
    const res = await t.core.dispatch('getStatus', {});
    expect(res.ok).toBe(true);
    if (!res.ok) return;
    expect(() => requests.getStatus.output.parse(res.value)).not.toThrow();
    expect((res.value as { secretStore: { kind: string } }).secretStore.kind).toBe('memory');
  });

  it('applies contract defaults and returns rows', async () => {
    t = await makeTestCore();
    await seedAccount(t.core, 'mpdx', [{ givenName: 'Ada', familyName: 'Lovelace' }]);
    const res = await t.core.dispatch('listContacts', {});
    expect(res).toMatchObject({ ok: true, value: { total: 1, rows: [{ displayName: 'Ada Lovelace', vendors: ['mpdx'] }] } });
  });

  it('refuses unknown keys and bad input with {code, message}', async () => {
    t = await makeTestCore();
    expect(await t.core.dispatch('dropDatabase', {})).toEqual({
      ok: false,
      error: { code: 'unknown_request', message: 'Unknown request "dropDatabase"' },
    });
    const bad = await t.core.dispatch('listContacts', { limit: -4 });
    expect(bad.ok).toBe(false);
    if (!bad.ok) {
      expect(bad.error.code).toBe('bad_request');
      expect(bad.error.message).toMatch(/limit/);
    }
    const missing = await t.core.dispatch('getContact', { id: 'nope' });
    expect(missing).toEqual({ ok: false, error: { code: 'not_found', message: 'No contact with id nope' } });
  });

  it('turns an unexpected failure into an internal error and logs it', async () => {
    t = await makeTestCore();
    t.core.store.sqlite.exec('DROP TABLE contacts_fts');
    const res = await t.core.dispatch('listContacts', { search: 'x' });
    expect(res.ok).toBe(false);
    if (!res.ok) expect(res.error.code).toBe('internal');
    expect(t.logLines.some((l) => l.includes('request listContacts failed'))).toBe(true);
  });
});
