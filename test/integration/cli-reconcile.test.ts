// The reconciling commands as a script would use them: the real CLI in a child process against
// the sandbox vendors on 127.0.0.1 — policies, drift, adding a person where they are missing
// (the exact requests first, the LiveVox account key asked for), and undo.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type RunningSandbox } from '../../src/main/core/sandbox';
import type { Vendor } from '../../src/shared/domain';
import { tempDir } from '../helpers/tmp';

const BIN = path.resolve(__dirname, '../../bin/concord.mjs');
// The CLI keeps credentials in the keychain: the private one npm test starts where it can
// (scripts/with-keychain.mjs), else the explicit file store, so this runs on any machine.
const SECRETS = process.env.CONCORD_KEYCHAIN_TEST === '1' ? [] : ['--secret-store', 'file'];
const tmp = tempDir();
let sb: RunningSandbox;

function concord(args: string[], stdin = ''): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args, ...SECRETS], { env: { ...process.env, CONCORD_DATA_DIR: tmp.dir } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
    child.stdin.end(stdin);
  });
}

beforeAll(async () => {
  sb = await startSandbox({ seed: 31, people: 300 });
  for (const [vendor, info] of Object.entries(sb.vendors)) {
    const settings = Object.entries(info!.settings ?? {}).flatMap(([k, v]) => [
      '--setting',
      `${k}=${typeof v === 'object' ? `${(v as { latitude: number }).latitude},${(v as { longitude: number }).longitude}` : String(v)}`,
    ]);
    const r = await concord(
      ['accounts', 'add', vendor as Vendor, '--base-url', info!.baseUrl, ...settings],
      JSON.stringify(info!.credentials),
    );
    expect(r.code, r.stderr).toBe(0);
  }
  const s = await concord(['sync']);
  expect(s.code, s.stderr).toBe(0);
  // The people the model is near-certain about are linked by the sync itself (nothing sent).
  expect(s.stdout).toMatch(/Linked automatically: \d+ people .*concord duplicates undo \d+/);
}, 120_000);
afterAll(async () => {
  await sb?.close();
  tmp.cleanup();
});

describe('concord reconciling commands', () => {
  it('policies set/list/clear, and drift with its people', async () => {
    expect((await concord(['drift'])).stdout).toMatch(/No policies/);
    const set = await concord(['policies', 'set', 'phones', 'calltools', 'livevox', 'mpdx']);
    expect(set.code, set.stderr).toBe(0);
    expect(set.stdout).toMatch(/^phones\s+Calltools, Livevox, Mpdx$/m); // the accounts' labels
    const bad = await concord(['policies', 'set', 'phones', 'calltools']);
    expect(bad.code).toBe(2);
    // The sync linked the sandbox's people across vendors, so their phones can disagree; a
    // scan that links the rest above the line changes nothing for them.
    expect((await concord(['duplicates', 'scan', '--auto-link'])).code).toBe(0);
    const d = await concord(['drift', '--json']);
    expect(d.code, d.stderr).toBe(0);
    const report = JSON.parse(d.stdout) as { policies: unknown[]; people: number; cells: { count: number }[]; plan: { total: number } };
    expect(report.policies).toHaveLength(1);
    expect(report.people).toBeGreaterThan(0);
    expect(report.plan.total).toBeGreaterThan(0);
    const status = JSON.parse((await concord(['status', '--json'])).stdout) as { drift: { people: number } | null };
    expect(status.drift?.people).toBe(report.people);
    expect((await concord(['status'])).stdout).toMatch(new RegExp(`${report.people} (person drifts|people drift) from the field policies`));
    const text = await concord(['drift', '--people']);
    expect(text.stdout).toMatch(/phones\s+\S.* ≠ .*: \d+/);
    const applied = await concord(['drift', '--apply']);
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.stdout).toMatch(new RegExp(`Queued \\d+ writes?`));
    expect(JSON.parse((await concord(['status', '--json'])).stdout).outbox.pending).toBeGreaterThan(0);
    const undoId = /concord undo (\d+)/.exec(applied.stdout)![1]!;
    expect((await concord(['undo', undoId])).code).toBe(0);
    expect(JSON.parse((await concord(['status', '--json'])).stdout).outbox.pending).toBe(0);
    expect((await concord(['policies', 'clear'])).stdout).toMatch(/No policies/);
  });

  it('contacts add-to: a dry run prints the requests and asks for the LiveVox account key; with it, the person is added and undone', async () => {
    const list = JSON.parse((await concord(['contacts', 'list', '--vendor', 'mpdx', '--json'])).stdout) as {
      id: string;
      vendors: string[];
      displayName: string;
    }[];
    const person = list.find((p) => p.vendors.length === 1)!;
    const dry = await concord(['contacts', 'add-to', 'livevox', person.id, '--dry-run']);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain('POST /contact/contacts/');
    expect(dry.stdout).toMatch(/NEEDS LiveVox account key: .*--value account=/);
    expect(dry.stdout).toMatch(/Dry run: nothing was added/);
    const refused = await concord(['contacts', 'add-to', 'livevox', person.id]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/Nothing was added/);
    const added = await concord(['contacts', 'add-to', 'livevox', person.id, '--value', 'account=CLI-ADD-1']);
    expect(added.code, added.stderr).toBe(0);
    expect(added.stdout).toContain('"account": "CLI-ADD-1"');
    const undoId = /concord undo (\d+)/.exec(added.stdout)![1]!;
    const shown = JSON.parse((await concord(['contacts', 'show', person.id, '--json'])).stdout) as { records: { vendor: string }[] };
    expect(shown.records.map((r) => r.vendor).sort()).toEqual(['livevox', 'mpdx']);
    const undone = await concord(['undo', undoId]);
    expect(undone.code, undone.stderr).toBe(0);
    const after = JSON.parse((await concord(['contacts', 'show', person.id, '--json'])).stdout) as {
      records: { vendor: string; state: string }[];
    };
    expect(after.records.filter((r) => r.state !== 'deleted_local').map((r) => r.vendor)).toEqual(['mpdx']);
    expect(JSON.parse((await concord(['status', '--json'])).stdout).outbox.pending).toBe(0);
  });

  it('contacts add-missing: everyone in MPDX missing from CallTools, as a dry run with a count and a sample', async () => {
    const r = await concord(['contacts', 'add-missing', '--from', 'mpdx', '--to', 'calltools', '--dry-run', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const plan = JSON.parse(r.stdout) as { count: number; sample: { name: string }[] };
    expect(plan.count).toBeGreaterThan(5);
    expect(plan.sample.length).toBe(Math.min(10, plan.count));
  });
});
