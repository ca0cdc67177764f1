// End-to-end harness: the built renderer (out/renderer) served on 127.0.0.1, driven in real
// Chromium by playwright-core (which Chromium: test/e2e/browser.ts). window.api is installed by
// an init script and dispatches to a real core in this process through the very handlers
// src/main/electron/ipc.ts registers.
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { EVENT_KEYS, REQUEST_KEYS, requestChannel, type EventKey } from '../../src/shared/contract';
import type { Core } from '../../src/main/core';
import { registerIpc } from '../../src/main/electron/ipc';
import { chooseBrowser } from './browser';

const RENDERER_DIR = path.resolve(__dirname, '../../out/renderer');
export const SCREENSHOT_DIR = path.resolve(__dirname, 'screenshots');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
};

async function serveRenderer(): Promise<{ url: string; close: () => Promise<void> }> {
  if (!fs.existsSync(path.join(RENDERER_DIR, 'index.html'))) {
    throw new Error('out/renderer is missing: run `npx electron-vite build` (npm run test:e2e does it)');
  }
  const server = http.createServer((req, res) => {
    const urlPath = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const file = path.join(RENDERER_DIR, urlPath === '/' ? 'index.html' : urlPath);
    if (!file.startsWith(RENDERER_DIR) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' });
    fs.createReadStream(file).pipe(res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/`, close: () => new Promise((r) => server.close(() => r())) };
}

type IpcHandler = (event: { senderFrame: { url: string } | null }, input: unknown) => Promise<unknown>;

/** Runs in the page before any app script: the same shape src/preload/index.ts exposes. */
function installApi(keys: { requests: string[]; events: string[] }): void {
  const listeners = new Map<string, Set<(p: unknown) => void>>();
  const w = window as unknown as Record<string, unknown>;
  const invoke = w.__concordInvoke as (key: string, input: unknown) => Promise<unknown>;
  const api: Record<string, unknown> = {};
  for (const key of keys.requests) api[key] = (input: unknown) => invoke(key, input ?? {});
  api.on = (event: string, listener: (p: unknown) => void) => {
    if (!keys.events.includes(event)) throw new Error(`Unknown event "${event}"`);
    if (!listeners.has(event)) listeners.set(event, new Set());
    listeners.get(event)!.add(listener);
    return () => listeners.get(event)!.delete(listener);
  };
  w.__concordEmit = (event: string, payload: unknown) => listeners.get(event)?.forEach((l) => l(payload));
  Object.defineProperty(window, 'api', { value: Object.freeze(api), writable: false });
}

export interface Harness {
  browser: Browser;
  context: BrowserContext;
  page: Page;
  url: string;
  screenshot(name: string): Promise<string>;
  /** Console errors matching this are expected by the test (e.g. a CSP refusal it provokes). */
  allowError(pattern: RegExp): void;
  close(): Promise<void>;
}

/** What the harness needs of a core: an in-process one, or one in its own process (test/helpers/worker-core). */
export type HarnessCore = { dispatch: Core['dispatch']; events: { on: Core['events']['on'] } };

export async function startHarness(core: HarnessCore, opts: { width?: number; height?: number } = {}): Promise<Harness> {
  const server = await serveRenderer();
  const handlers = new Map<string, IpcHandler>();
  // The real registration code, with this process standing in for ipcMain and the core worker.
  registerIpc(
    { handle: (channel: string, fn: unknown) => void handlers.set(channel, fn as IpcHandler) } as never,
    { request: (key, input) => core.dispatch(key, input) },
    ({ senderFrame }) => !!senderFrame && new URL(senderFrame.url).origin === new URL(server.url).origin, // Chromium pages, not Electron windows: checked by origin here
  );
  const choice = await chooseBrowser();
  const browser = await chromium.launch({
    executablePath: choice.executablePath,
    ...(choice.env ? { env: { ...process.env, ...choice.env } } : {}),
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
  const context = await browser.newContext({ viewport: { width: opts.width ?? 1280, height: opts.height ?? 800 } });
  await context.exposeBinding('__concordInvoke', async (source, key: string, input: unknown) => {
    const handler = handlers.get(requestChannel(key as (typeof REQUEST_KEYS)[number]));
    if (!handler) return { ok: false, error: { code: 'unknown_request', message: `Unknown request "${key}"` } };
    return handler({ senderFrame: { url: source.frame.url() } }, input);
  });
  await context.addInitScript(installApi, { requests: [...REQUEST_KEYS], events: [...EVENT_KEYS] });
  const page = await context.newPage();
  const pageErrors: string[] = [];
  const allowed: RegExp[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error' && !allowed.some((re) => re.test(m.text()))) pageErrors.push(m.text());
  });
  const unsubscribe = core.events.on((event: EventKey, payload) => {
    void page
      .evaluate(([e, p]) => (window as unknown as { __concordEmit: (e: string, p: unknown) => void }).__concordEmit(e as string, p), [
        event,
        payload,
      ] as const)
      .catch(() => {});
  });
  await page.goto(server.url);
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  return {
    browser,
    context,
    page,
    url: server.url,
    screenshot: async (name) => {
      const file = path.join(SCREENSHOT_DIR, `${name}.png`);
      await page.screenshot({ path: file });
      return file;
    },
    allowError: (pattern) => void allowed.push(pattern),
    close: async () => {
      unsubscribe();
      await browser.close();
      await server.close();
      if (pageErrors.length) throw new Error(`The page logged errors:\n${pageErrors.join('\n')}`);
    },
  };
}

/**
 * Accounts → Try with sandbox vendors, as a newcomer does it: the first start syncs and goes to
 * Contacts with a line of what to try next; this comes back to Accounts with the five rows.
 */
export async function startSandboxInWindow(h: Harness): Promise<void> {
  await h.page.getByTestId('try-sandbox').click();
  await h.page.getByTestId('tip').waitFor({ timeout: 60_000 });
  await h.page.getByRole('navigation').getByText('Accounts', { exact: true }).click();
  await h.page.locator('[data-testid=accounts] tbody tr').nth(4).waitFor();
}

/**
 * Contacts → search for this person's name → click their row, by id: a name can be shared, and
 * can change under a test (a sync may repair a swapped name into one another person has).
 */
export async function selectPerson(h: Harness, personId: string, name: string): Promise<void> {
  await h.page.getByRole('navigation').getByText('Contacts', { exact: true }).click();
  await h.page.getByLabel('Search contacts').fill(name);
  await h.page.locator(`.contact-row[data-person-id="${personId}"]`).click();
  await h.page.locator(`.person[data-person-id="${personId}"]`).waitFor();
}
