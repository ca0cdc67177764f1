// Security posture (DESIGN §1): the page gets no Node, no navigation, no new windows, no
// permissions, and a strict CSP. Vendor HTTP happens only in the core worker.
import { app, session, shell, type WebContents } from 'electron';
import { CSP } from '../../shared/csp';


/** Is `url` our own renderer (dev server origin or the bundled file)? */
export function isAppUrl(url: string, devServerUrl: string | undefined, rendererFile: string): boolean {
  try {
    const u = new URL(url);
    if (devServerUrl) return u.origin === new URL(devServerUrl).origin;
    return u.protocol === 'file:' && decodeURIComponent(u.pathname) === rendererFile.replace(/\\/g, '/').replace(/^(?!\/)/, '/');
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

export function lockDownWebContents(): void {
  app.on('web-contents-created', (_e, contents: WebContents) => {
    contents.on('will-navigate', (event) => event.preventDefault());
    contents.on('will-redirect', (event) => event.preventDefault());
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(({ url }) => {
      // Links to vendor sites open in the browser, never inside Concord.
      if (/^https:\/\//.test(url)) void shell.openExternal(url);
      return { action: 'deny' };
    });
  });
}
