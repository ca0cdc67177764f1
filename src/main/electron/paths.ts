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
 * better-sqlite3 built for Electron's ABI by scripts/build-electron-native.mjs (the copy in
 * node_modules is the Node build the tests and the CLI use). keytar 7.9 is N-API: the worker
 * loads it from node_modules as it is. Packaged, electron-builder rebuilt node_modules itself.
 */
export function electronNative(): { nativeBinding?: string } {
  if (app.isPackaged) return {};
  const sqlite = path.join(
    app.getAppPath(),
    '.native',
    'electron',
    'node_modules',
    'better-sqlite3',
    'build',
    'Release',
    'better_sqlite3.node',
  );
  return { nativeBinding: fs.existsSync(sqlite) ? sqlite : undefined };
}
