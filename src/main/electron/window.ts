import path from 'node:path';
import { BrowserWindow, type WebContents, type WebFrameMain } from 'electron';

// The webContents of the windows this process opened: the only senders IPC answers.
const ours = new Set<WebContents>();

/** The sender is the main frame of one of our windows (object identity: no URL string games with drive letters or %). */
export function isOwnWindowFrame(event: { sender: WebContents; senderFrame: WebFrameMain | null }): boolean {
  return ours.has(event.sender) && !!event.senderFrame && event.senderFrame === event.sender.mainFrame;
}

export function createMainWindow(preloadPath: string, devServerUrl: string | undefined, rendererFile: string): BrowserWindow {
  const win = new BrowserWindow({
    width: 1280,
    height: 800,
    minWidth: 760,
    minHeight: 480,
    show: false,
    title: 'Concord',
    backgroundColor: '#f6f7f9',
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webviewTag: false,
      spellcheck: false,
    },
  });
  const contents = win.webContents;
  ours.add(contents);
  win.on('closed', () => ours.delete(contents));
  win.once('ready-to-show', () => win.show());
  if (devServerUrl) void win.loadURL(devServerUrl);
  else void win.loadFile(path.resolve(rendererFile));
  return win;
}
