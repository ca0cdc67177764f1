// Opening the store: pragmas, then migrations run the safe way (docs/design.md#data-model):
// back up first, foreign keys off, migrate(), foreign_key_check, foreign keys on.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import { checkIntegrity, damagedStore, DB_FILE, ensureDataDir, storageError } from './health';
import { makePrivateDir, makePrivateFile } from './private-files';
import type { CountRow } from './rows';
import * as schema from './schema';

export type Db = BetterSQLite3Database<typeof schema>;

export interface OpenStoreOptions {
  dataDir: string;
  migrationsDir: string;
  /** Path to a better_sqlite3.node built for the host's ABI (the Electron build in the app). */
  nativeBinding?: string;
  log?: (msg: string, data?: Record<string, unknown>) => void;
}

export interface Store {
  sqlite: Database.Database;
  db: Db;
  file: string;
  /** Migrations applied by this open (0 on a second start). */
  migrationsApplied: number;
  /** The backup written before migrating, if any. */
  backupFile: string | null;
  schemaVersion: number;
  close(): void;
}

export { DB_FILE };

export function openStore(opts: OpenStoreOptions): Store {
  ensureDataDir(opts.dataDir);
  const file = path.join(opts.dataDir, DB_FILE);
  const existed = fs.existsSync(file);
  // SQLite would take an empty file for a new store and start over in it: say so instead.
  if (existed && fs.statSync(file).size === 0)
    throw damagedStore(opts.dataDir, file, 'is empty (0 bytes) — it may have been cut short by a crash, a full disk or a sync tool');
  let sqlite: Database.Database;
  try {
    sqlite = new Database(file, opts.nativeBinding ? { nativeBinding: opts.nativeBinding } : {});
  } catch (e) {
    throw storageError(e, opts.dataDir) ?? e;
  }
  // 0600 before the WAL switch: SQLite creates -wal and -shm with the store's own mode.
  makePrivateFile(file, !existed);
  try {
    sqlite.pragma('busy_timeout = 5000');
    // Checked before anything writes to the file (the WAL switch rewrites its header).
    if (existed) {
      const problems = checkIntegrity(sqlite, false);
      if (problems.length)
        throw damagedStore(
          opts.dataDir,
          file,
          `is damaged (quick_check: ${problems.slice(0, 3).join('; ')}${problems.length > 3 ? '; …' : ''})`,
        );
    }
    sqlite.pragma('journal_mode = WAL');
    for (const side of ['-wal', '-shm']) makePrivateFile(file + side);
    sqlite.pragma('synchronous = NORMAL');
    const db = drizzle(sqlite, { schema });
    const { applied, backupFile, total } = runMigrations(sqlite, db, opts, existed);
    sqlite.pragma('foreign_keys = ON');
    return {
      sqlite,
      db,
      file,
      migrationsApplied: applied,
      backupFile,
      schemaVersion: total,
      close: () => {
        if (sqlite.open) sqlite.close();
      },
    };
  } catch (e) {
    sqlite.close();
    throw storageError(e, opts.dataDir) ?? e;
  }
}

function appliedCount(sqlite: Database.Database): number {
  const t = sqlite.prepare("SELECT name FROM sqlite_master WHERE type='table' AND name='__drizzle_migrations'").get();
  if (!t) return 0;
  return (sqlite.prepare('SELECT count(*) AS n FROM __drizzle_migrations').get() as CountRow).n;
}

function runMigrations(sqlite: Database.Database, db: Db, opts: OpenStoreOptions, existed: boolean) {
  const migrations = readMigrationFiles({ migrationsFolder: opts.migrationsDir });
  const before = appliedCount(sqlite);
  if (before > migrations.length) {
    throw new Error(
      `This data file was written by a newer Concord (schema ${before}, this build knows ${migrations.length}). Update Concord.`,
    );
  }
  if (before === migrations.length) return { applied: 0, backupFile: null, total: migrations.length };

  let backupFile: string | null = null;
  if (existed && before > 0) {
    const dir = path.join(opts.dataDir, 'backups');
    makePrivateDir(dir);
    backupFile = path.join(dir, `concord-schema${before}-${new Date().toISOString().replace(/[:.]/g, '-')}.db`);
    // VACUUM INTO makes a consistent copy even with a WAL file beside the database.
    sqlite.prepare('VACUUM INTO ?').run(backupFile);
    makePrivateFile(backupFile, true);
    opts.log?.('store: backed up before migrating', { backupFile, from: before, to: migrations.length });
  }
  // A drizzle table rebuild (create new, copy, drop old) would cascade-delete child rows
  // with foreign keys on; so they are off while migrating and checked afterwards.
  sqlite.pragma('foreign_keys = OFF');
  try {
    migrate(db, { migrationsFolder: opts.migrationsDir });
    const broken = sqlite.pragma('foreign_key_check') as unknown[];
    if (broken.length) {
      throw new Error(
        `Migration left ${broken.length} broken references${backupFile ? `; your data before the upgrade is in ${backupFile}` : ''}`,
      );
    }
  } finally {
    sqlite.pragma('foreign_keys = ON');
  }
  return { applied: migrations.length - before, backupFile, total: migrations.length };
}
