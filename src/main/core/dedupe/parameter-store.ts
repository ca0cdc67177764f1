// The estimated parameters live in the store (app_settings, one JSON value), so an
// incremental scan scores with what the last full scan learnt and the window can show them.
import type Database from 'better-sqlite3';
import { DEFAULT_PARAMETERS, validParameters, type MatchParameters } from './parameters';
import { readSetting, writeSetting } from '../store/app-settings';
import { noteMatchInputsWritten } from '../store/saved-queue';

const KEY = 'match.parameters';

export function loadParameters(sqlite: Database.Database): MatchParameters {
  const p = readSetting(sqlite, KEY);
  if (p === undefined) return DEFAULT_PARAMETERS;
  // Parameters from an older set of comparison levels are not used: the defaults are, until the next full scan.
  return validParameters(p) ? p : DEFAULT_PARAMETERS;
}

export function saveParameters(sqlite: Database.Database, p: MatchParameters, now: string): void {
  writeSetting(sqlite, KEY, p, now);
  // The queue is clustered with these (a saved queue from other ones no longer holds).
  noteMatchInputsWritten(sqlite);
}
