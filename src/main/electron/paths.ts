import fs from 'node:fs';
import path from 'node:path';
import { app } from 'electron';

/** Where the store lives: CONCORD_DATA_DIR, else Electron's userData (the CLI computes the same). */
export function dataDir(): string {
  return process.env.CONCORD_DATA_DIR ? path.resolve(process.env.CONCORD_DATA_DIR) : app.getPath('userData');
}

/** resources/ of the app: next to package.json in development, Resources/ when packaged. */
export function resourcesDir(): string {
  return app.isPackaged ? process.resourcesPath : path.join(app.getAppPath(), 'resources');
}

/**
 * Native modules built for Electron's ABI by scripts/build-electron-native.mjs. The copies in
 * node_modules are Node builds (tests, CLI) and would not load in Electron.
 */
export function electronNative(): { nativeBinding?: string; keytarPath?: string } {
  const root = app.isPackaged ? path.join(process.resourcesPath, 'native') : path.join(app.getAppPath(), '.native', 'electron');
  const sqlite = path.join(root, 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node');
  const keytar = path.join(root, 'keytar', 'lib', 'keytar.js');
  return {
    nativeBinding: fs.existsSync(sqlite) ? sqlite : undefined,
    keytarPath: fs.existsSync(keytar) ? keytar : undefined,
  };
}
