// The records as the duplicate matcher reads them: every live record with its account's vendor
// and label and its contact parsed, in the store's order (the order a scan indexes them in), and
// which of them changed since the last scan. Reads only.
import type Database from 'better-sqlite3';
import type { AccountKind } from '../../../shared/domain';
import { liveRecord } from './predicates';
import type { accounts, records } from './schema';

type RecordRow = typeof records.$inferSelect;

/** A live record to match: its own columns, its vendor (`accounts.kind`) and account label, its contact (`records.local`). */
export type MatchSource = Pick<RecordRow, 'id' | 'accountId' | 'remoteId' | 'personId'> & {
  /** The record's rowid: its place in the store's order. */
  rowid: number;
  vendor: AccountKind;
  label: (typeof accounts.$inferSelect)['label'];
  contact: RecordRow['local'];
};
/** The row as SQLite returns it: the contact still JSON text. */
type StoredMatchSource = Omit<MatchSource, 'contact'> & { contact: string };

const MATCH_SOURCE_COLUMNS =
  'r.rowid, r.id, r.account_id AS accountId, a.kind AS vendor, a.label, r.remote_id AS remoteId, r.person_id AS personId, r.local AS contact';

/**
 * Every live record, in rowid order, handed over one at a time: at a million records the rows
 * and their parsed contacts all at once do not fit in the heap, and the matcher keeps only its
 * own features of each. The account's id, vendor and label are shared strings, not one per row.
 */
export function forEachLiveMatchSource(sqlite: Database.Database, visit: (r: MatchSource) => void): void {
  const shared = new Map<string, string>();
  const share = (s: string): string => {
    const had = shared.get(s);
    if (had !== undefined) return had;
    shared.set(s, s);
    return s;
  };
  // As arrays (in MATCH_SOURCE_COLUMNS' order): no object per row that is dropped at once.
  const rows = sqlite
    .prepare(
      `SELECT ${MATCH_SOURCE_COLUMNS} FROM records r JOIN accounts a ON a.id = r.account_id WHERE ${liveRecord('r')} ORDER BY r.rowid`,
    )
    .raw()
    .iterate() as IterableIterator<[number, string, string, string, string, string | null, string, string]>;
  for (const [rowid, id, accountId, vendor, label, remoteId, personId, contact] of rows)
    visit({
      rowid,
      id,
      accountId: share(accountId),
      vendor: share(vendor) as AccountKind,
      label: share(label),
      remoteId,
      personId,
      contact: JSON.parse(contact) as RecordRow['local'],
    });
}

/**
 * These live records (the members of the clusters a scan found), by id; ids not live are left
 * out. Each is looked up by its id: at a million records a scan's clusters hold hundreds of
 * thousands, and matching them against one JSON list of ids took SQLite over a minute.
 */
export function liveMatchSourcesOf(sqlite: Database.Database, ids: readonly string[]): Map<string, MatchSource> {
  const st = sqlite.prepare(
    `SELECT ${MATCH_SOURCE_COLUMNS} FROM records r JOIN accounts a ON a.id = r.account_id WHERE r.id = ? AND ${liveRecord('r')}`,
  );
  const out = new Map<string, MatchSource>();
  for (const id of ids) {
    if (out.has(id)) continue;
    const r = st.get(id) as StoredMatchSource | undefined;
    if (r)
      out.set(
        r.id,
        parsedSource(r, (s) => s),
      );
  }
  return out;
}

/** These records by rowid, those live, in rowid order (an incremental scan's changed records and their partners). */
export function liveMatchSourcesByRowid(sqlite: Database.Database, rowids: Iterable<number>): MatchSource[] {
  const st = sqlite.prepare(
    `SELECT ${MATCH_SOURCE_COLUMNS} FROM records r JOIN accounts a ON a.id = r.account_id WHERE r.rowid = ? AND ${liveRecord('r')}`,
  );
  const shared = new Map<string, string>();
  const share = (s: string): string => shared.get(s) ?? (shared.set(s, s), s);
  const out: MatchSource[] = [];
  for (const rowid of [...new Set(rowids)].sort((x, y) => x - y)) {
    const r = st.get(rowid) as StoredMatchSource | undefined;
    if (r) out.push(parsedSource(r, share));
  }
  return out;
}

const parsedSource = (r: StoredMatchSource, share: (s: string) => string): MatchSource => ({
  rowid: r.rowid,
  id: r.id,
  accountId: share(r.accountId),
  vendor: share(r.vendor) as AccountKind,
  label: share(r.label),
  remoteId: r.remoteId,
  personId: r.personId,
  contact: JSON.parse(r.contact) as RecordRow['local'],
});

/** The ids of live records written after `at` (an incremental scan rescores only them). */
export function liveRecordsChangedSince(sqlite: Database.Database, at: string): string[] {
  return sqlite.prepare(`SELECT id FROM records WHERE updated_at > ? AND ${liveRecord()}`).pluck().all(at) as RecordRow['id'][];
}

/** How many live records there are. */
export function liveRecordCount(sqlite: Database.Database): number {
  return sqlite.prepare(`SELECT count(*) FROM records WHERE ${liveRecord()}`).pluck().get() as number;
}
