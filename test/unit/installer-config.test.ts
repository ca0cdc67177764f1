// `npm run dist` cannot run here (electron-builder downloads the Electron binary, and this
// machine reaches only the npm registry), so its configuration is checked instead: by
// electron-builder's own schema validation, and against what the app needs at run time.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(__dirname, '../..');
const require = createRequire(path.join(ROOT, 'package.json'));
const { getConfig, validateConfiguration } = require('app-builder-lib/out/util/config/config') as {
  getConfig(dir: string, file: string, extra: null): Promise<Record<string, unknown>>;
  validateConfiguration(c: Record<string, unknown>, logger: unknown): Promise<void>;
};
const { DebugLogger } = require('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  scripts: Record<string, string>;
  main: string;
  productName: string;
  author?: { email?: string };
  devDependencies: Record<string, string>;
};

type Config = {
  appId: string;
  productName: string;
  files: string[];
  extraResources: { from: string; to: string }[];
  npmRebuild: boolean;
  directories: { output: string; buildResources: string };
  linux: { target: string[]; icon: string; maintainer: string };
  mac: { target: string[]; icon: string };
  win: { target: string[]; icon: string };
  deb: { depends: string[] };
  electronFuses?: Record<string, boolean>;
};

/** The file as written (getConfig normalises `files` and friends). */
const raw = (): Config => JSON.parse(fs.readFileSync(path.join(ROOT, 'electron-builder.json'), 'utf8')) as Config;

describe('electron-builder configuration (npm run dist)', () => {
  it('passes electron-builder’s own validation, which does reject a wrong key', async () => {
    const config = await getConfig(ROOT, 'electron-builder.json', null);
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined();
    await expect(
      validateConfiguration({ ...config, linux: { target: ['AppImage'], tragets: ['deb'] } }, new DebugLogger(false)),
    ).rejects.toThrow(/configuration\.linux/);
  });

  it('flips Electron’s fuses so the packaged binary cannot be run as Node, inspected, or fed other code', async () => {
    // Anyone who can start the installed app could otherwise run it as a Node interpreter
    // (ELECTRON_RUN_AS_NODE), inject code (NODE_OPTIONS, --inspect) or swap app.asar / load an
    // app folder beside it, with the keychain access the app has. Only names the schema knows
    // pass the validation above; these are the values.
    expect(raw().electronFuses).toEqual({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      enableCookieEncryption: true,
    });
    const config = await getConfig(ROOT, 'electron-builder.json', null);
    await expect(validateConfiguration({ ...config, electronFuses: { runAsNod: false } }, new DebugLogger(false))).rejects.toThrow(
      /electronFuses/,
    );
  });

  it('builds AppImage and deb, dmg and nsis, with the app id, product name and an icon big enough for all three', () => {
    const c = raw();
    expect(c.appId).toMatch(/^[a-z]+(\.[a-z]+)+$/);
    expect(c.productName).toBe(pkg.productName);
    expect(c.linux.target).toEqual(['AppImage', 'deb']);
    expect(c.mac.target).toEqual(['dmg']);
    expect(c.win.target).toEqual(['nsis']);
    for (const icon of new Set([c.linux.icon, c.mac.icon, c.win.icon])) {
      const png = fs.readFileSync(path.join(ROOT, icon));
      expect(png.subarray(1, 4).toString('ascii')).toBe('PNG');
      expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([1024, 1024]); // .icns wants 512+ (1024 for retina)
    }
    // The deb's maintainer and the keychain library keytar needs at run time.
    expect(c.linux.maintainer).toMatch(/<.+@.+>/);
    expect(pkg.author?.email).toMatch(/@/);
    expect(c.deb.depends).toContain('libsecret-1-0');
  });

  it('ships what the app opens at run time, rebuilds the native modules for Electron, and `npm run dist` runs it', () => {
    const c = raw();
    // main, worker, preload and renderer come from electron-vite's out/.
    expect(c.files).toContain('out/**/*');
    expect(pkg.main).toBe('out/main/index.js');
    // resourcesDir() is process.resourcesPath when packaged; the store opens <resources>/migrations.
    expect(c.extraResources).toContainEqual({ from: 'resources/migrations', to: 'migrations' });
    // …and <resources>/data/nicknames/names.csv beside them (createCore finds it there).
    expect(c.extraResources).toContainEqual({ from: 'resources/data', to: 'data' });
    expect(fs.existsSync(path.join(ROOT, 'resources/data/nicknames/names.csv'))).toBe(true);
    expect(fs.readFileSync(path.join(ROOT, 'src/main/electron/paths.ts'), 'utf8')).toMatch(/app\.isPackaged \? process\.resourcesPath/);
    expect(fs.existsSync(path.join(ROOT, 'resources/migrations/meta/_journal.json'))).toBe(true);
    expect(c.npmRebuild).toBe(true);
    expect(pkg.devDependencies['electron-builder']).toMatch(/^\d+\.\d+\.\d+$/);
    expect(pkg.scripts.dist).toBe('electron-vite build && electron-builder --config electron-builder.json');
    expect(fs.readFileSync(path.join(ROOT, '.gitignore'), 'utf8')).toMatch(new RegExp(`^${c.directories.output}/$`, 'm'));
  });
});
