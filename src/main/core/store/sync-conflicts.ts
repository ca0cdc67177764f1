// The conflicts table as the sync state machine (src/main/core/state/) writes it: a conflict
// raised, widened, resolved by a person or closed by itself.
import type Database from 'better-sqlite3';
import type { conflicts } from './schema';
import type { SqlRow } from './rows';

type ConflictCols = SqlRow<typeof conflicts>;
/** A record's open conflict. */
export type OpenConflictOfRecordRow = Pick<ConflictCols, 'id' | 'kind' | 'fields' | 'change_id'>;
/** An open conflict by id. */
export type OpenConflictByIdRow = Pick<ConflictCols, 'record_id' | 'kind' | 'fields' | 'remote_versions'>;

export type ConflictTable = ReturnType<typeof conflictTable>;

/** The conflicts table's statements for the state machine. */
export function conflictTable(sqlite: Database.Database) {
  const st = {
    openOf: sqlite.prepare("SELECT id, kind, fields, change_id FROM conflicts WHERE record_id = ? AND state = 'open'"),
    closeAll: sqlite.prepare(
      "UPDATE conflicts SET state = 'resolved', resolution = ?, resolved_by = 'sync', resolved_at = ? WHERE record_id = ? AND state = 'open'",
    ),
  };
  return {
    openOfRecord: (recordId: string) => st.openOf.get(recordId) as OpenConflictOfRecordRow | undefined,
    openById: (id: string) =>
      sqlite.prepare("SELECT record_id, kind, fields, remote_versions FROM conflicts WHERE id = ? AND state = 'open'").get(id) as
        OpenConflictByIdRow | undefined,
    /** An open conflict raised again: what is disputed now; the change it holds, if it had none. */
    update: (id: string, kind: string, fields: string, remoteVersions: string, changeId: number | null): void =>
      void sqlite
        .prepare('UPDATE conflicts SET kind = ?, fields = ?, remote_versions = ?, change_id = coalesce(change_id, ?) WHERE id = ?')
        .run(kind, fields, remoteVersions, changeId, id),
    insert: (
      id: string,
      recordId: string,
      changeId: number | null,
      kind: string,
      fields: string,
      remoteVersions: string,
      at: string,
    ): void =>
      void sqlite
        .prepare(
          "INSERT INTO conflicts (id, record_id, change_id, kind, fields, remote_versions, state, created_at) VALUES (?, ?, ?, ?, ?, ?, 'open', ?)",
        )
        .run(id, recordId, changeId, kind, fields, remoteVersions, at),
    /** Sync closes a record's open conflicts by itself. */
    closeAllOfRecord: (recordId: string, resolution: string, at: string): void => void st.closeAll.run(resolution, at, recordId),
    resolve: (id: string, resolution: string, by: string, at: string): void =>
      void sqlite
        .prepare("UPDATE conflicts SET state = 'resolved', resolution = ?, resolved_by = ?, resolved_at = ? WHERE id = ?")
        .run(resolution, by, at, id),
  };
}
