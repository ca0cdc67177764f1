// The contract is the boundary: every key must have an IPC handler and a preload entry.
// Electron itself cannot run here, so its two objects the bridge touches are recorded.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { EVENT_KEYS, REQUEST_KEYS, eventChannel, requestChannel, requests } from '../../src/shared/contract';
import { registerIpc } from '../../src/main/electron/ipc';
import { makeTestCore, seedAccount, type TestCore } from '../helpers/core';

const exposed: Record<string, unknown> = {};
const invoke = vi.fn(async (channel: string, input: unknown) => ({ channel, input }));
const on = vi.fn();
const removeListener = vi.fn();
vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (name: string, value: unknown) => (exposed[name] = value) },
  ipcRenderer: { invoke, on, removeListener },
}));

let t: TestCore | undefined;
afterEach(() => t?.cleanup());

describe('preload', () => {
  it('exposes exactly the contract as window.api', async () => {
    await import('../../src/preload/index');
    const api = exposed.api as Record<string, (...a: unknown[]) => unknown>;
    expect(Object.keys(api).sort()).toEqual([...Object.keys(requests), 'on'].sort());
    for (const key of REQUEST_KEYS) {
      await expect(api[key]!({ a: 1 })).resolves.toEqual({ channel: requestChannel(key), input: { a: 1 } });
    }
    for (const event of EVENT_KEYS) {
      const off = api.on!(event, () => {}) as () => void;
      expect(on).toHaveBeenLastCalledWith(eventChannel(event), expect.any(Function));
      off();
      expect(removeListener).toHaveBeenLastCalledWith(eventChannel(event), expect.any(Function));
    }
    expect(() => api.on!('notAnEvent', () => {})).toThrow(/Unknown event/);
  });
});

describe('ipc handlers', () => {
  type H = (event: { senderFrame: { url: string } | null }, input: unknown) => Promise<unknown>;
  async function setup() {
    t = await makeTestCore();
    await seedAccount(t.core, 'lightening', [{ givenName: 'Mary', familyName: 'Jackson' }]);
    const handlers = new Map<string, H>();
    const forwarded: string[] = [];
    registerIpc(
      { handle: (ch: string, fn: unknown) => void handlers.set(ch, fn as H) } as never,
      { request: (key, input) => (forwarded.push(key), t!.core.dispatch(key, input)) },
      ({ senderFrame }) => (senderFrame as { url: string } | null)?.url === 'app://concord/index.html', // the real check compares the sender with our windows (test/e2e/electron-main.test.ts)
    );
    return { handlers, forwarded };
  }
  const trusted = { senderFrame: { url: 'app://concord/index.html' } };

  it('registers one handler per contract key', async () => {
    const { handlers } = await setup();
    expect([...handlers.keys()].sort()).toEqual(REQUEST_KEYS.map(requestChannel).sort());
  });

  it('refuses untrusted senders and invalid input before reaching the core', async () => {
    const { handlers, forwarded } = await setup();
    const list = handlers.get(requestChannel('listContacts'))!;
    await expect(list({ senderFrame: { url: 'https://evil.example/' } }, {})).resolves.toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    await expect(list({ senderFrame: null }, {})).resolves.toMatchObject({ ok: false, error: { code: 'forbidden' } });
    await expect(list(trusted, { limit: 'all' })).resolves.toMatchObject({ ok: false, error: { code: 'bad_request' } });
    expect(forwarded).toEqual([]);
    await expect(list(trusted, { search: 'mary' })).resolves.toMatchObject({
      ok: true,
      value: { total: 1, rows: [{ displayName: 'Mary Jackson' }] },
    });
    expect(forwarded).toEqual(['listContacts']);
  });
});
