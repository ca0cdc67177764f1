// Main-process side of the core worker: starts it, forwards requests, relays events.
import { utilityProcess, type UtilityProcess } from 'electron';
import type { EventKey, Result } from '../../shared/contract';
import type { FromWorker, ToWorker, WorkerInit } from '../worker/protocol';

export interface CoreClient {
  request(key: string, input: unknown): Promise<Result<unknown>>;
  onEvent(listener: (event: EventKey, payload: unknown) => void): void;
  stop(): void;
}

export function startCoreWorker(modulePath: string, init: WorkerInit): Promise<CoreClient> {
  const child: UtilityProcess = utilityProcess.fork(modulePath, [], { serviceName: 'Concord core', stdio: 'inherit' });
  const pending = new Map<number, (r: Result<unknown>) => void>();
  const listeners: ((event: EventKey, payload: unknown) => void)[] = [];
  let nextId = 1;
  const send = (m: ToWorker): void => child.postMessage(m);

  return new Promise((resolve, reject) => {
    child.on('message', (m: FromWorker) => {
      switch (m.type) {
        case 'ready':
          resolve({
            request: (key, input) =>
              new Promise((res) => {
                const id = nextId++;
                pending.set(id, res);
                send({ type: 'request', id, key, input });
              }),
            onEvent: (l) => listeners.push(l),
            stop: () => send({ type: 'shutdown' }),
          });
          return;
        case 'fatal':
          reject(new Error(m.message));
          return;
        case 'response':
          pending.get(m.id)?.(m.result);
          pending.delete(m.id);
          return;
        case 'event':
          for (const l of listeners) l(m.event, m.payload);
      }
    });
    child.on('exit', (code) => {
      // Answer everything in flight so no window call hangs forever.
      for (const res of pending.values()) res({ ok: false, error: { code: 'unavailable', message: `The Concord core stopped (exit ${code})` } });
      pending.clear();
      reject(new Error(`The Concord core stopped during start-up (exit ${code})`));
    });
    send({ type: 'init', options: init });
  });
}
