// The data directory holds every contact, the vendors' raw records, logs and possibly
// credentials: only its owner may read it, whatever the umask. Modes are set explicitly
// (mkdir/open modes are masked by the umask, and files made by an older Concord or another
// tool may be wider), and existing ones are tightened at every start. Plain fs, no SQLite, so
// the Electron main process can use it for its userData folder too. POSIX only: on Windows the
// profile folder's ACL already keeps other users out, and chmod there only toggles read-only.
import fs from 'node:fs';
import path from 'node:path';
import { BACKUP_DIR } from './backups';

export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

const posix = process.platform !== 'win32';

/**
 * What Concord made gets exactly `mode`; what was there loses only the group's and others'
 * bits — a data directory its owner made read-only stays read-only (and is named as such).
 * Best effort: a file that is gone, or one Concord may not chmod (not the owner, a read-only
 * file system), is left for the operation that needs it to report.
 */
function restrict(p: string, mode: number, made: boolean): void {
  if (!posix) return;
  try {
    const next = made ? mode : fs.statSync(p).mode & 0o7777 & ~0o077;
    fs.chmodSync(p, next);
  } catch (e) {
    if (!['ENOENT', 'EPERM', 'EACCES', 'EROFS'].includes((e as NodeJS.ErrnoException).code ?? '')) throw e;
  }
}

/** Create the directory (and its parents) if needed; the directory itself becomes 0700. */
export function makePrivateDir(dir: string): void {
  const made = fs.mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE }) !== undefined;
  restrict(dir, PRIVATE_DIR_MODE, made);
}

/** A file just created (`made`) becomes 0600; one that was there loses group and other bits. */
export function makePrivateFile(file: string, made = false): void {
  restrict(file, PRIVATE_FILE_MODE, made);
}

/**
 * At start-up: the data directory 0700; the store and its -wal/-shm, kept damaged copies,
 * logs/* and backups/* (and their folders) 0600. secrets.json is not chmodded here: a copy
 * others could read is refused with advice to rotate it (file-store.ts), which a quiet chmod
 * would hide; Concord itself only ever writes it 0600.
 */
export function tightenDataDir(dataDir: string): void {
  if (!posix) return;
  makePrivateDir(dataDir);
  for (const name of fs.readdirSync(dataDir)) {
    if (name.startsWith('concord.db')) makePrivateFile(path.join(dataDir, name)); // the store, -wal, -shm, .damaged-<time>
  }
  for (const sub of ['logs', BACKUP_DIR]) {
    const dir = path.join(dataDir, sub);
    if (!fs.existsSync(dir)) continue;
    makePrivateDir(dir);
    for (const name of fs.readdirSync(dir)) {
      const p = path.join(dir, name);
      if (fs.lstatSync(p).isFile()) makePrivateFile(p);
    }
  }
}
