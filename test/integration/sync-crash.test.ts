// Crash safety as a person would meet it: `concord sync` is killed with SIGKILL in the middle
// of pushing 500 edits and 20 creates, then run again. Every edit reaches the vendor exactly
// once and no create is duplicated (docs/design.md#outbox-states-and-exactly-once-pushes).
import { spawn, execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { createCore } from '../../src/main/core';
import { createLogger, nullSink } from '../../src/main/core/log';
import { startCallToolsSandbox, type CallToolsSandbox } from '../../src/main/core/sandbox/calltools';
import { generatePopulation } from '../../src/main/core/sandbox/population';
import { MemorySecretStore } from '../../src/main/core/secrets/memory-store';
import { tempDir } from '../helpers/tmp';

const run = promisify(execFile);
const BIN = path.resolve(__dirname, '../../bin/concord.mjs');
// The CLI keeps credentials in the keychain: the private one npm test starts where it can
// (scripts/with-keychain.mjs), else the explicit file store, so this runs on any machine.
const SECRETS = process.env.CONCORD_KEYCHAIN_TEST === '1' ? [] : ['--secret-store', 'file'];
const tmp = tempDir();
let sb: CallToolsSandbox | undefined;
afterAll(async () => {
  await sb?.server.close();
  tmp.cleanup();
});

const concord = (args: string[], input?: string) => {
  const p = run(process.execPath, [BIN, ...args, ...SECRETS, '--data-dir', tmp.dir], { timeout: 120_000 });
  if (input !== undefined) p.child.stdin!.end(input);
  return p;
};

describe('SIGKILL in the middle of a push', () => {
  it('every edit reaches the vendor exactly once, and no create is duplicated', { timeout: 240_000 }, async () => {
    const contacts = generatePopulation({ seed: 23, people: 1700 }).byVendor.calltools.slice(0, 500);
    expect(contacts).toHaveLength(500);
    sb = await startCallToolsSandbox({ seed: 23, contacts });
    await concord(['accounts', 'add', 'calltools', '--base-url', sb.baseUrl, '--label', 'CT'], JSON.stringify(sb.credentials));
    const first = JSON.parse((await concord(['sync', '--json'])).stdout) as { accounts: { pulled: number }[] };
    expect(first.accounts[0]!.pulled).toBe(500);

    // 500 edits and 20 new contacts, made offline in the same store.
    const core = await createCore({ dataDir: tmp.dir, secretStore: new MemorySecretStore(), log: createLogger(nullSink) });
    const recs = core.store.sqlite
      .prepare('SELECT id, remote_id, person_id, account_id FROM records ORDER BY CAST(remote_id AS INTEGER)')
      .all() as { id: string; remote_id: string; person_id: string; account_id: string }[];
    recs.forEach((r, i) => core.edits.edit(r.id, { givenName: `Edit${i}` }));
    for (let i = 0; i < 20; i++)
      core.syncStore.create(recs[0]!.account_id, recs[i]!.person_id, {
        givenName: `New${i}`,
        familyName: 'Crashtest',
        phones: [{ e164: `+1503555${String(1000 + i)}`, raw: `503-555-${1000 + i}` }],
      });
    expect(core.status.get().outbox.pending).toBe(520);
    core.close();

    // Kill the sync once a third of the writes are in.
    const writes = () =>
      sb!.server.requestLog.filter((r) => (r.method === 'PATCH' || r.method === 'POST') && r.status >= 200 && r.status < 300);
    const child = spawn(process.execPath, [BIN, 'sync', '--json', ...SECRETS, '--data-dir', tmp.dir], { stdio: 'ignore' });
    await new Promise<void>((resolve, reject) => {
      const t = setInterval(() => {
        if (writes().length >= 170) {
          clearInterval(t);
          child.kill('SIGKILL');
          resolve();
        }
      }, 1);
      child.once('exit', () => {
        clearInterval(t);
        reject(new Error('sync finished before it could be killed'));
      });
    });
    await new Promise((r) => child.once('exit', r));
    const atKill = writes().length;
    expect(atKill).toBeLessThan(520);

    const second = JSON.parse((await concord(['sync', '--json'])).stdout) as {
      accounts: { pushed: number; waiting: number; errors: unknown[]; complete: boolean }[];
    };
    expect(second.accounts[0]).toMatchObject({ waiting: 0, errors: [], complete: true });

    // Exactly once: one successful write per contact edited, one POST per new contact.
    const perPath = new Map<string, number>();
    for (const w of writes().filter((x) => x.method === 'PATCH')) perPath.set(w.path, (perPath.get(w.path) ?? 0) + 1);
    expect(perPath.size).toBe(500);
    expect([...perPath.values()].every((n) => n === 1)).toBe(true);
    expect(writes().filter((x) => x.method === 'POST')).toHaveLength(20);
    const onServer = [...sb.store.contacts.values()];
    expect(onServer).toHaveLength(520);
    expect(onServer.filter((c) => c.last_name === 'Crashtest')).toHaveLength(20);
    recs.forEach((r, i) => expect(sb!.store.contacts.get(Number(r.remote_id))!.first_name).toBe(`Edit${i}`));
    const status = JSON.parse((await concord(['status', '--json'])).stdout) as { outbox: Record<string, number> };
    expect(status.outbox).toEqual({ pending: 0, inFlight: 0, conflict: 0, rejected: 0 });
  });
});
