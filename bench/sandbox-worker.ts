// The sandbox vendors on their own thread, for `npm run bench -- sync` and `-- push`: the
// vendors are other machines in real use, so their work (building and serialising pages,
// answering writes) must not be charged to the core's thread. Still one process, as issue 14
// asks; the core's thread is measured alone. Started by sandbox-thread.ts (or by hand: post
// 'close' to end it). Messages in: 'close', or { faults } to set every simulator's 429 share
// and Retry-After (answered { faultsSet: true } once set). Out: { vendors } when listening.
import { parentPort, workerData } from 'node:worker_threads';
import { startSandbox } from '../src/main/core/sandbox';

/** What the bench may set on the running simulators (their fault controls). */
export interface SandboxFaultsMessage {
  faults: { rate429: number; retryAfterSec: number };
}

void (async () => {
  const sb = await startSandbox(workerData as { seed: number; people: number });
  parentPort!.postMessage({ vendors: sb.vendors });
  parentPort!.on('message', (m: string | SandboxFaultsMessage) => {
    if (m === 'close') void sb.close().then(() => process.exit(0));
    else if (typeof m === 'object' && m.faults) {
      for (const s of Object.values(sb.servers)) {
        s.faults.rate429 = m.faults.rate429;
        s.faults.retryAfterSec = m.faults.retryAfterSec;
      }
      parentPort!.postMessage({ faultsSet: true });
    }
  });
})();
