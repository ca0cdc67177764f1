// The store protects itself: an empty, damaged or unreadable data file is named and kept,
// never replaced; a backup is offered and restored on request; a read-only directory and a
// full disk give plain messages; `concord … | head` ends quietly.
import { spawn, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCore } from '../../src/main/core';
import { MemorySecretStore } from '../../src/main/core/secrets/memory-store';
import { makeTestCore, seedAccount } from '../helpers/core';
import { tempDir } from '../helpers/tmp';

const BIN = path.resolve(__dirname, '../../bin/concord.mjs');
const tmp = tempDir('concord-protect-');
/** A healthy store with 1,500 people, closed (its WAL folded in). */
let healthy: string;

const people = (n: number) =>
  Array.from({ length: n }, (_, i) => ({
    givenName: `Person${i}`,
    familyName: `Family${i % 97}`,
    emails: [{ address: `p${i}@example.org` }],
    notes: `note ${i} `.repeat(20),
  }));
const sha = (file: string) => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');

function concord(dataDir: string, args: string[], opts: { uid?: number } = {}) {
  const r = spawnSync(process.execPath, [BIN, ...args, '--data-dir', dataDir], {
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, HOME: tmp.dir },
    ...(opts.uid !== undefined ? { uid: opts.uid, gid: opts.uid } : {}),
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A copy of the healthy store as DIR/concord.db, with a backup of it in DIR/backups. */
function storeWithBackup(name: string): string {
  const dir = path.join(tmp.dir, name);
  fs.mkdirSync(path.join(dir, 'backups'), { recursive: true });
  fs.copyFileSync(healthy, path.join(dir, 'backups', 'concord-schema7-2026-11-20T10-00-00-000Z.db'));
  fs.copyFileSync(healthy, path.join(dir, 'concord.db'));
  return dir;
}

beforeAll(async () => {
  const dir = path.join(tmp.dir, 'healthy');
  const t = await makeTestCore(dir);
  await seedAccount(t.core, 'mpdx', people(1500));
  t.core.close();
  healthy = path.join(dir, 'concord.db');
}, 60_000);
afterAll(() => tmp.cleanup());

describe('store protection', () => {
  it('an empty (0-byte) data file is named and kept; doctor offers and restores the latest backup', () => {
    const dir = storeWithBackup('empty');
    const file = path.join(dir, 'concord.db');
    fs.truncateSync(file, 0);
    const status = concord(dir, ['status']);
    expect(status.code).toBe(1);
    expect(status.stderr).toMatch(
      /concord\.db is empty \(0 bytes\).*did not open or change it.*latest backup is .*concord-schema7-.*concord doctor --restore/s,
    );
    expect(fs.statSync(file).size).toBe(0);
    expect(JSON.parse(concord(dir, ['status', '--json']).stderr).error.code).toBe('store_damaged');

    const doc = concord(dir, ['doctor']);
    expect(doc.code).toBe(1);
    expect(doc.stdout).toMatch(/Integrity: DAMAGED\n {2}the file is empty \(0 bytes\)/);
    expect(doc.stdout).toMatch(/Restore the latest backup with: concord doctor --restore/);

    const restored = concord(dir, ['doctor', '--restore']);
    expect(restored.code).toBe(0);
    expect(restored.stdout).toMatch(/Restored .*concord-schema7-.*; the file it replaced is kept as .*concord\.db\.damaged-/);
    expect(restored.stdout).toMatch(/Integrity: ok/);
    const kept = fs.readdirSync(dir).filter((n) => n.startsWith('concord.db.damaged-'));
    expect(kept).toHaveLength(1);
    expect(fs.statSync(path.join(dir, kept[0]!)).size).toBe(0);
    expect(JSON.parse(concord(dir, ['status', '--json']).stdout).counts.people).toBe(1500);
  }, 60_000);

  it('zeroed pages are found at open (quick_check) and by doctor (integrity_check); the file is not touched', async () => {
    const dir = storeWithBackup('zeroed');
    const file = path.join(dir, 'concord.db');
    const pageSize = 4096;
    const pages = fs.statSync(file).size / pageSize;
    const fd = fs.openSync(file, 'r+');
    for (let p = Math.floor(pages / 3); p < Math.floor(pages / 3) + 8; p++)
      fs.writeSync(fd, Buffer.alloc(pageSize), 0, pageSize, p * pageSize);
    fs.closeSync(fd);
    const before = sha(file);
    const err = await createCore({ dataDir: dir, secretStore: new MemorySecretStore() }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toMatchObject({ code: 'store_damaged' });
    expect((err as Error).message).toMatch(/is damaged .*did not open or change it.*concord doctor --restore/s);
    const status = concord(dir, ['status']);
    expect(status.code).toBe(1);
    expect(status.stderr).toMatch(/is damaged/);
    const doc = concord(dir, ['doctor', '--json']);
    expect(doc.code).toBe(1);
    const report = JSON.parse(doc.stdout);
    expect(report).toMatchObject({ ok: false, exists: true, backups: [{ file: expect.stringContaining('concord-schema7-') }] });
    expect(report.problems.length).toBeGreaterThan(0);
    expect(sha(file)).toBe(before);
    expect(fs.existsSync(`${file}-wal`) && fs.statSync(`${file}-wal`).size > 0).toBe(false);
  }, 60_000);

  it('a file that is not a database at all, with no backup, is kept and the message says there is none', () => {
    const dir = path.join(tmp.dir, 'garbage');
    fs.mkdirSync(dir);
    const file = path.join(dir, 'concord.db');
    fs.writeFileSync(file, crypto.randomBytes(64 * 1024));
    const before = sha(file);
    const status = concord(dir, ['status']);
    expect(status.code).toBe(1);
    expect(status.stderr).toMatch(/concord\.db is damaged.*There is no backup in .*backups/s);
    expect(concord(dir, ['doctor', '--restore']).stderr).toMatch(/There is no backup in .* to restore/);
    expect(sha(file)).toBe(before);
  });

  it('a healthy store passes doctor', () => {
    const dir = storeWithBackup('fine');
    const doc = concord(dir, ['doctor']);
    expect(doc.code).toBe(0);
    expect(doc.stdout).toMatch(/Integrity: ok \(integrity_check\)\nBackups: 1 in /);
  });

  it('a read-only data directory says so plainly, for a new store and an existing one', () => {
    const ro = path.join(tmp.dir, 'ro');
    fs.mkdirSync(ro);
    const existing = storeWithBackup('ro-existing');
    // root ignores permission bits: run the CLI as an unprivileged user instead.
    const asRoot = process.getuid?.() === 0;
    fs.chmodSync(ro, 0o555);
    fs.chmodSync(existing, 0o555);
    fs.chmodSync(tmp.dir, 0o755);
    const opts = asRoot ? { uid: 65534 } : {};
    for (const dir of [path.join(ro, 'data'), ro, existing]) {
      const r = concord(dir, ['status'], opts);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(
        /^concord: Concord cannot write to its data directory .* \((permission denied|it is read-only)\)\. Make it writable for your user, or choose another with --data-dir DIR/,
      );
      expect(r.stderr).not.toMatch(/ENOENT|mkdir|at /);
    }
    fs.chmodSync(existing, 0o755);
    fs.chmodSync(ro, 0o755);
  });

  it('a full disk fails the write with a plain message and loses nothing', async () => {
    const t = await makeTestCore();
    try {
      await seedAccount(t.core, 'mpdx', people(50));
      const person = t.core.contacts.list({ limit: 1, offset: 0 }).rows[0]!;
      const { page_count } = t.core.store.sqlite.prepare('PRAGMA page_count').get() as { page_count: number };
      // SQLite's own "database or disk is full" (SQLITE_FULL), without filling a real disk.
      t.core.store.sqlite.pragma(`max_page_count = ${page_count}`);
      const r = await t.core.dispatch('editContact', { id: person.id, patch: { notes: 'x'.repeat(400_000) } });
      expect(r).toEqual({
        ok: false,
        error: {
          code: 'disk_full',
          message: expect.stringMatching(
            /^The disk holding .* is full, so Concord could not save\. What was saved before is intact; free some space and try again\.$/,
          ),
        },
      });
      t.core.store.sqlite.pragma('max_page_count = 1073741823');
      expect(t.core.contacts.get(person.id).golden.notes).toBe(person.fields.notes);
      expect(t.core.store.sqlite.pragma('quick_check', { simple: true })).toBe('ok');
    } finally {
      t.cleanup();
    }
  });

  it('`concord … | head` ends quietly (no EPIPE stack trace)', async () => {
    const dir = storeWithBackup('pipe');
    const child = spawn(
      'bash',
      ['-c', `"${process.execPath}" "${BIN}" export --format csv --data-dir "${dir}" | head -n 2; echo "exit=\${PIPESTATUS[0]}" >&2`],
      { env: { ...process.env, HOME: tmp.dir } },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    await new Promise((resolve) => child.on('exit', resolve));
    expect(stdout.split('\n')).toHaveLength(3);
    expect(stderr).toBe('exit=0\n');
  }, 60_000);
});
