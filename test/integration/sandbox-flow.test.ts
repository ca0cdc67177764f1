// The newcomer's path, as real processes: `concord sandbox`, `accounts add-sandbox`, `sync`,
// then `contacts list --json` shows what the sandbox seeded, vendor by vendor.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/tmp';

const run = promisify(execFile);
const BIN = path.resolve(__dirname, '../../bin/concord.mjs');
const tmp = tempDir();
let sandbox: ChildProcess | undefined;
afterAll(() => {
  sandbox?.kill('SIGTERM');
  tmp.cleanup();
});

function concord(args: string[], input?: string): Promise<{ stdout: string; stderr: string }> {
  const p = run(process.execPath, [BIN, ...args, '--data-dir', tmp.dir], { timeout: 60_000 });
  if (input !== undefined) {
    p.child.stdin!.end(input);
  }
  return p;
}

// Sandbox accounts keep their loopback test tokens with the account: no keychain needed, so
// this runs everywhere (no-keychain.test.ts runs the README's own commands without one).
describe('sandbox → add-sandbox → sync → contacts list', () => {
  it('shows every seeded record with counts that match the sandbox', async () => {
    const truthFile = path.join(tmp.dir, 'truth.json');
    sandbox = spawn(process.execPath, [BIN, 'sandbox', '--seed', '4', '--people', '120', '--truth', truthFile], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const line = await new Promise<string>((resolve, reject) => {
      let buf = '';
      sandbox!.stdout!.on('data', (d: Buffer) => {
        buf += d.toString();
        if (buf.includes('\n')) resolve(buf.slice(0, buf.indexOf('\n')));
      });
      sandbox!.on('exit', (code) => reject(new Error(`sandbox exited ${code}`)));
      setTimeout(() => reject(new Error('sandbox did not start in 20 s')), 20_000);
    });
    const info = JSON.parse(line) as { vendors: Record<string, { baseUrl: string; credentials: object }> };
    expect(Object.keys(info.vendors).sort()).toEqual(['bigchange', 'calltools', 'lightening', 'livevox', 'mpdx']);
    for (const v of Object.values(info.vendors)) expect(v.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+/);

    await concord(['accounts', 'add-sandbox'], line);
    const sync = JSON.parse((await concord(['sync', '--json'])).stdout) as {
      accounts: { vendor: string; pulled: number; errors: unknown[] }[];
      duplicates: { waiting: number; autoLinkable: number; linked: number } | null;
    };
    expect(sync.accounts.map((a) => a.vendor).sort()).toEqual(Object.keys(info.vendors).sort());
    for (const a of sync.accounts) expect(a.errors).toEqual([]);

    // The sync ended with a duplicate scan: the same people in several vendors wait for review,
    // and status (JSON and words) says so without anyone running a scan.
    expect(sync.duplicates!.waiting).toBeGreaterThan(10);
    const status = JSON.parse((await concord(['status', '--json'])).stdout) as { duplicates: { waiting: number; autoLinkable: number } };
    expect(status.duplicates).toEqual({ waiting: sync.duplicates!.waiting, autoLinkable: sync.duplicates!.autoLinkable });
    // Near-certain people across vendors were linked by the sync (nothing sent): said, with its undo.
    expect(sync.duplicates!.linked).toBeGreaterThan(0);
    expect((await concord(['status'])).stdout).toContain(`${sync.duplicates!.waiting} likely duplicates waiting for review`);
    const scan = JSON.parse((await concord(['duplicates', 'scan', '--json'])).stdout) as unknown[];
    expect(scan.length).toBe(sync.duplicates!.waiting); // one count, from one source

    const truth = JSON.parse(fs.readFileSync(truthFile, 'utf8')) as {
      people: { records: { vendor: string; remoteId: string | null }[] }[];
    };
    const seeded: Record<string, number> = {};
    for (const p of truth.people) for (const r of p.records) if (r.remoteId) seeded[r.vendor] = (seeded[r.vendor] ?? 0) + 1;
    const rows = JSON.parse((await concord(['contacts', 'list', '--json'])).stdout) as { vendors: string[]; recordCount: number }[];
    const listed: Record<string, number> = {};
    // A person linked by the sync spans accounts, one record in each; anyone else is one vendor's.
    for (const r of rows) {
      if (r.vendors.length > 1) expect(r.recordCount).toBe(r.vendors.length);
      for (const v of r.vendors) listed[v] = (listed[v] ?? 0) + (r.vendors.length > 1 ? 1 : r.recordCount);
    }
    expect(listed).toEqual(seeded);
    for (const a of sync.accounts) expect(a.pulled).toBe(seeded[a.vendor]);

    sandbox.kill('SIGINT');
    const code = await new Promise((r) => sandbox!.once('exit', r));
    expect(code).toBe(0);
  });
});
