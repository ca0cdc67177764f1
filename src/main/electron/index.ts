// Electron entry: harden, start the core worker, wire IPC, open the window. Thin on purpose —
// all behaviour lives in the core, which the CLI and tests run without Electron.
import path from 'node:path';
import { app, BrowserWindow, dialog, ipcMain } from 'electron';
import { eventChannel } from '../../shared/contract';
import { listBackups } from '../core/store/backups';
import { makePrivateDir } from '../core/store/private-files';
import type { WorkerInit } from '../worker/protocol';
import { startCoreWorker, type CoreClient } from './core-host';
import { registerIpc } from './ipc';
import { dataDir, electronNative, resourcesDir } from './paths';
import { hardenSession, lockDownWebContents } from './security';
import { createMainWindow, isOwnWindowFrame } from './window';

const devServerUrl = process.env.ELECTRON_RENDERER_URL;
const rendererFile = path.join(__dirname, '../renderer/index.html');
const preloadPath = path.join(__dirname, '../preload/index.js');
const workerPath = path.join(__dirname, 'core-worker.js');

// A second instance hands over to the first and stops here: app.quit() alone is asynchronous,
// and this process would go on to start a second core on the same store.
if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  start();
}

function start(): void {
  app.enableSandbox();
  // Chromium keeps the window's storage in userData (and the store lives there too unless
  // CONCORD_DATA_DIR says otherwise): only its owner may read it, whatever the umask.
  makePrivateDir(app.getPath('userData'));
  lockDownWebContents(devServerUrl, rendererFile);
  let core: CoreClient | null = null;
  let closed = false;
  const broadcast = (channel: string, payload: unknown): void => {
    for (const w of BrowserWindow.getAllWindows()) w.webContents.send(channel, payload);
  };

  app.whenReady().then(async () => {
    hardenSession(!!devServerUrl);
    core = await startCore({ dataDir: dataDir(), migrationsDir: path.join(resourcesDir(), 'migrations'), ...electronNative() });
    if (!core) {
      app.exit(1);
      return;
    }
    registerIpc(ipcMain, core, isOwnWindowFrame);
    core.onEvent((event, payload) => broadcast(eventChannel(event), payload));
    // The worker died and is restarting (or gave up): the window says so instead of hanging.
    core.onState((s) => broadcast(eventChannel('coreStatus'), s));
    createMainWindow(preloadPath, devServerUrl, rendererFile);
    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) createMainWindow(preloadPath, devServerUrl, rendererFile);
    });
  });

  /**
   * Start the core. A damaged data file is never replaced by itself: the person is told what is
   * wrong and offered the latest backup (the damaged file is kept beside it); anything else
   * that stops the start (a read-only folder, a full disk) is said as the core words it.
   */
  async function startCore(init: WorkerInit): Promise<CoreClient | null> {
    try {
      return await startCoreWorker(workerPath, init);
    } catch (e) {
      const message = (e as Error).message;
      const [latest] = (e as { code?: string }).code === 'store_damaged' ? listBackups(init.dataDir) : [];
      if (latest) {
        const choice = dialog.showMessageBoxSync({
          type: 'error',
          title: 'Concord',
          message: 'Concord’s data file is damaged',
          detail: `${message}\n\nRestore the latest backup, from ${new Date(latest.modified).toLocaleString()}? Changes made since then are lost; the damaged file is kept beside it.`,
          buttons: ['Restore the latest backup', 'Quit'],
          defaultId: 0,
          cancelId: 1,
        });
        if (choice === 0) {
          try {
            return await startCoreWorker(workerPath, { ...init, restoreLatestBackup: true });
          } catch (again) {
            dialog.showErrorBox('Concord could not start', (again as Error).message);
            return null;
          }
        }
        return null;
      }
      dialog.showErrorBox(
        'Concord could not start',
        `${message}${/NODE_MODULE_VERSION/.test(message) ? '\n\nRun "npm start" again: it rebuilds the native modules for Electron.' : ''}`,
      );
      return null;
    }
  }

  app.on('second-instance', () => {
    const [win] = BrowserWindow.getAllWindows();
    if (win) {
      if (win.isMinimized()) win.restore();
      win.focus();
    }
  });

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });

  // Quit waits for the worker to close the store (checkpointed, no WAL left behind), then goes on.
  app.on('will-quit', (event) => {
    if (closed || !core) return;
    event.preventDefault();
    const c = core;
    core = null;
    void c.stop().finally(() => {
      closed = true;
      app.quit();
    });
  });
}
