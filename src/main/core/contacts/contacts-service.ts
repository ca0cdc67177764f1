// Reading contacts for the window and the CLI. Lists are people (golden records); raw SQL
// here because this is the hot path for 100k-row stores and the FTS join.
import type Database from 'better-sqlite3';
import type { ContactDetail, ContactRow } from '../../../shared/contract';
import { type AccountKind, type CanonicalContact, type RecordState } from '../../../shared/domain';
import { DEFAULT_THRESHOLDS } from '../dedupe/score';
import { CoreError } from '../errors';

export interface ListContactsQuery {
  search?: string;
  vendor?: AccountKind;
  state?: 'modified' | 'conflicted' | 'rejected';
  duplicates?: boolean;
  limit: number;
  offset: number;
}

export class ContactsService {
  constructor(private readonly sqlite: Database.Database) {}

  list(q: ListContactsQuery): { total: number; rows: ContactRow[] } {
    const where: string[] = [];
    const params: Record<string, unknown> = { limit: q.limit, offset: q.offset };
    const match = q.search ? toFtsQuery(q.search) : null;
    if (q.search && !match) return { total: 0, rows: [] };
    if (match) {
      where.push('p.id IN (SELECT person_id FROM contacts_fts WHERE contacts_fts MATCH @match)');
      params.match = match;
    }
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
    const whereSql = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const total = (this.sqlite.prepare(`SELECT count(*) AS n FROM people p ${whereSql}`).get(params) as { n: number }).n;
    const page = this.sqlite
      .prepare(`SELECT p.id, p.display_name, p.golden FROM people p ${whereSql} ORDER BY p.display_name COLLATE NOCASE, p.id LIMIT @limit OFFSET @offset`)
      .all(params) as { id: string; display_name: string; golden: string }[];
    if (!page.length) return { total, rows: [] };

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
        fields: JSON.parse(p.golden) as CanonicalContact,
      };
    });
    return { total, rows };
  }

  get(id: string): ContactDetail {
    const person = this.sqlite.prepare('SELECT id, display_name, golden, pinned FROM people WHERE id = ?').get(id) as
      | { id: string; display_name: string; golden: string; pinned: string }
      | undefined;
    if (!person) {
      // Accept a record id too: the CLI and deep links may hold either.
      const rec = this.sqlite.prepare('SELECT person_id FROM records WHERE id = ?').get(id) as { person_id: string } | undefined;
      if (rec) return this.get(rec.person_id);
      throw new CoreError('not_found', `No contact with id ${id}`);
    }
    const recs = this.sqlite
      .prepare(
        `SELECT r.id, r.account_id, a.label, a.kind, r.remote_id, r.state, r.local, r.base, r.versions, r.updated_at
         FROM records r JOIN accounts a ON a.id = r.account_id WHERE r.person_id = ? ORDER BY a.kind, r.remote_id`,
      )
      .all(id) as { id: string; account_id: string; label: string; kind: AccountKind; remote_id: string | null; state: RecordState; local: string; base: string | null; versions: string; updated_at: string }[];
    const changeOf = this.sqlite.prepare("SELECT id, op, state, patch, last_error FROM changes WHERE record_id = ? AND state IN ('pending', 'in_flight', 'conflict', 'rejected') ORDER BY id DESC LIMIT 1");
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
        base: r.base ? (JSON.parse(r.base) as CanonicalContact) : null,
        versions: JSON.parse(r.versions) as Record<string, string>,
        updatedAt: r.updated_at,
        change: ((c) => (c ? { id: c.id, op: c.op, state: c.state, patch: JSON.parse(c.patch) as Record<string, unknown>, lastError: c.last_error } : null))(
          changeOf.get(r.id) as { id: number; op: string; state: string; patch: string; last_error: string | null } | undefined,
        ),
      })),
    };
  }
}

/**
 * Turn what a person typed into a safe FTS5 query: every word must match as a prefix.
 * Quotes are doubled so no input can inject FTS syntax. Returns null when nothing is left.
 */
export function toFtsQuery(input: string): string | null {
  const words = input
    .normalize('NFKC')
    .split(/[\s,;()"'+\-.@]+/)
    .map((w) => w.trim())
    .filter(Boolean)
    .slice(0, 12);
  if (!words.length) return null;
  return words.map((w) => `"${w.replace(/"/g, '""')}"*`).join(' ');
}
