// The people table as the sync state machine (src/main/core/state/) writes it: a person made
// for a new record, its golden record, its pinned fields, an emptied person dropped. The hot
// statements are prepared once, when the store opens.
import type Database from 'better-sqlite3';
import type { people } from './schema';
import type { SqlRow } from './rows';

/** A person as it stood before a merge (see MergeSnapshot). */
export type PersonSnapshotRow = Pick<SqlRow<typeof people>, 'id' | 'golden' | 'pinned' | 'display_name' | 'created_at'>;
type PinnedRow = Pick<SqlRow<typeof people>, 'pinned'>;

export type PeopleTable = ReturnType<typeof peopleTable>;

/** The people table's statements for the state machine. */
export function peopleTable(sqlite: Database.Database) {
  const st = {
    insert: sqlite.prepare('INSERT INTO people (id, golden, display_name, created_at, updated_at) VALUES (?, ?, ?, ?, ?)'),
    pinned: sqlite.prepare('SELECT pinned FROM people WHERE id = ?'),
    setGolden: sqlite.prepare('UPDATE people SET golden = ?, display_name = ?, updated_at = ? WHERE id = ?'),
    dropIfEmpty: sqlite.prepare('DELETE FROM people WHERE id = ? AND NOT EXISTS (SELECT 1 FROM records WHERE person_id = ?)'),
  };
  return {
    insert: (id: string, golden: string, displayName: string, at: string): void => void st.insert.run(id, golden, displayName, at, at),
    /** The person's pinned fields (JSON), or undefined when there is no such person. */
    pinned: (id: string): string | undefined => (st.pinned.get(id) as PinnedRow | undefined)?.pinned,
    setGolden: (id: string, golden: string, displayName: string, at: string): void => void st.setGolden.run(golden, displayName, at, id),
    setPinned: (id: string, pinned: string): void => void sqlite.prepare('UPDATE people SET pinned = ? WHERE id = ?').run(pinned, id),
    /** Drop the person if no record is left with it; 1 if it went, else 0. */
    dropIfEmpty: (id: string): number => st.dropIfEmpty.run(id, id).changes,
    snapshot: (id: string) =>
      sqlite.prepare('SELECT id, golden, pinned, display_name, created_at FROM people WHERE id = ?').get(id) as PersonSnapshotRow,
    /** A person back as it was (a merge undone); false when it is still there. */
    restore: (p: PersonSnapshotRow, at: string): boolean =>
      sqlite
        .prepare('INSERT OR IGNORE INTO people (id, golden, pinned, display_name, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)')
        .run(p.id, p.golden, p.pinned, p.display_name, p.created_at, at).changes > 0,
  };
}
