// The built main process (out/main/index.js) and preload, loaded with a stand-in `electron`
// module that records every call — Electron's binary cannot run here. Its utilityProcess.fork
// starts the real built core worker in a Node child (parent-port shim), so the worker path,
// the IPC channels, the preload's keys, a worker crash and quit are all checked for real.
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { EVENT_KEYS, REQUEST_KEYS, eventChannel, requestChannel } from '../../src/shared/contract';
import { tempDir } from '../helpers/tmp';
import { FakeContents, load, ready, rec, standDown, until } from './electron-stand-in';

const ROOT = path.resolve(__dirname, '../..');
const MAIN = path.join(ROOT, 'out/main/index.js');
const PRELOAD = path.join(ROOT, 'out/preload/index.js');
const tmp = tempDir('concord-electron-');

rec.userData = path.join(tmp.dir, 'userData');
afterAll(() => {
  standDown();
  tmp.cleanup();
});

describe('built main process under a stand-in electron', () => {
  it('a second instance hands over and starts nothing', () => {
    rec.lock = false;
    load(MAIN);
    expect(rec.quit).toBe(1);
    expect(rec.forks).toEqual([]);
    expect(rec.handles.size).toBe(0);
    expect(rec.appOn.size).toBe(0);
    rec.quit = 0;
    rec.lock = true;
  });

  it('starts the worker from a path that exists, registers every contract channel, opens a sandboxed window', async () => {
    process.env.CONCORD_DATA_DIR = path.join(tmp.dir, 'data');
    load(MAIN);
    ready();
    await until(() => rec.windows.length === 1);
    expect(rec.errors).toEqual([]);
    expect(rec.forks).toEqual([path.join(ROOT, 'out/main/core-worker.js')]);
    expect(fs.existsSync(rec.forks[0]!)).toBe(true);
    expect([...rec.handles.keys()].sort()).toEqual(REQUEST_KEYS.map(requestChannel).sort());
    const win = rec.windows[0]!;
    expect(win.options.webPreferences).toMatchObject({ sandbox: true, contextIsolation: true, preload: PRELOAD });
    expect(fs.existsSync(win.options.webPreferences.preload)).toBe(true);
    expect(win.loaded).toBe(path.join(ROOT, 'out/renderer/index.html'));
  });

  it('answers only its own window’s main frame, compared as objects', async () => {
    const win = rec.windows[0]!;
    const status = rec.handles.get(requestChannel('getStatus'))!;
    await expect(status({ sender: win.webContents, senderFrame: win.webContents.mainFrame }, {})).resolves.toMatchObject({
      ok: true,
      value: { counts: { people: 0 } },
    });
    const other = new FakeContents();
    await expect(status({ sender: other, senderFrame: other.mainFrame }, {})).resolves.toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    await expect(status({ sender: win.webContents, senderFrame: { url: win.webContents.mainFrame.url } }, {})).resolves.toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
  });

  it('lets a navigation to the app itself through (a dev reload) and stops any other', () => {
    const navigate = rec.windows[0]!.webContents.handlers.get('will-navigate')!;
    const go = (url: string) => {
      let prevented = false;
      navigate({ url, preventDefault: () => (prevented = true) });
      return prevented;
    };
    expect(go(pathToFileURL(path.join(ROOT, 'out/renderer/index.html')).href)).toBe(false);
    expect(go('https://evil.example/')).toBe(true);
    expect(go(pathToFileURL(path.join(ROOT, 'out/renderer/other.html')).href)).toBe(true);
  });

  it('opens in the browser only the https origins on its allow-list, and never a new window', () => {
    const open = rec.windows[0]!.webContents.windowOpenHandler!;
    for (const url of [
      'https://app.calltools.io/contacts/7',
      'https://api.mpdx.org/',
      'https://api.livevox.com/x',
      'https://api.lightening.co/',
      'https://api.bigchange.com/v1',
    ]) {
      expect(open({ url })).toEqual({ action: 'deny' });
    }
    for (const url of [
      'https://evil.example/',
      'http://app.calltools.io/',
      'file:///etc/passwd',
      'smb://host/share',
      'javascript:alert(1)',
      'https://user:pw@app.calltools.io/',
      'https://app.calltools.io.evil.example/',
      'ms-settings:',
      'not a url',
    ]) {
      expect(open({ url })).toEqual({ action: 'deny' });
    }
    expect(rec.opened).toEqual([
      'https://app.calltools.io/contacts/7',
      'https://api.mpdx.org/',
      'https://api.livevox.com/x',
      'https://api.lightening.co/',
      'https://api.bigchange.com/v1',
    ]);
  });

  it('keeps the userData folder and the data directory readable by their owner only', () => {
    expect(fs.statSync(rec.userData).mode & 0o777).toBe(0o700);
    expect(fs.statSync(path.join(tmp.dir, 'data')).mode & 0o777).toBe(0o700);
  });

  it('a worker crash: requests answer "unavailable" at once, the worker restarts, the window is told', async () => {
    const win = rec.windows[0]!;
    const event = { sender: win.webContents, senderFrame: win.webContents.mainFrame };
    const status = rec.handles.get(requestChannel('getStatus'))!;
    const first = rec.children[0]!;
    first.kill('SIGKILL');
    await new Promise((r) => first.once('exit', r));
    const t0 = Date.now();
    await expect(status(event, {})).resolves.toMatchObject({ ok: false, error: { code: 'unavailable' } });
    expect(Date.now() - t0).toBeLessThan(1000);
    const told = () => rec.sent.filter(([ch]) => ch === eventChannel('coreStatus')).map(([, p]) => (p as { state: string }).state);
    await until(() => told().includes('ready'));
    expect(told()).toEqual(['restarting', 'ready']);
    expect(rec.forks).toHaveLength(2);
    await expect(status(event, {})).resolves.toMatchObject({ ok: true });
  });

  it('quit waits for the worker to close the store, then quits', async () => {
    const willQuit = rec.appOn.get('will-quit')![0]!;
    let prevented = false;
    willQuit({ preventDefault: () => (prevented = true) });
    expect(prevented).toBe(true);
    const worker = rec.children[1]!;
    await until(() => rec.quit === 1);
    expect(worker.exitCode).toBe(0); // shut down by its own hand (store closed), not killed
    expect(fs.existsSync(path.join(tmp.dir, 'data', 'concord.db-wal'))).toBe(false);
    // The second will-quit goes through.
    let again = false;
    willQuit({ preventDefault: () => (again = true) });
    expect(again).toBe(false);
  });
});

describe('built preload under a stand-in electron', () => {
  it('exposes exactly the contract keys as window.api', () => {
    load(PRELOAD);
    const api = rec.exposed.api as Record<string, unknown>;
    expect(Object.keys(api).sort()).toEqual([...REQUEST_KEYS, 'on'].sort());
    expect(EVENT_KEYS).toContain('coreStatus');
  });
});
