// A fresh headless machine: no Secret Service, no data directory, nothing configured. The
// README's sandbox walk-through runs exactly as printed (only its /tmp path is made
// private), then real accounts show the opt-in file store and the refusal without it.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type RunningSandbox } from '../../src/main/core/sandbox';
import { tempDir } from '../helpers/tmp';

const ROOT = path.resolve(__dirname, '../..');
const BIN = path.join(ROOT, 'bin/concord.mjs');
const tmp = tempDir('concord-headless-');

/** The environment of a machine with no keychain: no session bus to find a Secret Service on. */
function headlessEnv(home: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: home, DBUS_SESSION_BUS_ADDRESS: `unix:path=${path.join(home, 'no-bus')}` };
  for (const k of ['CONCORD_DATA_DIR', 'XDG_CONFIG_HOME', 'XDG_DATA_HOME', 'CONCORD_KEYCHAIN_TEST']) delete env[k];
  return env;
}

/** The shell block under "From the command line:" in the README's sandbox section. */
function readmeWalkthrough(): string {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Try it with the sandbox vendors'));
  const m = /From the command line:\s*```sh\n([\s\S]*?)```/.exec(section);
  if (!m) throw new Error('README: the sandbox walk-through block was not found');
  return m[1]!;
}

describe('on a machine without a keychain', () => {
  it('the README walk-through runs as printed', async () => {
    const home = path.join(tmp.dir, 'home');
    fs.mkdirSync(home);
    const block = readmeWalkthrough();
    expect(block).toMatch(/sandbox --seed 7 > \/tmp\/sandbox\.json &.*\n.*accounts add-sandbox \/tmp\/sandbox\.json/);
    const script = block.replaceAll('/tmp/sandbox.json', path.join(tmp.dir, 'sandbox.json'));
    // Its own process group, so the background sandbox goes with it at the end.
    const child = spawn('bash', ['-e', '-c', `${script}\nkill %1 2>/dev/null || true`], {
      cwd: ROOT,
      env: headlessEnv(home),
      detached: true,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    try {
      process.kill(-child.pid!, 'SIGTERM');
    } catch {
      // already gone
    }
    expect({ code, stderr }).toEqual({ code: 0, stderr: expect.not.stringMatching(/cannot keep credentials|Error|error/) });
    expect(stdout.match(/^Added .* sandbox \(/gm)).toHaveLength(5);
    expect(stdout).toMatch(/pulled \d+ \(/);
    expect(stdout).toMatch(/^Amanda /m);
    expect(stdout).toMatch(/\d+ (person|people)\n$/);
    // The default data dir of a fresh machine, with no secrets file: nothing was written in plain text.
    const dataDir = path.join(home, '.config', 'Concord');
    expect(fs.existsSync(path.join(dataDir, 'concord.db'))).toBe(true);
    expect(fs.existsSync(path.join(dataDir, 'secrets.json'))).toBe(false);
  }, 120_000);

  describe('real accounts', () => {
    let sb: RunningSandbox;
    const home = path.join(tmp.dir, 'home2');
    const dataDir = path.join(tmp.dir, 'data');
    // Asynchronous: the sandbox answering the CLI runs in this process.
    const concord = (args: string[], input = '') =>
      new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
        const child = spawn(process.execPath, [BIN, ...args, '--data-dir', dataDir], { env: headlessEnv(home) });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d) => (stdout += d));
        child.stderr.on('data', (d) => (stderr += d));
        child.on('exit', (status) => resolve({ status, stdout, stderr }));
        child.stdin.end(input);
      });
    beforeAll(async () => {
      fs.mkdirSync(home);
      sb = await startSandbox({ seed: 3, people: 20 });
    });
    afterAll(async () => {
      await sb?.close();
    });

    it('are refused without a keychain unless --secret-store file is chosen, which warns every time', async () => {
      const ct = sb.vendors.calltools!;
      const creds = JSON.stringify(ct.credentials);
      const refused = await concord(['accounts', 'add', 'calltools', '--base-url', ct.baseUrl], creds);
      expect(refused.status).toBe(1);
      expect(refused.stderr).toMatch(/cannot keep credentials between commands.*--secret-store file/s);

      const added = await concord(['accounts', 'add', 'calltools', '--base-url', ct.baseUrl, '--secret-store', 'file', '--json'], creds);
      expect(added.status).toBe(0);
      expect(added.stderr).toMatch(/warning: credentials are kept unencrypted in .*secrets\.json/);
      const id = JSON.parse(added.stdout).id as string;
      const file = path.join(dataDir, 'secrets.json');
      expect(fs.statSync(file).mode & 0o777).toBe(0o600);
      expect(fs.readFileSync(file, 'utf8')).toContain(String(Object.values(ct.credentials)[0]));
      // The store never holds the secret.
      const db = fs.readFileSync(path.join(dataDir, 'concord.db'));
      expect(db.includes(String(Object.values(ct.credentials)[0]))).toBe(false);

      const tested = await concord(['accounts', 'test', id, '--secret-store', 'file']);
      expect(tested.status).toBe(0);
      expect(tested.stderr).toMatch(/warning: credentials are kept unencrypted/);
      const status = await concord(['status', '--secret-store', 'file']);
      expect(status.stdout).toMatch(/Secrets: file \(--secret-store file\)/);

      // Without the flag the file is not read behind the person's back.
      const silent = await concord(['accounts', 'test', id]);
      expect(silent.status).toBe(1);
      expect(silent.stderr).toMatch(/No credentials are stored/);

      // A file others can read is refused, not used.
      fs.chmodSync(file, 0o644);
      const loose = await concord(['accounts', 'test', id, '--secret-store', 'file']);
      expect(loose.status).toBe(1);
      expect(loose.stderr).toMatch(/can be read by other users.*chmod 600/);
      fs.chmodSync(file, 0o600);
      expect((await concord(['status', '--secret-store', 'vault'])).status).toBe(2);
    }, 120_000);
  });
});

afterAll(() => tmp.cleanup());
