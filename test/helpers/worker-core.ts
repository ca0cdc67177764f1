// The core in its own process, as in the app: the built worker (out/main/core-worker.js) in a
// Node child with the parentPort shim, spoken to through the worker protocol. Gives the
// harness the same `dispatch` and `events` an in-process core has, so a window test or bench
// can measure what a person would with the core across a process boundary.
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { EventKey, EventPayload, Result } from '../../src/shared/contract';
import type { FromWorker, ToWorker } from '../../src/main/worker/protocol';

const WORKER = path.resolve(__dirname, '../../out/main/core-worker.js');
const SHIM = path.resolve(__dirname, '../e2e/parent-port-shim.cjs');
const MIGRATIONS = path.resolve(__dirname, '../../resources/migrations');

type Listener = <E extends EventKey>(event: E, payload: EventPayload<E>) => void;

export interface WorkerCore {
  dispatch(key: string, input: unknown): Promise<Result<unknown>>;
  events: { on(listener: Listener): () => void };
  child: ChildProcess;
  close(): Promise<void>;
}

export async function startWorkerCore(dataDir: string): Promise<WorkerCore> {
  const child = fork(WORKER, [], { execArgv: ['-r', SHIM], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const pending = new Map<number, (r: Result<unknown>) => void>();
  const listeners = new Set<Listener>();
  let nextId = 1;
  let ready: (v: void) => void = () => {};
  let failed: (e: Error) => void = () => {};
  const started = new Promise<void>((res, rej) => ((ready = res), (failed = rej)));
  child.on('message', (raw) => {
    const m = raw as FromWorker;
    if (m.type === 'ready') ready();
    else if (m.type === 'fatal') failed(new Error(m.message));
    else if (m.type === 'response') {
      pending.get(m.id)?.(m.result);
      pending.delete(m.id);
    } else if (m.type === 'event') for (const l of listeners) l(m.event, m.payload as never);
  });
  child.once('exit', (code) => failed(new Error(`core worker exited (${code})`)));
  const send = (m: ToWorker) => child.send(m);
  send({ type: 'init', options: { dataDir, migrationsDir: MIGRATIONS } });
  await started;
  return {
    child,
    dispatch: (key, input) =>
      new Promise((resolve) => {
        const id = nextId++;
        pending.set(id, resolve);
        send({ type: 'request', id, key, input });
      }),
    events: {
      on: (l) => {
        listeners.add(l);
        return () => listeners.delete(l);
      },
    },
    close: async () => {
      if (child.exitCode !== null) return;
      const gone = new Promise((r) => child.once('exit', r));
      send({ type: 'shutdown' });
      await gone;
    },
  };
}
