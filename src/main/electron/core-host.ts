// Main-process side of the core worker: starts it, forwards requests, relays events. If the
// worker dies, nothing waits on it: requests in flight and every later one are answered
// "unavailable" at once, the worker is started again (a few times, not in a loop), and the
// window is told. Quit asks the worker to close the store and waits for it to exit.
import { utilityProcess } from 'electron';
import type { EventKey, Result } from '../../shared/contract';
import type { FromWorker, ToWorker, WorkerInit } from '../worker/protocol';

export type CoreState = { state: 'restarting' | 'ready' | 'down'; message: string };

export interface CoreClient {
  request(key: string, input: unknown): Promise<Result<unknown>>;
  onEvent(listener: (event: EventKey, payload: unknown) => void): void;
  /** The worker stopped, came back, or gave up. */
  onState(listener: (state: CoreState) => void): void;
  /** Ask the worker to close the store and exit; resolves once it has (or after `timeoutMs`, killing it). */
  stop(timeoutMs?: number): Promise<void>;
}

/** What the host needs of a utilityProcess (the test stands one in). */
export interface WorkerProcess {
  postMessage(message: ToWorker): void;
  on(event: 'message', listener: (m: FromWorker) => void): unknown;
  on(event: 'exit', listener: (code: number) => void): unknown;
  kill(): boolean;
}

export interface CoreHostOptions {
  fork?: (modulePath: string) => WorkerProcess;
  /** At most this many restarts within `restartWindowMs`; then it stays down and says so. */
  maxRestarts?: number;
  restartWindowMs?: number;
}

const forkUtility = (modulePath: string): WorkerProcess =>
  utilityProcess.fork(modulePath, [], { serviceName: 'Concord core', stdio: 'inherit' }) as unknown as WorkerProcess;

export async function startCoreWorker(modulePath: string, init: WorkerInit, opts: CoreHostOptions = {}): Promise<CoreClient> {
  const fork = opts.fork ?? forkUtility;
  const maxRestarts = opts.maxRestarts ?? 3;
  const windowMs = opts.restartWindowMs ?? 60_000;
  const pending = new Map<number, (r: Result<unknown>) => void>();
  const eventListeners: ((event: EventKey, payload: unknown) => void)[] = [];
  const stateListeners: ((s: CoreState) => void)[] = [];
  const restarts: number[] = [];
  let nextId = 1;
  let child: WorkerProcess | null = null;
  let ready = false;
  let stopping: (() => void) | null = null;
  let down: string | null = null;

  const tell = (s: CoreState): void => stateListeners.forEach((l) => l(s));
  const failAll = (message: string): void => {
    for (const res of pending.values()) res({ ok: false, error: { code: 'unavailable', message } });
    pending.clear();
  };

  /** Start a worker; resolves when it is ready, rejects with its fatal message or its exit. */
  const launch = (options: WorkerInit): Promise<void> =>
    new Promise((resolve, reject) => {
      const c = fork(modulePath);
      child = c;
      let started = false;
      c.on('message', (m: FromWorker) => {
        switch (m.type) {
          case 'ready':
            started = true;
            ready = true;
            resolve();
            return;
          case 'fatal':
            reject(Object.assign(new Error(m.message), { code: m.code }));
            return;
          case 'response':
            pending.get(m.id)?.(m.result);
            pending.delete(m.id);
            return;
          case 'event':
            for (const l of eventListeners) l(m.event, m.payload);
        }
      });
      c.on('exit', (code: number) => {
        if (child !== c) return;
        ready = false;
        child = null;
        if (stopping) {
          failAll('Concord is quitting');
          stopping();
          return;
        }
        failAll(`The Concord core stopped unexpectedly (exit ${code}); it is being restarted`);
        if (!started) {
          reject(new Error(`The Concord core stopped during start-up (exit ${code})`));
          return;
        }
        void restart(code);
      });
      c.postMessage({ type: 'init', options });
    });

  const restart = async (code: number): Promise<void> => {
    const now = Date.now();
    while (restarts.length && now - restarts[0]! > windowMs) restarts.shift();
    if (restarts.length >= maxRestarts) {
      down = `The Concord core stopped ${maxRestarts + 1} times within ${Math.round(windowMs / 1000)} s (last exit ${code}); restart Concord. Nothing saved was lost.`;
      tell({ state: 'down', message: down });
      return;
    }
    restarts.push(now);
    tell({ state: 'restarting', message: `The Concord core stopped unexpectedly (exit ${code}); restarting it. Nothing saved was lost.` });
    try {
      await launch({ ...init, restoreLatestBackup: false }); // a restore happens once, never again on a restart
      tell({ state: 'ready', message: 'The Concord core is running again.' });
    } catch (e) {
      down = `The Concord core could not be restarted: ${(e as Error).message}`;
      tell({ state: 'down', message: down });
    }
  };

  await launch(init);
  return {
    request: (key, input) => {
      if (!ready || !child) {
        return Promise.resolve({
          ok: false,
          error: {
            code: 'unavailable',
            message: down ?? (stopping ? 'Concord is quitting' : 'The Concord core is restarting; try again in a moment'),
          },
        });
      }
      const c = child;
      return new Promise((res) => {
        const id = nextId++;
        pending.set(id, res);
        c.postMessage({ type: 'request', id, key, input });
      });
    },
    onEvent: (l) => eventListeners.push(l),
    onState: (l) => stateListeners.push(l),
    stop: (timeoutMs = 5000) =>
      new Promise<void>((resolve) => {
        const c = child;
        if (!c) return resolve();
        const timer = setTimeout(() => {
          c.kill(); // the store is WAL: a kill loses nothing committed
          resolve();
        }, timeoutMs);
        stopping = () => {
          clearTimeout(timer);
          resolve();
        };
        c.postMessage({ type: 'shutdown' });
      }),
  };
}
