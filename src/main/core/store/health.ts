// The store looks after itself: a damaged or empty data file is never silently replaced
// (SQLite would happily treat a 0-byte file as a new, empty store). Concord says what is
// wrong, leaves the file where it is and offers the latest backup from backups/; storage
// failures (no permission, a full disk) become sentences a person can act on.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { CoreError } from '../errors';
import { BACKUP_DIR, listBackups, type Backup } from './backups';
import { makePrivateDir, makePrivateFile } from './private-files';

export const DB_FILE = 'concord.db';
export { BACKUP_DIR, listBackups, type Backup } from './backups';

export function damagedStore(dataDir: string, file: string, what: string): CoreError {
  const [latest] = listBackups(dataDir);
  const offer = latest
    ? `The latest backup is ${latest.file} (${latest.modified}). To restore it run "concord doctor --restore" (the damaged file is kept beside it, renamed).`
    : `There is no backup in ${path.join(dataDir, BACKUP_DIR)}. Move the file away yourself to start with an empty store (your vendors still hold their contacts; local edits not yet sent would be lost).`;
  return new CoreError('store_damaged', `The data file ${file} ${what}. Concord did not open or change it. ${offer}`);
}

/** PRAGMA quick_check (at every open) or integrity_check (concord doctor): the problems found, none when healthy. */
export function checkIntegrity(sqlite: Database.Database, full: boolean): string[] {
  const rows = sqlite.pragma(full ? 'integrity_check(50)' : 'quick_check(20)') as Record<string, string>[];
  const problems = rows.map((r) => String(Object.values(r)[0]));
  return problems.length === 1 && problems[0] === 'ok' ? [] : problems;
}

/** Make sure the data directory exists and Concord may write there, before anything else touches it. */
export function ensureDataDir(dataDir: string): void {
  try {
    makePrivateDir(dataDir);
    fs.accessSync(dataDir, fs.constants.W_OK);
  } catch (e) {
    throw storageError(e, dataDir) ?? e;
  }
}

const SQLITE_DAMAGED = /^SQLITE_(NOTADB|CORRUPT)/;

/** A failure of the disk or the file turned into a plain CoreError; null when it is something else. */
export function storageError(e: unknown, dataDir: string): CoreError | null {
  if (e instanceof CoreError) return e;
  const code = String((e as { code?: unknown })?.code ?? '');
  if (code === 'ENOSPC' || code === 'SQLITE_FULL' || code === 'EDQUOT') {
    return new CoreError(
      'disk_full',
      `The disk holding ${dataDir} is full, so Concord could not save. What was saved before is intact; free some space and try again.`,
    );
  }
  if (
    code === 'EACCES' ||
    code === 'EPERM' ||
    code === 'EROFS' ||
    code.startsWith('SQLITE_READONLY') ||
    code.startsWith('SQLITE_CANTOPEN')
  ) {
    return new CoreError(
      'not_writable',
      `Concord cannot write to its data directory ${dataDir} (${code === 'EROFS' || code.startsWith('SQLITE_READONLY') ? 'it is read-only' : 'permission denied'}). Make it writable for your user, or choose another with --data-dir DIR (or CONCORD_DATA_DIR).`,
    );
  }
  if (SQLITE_DAMAGED.test(code)) return damagedStore(dataDir, path.join(dataDir, DB_FILE), `is damaged (${(e as Error).message})`);
  return null;
}

export interface DoctorReport {
  file: string;
  exists: boolean;
  bytes: number;
  ok: boolean;
  problems: string[];
  backups: Backup[];
}

/** `concord doctor`: a full integrity_check, read-only, that works even when the core cannot open the store. */
export function doctor(dataDir: string, nativeBinding?: string): DoctorReport {
  const file = path.join(dataDir, DB_FILE);
  const backups = listBackups(dataDir);
  if (!fs.existsSync(file)) return { file, exists: false, bytes: 0, ok: true, problems: [], backups };
  const bytes = fs.statSync(file).size;
  if (bytes === 0) return { file, exists: true, bytes, ok: false, problems: ['the file is empty (0 bytes)'], backups };
  let sqlite: Database.Database | null = null;
  try {
    sqlite = new Database(file, { readonly: true, fileMustExist: true, ...(nativeBinding ? { nativeBinding } : {}) });
    const problems = checkIntegrity(sqlite, true);
    return { file, exists: true, bytes, ok: problems.length === 0, problems, backups };
  } catch (e) {
    return { file, exists: true, bytes, ok: false, problems: [(e as Error).message], backups };
  } finally {
    sqlite?.close();
  }
}

/**
 * Put the latest backup in place of the data file. The file it replaces (and its WAL) is
 * kept, renamed concord.db.damaged-<time>; the backup itself stays in backups/.
 */
export function restoreLatestBackup(
  dataDir: string,
  opts: { now?: Date; nativeBinding?: string } = {},
): { restored: string; keptAs: string | null } {
  const now = opts.now ?? new Date();
  const [latest] = listBackups(dataDir);
  if (!latest) throw new CoreError('not_found', `There is no backup in ${path.join(dataDir, BACKUP_DIR)} to restore.`);
  const check = new Database(latest.file, {
    readonly: true,
    fileMustExist: true,
    ...(opts.nativeBinding ? { nativeBinding: opts.nativeBinding } : {}),
  });
  try {
    const problems = checkIntegrity(check, true);
    if (problems.length)
      throw new CoreError('store_damaged', `The latest backup ${latest.file} is damaged too (${problems[0]}); nothing was changed.`);
  } finally {
    check.close();
  }
  const file = path.join(dataDir, DB_FILE);
  let keptAs: string | null = null;
  if (fs.existsSync(file)) {
    keptAs = `${file}.damaged-${now.toISOString().replace(/[:.]/g, '-')}`;
    fs.renameSync(file, keptAs);
    for (const side of ['-wal', '-shm']) if (fs.existsSync(file + side)) fs.renameSync(file + side, keptAs + side);
  }
  fs.copyFileSync(latest.file, file);
  makePrivateFile(file, true);
  return { restored: latest.file, keptAs };
}
