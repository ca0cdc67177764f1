#!/usr/bin/env node
// Build Electron-ABI copies of the native modules (better-sqlite3, keytar) into
// .native/electron/, for `npm start`. node_modules keeps the Node builds that the tests and
// the CLI use, which is why this never rebuilds in place (as @electron/rebuild would).
// Where the Electron binary is absent (CI sets ELECTRON_SKIP_BINARY_DOWNLOAD=1) it does nothing.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(path.join(root, 'package.json'));
const outRoot = path.join(root, '.native', 'electron');
const MODULES = [
  { name: 'better-sqlite3', artefact: 'build/Release/better_sqlite3.node' },
  { name: 'keytar', artefact: 'build/Release/keytar.node' },
];

function electronInstalled() {
  try {
    const dir = path.dirname(require.resolve('electron/package.json'));
    const pathTxt = path.join(dir, 'path.txt');
    if (!fs.existsSync(pathTxt)) return null;
    const bin = path.join(dir, 'dist', fs.readFileSync(pathTxt, 'utf8').trim());
    if (!fs.existsSync(bin)) return null;
    return JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).version;
  } catch {
    return null;
  }
}

const electronVersion = electronInstalled();
if (!electronVersion) {
  console.log('build-electron-native: the Electron binary is not installed here; nothing to build (tests and the CLI use the Node builds).');
  process.exit(0);
}

const stampFile = path.join(outRoot, 'stamp.json');
const wanted = {
  electron: electronVersion,
  arch: process.arch,
  modules: Object.fromEntries(MODULES.map((m) => [m.name, require(`${m.name}/package.json`).version])),
};
const current = fs.existsSync(stampFile) ? fs.readFileSync(stampFile, 'utf8') : '';
if (current === JSON.stringify(wanted) && MODULES.every((m) => fs.existsSync(path.join(outRoot, m.name, m.artefact)))) {
  process.exit(0);
}

const run = (cmd, args, cwd) => spawnSync(cmd, args, { cwd, stdio: 'inherit', shell: process.platform === 'win32' }).status === 0;

for (const m of MODULES) {
  const src = path.dirname(require.resolve(`${m.name}/package.json`));
  const dest = path.join(outRoot, m.name);
  fs.rmSync(dest, { recursive: true, force: true });
  fs.cpSync(src, dest, { recursive: true, filter: (p) => !p.includes(`${path.sep}build${path.sep}`) && !p.endsWith(`${path.sep}build`) });
  console.log(`build-electron-native: ${m.name} for Electron ${electronVersion} (${process.arch})`);
  // Prebuilt binaries first (fast), then a source build against Electron's headers.
  const prebuild = path.join(path.dirname(require.resolve('prebuild-install/package.json')), 'bin.js');
  const ok =
    run(process.execPath, [prebuild, '--runtime', 'electron', '--target', electronVersion, '--arch', process.arch], dest) ||
    run('npx', ['--yes', 'node-gyp', 'rebuild', '--release', '--runtime=electron', `--target=${electronVersion}`, `--arch=${process.arch}`, '--dist-url=https://electronjs.org/headers'], dest);
  if (!ok || !fs.existsSync(path.join(dest, m.artefact))) {
    console.error(`build-electron-native: could not build ${m.name} for Electron. See the output above.`);
    process.exit(1);
  }
}
fs.writeFileSync(stampFile, JSON.stringify(wanted));
console.log('build-electron-native: done');
