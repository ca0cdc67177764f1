// The records table as the sync state machine (src/main/core/state/) reads and writes it, by
// intent. Every statement is prepared once, when the store opens: a pull runs these per record.
import type Database from 'better-sqlite3';
import type { AccountKind, RecordState } from '../../../shared/domain';
import type { StoredServerCopy } from '../sync/server-copy';
import { liveRecord } from './predicates';
import type { accounts, records } from './schema';
import type { SqlRow } from './rows';

/**
 * `records.base` when it equals `local` (a record with no local edits: nearly all of them),
 * so the canonical JSON is stored once. Not JSON, so a reader that forgets it fails loudly.
 * Every write of `local` alone keeps the old value as base first (see `KEEP_BASE`).
 */
export const BASE_IS_LOCAL = '=';
/** In an UPDATE that sets `local` but not `base`: a base that was "same as local" becomes the old local. */
const KEEP_BASE = `base = CASE WHEN base = '${BASE_IS_LOCAL}' THEN local ELSE base END`;

type RecordCols = SqlRow<typeof records>;
/** A record with its account's vendor. */
export type RecordSqlRow = Pick<RecordCols, 'id' | 'account_id' | 'remote_id' | 'person_id' | 'base' | 'local' | 'versions'> & {
  kind: AccountKind;
  state: RecordState;
  server: StoredServerCopy;
};
/** What a pull compares an incoming record with. */
export type StoredCopyRow = Pick<RecordCols, 'id' | 'person_id' | 'state' | 'base' | 'local' | 'versions'> & { server: StoredServerCopy };
/** A live record of a person as its golden record reads it, with its account's settings (JSON). */
export type GoldenSourceRow = Pick<RecordCols, 'local' | 'updated_at'> & Pick<SqlRow<typeof accounts>, 'settings'>;
/** How a record stood before a merge (see MergeSnapshot). */
export type RecordSnapshotRow = Pick<RecordCols, 'id' | 'person_id' | 'local' | 'state'>;
type IdRemoteState = Pick<RecordCols, 'id' | 'state'> & { remote_id: string };
type IdPerson = Pick<RecordCols, 'id' | 'person_id'>;
type Count = { n: number };
type AccountKindRow = Pick<SqlRow<typeof accounts>, 'kind'> & { kind: AccountKind };

export type RecordTable = ReturnType<typeof recordTable>;

