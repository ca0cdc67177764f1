// Reading contacts for the window and the CLI. Lists are people (golden records), read
// through store/people-list.ts; this module turns what a person typed into index queries.
import type Database from 'better-sqlite3';
import type { ContactDetail, ContactRow } from '../../../shared/contract';
import { primaryOf, type AccountKind, type CanonicalContact, type RecordState } from '../../../shared/domain';
import { editDistance } from '../dedupe/match-forms';
import { DEFAULT_THRESHOLDS } from '../dedupe/score';
import { CoreError } from '../errors';
import { BASE_IS_LOCAL } from '../sync/sync-store';
import { PeopleList, type PeopleFilter, type PeoplePaging } from '../store/people-list';
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

export class ContactsService {
  private readonly people: PeopleList;

  constructor(private readonly sqlite: Database.Database) {
    this.people = new PeopleList(sqlite);
  }

  list(q: ListContactsQuery): { total: number; rows: ContactRow[]; next: ContactsCursor } {
    const filter: PeopleFilter = {};
    if (q.vendor) filter.vendor = q.vendor;
    // "Changed here" includes what is being sent right now.
    if (q.state) filter.states = q.state === 'modified' ? ['modified', 'pushing'] : [q.state];
    if (q.duplicates) filter.duplicatesFrom = DEFAULT_THRESHOLDS.review;
    const match = q.search ? toFtsQuery(q.search) : null;
    if (q.search && !match) return { total: 0, rows: [], next: null };
    const paging = { limit: q.limit, offset: q.offset, after: q.after };
    const page = this.page(match ? { ...filter, match } : filter, paging, q.brief);
    // Nobody by those words: try them with one typo each (a name misspelt as it is typed).
    if (q.search && !page.total && match && !isPhoneQuery(q.search)) {
      const typo = this.typoQuery(q.search);
      if (typo) return this.page({ ...filter, match: typo }, paging, q.brief);
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
    const words = search
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      .split(/[\s,;()"'+\-.@]+/)
      .filter((w) => w.length >= 3)
      .slice(0, 4);
    if (!words.length) return null;
    const vocab = this.people.nameWords();
    const parts: string[] = [];
    for (const w of words) {
      const near = vocab
        .filter((t) => t.startsWith(w) || (t.length >= 4 && Math.abs(t.length - w.length) <= 1 && editDistance(w, t) <= 1))
        .slice(0, 200);
      if (!near.length) return null;
      parts.push(`name : (${near.map((t) => `"${t.replace(/"/g, '""')}"`).join(' OR ')})`);
    }
    return parts.join(' AND ');
  }

  /** One page of the list as the window and the CLI show it, and where the next one starts. */
  private page(filter: PeopleFilter, paging: PeoplePaging, brief = false): { total: number; rows: ContactRow[]; next: ContactsCursor } {
    const { total, people: page } = this.people.page(filter, paging);
    if (!page.length) return { total, rows: [], next: null };
    const last = page[page.length - 1]!;
    const next = page.length < Number(paging.limit) ? null : { key: last.sort_key, id: last.id };

    const byId = new Map(this.people.recordFacts(page.map((p) => p.id)).map((m) => [m.pid, m]));
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
        base:
          r.base === BASE_IS_LOCAL ? (JSON.parse(r.local) as CanonicalContact) : r.base ? (JSON.parse(r.base) as CanonicalContact) : null,
        versions: JSON.parse(r.versions) as Record<string, string>,
        updatedAt: r.updated_at,
        change: ((c) =>
          c
            ? { id: c.id, op: c.op, state: c.state, patch: JSON.parse(c.patch) as Record<string, unknown>, lastError: c.last_error }
            : null)(changeOf(r.id)),
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
