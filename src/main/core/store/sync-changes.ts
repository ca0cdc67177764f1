// The changes table (the outbox) as the sync state machine (src/main/core/state/) writes it:
// a change queued, rewritten, claimed, stepped, released, settled. Statements prepared once.
import type Database from 'better-sqlite3';
import { OPEN_CHANGE_STATES, type ChangeOp, type ChangeState } from '../../../shared/domain';
import type { changes } from './schema';
import type { SqlRow } from './rows';

/** `(states…)` of a change still to be settled. */
export const OPEN_STATES_SQL = `(${OPEN_CHANGE_STATES.map((s) => `'${s}'`).join(',')})`;

/** A change as `SELECT *` reads it. */
export type ChangeSqlRow = SqlRow<typeof changes> & { op: ChangeOp; state: ChangeState };

export type ChangeTable = ReturnType<typeof changeTable>;

/** The changes table's statements for the state machine. */
export function changeTable(sqlite: Database.Database) {
  const st = {
    byId: sqlite.prepare('SELECT * FROM changes WHERE id = ?'),
    openOf: sqlite.prepare(`SELECT * FROM changes WHERE record_id = ? AND state IN ${OPEN_STATES_SQL} ORDER BY id`),
    insert: sqlite.prepare(
      "INSERT INTO changes (record_id, account_id, op, patch, intent, base_versions, idempotency_key, state, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?)",
    ),
    setState: sqlite.prepare('UPDATE changes SET state = ?, last_error = ?, updated_at = ? WHERE id = ?'),
  };
  return {
    byId: (id: number) => st.byId.get(id) as ChangeSqlRow | undefined,
    /** A record's open changes, oldest first. */
    openOfRecord: (recordId: string) => st.openOf.all(recordId) as ChangeSqlRow[],
    /** An account's changes in these states, oldest first; `dueBy` leaves out those told to wait. */
    ofAccount: (accountId: string, states: readonly ChangeState[], dueBy?: string) =>
      sqlite
        .prepare(
          `SELECT * FROM changes WHERE account_id = ? AND state IN (SELECT value FROM json_each(?))${dueBy ? ' AND (next_attempt_at IS NULL OR next_attempt_at <= ?)' : ''} ORDER BY id`,
        )
        .all(accountId, JSON.stringify(states), ...(dueBy ? [dueBy] : [])) as ChangeSqlRow[],
    /** A new pending change; its id. */
    insert: (
      recordId: string,
      accountId: string,
      op: ChangeOp,
      patch: string,
      intent: string,
      baseVersions: string,
      idempotencyKey: string,
      at: string,
    ): number => Number(st.insert.run(recordId, accountId, op, patch, intent, baseVersions, idempotencyKey, at, at).lastInsertRowid),
    setState: (id: number, state: ChangeState, error: string | null, at: string): void => void st.setState.run(state, error, at, id),
    /** As `setState`, and whether it is sent as "keep mine". */
    setStateOverwrite: (id: number, state: ChangeState, error: string | null, overwrite: boolean, at: string): void =>
      void sqlite
        .prepare('UPDATE changes SET state = ?, last_error = ?, overwrite = ?, updated_at = ? WHERE id = ?')
        .run(state, error, overwrite ? 1 : 0, at, id),
    /** A create's contact, rewritten by a later edit. */
    setCreatePatch: (id: number, patch: string, at: string): void =>
      void sqlite.prepare('UPDATE changes SET patch = ?, updated_at = ? WHERE id = ?').run(patch, at, id),
    setPatch: (id: number, patch: string, intent: string, state: ChangeState, at: string): void =>
      void sqlite
        .prepare('UPDATE changes SET patch = ?, intent = ?, state = ?, updated_at = ? WHERE id = ?')
        .run(patch, intent, state, at, id),
    setBaseVersions: (id: number, versions: string): void =>
      void sqlite.prepare('UPDATE changes SET base_versions = ? WHERE id = ?').run(versions, id),
    setCreateValues: (id: number, values: string): void =>
      void sqlite.prepare('UPDATE changes SET create_values = ? WHERE id = ?').run(values, id),
    /** About to be sent. */
    claim: (id: number, at: string): void =>
      void sqlite.prepare("UPDATE changes SET state = 'in_flight', attempts = attempts + 1, updated_at = ? WHERE id = ?").run(at, id),
    setProgress: (id: number, progress: string, at: string): void =>
      void sqlite.prepare('UPDATE changes SET progress = ?, updated_at = ? WHERE id = ?').run(progress, at, id),
    /** Back to the queue, maybe told to wait. */
    release: (id: number, error: string | null, nextAttemptAt: string | null, at: string): void =>
      void sqlite
        .prepare("UPDATE changes SET state = 'pending', last_error = ?, next_attempt_at = ?, updated_at = ? WHERE id = ?")
        .run(error, nextAttemptAt, at, id),
    /** A create queued again to link the record the vendor already holds (`progress`). */
    retryAsLink: (id: number, progress: string, at: string): void =>
      void sqlite
        .prepare(
          "UPDATE changes SET state = 'pending', progress = ?, attempts = max(attempts, 1), last_error = NULL, next_attempt_at = NULL, updated_at = ? WHERE id = ?",
        )
        .run(progress, at, id),
    /** A create queued again from its first step, with these values. */
    retryFromStart: (id: number, createValues: string, at: string): void =>
      void sqlite
        .prepare(
          "UPDATE changes SET state = 'pending', progress = '{}', attempts = 0, create_values = ?, last_error = NULL, next_attempt_at = NULL, updated_at = ? WHERE id = ?",
        )
        .run(createValues, at, id),
  };
}
