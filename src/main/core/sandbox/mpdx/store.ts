// MPDX's data as the simulator keeps it: contacts, people, phone numbers, email addresses and
// addresses, each with its own updated_at — which is also the `updated_in_db_at` token
// (docs/vendors/mpdx.md). Cascades follow MPDX: a phone or email save touches its person; an address or
// contact-person save touches the contact; a person edit does not touch its contact.
import { randomUUID } from 'node:crypto';
import type { SimClock } from '../clock';

export type MpdxType = 'contacts' | 'people' | 'phone_numbers' | 'email_addresses' | 'addresses';
export type Attrs = Record<string, unknown>;

export interface Row {
  id: string;
  type: MpdxType;
  attrs: Attrs;
  createdAt: number;
  updatedAt: number;
  contactId?: string;
  personId?: string;
  deleted?: boolean;
}

export const ACCOUNT_LIST_ID = '0b6c8a8e-5f1e-4c38-9d8e-2f8e1f0c1a11';

/** MPDX serialises times as UTC ISO-8601 to the second with Z. */
export const isoSecond = (ms: number): string => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');

export class MpdxStore {
  readonly rows = new Map<string, Row>();
  readonly deletedRecords: { id: string; type: string; deletedAt: number }[] = [];
  // Indexes, so a page costs what the page holds (MPDX's own tables are indexed the same way):
  // rows by type, children by the contact and the person they belong to, and each type's rows
  // ordered by created_at and by updated_at (rebuilt only after a write, not per request).
  private readonly ofType = new Map<MpdxType, Map<string, Row>>();
  private readonly byContact = new Map<string, Set<Row>>();
  private readonly byPerson = new Map<string, Set<Row>>();
  private readonly ordered = new Map<string, Row[]>();
  /** `newId`: seeded by the sandbox, so its ids (and test picks by id) repeat run to run. */
  constructor(
    readonly clock: SimClock,
    private readonly newId: () => string = randomUUID,
  ) {}

  private now(): number {
    return this.clock.now().getTime();
  }

  insert(type: MpdxType, attrs: Attrs, parent: { contactId?: string; personId?: string } = {}): Row {
    const t = this.now();
    const row: Row = { id: this.newId(), type, attrs: { ...attrs }, createdAt: t, updatedAt: t, ...parent };
    this.rows.set(row.id, row);
    this.index(row);
    this.cascade(row, true);
    return row;
  }

  update(row: Row, attrs: Attrs): void {
    Object.assign(row.attrs, attrs);
    row.updatedAt = this.now();
    this.ordered.clear();
    this.cascade(row);
  }

  /** Hard delete (people, phones, emails: no tombstone); addresses are soft-deleted. */
  remove(row: Row): void {
    if (row.type === 'addresses') {
      row.deleted = true;
      row.updatedAt = this.now();
      this.ordered.clear();
      this.cascade(row);
      return;
    }
    for (const child of this.children(row)) this.unindex(child);
    this.unindex(row);
    if (row.type === 'contacts') this.deletedRecords.push({ id: row.id, type: 'Contact', deletedAt: this.now() });
    this.cascade(row);
  }

  /** A contacts merge moves a person or an address to the winning contact. */
  reparent(row: Row, contactId: string): void {
    if (row.contactId) this.byContact.get(row.contactId)?.delete(row);
    row.contactId = contactId;
    this.kids(this.byContact, contactId).add(row);
  }

  private cascade(row: Row, created = false): void {
    const touch = (id: string | undefined): void => {
      const r = id ? this.rows.get(id) : undefined;
      if (r) {
        r.updatedAt = this.now();
        this.ordered.clear();
      }
    };
    if (row.type === 'phone_numbers' || row.type === 'email_addresses') touch(row.personId);
    if (row.type === 'addresses') touch(row.contactId);
    if (row.type === 'people' && created) touch(row.contactId); // the ContactPerson join was saved
  }

  private kids(map: Map<string, Set<Row>>, id: string): Set<Row> {
    let s = map.get(id);
    if (!s) map.set(id, (s = new Set()));
    return s;
  }

  private index(row: Row): void {
    let t = this.ofType.get(row.type);
    if (!t) this.ofType.set(row.type, (t = new Map()));
    t.set(row.id, row);
    if (row.contactId) this.kids(this.byContact, row.contactId).add(row);
    if (row.personId) this.kids(this.byPerson, row.personId).add(row);
    this.ordered.clear();
  }

  private unindex(row: Row): void {
    this.rows.delete(row.id);
    this.ofType.get(row.type)?.delete(row.id);
    if (row.contactId) this.byContact.get(row.contactId)?.delete(row);
    if (row.personId) this.byPerson.get(row.personId)?.delete(row);
    this.byContact.delete(row.id);
    this.byPerson.delete(row.id);
    this.ordered.clear();
  }

  children(row: Row): Row[] {
    const s = row.type === 'contacts' ? this.byContact.get(row.id) : row.type === 'people' ? this.byPerson.get(row.id) : undefined;
    return s ? [...s] : [];
  }

  /** Rows of `type` belonging to a contact or a person, in the order they were made. */
  childrenOf(type: MpdxType, parent: { contactId?: string; personId?: string }): Row[] {
    const s =
      parent.contactId !== undefined
        ? this.byContact.get(parent.contactId)
        : parent.personId !== undefined
          ? this.byPerson.get(parent.personId)
          : undefined;
    const out: Row[] = [];
    if (s)
      for (const r of s)
        if (r.type === type && !r.deleted && (parent.personId === undefined || r.personId === parent.personId)) out.push(r);
    return out;
  }

  get(type: MpdxType, id: string): Row | undefined {
    const r = this.rows.get(id);
    return r && r.type === type && !r.deleted ? r : undefined;
  }

  list(type: MpdxType, where: (r: Row) => boolean = () => true): Row[] {
    const out: Row[] = [];
    for (const r of this.ofType.get(type)?.values() ?? []) if (!r.deleted && where(r)) out.push(r);
    return out;
  }

  /**
   * A type's rows in created_at or updated_at order (ties by id), as the index holds them:
   * sorted once after the last write and kept, so paging through them sorts nothing.
   */
  inOrder(type: MpdxType, key: 'created_at' | 'updated_at'): readonly Row[] {
    const k = `${type}|${key}`;
    let rows = this.ordered.get(k);
    if (!rows) {
      const by = key === 'updated_at' ? (r: Row) => r.updatedAt : (r: Row) => r.createdAt;
      rows = this.list(type).sort((a, b) => by(a) - by(b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      this.ordered.set(k, rows);
    }
    return rows;
  }

  /** Edit a resource as a second MPDX client would (tests). */
  touch(id: string, attrs: Attrs): Row {
    const r = this.rows.get(id);
    if (!r) throw new Error(`no MPDX resource ${id}`);
    this.update(r, attrs);
    return r;
  }
}
