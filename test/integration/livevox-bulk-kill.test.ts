// SIGKILL of the real CLI in the middle of a LiveVox batch (push-batch.ts): at the bulk PUT
// (applied, its answer held) and at the search that reads the batch back. The batch's changes
// were claimed before the PUT, so the next `concord sync` finds them in flight and re-reads
// each (recover): what landed is settled, nothing is sent again blindly.
import { execFile, spawn } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { createCore } from '../../src/main/core';
import { createLogger, nullSink } from '../../src/main/core/log';
import { NO_FAULTS } from '../../src/main/core/sandbox/faults';
import { startLiveVoxSandbox } from '../../src/main/core/sandbox/livevox';
import { generatePopulation } from '../../src/main/core/sandbox/population';
import { MemorySecretStore } from '../../src/main/core/secrets/memory-store';
import { tempDir } from '../helpers/tmp';

const run = promisify(execFile);
const BIN = path.resolve(__dirname, '../../bin/concord.mjs');
const SECRETS = process.env.CONCORD_KEYCHAIN_TEST === '1' ? [] : ['--secret-store', 'file'];
const dirs: { cleanup(): void }[] = [];
afterAll(() => dirs.forEach((d) => d.cleanup()));

describe('SIGKILL in the middle of a LiveVox batch', () => {
  it.each([
    ['the bulk PUT', 'PUT', 1],
    ['the read back', 'POST', 2], // the batch's second search (the first read the records before the PUT)
  ] as const)(
    'killed at %s: the next sync settles every change by re-reading, without sending the batch again',
    { timeout: 240_000 },
    async (_what, method, n) => {
      const contacts = generatePopulation({ seed: 31, people: 60 }).byVendor.livevox.slice(0, 8);
      const sb = await startLiveVoxSandbox({ faults: { ...NO_FAULTS }, seed: 31, contacts });
      const tmp = tempDir();
      dirs.push(tmp);
      try {
        const concord = (args: string[], input?: string) => {
          const p = run(process.execPath, [BIN, ...args, ...SECRETS, '--data-dir', tmp.dir], { timeout: 60_000 });
          if (input !== undefined) p.child.stdin!.end(input);
          return p;
        };
        await concord(['accounts', 'add', 'livevox', '--base-url', sb.baseUrl, '--label', 'LV'], JSON.stringify(sb.credentials));
        await concord(['sync', '--json']);
        // Six updates, made offline in the same store.
        const core = await createCore({ dataDir: tmp.dir, secretStore: new MemorySecretStore(), log: createLogger(nullSink) });
        const recs = core.store.sqlite.prepare('SELECT id, remote_id FROM records ORDER BY remote_id').all() as {
          id: string;
          remote_id: string;
        }[];
        const edited = recs.slice(0, 6);
        edited.forEach((r, i) => core.edits.edit(r.id, { givenName: `Killed${i}` }));
        core.close();

        const path_ = method === 'PUT' ? /\/contact\/contacts\/bulk$/ : /\/contact\/contacts\/search$/;
        sb.server.failAt(n, 'timeout', { method, path: path_, holdMs: 10_000 });
        const child = spawn(process.execPath, [BIN, 'sync', '--json', ...SECRETS, '--data-dir', tmp.dir], { stdio: 'ignore' });
        const exited = new Promise((r) => child.once('exit', r));
        await new Promise<void>((resolve, reject) => {
          const t = setInterval(() => {
            if (sb.server.requestLog.some((r) => r.fault === 'timeout')) {
              clearInterval(t);
              child.kill('SIGKILL');
              resolve();
            }
          }, 2);
          child.once('exit', () => {
            clearInterval(t);
            reject(new Error('sync finished before it could be killed'));
          });
        });
        await exited;
        // Left in flight by the kill: claimed before the bulk PUT went.
        const db = new Database(path.join(tmp.dir, 'concord.db'));
        expect((db.prepare("SELECT COUNT(*) AS n FROM changes WHERE state = 'in_flight'").get() as { n: number }).n).toBe(6);
        // The killed sync's lease would lapse after 30 s; expiring it stands for that time passing.
        db.prepare("UPDATE sync_lease SET expires_at = '2000-01-01T00:00:00.000Z'").run();
        db.close();

        const before = sb.server.requestLog.length;
        const again = JSON.parse((await concord(['sync', '--json'])).stdout) as { accounts: { complete: boolean; errors: unknown[] }[] };
        expect(again.accounts[0]).toMatchObject({ complete: true, errors: [] });
        // The six in flight were read back by one search (recover), not one read each; the
        // reads come later, from the pull after the export.
        const next = sb.server.requestLog
          .slice(before)
          .map((r) => `${r.method} ${r.path}`)
          .filter((r) => !r.includes('/session/'));
        expect(next[0]).toBe('POST /contact/contacts/search');
        const exported = next.indexOf('POST /contact/contacts/bulk');
        expect(exported).toBeGreaterThan(0);
        expect(next.slice(0, exported).filter((r) => r.startsWith('GET /contact/contacts/'))).toEqual([]);
        // One bulk PUT in all: the batch was applied once and never re-sent.
        expect(sb.server.requestLog.filter((r) => r.method === 'PUT')).toHaveLength(1);
        edited.forEach((r, i) =>
          expect((sb.store.contacts.get(r.remote_id)!.person as { firstName: string }).firstName).toBe(`Killed${i}`),
        );
        const status = JSON.parse((await concord(['status', '--json'])).stdout) as { outbox: Record<string, number> };
        expect(status.outbox).toEqual({ pending: 0, inFlight: 0, conflict: 0, rejected: 0 });
      } finally {
        await sb.server.close();
      }
    },
  );
});
