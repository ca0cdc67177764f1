// The estimated parameters live in the store (app_settings, one JSON value), so an
// incremental scan scores with what the last full scan learnt and the window can show them.
import type Database from 'better-sqlite3';
import { DEFAULT_PARAMETERS, validParameters, type MatchParameters } from './parameters';

const KEY = 'match.parameters';

export function loadParameters(sqlite: Database.Database): MatchParameters {
  const row = sqlite.prepare('SELECT value FROM app_settings WHERE key = ?').get(KEY) as { value: string } | undefined;
  if (!row) return DEFAULT_PARAMETERS;
  const p = JSON.parse(row.value) as unknown;
  // Parameters from an older set of comparison levels are not used: the defaults are, until the next full scan.
  return validParameters(p) ? p : DEFAULT_PARAMETERS;
}

export function saveParameters(sqlite: Database.Database, p: MatchParameters, now: string): void {
  sqlite
    .prepare('INSERT INTO app_settings (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at')
    .run(KEY, JSON.stringify(p), now);
}
