// Non-secret, app-wide settings (app_settings): one JSON value per key. The one place that
// reads and writes that table, so every setting is stored alike.
import type Database from 'better-sqlite3';
import type { SqlColumns } from './rows';
import type { appSettings } from './schema';

/** The stored value of `key`, parsed; undefined when it was never set. */
export function readSetting<T = unknown>(sqlite: Database.Database, key: string): T | undefined {
  const row = sqlite.prepare('SELECT value FROM app_settings WHERE key = ?').get(key) as
    SqlColumns<typeof appSettings, 'value'> | undefined;
  return row ? (JSON.parse(row.value) as T) : undefined;
}

export function writeSetting(sqlite: Database.Database, key: string, value: unknown, now: string): void {
  sqlite
    .prepare(
      'INSERT INTO app_settings (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at',
    )
    .run(key, JSON.stringify(value), now);
}
