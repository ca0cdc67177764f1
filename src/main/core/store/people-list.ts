// The people list (the window's Contacts view, the CLI's `list`): a page of people (golden
// records) in list order, filtered and searched, and the facts each row shows about their
// records. Reads only. It runs on every keystroke of a search over stores of 100,000 people,
// so each shape of query is prepared once and kept.
import type Database from 'better-sqlite3';
import type { AccountKind } from '../../../shared/domain';
import type { CountRow, Narrowed, SqlColumns } from './rows';
import type { people } from './schema';

export interface PeopleFilter {
  /** Someone with a record in an account of this vendor. */
  vendor?: AccountKind;
  /** Someone with a record in one of these states. */
  states?: readonly string[];
  /** Someone in an open match candidate scoring at least this. */
  duplicatesFrom?: number;
  /** Someone the search index finds by this FTS5 query (contacts_fts). */
  match?: string;
}

export interface PeoplePaging {
  limit: number;
  offset: number;
  /** Keyset paging: the rows after this one in list order; `offset` is then ignored. */
  after?: { key: string; id: string };
}

/** A row of the list: the person's golden record as JSON, and the key it sorts by (never null: display_name is not). */
export type PeopleListRow = Narrowed<SqlColumns<typeof people, 'id' | 'display_name' | 'golden' | 'sort_key'>, { sort_key: string }>;

/** Of one listed person: the vendors (comma separated) and states of their records, and how many. */
export interface PersonRecordFacts {
  pid: string;
  kinds: string;
  states: string;
  n: number;
}

/** Above this many matches a filtered page walks the sort index instead of sorting the matches. */
const WALK_ABOVE = 2000;
// The search indexes are contentless (migration 0009): a match names a record by rowid; its
// person, and the name the trigram index was built from, are read from records.
const BY_WORDS = 'p.id IN (SELECT r.person_id FROM contacts_fts f JOIN records r ON r.rowid = f.rowid WHERE contacts_fts MATCH @match)';

export class PeopleList {
  private readonly statements = new Map<string, Database.Statement>();
  private vocabularyOpen = false;

  constructor(private readonly sqlite: Database.Database) {}

  /**
   * One page in list order: (sort_key, id) on the `people_sort` index, so neither an offset
   * nor a keyset (`after`) sorts anything; with how many people the filter finds in all (the
   * kept count when nothing filters).
   */
  page(f: PeopleFilter, paging: PeoplePaging): { total: number; people: PeopleListRow[] } {
    const where: string[] = [];
    const params: Record<string, unknown> = { limit: paging.limit, offset: paging.after ? 0 : paging.offset };
    if (f.vendor) {
      where.push('p.id IN (SELECT r.person_id FROM records r JOIN accounts a ON a.id = r.account_id WHERE a.kind = @vendor)');
      params.vendor = f.vendor;
    }
    if (f.states) {
      where.push(`p.id IN (SELECT person_id FROM records WHERE state IN (SELECT value FROM json_each(@states)))`);
      params.states = JSON.stringify(f.states);
    }
    if (f.duplicatesFrom !== undefined) {
      where.push(
        "p.id IN (SELECT r.person_id FROM records r JOIN match_candidates m ON (m.record_a = r.id OR m.record_b = r.id) WHERE m.status = 'open' AND m.score >= @dupMin)",
      );
      params.dupMin = f.duplicatesFrom;
    }
    if (f.match) {
      where.push(BY_WORDS);
      params.match = f.match;
    }
    const total = this.count(where, params);
    const keyset = paging.after ? [...where, '(p.sort_key, p.id) > (@afterKey, @afterId)'] : where;
    // Many matches ("bro" finds thousands): walk the list order and stop after a page rather
    // than sort them all. Few: look them up and sort the few (walking would visit everyone).
    const walk = where.length > 0 && total > WALK_ABOVE;
    const rows = this.statement(
      `SELECT p.id, p.display_name, p.golden, p.sort_key FROM people p${walk ? ' INDEXED BY people_sort' : ''} ${keyset.length ? `WHERE ${keyset.join(' AND ')}` : ''} ORDER BY p.sort_key, p.id LIMIT @limit OFFSET @offset`,
    ).all(paging.after ? { ...params, afterKey: paging.after.key, afterId: paging.after.id } : params) as PeopleListRow[];
    return { total, people: rows };
  }

  /** Of each of these people, the vendors and states of their records and how many they have. */
  recordFacts(personIds: readonly string[]): PersonRecordFacts[] {
    return this.statement(
      `SELECT r.person_id AS pid, group_concat(DISTINCT a.kind) AS kinds, group_concat(DISTINCT r.state) AS states, count(*) AS n
         FROM records r JOIN accounts a ON a.id = r.account_id
         WHERE r.person_id IN (SELECT value FROM json_each(?)) GROUP BY r.person_id`,
    ).all(JSON.stringify(personIds)) as PersonRecordFacts[];
  }

  /** Every word of a name in the search index (its fts5vocab), for searches with a typo. */
  nameWords(): string[] {
    if (!this.vocabularyOpen) {
      this.sqlite.exec("CREATE VIRTUAL TABLE IF NOT EXISTS temp.name_words USING fts5vocab(main, contacts_fts, 'col')");
      this.vocabularyOpen = true;
    }
    return this.statement("SELECT term FROM temp.name_words WHERE col = 'name'").pluck().all() as string[];
  }

  /** How many people match: the kept count unfiltered; words alone, the people the index names without visiting each. */
  private count(where: string[], params: Record<string, unknown>): number {
    const kept = where.length
      ? undefined
      : (this.statement("SELECT n FROM row_counts WHERE name = 'people'").get() as CountRow | undefined);
    if (kept) return kept.n;
    const wordsOnly = where.length === 1 && where[0] === BY_WORDS;
    const sql = wordsOnly
      ? 'SELECT count(DISTINCT r.person_id) AS n FROM contacts_fts f JOIN records r ON r.rowid = f.rowid WHERE contacts_fts MATCH @match'
      : `SELECT count(*) AS n FROM people p ${where.length ? `WHERE ${where.join(' AND ')}` : ''}`;
    return (this.statement(sql).get(params) as CountRow).n;
  }

  /** The statement for this SQL, prepared the first time it is asked for. */
  private statement(sql: string): Database.Statement {
    let st = this.statements.get(sql);
    if (!st) {
      st = this.sqlite.prepare(sql);
      this.statements.set(sql, st);
    }
    return st;
  }
}
