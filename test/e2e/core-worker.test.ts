// The built core worker (out/main/core-worker.js, what Electron forks as a utilityProcess)
// run in a Node child with a parentPort shim: proves the bundle loads its externals, opens
// the store, answers contract requests and reports a fatal start-up error instead of hanging.
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { FromWorker, ToWorker } from '../../src/main/worker/protocol';
import { tempDir } from '../helpers/tmp';

const WORKER = path.resolve(__dirname, '../../out/main/core-worker.js');
const SHIM = path.resolve(__dirname, 'parent-port-shim.cjs');
const MIGRATIONS = path.resolve(__dirname, '../../resources/migrations');
let child: ChildProcess | undefined;
const cleanups: (() => void)[] = [];
afterEach(() => {
  child?.kill();
  cleanups.splice(0).forEach((c) => c());
});

function start(): { send: (m: ToWorker) => void; next: (type: FromWorker['type']) => Promise<FromWorker> } {
  child = fork(WORKER, [], { execArgv: ['-r', SHIM], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const queue: FromWorker[] = [];
  const waiters: (() => void)[] = [];
  child.on('message', (m) => {
    queue.push(m as FromWorker);
    waiters.splice(0).forEach((w) => w());
  });
  const next = async (type: FromWorker['type']): Promise<FromWorker> => {
    for (;;) {
      const i = queue.findIndex((m) => m.type === type);
      if (i >= 0) return queue.splice(i, 1)[0]!;
      await new Promise<void>((r) => waiters.push(r));
    }
  };
  return { send: (m) => child!.send(m), next };
}

describe('built core worker', () => {
  it('starts, migrates a fresh store and answers requests', async () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const w = start();
    w.send({ type: 'init', options: { dataDir: t.dir, migrationsDir: MIGRATIONS } });
    await w.next('ready');
    w.send({ type: 'request', id: 1, key: 'getStatus', input: {} });
    const res = (await w.next('response')) as Extract<FromWorker, { type: 'response' }>;
    expect(res.id).toBe(1);
    expect(res.result).toMatchObject({ ok: true, value: { dataDir: t.dir, counts: { people: 0 } } });
    w.send({ type: 'request', id: 2, key: 'listContacts', input: { limit: 0 } });
    expect(((await w.next('response')) as Extract<FromWorker, { type: 'response' }>).result).toMatchObject({
      ok: false,
      error: { code: 'bad_request' },
    });
  });

  it('reports a start-up failure as fatal', async () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const w = start();
    w.send({ type: 'init', options: { dataDir: t.dir, migrationsDir: path.join(t.dir, 'no-such-folder') } });
    const fatal = (await w.next('fatal')) as Extract<FromWorker, { type: 'fatal' }>;
    expect(fatal.message).toMatch(/migrations|no-such-folder|journal/i);
  });
});