/** The records table's statements for the state machine, prepared once. */
export function recordTable(sqlite: Database.Database) {
  const st = {
    byId: sqlite.prepare(
      'SELECT r.id, r.account_id, a.kind, r.remote_id, r.person_id, r.server, r.base, r.local, r.versions, r.state FROM records r JOIN accounts a ON a.id = r.account_id WHERE r.id = ?',
    ),
    kindOf: sqlite.prepare('SELECT kind FROM accounts WHERE id = ?'),
    byRemote: sqlite.prepare(
      'SELECT id, person_id, state, server, base, local, versions FROM records WHERE account_id = ? AND remote_id = ?',
    ),
    byRemotes: sqlite.prepare(
      'SELECT id, remote_id, person_id, state, server, base, local, versions FROM records WHERE account_id = ? AND remote_id IN (SELECT value FROM json_each(?))',
    ),
    heldUnder: sqlite.prepare('SELECT 1 FROM records WHERE account_id = ? AND remote_id = ?'),
    setLocal: sqlite.prepare(`UPDATE records SET ${KEEP_BASE}, local = ?, updated_at = ? WHERE id = ?`),
    setState: sqlite.prepare('UPDATE records SET state = ?, updated_at = ? WHERE id = ?'),
    setServerCopy: sqlite.prepare('UPDATE records SET server = ?, base = ?, local = ?, versions = ?, updated_at = ? WHERE id = ?'),
    setServer: sqlite.prepare('UPDATE records SET server = ? WHERE id = ?'),
    fastForward: sqlite.prepare(
      "UPDATE records SET server = ?, base = ?, local = ?, versions = ?, state = 'synced', updated_at = ? WHERE id = ?",
    ),
    insert: sqlite.prepare(
      'INSERT INTO records (id, account_id, remote_id, person_id, server, base, local, versions, state, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    ),
    markDeleted: sqlite.prepare(
      "UPDATE records SET state = 'deleted_remote', updated_at = ? WHERE account_id = ? AND remote_id = ? AND state = 'synced'",
    ),
    goldenSources: sqlite.prepare(
      `SELECT r.local, r.updated_at, a.settings FROM records r JOIN accounts a ON a.id = r.account_id WHERE r.person_id = ? AND ${liveRecord('r')}`,
    ),
  };
  return {
    /** A record with its vendor. */
    byId: (id: string) => st.byId.get(id) as RecordSqlRow | undefined,
    /** The account's vendor. */
    kindOf: (accountId: string): AccountKind | undefined => (st.kindOf.get(accountId) as AccountKindRow | undefined)?.kind,
    storedCopy: (accountId: string, remoteId: string) => st.byRemote.get(accountId, remoteId) as StoredCopyRow | undefined,
    /** The stored copies of these vendor ids (a page's), one lookup. */
    storedCopies: (accountId: string, remoteIds: readonly string[]) =>
      st.byRemotes.all(accountId, JSON.stringify(remoteIds)) as (StoredCopyRow & { remote_id: string })[],
    /** Whether the account holds a record under this vendor id. */
    heldUnder: (accountId: string, remoteId: string): boolean => st.heldUnder.get(accountId, remoteId) !== undefined,
    /** Local changes; base keeps the old local if it was "the same". */
    setLocal: (id: string, local: string, at: string): void => void st.setLocal.run(local, at, id),
    setState: (id: string, state: RecordState, at: string): void => void st.setState.run(state, at, id),
    setServerCopy: (id: string, server: StoredServerCopy, base: string, local: string, versions: string, at: string): void =>
      void st.setServerCopy.run(server, base, local, versions, at, id),
    /** Another shape of the same server copy: kept, not a change. */
    setServer: (id: string, server: StoredServerCopy): void => void st.setServer.run(server, id),
    /** A record with no local edits takes the server's copy whole. */
    fastForward: (id: string, server: StoredServerCopy, base: string, local: string, versions: string, at: string): void =>
      void st.fastForward.run(server, base, local, versions, at, id),
    /** A new record; its rowid (the search index's key). */
    insert: (
      id: string,
      accountId: string,
      remoteId: string | null,
      personId: string,
      server: StoredServerCopy,
      base: string | null,
      local: string,
      versions: string,
      state: RecordState,
      at: string,
    ): number | bigint => st.insert.run(id, accountId, remoteId, personId, server, base, local, versions, state, at, at).lastInsertRowid,
    /** A synced record the vendor says is gone; false when none was. */
    markDeletedRemote: (accountId: string, remoteId: string, at: string): boolean =>
      st.markDeleted.run(at, accountId, remoteId).changes > 0,
    goldenSources: (personId: string) => st.goldenSources.all(personId) as GoldenSourceRow[],

    /** Records at the vendor under a container's ids (`group/...`). */
    inGroup: (accountId: string, group: string) =>
      // `group/` up to `group0` ('0' follows '/'): a range on the remote-id index, not a LIKE scan.
      sqlite
        .prepare(
          "SELECT id, remote_id, state FROM records WHERE account_id = ? AND remote_id >= ? AND remote_id < ? AND state IN ('synced', 'modified', 'rejected', 'conflicted')",
        )
        .all(accountId, `${group}/`, `${group}0`) as IdRemoteState[],
    /** Records deleted at the vendor whose vendor id holds `key`. */
    deletedRemoteHolding: (accountId: string, key: string) =>
      sqlite
        .prepare("SELECT id, remote_id FROM records WHERE account_id = ? AND state = 'deleted_remote' AND instr(remote_id, ?) > 0")
        .all(accountId, key) as Pick<IdRemoteState, 'id' | 'remote_id'>[],
    /** A record the vendor moved comes back under its new id. */
    adopt: (id: string, remoteId: string, at: string): void =>
      void sqlite.prepare("UPDATE records SET remote_id = ?, state = 'synced', updated_at = ? WHERE id = ?").run(remoteId, at, id),
    /** Another record of the account under this vendor id. */
    otherHolder: (accountId: string, remoteId: string, notId: string) =>
      sqlite
        .prepare('SELECT id, person_id FROM records WHERE account_id = ? AND remote_id = ? AND id <> ?')
        .get(accountId, remoteId, notId) as IdPerson | undefined,
    countOfPerson: (personId: string): number =>
      (sqlite.prepare('SELECT count(*) AS n FROM records WHERE person_id = ?').get(personId) as Count).n,
    moveToPerson: (id: string, personId: string): void =>
      void sqlite.prepare('UPDATE records SET person_id = ? WHERE id = ?').run(personId, id),
    moveToPersonAt: (id: string, personId: string, at: string): void =>
      void sqlite.prepare('UPDATE records SET person_id = ?, updated_at = ? WHERE id = ?').run(personId, at, id),
    moveAllToPerson: (ids: readonly string[], personId: string): void =>
      void sqlite
        .prepare('UPDATE records SET person_id = ? WHERE id IN (SELECT value FROM json_each(?))')
        .run(personId, JSON.stringify(ids)),
    setRemoteId: (id: string, remoteId: string): void =>
      void sqlite.prepare('UPDATE records SET remote_id = ? WHERE id = ?').run(remoteId, id),
    setRemoteIdAt: (id: string, remoteId: string, at: string): void =>
      void sqlite.prepare('UPDATE records SET remote_id = ?, updated_at = ? WHERE id = ?').run(remoteId, at, id),
    /** Nothing of the vendor's copy kept: the record is to be created again. */
    forgetServer: (id: string, at: string): void =>
      void sqlite
        .prepare(
          "UPDATE records SET remote_id = NULL, server = NULL, base = NULL, versions = '{}', state = 'modified', updated_at = ? WHERE id = ?",
        )
        .run(at, id),
    /** As `forgetServer`, with the local copy it is to be created from. */
    forgetServerWithLocal: (id: string, local: string): void =>
      void sqlite
        .prepare(
          "UPDATE records SET remote_id = NULL, server = NULL, base = NULL, versions = '{}', local = ?, state = 'modified' WHERE id = ?",
        )
        .run(local, id),
    /** Local and state put back (a merge undone before it was sent). */
    restoreLocal: (id: string, local: string, state: RecordState): void =>
      void sqlite.prepare(`UPDATE records SET ${KEEP_BASE}, local = ?, state = ? WHERE id = ?`).run(local, state, id),
    snapshot: (id: string) => sqlite.prepare('SELECT id, person_id, local, state FROM records WHERE id = ?').get(id) as RecordSnapshotRow,
  };
}

/** What to store as base beside `local`. */
export const baseBeside = (base: string, local: string): string => (base === local ? BASE_IS_LOCAL : base);
