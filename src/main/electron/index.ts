// Electron entry: harden, start the core worker, wire IPC, open the window. Thin on purpose —
// all behaviour lives in the core, which the CLI and tests run without Electron.
import path from 'node:path';
import { app, BrowserWindow, dialog, ipcMain } from 'electron';
import { eventChannel } from '../../shared/contract';
import { startCoreWorker, type CoreClient } from './core-host';
import { registerIpc } from './ipc';
import { dataDir, electronNative, resourcesDir } from './paths';
import { hardenSession, isAppUrl, lockDownWebContents } from './security';
import { createMainWindow } from './window';

const devServerUrl = process.env.ELECTRON_RENDERER_URL;
const rendererFile = path.join(__dirname, '../renderer/index.html');
const preloadPath = path.join(__dirname, '../preload/index.js');

app.enableSandbox();
lockDownWebContents();
if (!app.requestSingleInstanceLock()) app.quit();

let core: CoreClient | null = null;

app.whenReady().then(async () => {
  hardenSession(!!devServerUrl);
  try {
    core = await startCoreWorker(path.join(__dirname, 'core-worker.js'), {
      dataDir: dataDir(),
      migrationsDir: path.join(resourcesDir(), 'migrations'),
      ...electronNative(),
    });
  } catch (e) {
    dialog.showErrorBox('Concord could not start', `${(e as Error).message}\n\nIf this mentions NODE_MODULE_VERSION, run "npm start" again: it rebuilds the native modules for Electron.`);
    app.exit(1);
    return;
  }
  registerIpc(ipcMain, core, (frame) => !!frame && isAppUrl(frame.url, devServerUrl, rendererFile));
  core.onEvent((event, payload) => {
    for (const w of BrowserWindow.getAllWindows()) w.webContents.send(eventChannel(event), payload);
  });
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

app.on('will-quit', () => core?.stop());
