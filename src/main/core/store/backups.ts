// The backups in DATA_DIR/backups (written before every migration). Plain fs, no SQLite, so the
// Electron main process can offer one without loading a native module.
import fs from 'node:fs';
import path from 'node:path';

export const BACKUP_DIR = 'backups';

export interface Backup {
  file: string;
  bytes: number;
  modified: string;
}

/** Backups in DATA_DIR/backups, newest first. */
export function listBackups(dataDir: string): Backup[] {
  const dir = path.join(dataDir, BACKUP_DIR);
  let names: string[];
  try {
    names = fs.readdirSync(dir).filter((n) => n.endsWith('.db'));
  } catch {
    return [];
  }
  return names
    .map((n) => {
      const st = fs.statSync(path.join(dir, n));
      return { file: path.join(dir, n), bytes: st.size, modified: st.mtime.toISOString() };
    })
    .filter((b) => b.bytes > 0)
    .sort((a, b) => b.modified.localeCompare(a.modified) || b.file.localeCompare(a.file));
}
