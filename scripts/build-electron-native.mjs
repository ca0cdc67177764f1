#!/usr/bin/env node
// Before `npm start`: an Electron-ABI copy of better-sqlite3 in .native/electron/, built by
// the pinned @electron/rebuild (its Electron prebuild when there is one, else a source build
// against Electron's headers). node_modules keeps the Node build that the tests and the CLI
// use, which is why this never rebuilds in place. keytar is not rebuilt: 7.9 is an N-API
// module, which loads in Electron as it is — no Python or C++ toolchain needed for it.
// Where the Electron binary is absent (CI sets ELECTRON_SKIP_BINARY_DOWNLOAD=1) it does nothing.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(path.join(root, 'package.json'));
const outRoot = path.join(root, '.native', 'electron');
/** Only what needs Electron's ABI (not N-API). */
export const ELECTRON_ABI_MODULES = [{ name: 'better-sqlite3', artefact: 'build/Release/better_sqlite3.node' }];

/** Copy filter: leave out the package's own build/ output — relative to the package, so a checkout under a folder named "build" still copies. */
export function keepInCopy(pkgDir, p) {
  const rel = path.relative(pkgDir, p);
  return rel !== 'build' && !rel.startsWith(`build${path.sep}`);
}

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

async function main() {
  const electronVersion = electronInstalled();
  if (!electronVersion) {
    console.log(
      'build-electron-native: the Electron binary is not installed here; nothing to build (tests and the CLI use the Node builds).',
    );
    return 0;
  }
  const stampFile = path.join(outRoot, 'stamp.json');
  const wanted = {
    electron: electronVersion,
    arch: process.arch,
    modules: Object.fromEntries(ELECTRON_ABI_MODULES.map((m) => [m.name, require(`${m.name}/package.json`).version])),
  };
  const built = (m) => path.join(outRoot, 'node_modules', m.name, m.artefact);
  const current = fs.existsSync(stampFile) ? fs.readFileSync(stampFile, 'utf8') : '';
  if (current === JSON.stringify(wanted) && ELECTRON_ABI_MODULES.every((m) => fs.existsSync(built(m)))) return 0;

  // A little project of its own, so @electron/rebuild touches nothing in the real node_modules.
  fs.rmSync(outRoot, { recursive: true, force: true });
  fs.mkdirSync(path.join(outRoot, 'node_modules'), { recursive: true });
  fs.writeFileSync(
    path.join(outRoot, 'package.json'),
    JSON.stringify({ name: 'concord-electron-native', private: true, dependencies: wanted.modules }, null, 2),
  );
  for (const m of ELECTRON_ABI_MODULES) {
    const src = path.dirname(require.resolve(`${m.name}/package.json`));
    fs.cpSync(src, path.join(outRoot, 'node_modules', m.name), { recursive: true, filter: (p) => keepInCopy(src, p) });
  }
  console.log(
    `build-electron-native: ${ELECTRON_ABI_MODULES.map((m) => m.name).join(', ')} for Electron ${electronVersion} (${process.arch})`,
  );
  const { rebuild } = await import('@electron/rebuild');
  try {
    await rebuild({
      buildPath: outRoot,
      electronVersion,
      arch: process.arch,
      onlyModules: ELECTRON_ABI_MODULES.map((m) => m.name),
      force: true,
      mode: 'sequential',
    });
  } catch (e) {
    console.error(`build-electron-native: @electron/rebuild failed: ${e?.message ?? e}`);
  }
  const missing = ELECTRON_ABI_MODULES.filter((m) => !fs.existsSync(built(m)));
  if (missing.length) {
    console.error(
      `build-electron-native: could not build ${missing.map((m) => m.name).join(', ')} for Electron (no prebuild could be fetched and the source build failed — it needs Python and a C++ toolchain). See the output above.`,
    );
    return 1;
  }
  fs.writeFileSync(stampFile, JSON.stringify(wanted));
  console.log('build-electron-native: done');
  return 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().then((code) => process.exit(code));
}
