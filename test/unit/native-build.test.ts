// `npm start`'s native step (scripts/build-electron-native.mjs) rebuilds only what needs
// Electron's ABI. Electron cannot run here, so what can be checked is: keytar really is an
// N-API module (it links Node-API only, no V8 or node:: symbols, so Electron loads it as
// installed), better-sqlite3 is not (it links V8: it needs the rebuild), and the copy filter
// keeps a package whose checkout lives under a folder named "build".
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(__dirname, '../..');
const hasNm = spawnSync('sh', ['-c', 'command -v nm'], { stdio: 'ignore' }).status === 0;
const undefinedSymbols = (file: string): string[] =>
  spawnSync('nm', ['-D', '--undefined-only', file], { encoding: 'utf8' })
    .stdout.split('\n')
    .map((l) => l.trim().split(/\s+/).pop() ?? '')
    .filter(Boolean);

describe('native modules for Electron', () => {
  it('rebuilds better-sqlite3 only, and its copy filter is relative to the package', async () => {
    const m = (await import(path.join(ROOT, 'scripts/build-electron-native.mjs'))) as {
      ELECTRON_ABI_MODULES: { name: string }[];
      keepInCopy(pkg: string, p: string): boolean;
    };
    expect(m.ELECTRON_ABI_MODULES.map((x) => x.name)).toEqual(['better-sqlite3']);
    const pkg = path.join('/home/ann/build/concord/node_modules/better-sqlite3');
    expect(m.keepInCopy(pkg, path.join(pkg, 'src', 'better_sqlite3.cpp'))).toBe(true);
    expect(m.keepInCopy(pkg, path.join(pkg, 'package.json'))).toBe(true);
    expect(m.keepInCopy(pkg, path.join(pkg, 'build'))).toBe(false);
    expect(m.keepInCopy(pkg, path.join(pkg, 'build', 'Release', 'better_sqlite3.node'))).toBe(false);
    expect(m.keepInCopy(pkg, path.join(pkg, 'deps', 'build.js'))).toBe(true);
  });

  it('keytar is N-API (loads in Electron unchanged); better-sqlite3 links V8 (rebuilt)', () => {
    const keytar = JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules/keytar/package.json'), 'utf8')) as {
      version: string;
      binary?: { napi_versions?: number[] };
    };
    expect(keytar.binary?.napi_versions?.length).toBeGreaterThan(0);
    if (!hasNm) return; // binutils come with the C++ toolchain CI installs
    const k = undefinedSymbols(path.join(ROOT, 'node_modules/keytar/build/Release/keytar.node'));
    expect(k.some((s) => s.startsWith('napi_'))).toBe(true);
    expect(k.filter((s) => /^_ZN(2v8|4node)/.test(s))).toEqual([]);
    const b = undefinedSymbols(path.join(ROOT, 'node_modules/better-sqlite3/build/Release/better_sqlite3.node'));
    expect(b.some((s) => s.startsWith('_ZN2v8'))).toBe(true);
  });

  it('npm start runs the native step first and @electron/rebuild is pinned', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
      devDependencies: Record<string, string>;
    };
    expect(pkg.scripts.prestart).toBe('node scripts/build-electron-native.mjs');
    expect(pkg.devDependencies['@electron/rebuild']).toMatch(/^\d+\.\d+\.\d+$/);
    expect(fs.readFileSync(path.join(ROOT, 'scripts/build-electron-native.mjs'), 'utf8')).not.toMatch(/npx|node-gyp/);
  });
});
