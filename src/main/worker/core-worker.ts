// Entry of the core worker: Electron starts this file with utilityProcess.fork, so long
// jobs (pulling 100k contacts, dedupe) never block the main process or the window.
// It talks only through process.parentPort and never imports electron.
import { createCore, type Core } from '../core';
import { CoreError } from '../core/errors';
import { restoreLatestBackup } from '../core/store/health';
import type { FromWorker, ToWorker } from './protocol';

interface ParentPort {
  on(event: 'message', listener: (e: { data: ToWorker }) => void): void;
  postMessage(message: FromWorker): void;
}

const port = (process as unknown as { parentPort?: ParentPort }).parentPort;
if (!port) {
  console.error('core-worker must be started by Electron utilityProcess.fork');
  process.exit(1);
}

let core: Core | null = null;
const post = (m: FromWorker): void => port.postMessage(m);

port.on('message', ({ data }) => {
  void handle(data);
});

async function handle(msg: ToWorker): Promise<void> {
  switch (msg.type) {
    case 'init':
      try {
        const { restoreLatestBackup: restore, ...options } = msg.options;
        if (restore) restoreLatestBackup(options.dataDir, { nativeBinding: options.nativeBinding });
        core = await createCore({ ...options, syncTuning: { holder: 'the Concord app' } });
        core.events.on((event, payload) => post({ type: 'event', event, payload }));
        core.scheduler.start(); // the app stays open: it syncs by itself on the person's schedule
        post({ type: 'ready' });
      } catch (e) {
        post({ type: 'fatal', message: (e as Error)?.message ?? String(e), ...(e instanceof CoreError ? { code: e.code } : {}) });
      }
      return;
    case 'request': {
      if (!core) {
        post({ type: 'response', id: msg.id, result: { ok: false, error: { code: 'unavailable', message: 'Concord is still starting' } } });
        return;
      }
      post({ type: 'response', id: msg.id, result: await core.dispatch(msg.key, msg.input) });
      return;
    }
    case 'shutdown':
      core?.close();
      process.exit(0);
  }
}
