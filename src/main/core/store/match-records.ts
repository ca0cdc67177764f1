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
  vendor: AccountKind;
  label: (typeof accounts.$inferSelect)['label'];
  contact: RecordRow['local'];
};
/** The row as SQLite returns it: the contact still JSON text. */
type StoredMatchSource = Omit<MatchSource, 'contact'> & { contact: string };

/** Every live record, in rowid order. */
export function liveMatchSources(sqlite: Database.Database): MatchSource[] {
  const rows = sqlite
    .prepare(
      `SELECT r.id, r.account_id AS accountId, a.kind AS vendor, a.label, r.remote_id AS remoteId, r.person_id AS personId, r.local AS contact FROM records r JOIN accounts a ON a.id = r.account_id WHERE ${liveRecord('r')} ORDER BY r.rowid`,
    )
    .all() as StoredMatchSource[];
  return rows.map((r) => ({
    id: r.id,
    accountId: r.accountId,
    vendor: r.vendor,
    label: r.label,
    remoteId: r.remoteId,
    personId: r.personId,
    contact: JSON.parse(r.contact) as RecordRow['local'],
  }));
}

/** The ids of live records written after `at` (an incremental scan rescores only them). */
export function liveRecordsChangedSince(sqlite: Database.Database, at: string): string[] {
  return sqlite.prepare(`SELECT id FROM records WHERE updated_at > ? AND ${liveRecord()}`).pluck().all(at) as RecordRow['id'][];
}
