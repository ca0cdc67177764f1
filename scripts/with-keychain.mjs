#!/usr/bin/env node
// Run a command inside a private D-Bus session with an unlocked gnome-keyring, so keytar is
// tested against a real Secret Service (and never touches the developer's own keyring).
// Where dbus-run-session or gnome-keyring-daemon is missing, the command runs as it is and
// the keychain test reports itself skipped (in CI it fails instead: see keychain.test.ts).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const args = process.argv.slice(2);
if (!args.length) {
  console.error('usage: with-keychain.mjs COMMAND [ARGS...]');
  process.exit(2);
}
const has = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;

if (has('dbus-run-session') && has('gnome-keyring-daemon')) {
  const dataHome = fs.mkdtempSync(path.join(os.tmpdir(), 'concord-keyring-'));
  const script = 'printf %s "concord-test-keyring" | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1; exec "$@"';
  const r = spawnSync('dbus-run-session', ['--', 'sh', '-c', script, 'sh', ...args], {
    stdio: 'inherit',
    env: { ...process.env, XDG_DATA_HOME: dataHome, CONCORD_KEYCHAIN_TEST: '1' },
  });
  fs.rmSync(dataHome, { recursive: true, force: true });
  process.exit(r.status ?? 1);
} else {
  console.warn('with-keychain: dbus-run-session/gnome-keyring-daemon not found; the real-keychain test will be skipped');
  const r = spawnSync(args[0], args.slice(1), { stdio: 'inherit', shell: process.platform === 'win32' });
  process.exit(r.status ?? 1);
}
