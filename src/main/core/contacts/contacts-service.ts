// Reading contacts for the window and the CLI. Lists are people (golden records); raw SQL
// here because this is the hot path for 100k-row stores and the FTS join.
import type Database from 'better-sqlite3';
import type { ContactDetail, ContactRow } from '../../../shared/contract';
import { primaryOf, type AccountKind, type CanonicalContact, type RecordState } from '../../../shared/domain';
import { editDistance } from '../dedupe/normalize';
import { DEFAULT_THRESHOLDS } from '../dedupe/score';
import { CoreError } from '../errors';
import { BASE_IS_LOCAL } from '../sync/sync-store';
import { openChangeOfRecord, personOfRecord, personRow, recordsOfPerson } from '../store/person-detail';

export interface ListContactsQuery {
  search?: string;
  vendor?: AccountKind;
  state?: 'modified' | 'conflicted' | 'rejected';
  duplicates?: boolean;
  limit: number;
  offset: number;
  /** Keyset paging: the page after this row (the `next` of the page before); `offset` is then ignored. */
  after?: { key: string; id: string };
  /** Rows for a list: `fields` holds only the primary email, the primary phone and the city. */
  brief?: boolean;
}

/** Where the next page starts (keyset), null after the last row. */
export type ContactsCursor = { key: string; id: string } | null;

/** Above this many matches a filtered page walks the sort index instead of sorting the matches. */
const WALK_ABOVE = 2000;
// The search indexes are contentless (migration 0009): a match names a record by rowid; its
// person, and the name the trigram index was built from, are read from records.
const BY_WORDS = 'p.id IN (SELECT r.person_id FROM contacts_fts f JOIN records r ON r.rowid = f.rowid WHERE contacts_fts MATCH @match)';

export class ContactsService {
  constructor(private readonly sqlite: Database.Database) {}

  list(q: ListContactsQuery): { total: number; rows: ContactRow[]; next: ContactsCursor } {
    const where: string[] = [];
    const params: Record<string, unknown> = { limit: q.limit, offset: q.after ? 0 : q.offset };
    if (q.vendor) {
      where.push('p.id IN (SELECT r.person_id FROM records r JOIN accounts a ON a.id = r.account_id WHERE a.kind = @vendor)');
      params.vendor = q.vendor;
    }
    if (q.state) {
      // "Changed here" includes what is being sent right now.
      where.push(`p.id IN (SELECT person_id FROM records WHERE state IN (SELECT value FROM json_each(@states)))`);
      params.states = JSON.stringify(q.state === 'modified' ? ['modified', 'pushing'] : [q.state]);
    }
    if (q.duplicates) {
      where.push("p.id IN (SELECT r.person_id FROM records r JOIN match_candidates m ON (m.record_a = r.id OR m.record_b = r.id) WHERE m.status = 'open' AND m.score >= @dupMin)");
      params.dupMin = DEFAULT_THRESHOLDS.review;
    }
    const match = q.search ? toFtsQuery(q.search) : null;
    if (q.search && !match) return { total: 0, rows: [], next: null };
    const page = this.page(match ? [...where, BY_WORDS] : where, match ? { ...params, match } : params, q.after, q.brief);
    // Nobody by those words: try them with one typo each (a name misspelt as it is typed).
    if (q.search && !page.total && match && !isPhoneQuery(q.search)) {
      const typo = this.typoQuery(q.search);
      if (typo) return this.page([...where, BY_WORDS], { ...params, match: typo }, q.after, q.brief);
    }
    return page;
  }

