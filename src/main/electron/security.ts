// Security posture (docs/design.md#architecture): the page gets no Node, no navigation, no new windows, no
// permissions, and a strict CSP. Vendor HTTP happens only in the core worker.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, session, shell, type WebContents } from 'electron';
import { CSP } from '../../shared/csp';

/**
 * The only places a link may open in the browser: the vendors' own sites, which the app's
 * links point at. A page that was somehow made to open another URL (a vendor's text rendered
 * as a link, an injected script) cannot hand the OS a file:, smb: or custom-scheme URL, nor a
 * phishing page.
 */
export const EXTERNAL_ORIGINS: readonly string[] = [
  'https://app.calltools.io',
  'https://api.mpdx.org',
  'https://api.livevox.com',
  'https://api.lightening.co',
  'https://api.bigchange.com',
];

/** https, no credentials in it, and an origin on the allow-list. */
export function isAllowedExternalUrl(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === 'https:' && !u.username && !u.password && EXTERNAL_ORIGINS.includes(u.origin);
  } catch {
    return false;
  }
}

/** Is `url` our own renderer (dev server origin or the bundled file)? Used for navigation only; IPC checks the sender object. */
export function isAppUrl(url: string, devServerUrl: string | undefined, rendererFile: string): boolean {
  try {
    const u = new URL(url);
    if (devServerUrl) return u.origin === new URL(devServerUrl).origin;
    if (u.protocol !== 'file:') return false;
    // As paths, not strings: drive-letter case and %-escapes differ between the two on Windows.
    const same = (p: string) => (process.platform === 'win32' ? path.resolve(p).toLowerCase() : path.resolve(p));
    return same(fileURLToPath(u)) === same(rendererFile);
  } catch {
    return false;
  }
}

export function hardenSession(devServer: boolean): void {
  const ses = session.defaultSession;
  ses.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
  // The dev server needs inline/eval for HMR; the packaged app gets the strict policy.
  if (!devServer) {
    ses.webRequest.onHeadersReceived((details, callback) => {
      callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CSP] } });
    });
  }
}

/**
 * No navigation away from the app. A navigation to the app itself is let through: the Vite
 * dev server's full reload is one, and cancelling it left a stale page in development.
 */
export function lockDownWebContents(devServerUrl: string | undefined, rendererFile: string): void {
  app.on('web-contents-created', (_e, contents: WebContents) => {
    contents.on('will-navigate', (event) => {
      if (!isAppUrl(event.url, devServerUrl, rendererFile)) event.preventDefault();
    });
    contents.on('will-redirect', (event) => {
      if (!isAppUrl(event.url, devServerUrl, rendererFile)) event.preventDefault();
    });
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(({ url }) => {
      // Links to vendor sites open in the browser, never inside Concord; nothing else opens at all.
      if (isAllowedExternalUrl(url)) void shell.openExternal(url);
      return { action: 'deny' };
    });
  });
}
