// The search index (migration 0009): two contentless FTS5 tables keyed by the record's rowid —
// contacts_fts (name, company, emails, phone suffixes) and names_trigram (the name, for one-typo
// matches). A record SyncStore inserts is indexed as it is written (`add`); triggers on `records`
// note in `search_pending` what an update must re-index, and `flush` indexes it. SyncStore
// flushes before each of its writes ends, so a transaction that changes a record commits its
// index entry with it; the store's open flushes whatever an older build or a migration left
// pending.
import type Database from 'better-sqlite3';
import type { CanonicalContact } from '../../../shared/domain';
import type { SqlColumns } from './rows';
import type { records } from './schema';

/** The words a record is found by, in the columns of contacts_fts. */
export interface SearchText {
  name: string;
  company: string;
  emails: string;
  phones: string;
}

/** A phone is found by any trailing run of four or more of its digits ("762-1915", "4027621915"). */
const MIN_SUFFIX = 4;
/** The longest numbers (with country code) have 15 digits; 12 suffixes cover every useful start. */
const MAX_SUFFIXES = 12;

/** An E.164 number's digits are all of it but the plus: no pattern to run for most phones. */
const E164 = /^\+\d+$/;

/** Run per record a pull stores: built as strings, no arrays to join. */
export function searchTextOf(c: Partial<CanonicalContact>): SearchText {
  let phones = '';
  for (const p of c.phones ?? []) {
    const text = String(p.e164 ?? p.raw ?? '');
    const digits = E164.test(text) ? text.slice(1) : text.replace(/\D/g, '');
    for (let k = 0; k < MAX_SUFFIXES && digits.length - k >= MIN_SUFFIX; k++) phones += phones ? ` ${digits.slice(k)}` : digits.slice(k);
  }
  let name = '';
  for (const part of [c.givenName, c.familyName, c.fullName]) if (part) name += name ? ` ${part}` : part;
  let emails = '';
  for (const e of c.emails ?? []) if (e.address) emails += emails ? ` ${e.address}` : e.address;
  return { name, company: c.company ?? '', phones, emails };
}

/** A record to (re)index: its rowid, whether it is in the index already (1), its canonical JSON. */
type PendingRow = SqlColumns<typeof records, 'local'> & { rowid: number; indexed: number };

export class SearchIndex {
  private readonly st;

  constructor(private readonly sqlite: Database.Database) {
    this.st = {
      any: sqlite.prepare('SELECT 1 FROM search_pending LIMIT 1').pluck(),
      pending: sqlite.prepare(
        'SELECT p.rowid AS rowid, p.indexed AS indexed, r.local AS local FROM search_pending p JOIN records r ON r.rowid = p.rowid',
      ),
      dropWords: sqlite.prepare('DELETE FROM contacts_fts WHERE rowid = ?'),
      dropName: sqlite.prepare('DELETE FROM names_trigram WHERE rowid = ?'),
      addWords: sqlite.prepare('INSERT INTO contacts_fts (rowid, name, company, emails, phones) VALUES (?, ?, ?, ?, ?)'),
      addName: sqlite.prepare('INSERT INTO names_trigram (rowid, name) VALUES (?, ?)'),
      clear: sqlite.prepare('DELETE FROM search_pending'),
    };
  }

  /**
   * Index a record just inserted (migration 0011: no trigger notes inserts, SyncStore, their
   * only writer, calls this with the contact it wrote). Runs in the caller's transaction.
   */
  add(rowid: number | bigint, contact: Partial<CanonicalContact>): void {
    this.addText(rowid, searchTextOf(contact));
  }

  /** `add` with the words already worked out. */
  addText(rowid: number | bigint, t: SearchText): void {
    this.st.addWords.run(rowid, t.name, t.company, t.emails, t.phones);
    this.st.addName.run(rowid, t.name);
  }

  /** Index what is pending; returns how many records were (re)indexed. Runs in the caller's transaction, or its own. */
  flush(): number {
    if (this.st.any.get() === undefined) return 0;
    const run = (): number => {
      const rows = this.st.pending.all() as PendingRow[];
      for (const r of rows) {
        if (r.indexed) {
          this.st.dropWords.run(r.rowid);
          this.st.dropName.run(r.rowid);
        }
        const t = searchTextOf(JSON.parse(r.local) as Partial<CanonicalContact>);
        this.st.addWords.run(r.rowid, t.name, t.company, t.emails, t.phones);
        this.st.addName.run(r.rowid, t.name);
      }
      this.st.clear.run();
      return rows.length;
    };
    return this.sqlite.inTransaction ? run() : this.sqlite.transaction(run)();
  }
}
