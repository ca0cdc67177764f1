// A stand-in for the `electron` module: the built main process and preload load it instead
// of Electron (whose binary cannot run here) and every call is recorded. utilityProcess.fork
// starts the real built core worker in a Node child with a parentPort shim.
import { fork, type ChildProcess } from 'node:child_process';
import Module from 'node:module';
import path from 'node:path';

const SHIM = path.join(__dirname, 'parent-port-shim.cjs');
const ROOT = path.resolve(__dirname, '../..');

type Handler = (...args: unknown[]) => unknown;
export const rec = {
  lock: true,
  quit: 0,
  exit: null as number | null,
  forks: [] as string[],
  children: [] as ChildProcess[],
  handles: new Map<string, Handler>(),
  appOn: new Map<string, Handler[]>(),
  sent: [] as [string, unknown][],
  errors: [] as string[],
  exposed: {} as Record<string, unknown>,
  windows: [] as FakeWindow[],
  /** What dialog.showMessageBoxSync answers (the button index), and what it was shown. */
  messageBoxChoice: 1,
  messageBoxes: [] as { message: string; detail: string; buttons: string[] }[],
  userData: '',
  /** What shell.openExternal was asked to open. */
  opened: [] as string[],
};
let resolveReady!: () => void;
const whenReady = new Promise<void>((r) => (resolveReady = r));
/** app.whenReady() resolves. */
export const ready = (): void => resolveReady();

export class FakeContents {
  readonly handlers = new Map<string, Handler>();
  readonly mainFrame = { url: 'file:///stand-in' };
  send(channel: string, payload: unknown) {
    rec.sent.push([channel, payload]);
  }
  on(event: string, fn: Handler) {
    this.handlers.set(event, fn);
    return this;
  }
  windowOpenHandler: Handler | null = null;
  setWindowOpenHandler(fn: Handler) {
    this.windowOpenHandler = fn;
  }
}
export class FakeWindow {
  readonly webContents = new FakeContents();
  loaded: string | null = null;
  constructor(readonly options: { webPreferences: { preload: string; sandbox: boolean; contextIsolation: boolean } }) {
    rec.windows.push(this);
    for (const fn of rec.appOn.get('web-contents-created') ?? []) fn({}, this.webContents);
  }
  static getAllWindows() {
    return rec.windows;
  }
  once() {}
  on() {}
  loadURL(u: string) {
    this.loaded = u;
  }
  loadFile(f: string) {
    this.loaded = f;
  }
  isMinimized() {
    return false;
  }
  focus() {}
}
const electron = {
  app: {
    requestSingleInstanceLock: () => rec.lock,
    quit: () => void rec.quit++,
    exit: (code: number) => void (rec.exit = code),
    enableSandbox() {},
    whenReady: () => whenReady,
    on: (event: string, fn: Handler) => void rec.appOn.set(event, [...(rec.appOn.get(event) ?? []), fn]),
    getPath: () => rec.userData,
    getAppPath: () => ROOT,
    isPackaged: false,
  },
  BrowserWindow: FakeWindow,
  dialog: {
    showErrorBox: (title: string, message: string) => void rec.errors.push(`${title}: ${message}`),
    showMessageBoxSync: (o: { message: string; detail: string; buttons: string[] }) => (rec.messageBoxes.push(o), rec.messageBoxChoice),
  },
  ipcMain: { handle: (channel: string, fn: Handler) => void rec.handles.set(channel, fn) },
  session: { defaultSession: { setPermissionRequestHandler() {}, setPermissionCheckHandler() {}, webRequest: { onHeadersReceived() {} } } },
  shell: { openExternal: async (url: string) => void rec.opened.push(url) },
  utilityProcess: {
    fork: (modulePath: string) => {
      rec.forks.push(modulePath);
      const child = fork(modulePath, [], { execArgv: ['-r', SHIM], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
      rec.children.push(child);
      return {
        postMessage: (m: unknown) => child.connected && child.send(m as never),
        on: (event: string, fn: Handler) =>
          event === 'exit' ? child.on('exit', (code, signal) => fn(code ?? (signal ? 1 : 0))) : child.on(event, fn),
        kill: () => child.kill(),
      };
    },
  },
  contextBridge: { exposeInMainWorld: (name: string, value: unknown) => void (rec.exposed[name] = value) },
  ipcRenderer: { invoke: async () => undefined, on() {}, removeListener() {} },
};

// `require('electron')` from the built bundles gets the stand-in.
export const M = Module as unknown as { _load: (request: string, ...rest: unknown[]) => unknown };
export const realLoad = M._load;
M._load = function (request: string, ...rest: unknown[]) {
  return request === 'electron' ? electron : realLoad.call(this, request, ...rest);
};
const nodeRequire = Module.createRequire(__filename);
export const load = (file: string) => {
  delete nodeRequire.cache[file];
  return nodeRequire(file) as unknown;
};
export const until = async (what: () => boolean, ms = 20_000) => {
  const end = Date.now() + ms;
  while (!what()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
};

/** Stop every worker child and give `require('electron')` back. */
export function standDown(): void {
  M._load = realLoad;
  for (const c of rec.children) c.kill('SIGKILL');
}