  /**
   * The search again with one typo allowed per word: each query word becomes the name words of
   * the store it starts, or is one edit from (an insertion, a deletion, a substitution or two
   * letters swapped) when that name word has four letters or more ("bown", "brwn", "brawn" ->
   * brown; "bakr" -> baker). The words come from the search index's own vocabulary (fts5vocab),
   * so any typo is found, not only those that keep a trigram of the right spelling. Null when
   * some word has no such name word.
   */
  private typoQuery(search: string): string | null {
    const words = search.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase().split(/[\s,;()"'+\-.@]+/).filter((w) => w.length >= 3).slice(0, 4);
    if (!words.length) return null;
    this.sqlite.exec("CREATE VIRTUAL TABLE IF NOT EXISTS temp.name_words USING fts5vocab(main, contacts_fts, 'col')");
    const vocab = this.sqlite.prepare("SELECT term FROM temp.name_words WHERE col = 'name'").pluck().all() as string[];
    const parts: string[] = [];
    for (const w of words) {
      const near = vocab.filter((t) => t.startsWith(w) || (t.length >= 4 && Math.abs(t.length - w.length) <= 1 && editDistance(w, t) <= 1)).slice(0, 200);
      if (!near.length) return null;
      parts.push(`name : (${near.map((t) => `"${t.replace(/"/g, '""')}"`).join(' OR ')})`);
    }
    return parts.join(' AND ');
  }

  /**
   * One page in list order: (sort_key, id) on the `people_sort` index, so neither an offset
   * nor a keyset (`after`) sorts anything. The unfiltered total is the kept count.
   */
  private page(where: string[], params: Record<string, unknown>, after?: { key: string; id: string }, brief = false): { total: number; rows: ContactRow[]; next: ContactsCursor } {
    const whereSql = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const kept = where.length ? undefined : (this.sqlite.prepare("SELECT n FROM row_counts WHERE name = 'people'").get() as { n: number } | undefined);
    // Words alone: count the people the search index names, without visiting each of them.
    const wordsOnly = where.length === 1 && where[0] === BY_WORDS;
    const total = kept?.n ?? (this.sqlite.prepare(wordsOnly ? 'SELECT count(DISTINCT r.person_id) AS n FROM contacts_fts f JOIN records r ON r.rowid = f.rowid WHERE contacts_fts MATCH @match' : `SELECT count(*) AS n FROM people p ${whereSql}`).get(params) as { n: number }).n;
    const keyset = after ? [...where, '(p.sort_key, p.id) > (@afterKey, @afterId)'] : where;
    // Many matches ("bro" finds thousands): walk the list order and stop after a page rather
    // than sort them all. Few: look them up and sort the few (walking would visit everyone).
    const walk = where.length > 0 && total > WALK_ABOVE;
    const page = this.sqlite
      .prepare(`SELECT p.id, p.display_name, p.golden, p.sort_key FROM people p${walk ? ' INDEXED BY people_sort' : ''} ${keyset.length ? `WHERE ${keyset.join(' AND ')}` : ''} ORDER BY p.sort_key, p.id LIMIT @limit OFFSET @offset`)
      .all(after ? { ...params, afterKey: after.key, afterId: after.id } : params) as { id: string; display_name: string; golden: string; sort_key: string }[];
    if (!page.length) return { total, rows: [], next: null };
    const last = page[page.length - 1]!;
    const next = page.length < Number(params.limit) ? null : { key: last.sort_key, id: last.id };

    const ids = page.map((p) => p.id);
    const meta = this.sqlite
      .prepare(
        `SELECT r.person_id AS pid, group_concat(DISTINCT a.kind) AS kinds, group_concat(DISTINCT r.state) AS states, count(*) AS n
         FROM records r JOIN accounts a ON a.id = r.account_id
         WHERE r.person_id IN (SELECT value FROM json_each(?)) GROUP BY r.person_id`,
      )
      .all(JSON.stringify(ids)) as { pid: string; kinds: string; states: string; n: number }[];
    const byId = new Map(meta.map((m) => [m.pid, m]));
    const rows = page.map((p): ContactRow => {
      const m = byId.get(p.id);
      return {
        id: p.id,
        displayName: p.display_name,
        vendors: (m?.kinds.split(',') ?? []).sort() as AccountKind[],
        recordCount: m?.n ?? 0,
        states: (m?.states.split(',') ?? []) as RecordState[],
        fields: brief ? briefFields(JSON.parse(p.golden) as CanonicalContact) : (JSON.parse(p.golden) as CanonicalContact),
      };
    });
    return { total, rows, next };
  }

  get(id: string): ContactDetail {
    const person = personRow(this.sqlite, id);
    if (!person) {
      // Accept a record id too: the CLI and deep links may hold either.
      const owner = personOfRecord(this.sqlite, id);
      if (owner) return this.get(owner);
      throw new CoreError('not_found', `No contact with id ${id}`);
    }
    const recs = recordsOfPerson(this.sqlite, id);
    const changeOf = openChangeOfRecord(this.sqlite);
    return {
      id: person.id,
      displayName: person.display_name,
      golden: JSON.parse(person.golden) as CanonicalContact,
      pinned: Object.keys(JSON.parse(person.pinned) as object),
      records: recs.map((r) => ({
        id: r.id,
        accountId: r.account_id,
        accountLabel: r.label,
        vendor: r.kind,
        remoteId: r.remote_id,
        state: r.state,
        local: JSON.parse(r.local) as CanonicalContact,
        base: r.base === BASE_IS_LOCAL ? (JSON.parse(r.local) as CanonicalContact) : r.base ? (JSON.parse(r.base) as CanonicalContact) : null,
        versions: JSON.parse(r.versions) as Record<string, string>,
        updatedAt: r.updated_at,
        change: ((c) => (c ? { id: c.id, op: c.op, state: c.state, patch: JSON.parse(c.patch) as Record<string, unknown>, lastError: c.last_error } : null))(
          changeOf(r.id),
        ),
      })),
    };
  }
}

/**
 * Turn what a person typed into a safe FTS5 query: every word must match as a prefix.
 * Quotes are doubled so no input can inject FTS syntax. Returns null when nothing is left.
 */
/** A phone typed in any format, or its last digits: digits and phone punctuation only, four digits or more. */
export function isPhoneQuery(input: string): boolean {
  return /^[\d\s()+\-./]+$/.test(input.trim()) && input.replace(/\D/g, '').length >= 4;
}

export function toFtsQuery(input: string): string | null {
  // Phones are indexed as every trailing run of their digits (migration 0004), so the digits
  // of "(402) 762-1915", "+1 402 762 1915" or "762-1915" find the number as a prefix.
  if (isPhoneQuery(input)) return `phones : "${input.replace(/\D/g, '')}"*`;
  const words = input
    .normalize('NFKC')
    .split(/[\s,;()"'+\-.@]+/)
    .map((w) => w.trim())
    .filter(Boolean)
    .slice(0, 12);
  if (!words.length) return null;
  return words.map((w) => `"${w.replace(/"/g, '""')}"*`).join(' ');
}

/**
 * What a row of the window's list shows of a golden record, and no more: a page of rows
 * crosses the bridge on every jump through a long list, so it carries a third of the bytes.
 */
function briefFields(c: CanonicalContact): CanonicalContact {
  const email = primaryOf(c.emails);
  const phone = primaryOf(c.phones);
  const out: CanonicalContact = {};
  if (email) out.emails = [{ address: email.address }];
  if (phone) out.phones = [{ e164: phone.e164, raw: phone.raw }];
  if (c.address?.city) out.address = { city: c.address.city };
  return out;
}
