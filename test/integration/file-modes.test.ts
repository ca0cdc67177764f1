// Issue 23, point 6: the data directory 0700 and every file in it that holds contacts, logs or
// credentials 0600, whatever the umask — made so, and tightened at start-up when an older
// Concord (or a copy, or a restore) left them wider. POSIX modes: skipped on Windows.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../src/main/core';
import { createLogger } from '../../src/main/core/log';
import { FileSecretStore } from '../../src/main/core/secrets/file-store';
import { MemorySecretStore } from '../../src/main/core/secrets/memory-store';
import { tempDir } from '../helpers/tmp';

const ROOT = path.resolve(__dirname, '../..');
const modeOf = (p: string) => fs.statSync(p).mode & 0o777;

/** Every path under dir (itself included) whose mode is not the private one. */
function wider(dir: string): string[] {
  const out: string[] = [];
  const walk = (p: string) => {
    const st = fs.lstatSync(p);
    if (st.isDirectory()) {
      if ((st.mode & 0o777) !== 0o700) out.push(`${p} ${(st.mode & 0o777).toString(8)}`);
      for (const n of fs.readdirSync(p)) walk(path.join(p, n));
    } else if (st.isFile() && (st.mode & 0o777) !== 0o600) out.push(`${p} ${(st.mode & 0o777).toString(8)}`);
  };
  walk(dir);
  return out;
}

describe.skipIf(process.platform === 'win32')('files only their owner can read', () => {
  const umask = process.umask();
  let core: Core | null = null;
  const tmp = tempDir('concord-modes-');
  afterEach(() => {
    core?.close();
    core = null;
    process.umask(umask);
  });

  it('makes the data directory 0700 and the store, its WAL, logs, backups and secrets 0600 under umask 022', async () => {
    process.umask(0o022);
    // Migrations as an older Concord had them (the last one missing), so the next start backs up.
    const res = path.join(tmp.dir, 'resources');
    const older = path.join(res, 'migrations');
    fs.cpSync(path.join(ROOT, 'resources/migrations'), older, { recursive: true });
    fs.symlinkSync(path.join(ROOT, 'resources/data'), path.join(res, 'data'));
    const journal = path.join(older, 'meta/_journal.json');
    const j = JSON.parse(fs.readFileSync(journal, 'utf8')) as { entries: unknown[] };
    j.entries.pop();
    fs.writeFileSync(journal, JSON.stringify(j));

    const dataDir = path.join(tmp.dir, 'data', 'Concord');
    core = await createCore({ dataDir, migrationsDir: older, secretStore: new MemorySecretStore() });
    await core.accounts.add({ kind: 'csv', label: 'x', baseUrl: null });
    core.close();

    // The default logger (logs/concord.log), the file secret store, and a migration's backup.
    core = await createCore({ dataDir, secretStore: new FileSecretStore(dataDir) });
    await core.secretStore.set('acct', 'sekrit');
    core.log.info('a line in the log');
    expect(fs.readdirSync(path.join(dataDir, 'backups'))).toHaveLength(1);
    for (const f of ['concord.db', 'concord.db-wal', 'concord.db-shm', 'secrets.json', 'logs/concord.log'])
      expect(fs.existsSync(path.join(dataDir, f)), f).toBe(true);
    expect(wider(dataDir)).toEqual([]);
    expect(modeOf(dataDir)).toBe(0o700);
  });

  it('tightens what an older Concord left readable by others at start-up', async () => {
    process.umask(0o000);
    const dataDir = path.join(tmp.dir, 'old');
    core = await createCore({ dataDir, secretStore: new MemorySecretStore(), log: createLogger(() => {}) });
    core.close();
    core = null;
    fs.mkdirSync(path.join(dataDir, 'backups'), { mode: 0o777 });
    fs.writeFileSync(path.join(dataDir, 'backups', 'concord-schema3-old.db'), 'x', { mode: 0o666 });
    fs.mkdirSync(path.join(dataDir, 'logs'), { mode: 0o777 });
    fs.writeFileSync(path.join(dataDir, 'logs', 'concord.log'), '', { mode: 0o644 });
    fs.writeFileSync(path.join(dataDir, 'concord.db.damaged-2024'), 'x', { mode: 0o644 });
    for (const f of ['concord.db', 'concord.db-wal', 'concord.db-shm'])
      if (fs.existsSync(path.join(dataDir, f))) fs.chmodSync(path.join(dataDir, f), 0o666);
    fs.chmodSync(dataDir, 0o777);
    expect(wider(dataDir).length).toBeGreaterThan(4);

    core = await createCore({ dataDir, secretStore: new MemorySecretStore() });
    expect(wider(dataDir)).toEqual([]);
  });

  it('leaves a data directory its owner made read-only read-only (and says so)', async () => {
    if (process.getuid?.() === 0) return; // root writes anywhere: nothing to refuse
    const dataDir = path.join(tmp.dir, 'ro');
    fs.mkdirSync(dataDir, { mode: 0o755 });
    fs.chmodSync(dataDir, 0o555);
    await expect(createCore({ dataDir, secretStore: new MemorySecretStore() })).rejects.toMatchObject({ code: 'not_writable' });
    expect(modeOf(dataDir)).toBe(0o500);
    fs.chmodSync(dataDir, 0o700);
  });
});
