// The sandbox vendors on their own thread, for `npm run bench -- sync`: the vendors are other
// machines in real use, so their work (building and serialising pages) must not be charged to
// the core's thread. Still one process, as issue 14 asks; the core's thread is measured alone.
import { parentPort, workerData } from 'node:worker_threads';
import { startSandbox } from '../src/main/core/sandbox';

void (async () => {
  const sb = await startSandbox(workerData as { seed: number; people: number });
  parentPort!.postMessage({ vendors: sb.vendors });
  parentPort!.on('message', (m: string) => {
    if (m === 'close') void sb.close().then(() => process.exit(0));
  });
})();
