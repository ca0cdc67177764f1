// The CLI as a script would use it: a real process, a real data dir, stdout/stderr/exit code.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestCore, seedAccount } from '../helpers/core';
import { tempDir } from '../helpers/tmp';

const run = promisify(execFile);
const BIN = path.resolve(__dirname, '../../bin/concord.mjs');
const tmp = tempDir();
const personIds: string[] = [];

async function concord(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run(process.execPath, [BIN, ...args], { env: { ...process.env, CONCORD_DATA_DIR: tmp.dir }, timeout: 30_000 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

beforeAll(async () => {
  const t = await makeTestCore(tmp.dir);
  await seedAccount(t.core, 'mpdx', [
    { givenName: 'Ada', familyName: 'Lovelace', emails: [{ address: 'ada@analytical.org' }] },
    { givenName: 'Grace', familyName: 'Hopper' },
  ]);
  await seedAccount(t.core, 'livevox', [
    { givenName: 'Alan', familyName: 'Turing', phones: [{ e164: '+16503517500', raw: '650-351-7500' }] },
  ]);
  personIds.push(...t.core.contacts.list({ limit: 10, offset: 0 }).rows.map((r) => r.id));
  t.core.close();
});
afterAll(() => tmp.cleanup());

describe('concord CLI', () => {
  it('status --json prints valid JSON against a fresh data dir', async () => {
    const fresh = tempDir();
    try {
      const r = await run(process.execPath, [BIN, 'status', '--json', '--data-dir', fresh.dir], { timeout: 30_000 });
      const s = JSON.parse(r.stdout);
      expect(s).toMatchObject({ dataDir: fresh.dir, counts: { accounts: 0, people: 0, records: 0 }, outbox: { pending: 0 } });
      expect(['keychain', 'memory']).toContain(s.secretStore.kind);
    } finally {
      fresh.cleanup();
    }
  });

  it('`npm run concord -- status --json` prints only JSON on stdout (no npm banner)', async () => {
    const fresh = tempDir();
    try {
      const r = await run('npm', ['run', 'concord', '--', 'status', '--json', '--data-dir', fresh.dir], {
        cwd: path.resolve(__dirname, '../..'),
        timeout: 60_000,
      });
      expect(JSON.parse(r.stdout)).toMatchObject({ counts: { people: 0 } });
    } finally {
      fresh.cleanup();
    }
  });

  it('contacts list --json gives rows with id, vendors and canonical fields', async () => {
    const r = await concord('contacts', 'list', '--json');
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.stdout);
    expect(rows.map((x: { displayName: string }) => x.displayName)).toEqual(['Ada Lovelace', 'Alan Turing', 'Grace Hopper']);
    expect(rows[0]).toMatchObject({
      id: personIds[0],
      vendors: ['mpdx'],
      fields: { givenName: 'Ada', emails: [{ address: 'ada@analytical.org' }] },
    });
    expect(rows[1].vendors).toEqual(['livevox']);
  });

  it('contacts list --search and --limit', async () => {
    expect(JSON.parse((await concord('contacts', 'list', '--search', 'turing', '--json')).stdout)).toHaveLength(1);
    expect(JSON.parse((await concord('contacts', 'list', '--search', '650351', '--json')).stdout)).toHaveLength(1);
    expect(JSON.parse((await concord('contacts', 'list', '--limit', '2', '--json')).stdout)).toHaveLength(2);
    const human = await concord('contacts', 'list');
    expect(human.stdout).toMatch(/Ada Lovelace\s+mpdx/);
    expect(human.stdout).toMatch(/3 people/);
  });

  it('contacts show ID', async () => {
    const r = await concord('contacts', 'show', personIds[0]!, '--json');
    expect(JSON.parse(r.stdout)).toMatchObject({ displayName: 'Ada Lovelace', records: [{ vendor: 'mpdx', remoteId: 'mpdx-1' }] });
    expect((await concord('contacts', 'show', personIds[0]!)).stdout).toMatch(/^Ada Lovelace/);
  });

  it('import a CSV (every row kept, bad values by line and column) and export the golden records', async () => {
    const file = path.join(tmp.dir, 'people.csv');
    const fs = await import('node:fs');
    fs.writeFileSync(
      file,
      'First Name,Surname,E-mail,Mobile,Suburb\nMary,Jackson,mj@nasa.gov,757-864-1000,Hampton\nBad,Row,not-an-email,,\n',
    );
    const r = await concord('import', file, '--source', 'NASA list', '--json');
    expect(r.code).toBe(0);
    // Every row kept; the bad value is left out with its line and column.
    expect(JSON.parse(r.stdout)).toMatchObject({
      imported: 2,
      errors: [],
      warnings: [{ line: 3, column: 'E-mail', kind: 'bad-email', message: expect.stringMatching(/not an email/) }],
      summary: { 'bad-email': 1 },
    });
    const rejects = path.join(tmp.dir, 'rejects.csv');
    const human = await concord('import', file, '--source', 'NASA list', '--rejects', rejects);
    expect(human.stderr).toContain(`Values left out (rows kept): 1 bad-email — details in ${rejects}`);
    expect(human.stdout).toMatch(/Imported 2 rows into "NASA list" \(0 new, 2 updated; utf-8, ","-separated\)/);
    expect(fs.readFileSync(rejects, 'utf8')).toMatch(
      /^line,column,kind,message\n3,E-mail,bad-email,"""not-an-email"" is not an email address; left out"\n$/,
    );

    const out = path.join(tmp.dir, 'golden.csv');
    expect((await concord('export', '--format', 'csv', '--out', out)).code).toBe(0);
    const csv = fs.readFileSync(out, 'utf8').trim().split('\n');
    expect(csv[0]).toMatch(/^"id","given_name","family_name"/); // every cell quoted
    expect(csv).toHaveLength(6); // header + Ada, Alan, Grace, Mary, and the row whose email was bad
    expect(csv.some((l) => l.includes('"Mary","Jackson"') && l.includes(`"'+17578641000"`))).toBe(true);
    expect((await concord('export', '--format', 'xlsx')).code).toBe(2);
    expect((await concord('import', path.join(tmp.dir, 'missing.csv'), '--source', 'x')).stderr).toMatch(/Cannot read .*ENOENT/);
  });

  it('accounts add reads credentials on stdin, refuses plain http off loopback, lists accounts', async () => {
    const { spawnSync } = await import('node:child_process');
    const add = (args: string[], stdin: string) =>
      spawnSync(process.execPath, [BIN, 'accounts', 'add', ...args], {
        input: stdin,
        env: { ...process.env, CONCORD_DATA_DIR: tmp.dir },
        encoding: 'utf8',
        timeout: 30_000,
      });
    const keychain = process.env.CONCORD_KEYCHAIN_TEST === '1';
    const ok = add(
      ['calltools', '--base-url', 'http://127.0.0.1:8123', '--label', 'CT sandbox', '--json'],
      '{"token":"0123456789abcdef0123456789abcdef01234567"}',
    );
    if (!keychain) {
      // Without a keychain the CLI cannot keep a secret between commands, and says so.
      expect(ok.status).toBe(1);
      expect(ok.stderr).toMatch(/cannot keep credentials between commands/);
      return;
    }
    expect(ok.status).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ kind: 'calltools', label: 'CT sandbox', baseUrl: 'http://127.0.0.1:8123' });
    expect(add(['mpdx', '--base-url', 'http://api.mpdx.org'], '{"jwt":"x"}').stderr).toMatch(/must use https/);
    // Credentials are checked before they are kept, and the message names the key that is wrong.
    const badToken = add(['calltools', '--base-url', 'https://app.calltools.io'], '{"token":"0123"}');
    expect(badToken.status).toBe(1);
    expect(badToken.stderr).toMatch(/CallTools credentials: "token": a CallTools API token is 40 hexadecimal characters/);
    expect(add(['mpdx', '--base-url', 'https://api.mpdx.org'], '{}').stderr).toMatch(/MPDX needs "jwt"/);
    expect(add(['mpdx', '--base-url', 'https://api.mpdx.org'], 'not json').status).toBe(2);
    expect(add(['nosuchvendor'], '{}').status).toBe(2);
    const list = await concord('accounts', 'list', '--json');
    const accounts = JSON.parse(list.stdout);
    expect(accounts.filter((a: { kind: string }) => a.kind === 'calltools')).toHaveLength(1);
    expect(list.stdout).not.toContain('0123456789abcdef');
  });

  it('accounts edit renames; accounts remove says what it does first, refuses while a change waits, then removes', async () => {
    const list = JSON.parse((await concord('accounts', 'list', '--json')).stdout) as { id: string; kind: string; label: string }[];
    const lv = list.find((a) => a.kind === 'livevox')!;
    expect((await concord('accounts', 'edit', lv.id)).code).toBe(2); // nothing to change: a usage error
    const edited = await concord('accounts', 'edit', lv.id, '--label', 'LiveVox (night shift)', '--json');
    expect(edited.code, edited.stderr).toBe(0);
    expect(JSON.parse(edited.stdout)).toMatchObject({ id: lv.id, label: 'LiveVox (night shift)' });

    // A change waiting for that account: removal is refused, and says why, before and at the attempt.
    const alan = JSON.parse((await concord('contacts', 'list', '--search', 'Turing', '--json')).stdout) as { id: string }[];
    const shown = JSON.parse((await concord('contacts', 'show', alan[0]!.id, '--json')).stdout) as { records: { id: string }[] };
    expect((await concord('contacts', 'edit', shown.records[0]!.id, '--set', 'familyName=Turing-Waits')).code).toBe(0);
    const plan = await concord('accounts', 'remove', lv.id);
    expect(plan.code).toBe(0);
    expect(plan.stdout).toMatch(
      /1 records go from Concord \(nothing is deleted at the vendor\).*1 change waits to be sent.*Run again with --yes/s,
    );
    const refused = await concord('accounts', 'remove', lv.id, '--yes');
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/still open/);
    expect(JSON.parse((await concord('accounts', 'list', '--json')).stdout).some((a: { id: string }) => a.id === lv.id)).toBe(true);

    // Undone, nothing waits: removed, and its records with it.
    expect((await concord('contacts', 'undo', shown.records[0]!.id)).code).toBe(0);
    const removed = await concord('accounts', 'remove', lv.id, '--yes', '--json');
    expect(removed.code, removed.stderr).toBe(0);
    expect(JSON.parse(removed.stdout)).toMatchObject({ removed: true, records: 1 });
    expect(JSON.parse((await concord('accounts', 'list', '--json')).stdout).some((a: { id: string }) => a.id === lv.id)).toBe(false);
  });

  it('errors go to stderr with a non-zero exit', async () => {
    const missing = await concord('contacts', 'show', 'nope', '--json');
    expect(missing.code).toBe(1);
    expect(missing.stdout).toBe('');
    expect(JSON.parse(missing.stderr)).toEqual({ error: { code: 'not_found', message: 'No contact with id nope' } });
    const usage = await concord('contacts', 'list', '--limit', 'many');
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/--limit must be a whole number/);
    const unknown = await concord('frobnicate');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/Unknown command/);
    const badFlag = await concord('status', '--colour');
    expect(badFlag.code).toBe(2);
  });
});
