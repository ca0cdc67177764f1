// Electron entry: harden, start the core worker, wire IPC, open the window. Thin on purpose —
// all behaviour lives in the core, which the CLI and tests run without Electron.
import path from 'node:path';
import { app, BrowserWindow, dialog, ipcMain } from 'electron';
import { eventChannel } from '../../shared/contract';
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
  lockDownWebContents(devServerUrl, rendererFile);
  let core: CoreClient | null = null;
  let closed = false;
  const broadcast = (channel: string, payload: unknown): void => {
    for (const w of BrowserWindow.getAllWindows()) w.webContents.send(channel, payload);
  };

  app.whenReady().then(async () => {
    hardenSession(!!devServerUrl);
    try {
      core = await startCoreWorker(workerPath, {
        dataDir: dataDir(),
        migrationsDir: path.join(resourcesDir(), 'migrations'),
        ...electronNative(),
      });
    } catch (e) {
      dialog.showErrorBox('Concord could not start', `${(e as Error).message}\n\nIf this mentions NODE_MODULE_VERSION, run "npm start" again: it rebuilds the native modules for Electron.`);
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
