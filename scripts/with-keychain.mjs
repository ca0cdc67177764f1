#!/usr/bin/env node
// Run a command inside a private D-Bus session with an unlocked gnome-keyring, so keytar is
// tested against a real Secret Service (and never touches the developer's own keyring).
// Where dbus-run-session or gnome-keyring-daemon is missing, the command runs as it is: only
// the real-keychain tests (test/integration/keychain.test.ts) skip themselves, nothing else
// needs a keychain, and one line at the end says which did not run and why (test-summary.mjs
// repeats it above the totals). In CI they must run: keychain.test.ts fails there instead.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { keychainNote, NOTE_FILE } from './keychain-note.mjs';

const args = process.argv.slice(2);
if (!args.length) {
  console.error('usage: with-keychain.mjs COMMAND [ARGS...]');
  process.exit(2);
}
const has = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
const missing = ['dbus-run-session', 'gnome-keyring-daemon'].filter((cmd) => !has(cmd));
fs.rmSync(NOTE_FILE, { force: true });

if (!missing.length) {
  const dataHome = fs.mkdtempSync(path.join(os.tmpdir(), 'concord-keyring-'));
  const script = 'printf %s "concord-test-keyring" | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1; exec "$@"';
  const r = spawnSync('dbus-run-session', ['--', 'sh', '-c', script, 'sh', ...args], {
    stdio: 'inherit',
    env: { ...process.env, XDG_DATA_HOME: dataHome, CONCORD_KEYCHAIN_TEST: '1' },
  });
  fs.rmSync(dataHome, { recursive: true, force: true });
  process.exit(r.status ?? 1);
} else {
  const env = { ...process.env };
  delete env.CONCORD_KEYCHAIN_TEST;
  const r = spawnSync(args[0], args.slice(1), { stdio: 'inherit', env, shell: process.platform === 'win32' });
  const reason = `no ${missing.join(' or ')} on PATH to start a private Secret Service (Debian: apt install gnome-keyring dbus; CI installs them and runs these tests)`;
  fs.mkdirSync(path.dirname(NOTE_FILE), { recursive: true });
  fs.writeFileSync(NOTE_FILE, reason);
  console.log(keychainNote());
  process.exit(r.status ?? 1);
}
