// A person's "same person" / "not the same" answers (match_decisions), kept on the vendors' ids
// so they survive re-syncs; an undo reverses them (they stay, with when). The standing ones are
// the labels a full scan's estimate learns from, and the "not the same" ones are never crossed.
import type Database from 'better-sqlite3';
import type { matchDecisions } from './schema';

type MatchDecision = typeof matchDecisions.$inferSelect;

export type DecisionRow = Pick<MatchDecision, 'keyA' | 'keyB' | 'decision'>;
export type Decided = 'same' | 'different';

/** Decisions are keyed on the vendor's id, which survives a re-sync; a record not yet created there uses its own id. */
export function decisionKey(accountId: string, remoteId: string | null, recordId: string): string {
  return remoteId ? `${accountId}:${remoteId}` : `local:${recordId}`;
}

/** The same decision on every pair of these keys (each pair stored key_a < key_b); the new rows' ids. */
export function recordDecisions(sqlite: Database.Database, keys: readonly string[], decision: Decided, by: string, at: string): number[] {
  const ids: number[] = [];
  const st = sqlite.prepare('INSERT INTO match_decisions (key_a, key_b, decision, decided_by, created_at) VALUES (?, ?, ?, ?, ?)');
  for (let i = 0; i < keys.length; i++) {
    for (let k = i + 1; k < keys.length; k++) {
      const [a, b] = [keys[i]!, keys[k]!].sort() as [string, string];
      ids.push(Number(st.run(a, b, decision, by, at).lastInsertRowid));
    }
  }
  return ids;
}

/** Every decision not reversed. */
export function standingDecisions(sqlite: Database.Database): DecisionRow[] {
  return sqlite
    .prepare('SELECT key_a AS keyA, key_b AS keyB, decision FROM match_decisions WHERE reversed_at IS NULL')
    .all() as DecisionRow[];
}

/** The pairs a person said are not the same, not reversed. */
export function standingDifferentPairs(sqlite: Database.Database): Pick<DecisionRow, 'keyA' | 'keyB'>[] {
  return sqlite
    .prepare("SELECT key_a AS keyA, key_b AS keyB FROM match_decisions WHERE decision = 'different' AND reversed_at IS NULL")
    .all() as Pick<DecisionRow, 'keyA' | 'keyB'>[];
}

/** An undo takes these decisions back (they are kept, marked reversed at `at`). */
export function reverseDecisions(sqlite: Database.Database, ids: readonly number[], at: string): void {
  sqlite.prepare('UPDATE match_decisions SET reversed_at = ? WHERE id IN (SELECT value FROM json_each(?))').run(at, JSON.stringify(ids));
}
