// The five simulators on a worker thread (sandbox-worker.ts), seen from the bench's thread:
// where they listen, their fault controls as messages, and closing them. The core reaches them
// over HTTP on 127.0.0.1 as it would other machines.
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { SandboxVendorInfo } from '../src/main/core/sandbox';
import type { Vendor } from '../src/shared/domain';
import type { SandboxFaultsMessage } from './sandbox-worker';

export interface SandboxThread {
  vendors: Partial<Record<Vendor, SandboxVendorInfo>>;
  /** Every simulator's share of 429 answers and their Retry-After; resolves once they hold it. */
  setFaults(faults: SandboxFaultsMessage['faults']): Promise<void>;
  close(): Promise<void>;
}

export async function startSandboxThread(opts: { seed: number; people: number }): Promise<SandboxThread> {
  // tsx's hooks do not reach worker threads by themselves: the worker registers them first.
  const worker = new Worker(`require('tsx/cjs'); require(${JSON.stringify(path.join(__dirname, 'sandbox-worker.ts'))});`, {
    eval: true,
    workerData: opts,
  });
  const vendors = await new Promise<SandboxThread['vendors']>((resolve, reject) => {
    worker.once('message', (m: { vendors: SandboxThread['vendors'] }) => resolve(m.vendors));
    worker.once('error', reject);
  });
  let closed: Promise<void> | null = null;
  return {
    vendors,
    setFaults: (faults) =>
      new Promise<void>((resolve, reject) => {
        const done = (e?: Error) => {
          worker.off('message', onMessage).off('error', done);
          if (e) reject(e);
          else resolve();
        };
        const onMessage = (m: { faultsSet?: boolean }) => m.faultsSet && done();
        worker.on('message', onMessage).on('error', done);
        worker.postMessage({ faults } satisfies SandboxFaultsMessage);
      }),
    close: () =>
      (closed ??= new Promise<void>((resolve) => {
        worker.once('exit', () => resolve());
        worker.postMessage('close');
      })),
  };
}
