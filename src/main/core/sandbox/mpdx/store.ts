// MPDX's data as the simulator keeps it: contacts, people, phone numbers, email addresses and
// addresses, each with its own updated_at — which is also the `updated_in_db_at` token
// (README §2). Cascades follow MPDX: a phone or email save touches its person; an address or
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
  constructor(readonly clock: SimClock) {}

  private now(): number {
    return this.clock.now().getTime();
  }

  insert(type: MpdxType, attrs: Attrs, parent: { contactId?: string; personId?: string } = {}): Row {
    const t = this.now();
    const row: Row = { id: randomUUID(), type, attrs: { ...attrs }, createdAt: t, updatedAt: t, ...parent };
    this.rows.set(row.id, row);
    this.cascade(row, true);
    return row;
  }

  update(row: Row, attrs: Attrs): void {
    Object.assign(row.attrs, attrs);
    row.updatedAt = this.now();
    this.cascade(row);
  }

  /** Hard delete (people, phones, emails: no tombstone); addresses are soft-deleted. */
  remove(row: Row): void {
    if (row.type === 'addresses') {
      row.deleted = true;
      row.updatedAt = this.now();
      this.cascade(row);
      return;
    }
    this.rows.delete(row.id);
    for (const child of this.children(row)) this.rows.delete(child.id);
    if (row.type === 'contacts') this.deletedRecords.push({ id: row.id, type: 'Contact', deletedAt: this.now() });
    this.cascade(row);
  }

  private cascade(row: Row, created = false): void {
    const touch = (id: string | undefined): void => {
      const r = id ? this.rows.get(id) : undefined;
      if (r) r.updatedAt = this.now();
    };
    if (row.type === 'phone_numbers' || row.type === 'email_addresses') touch(row.personId);
    if (row.type === 'addresses') touch(row.contactId);
    if (row.type === 'people' && created) touch(row.contactId); // the ContactPerson join was saved
  }

  children(row: Row): Row[] {
    return [...this.rows.values()].filter((r) => (row.type === 'contacts' ? r.contactId === row.id : row.type === 'people' ? r.personId === row.id : false));
  }

  get(type: MpdxType, id: string): Row | undefined {
    const r = this.rows.get(id);
    return r && r.type === type && !r.deleted ? r : undefined;
  }

  list(type: MpdxType, where: (r: Row) => boolean = () => true): Row[] {
    return [...this.rows.values()].filter((r) => r.type === type && !r.deleted && where(r));
  }

  /** Edit a resource as a second MPDX client would (tests). */
  touch(id: string, attrs: Attrs): Row {
    const r = this.rows.get(id);
    if (!r) throw new Error(`no MPDX resource ${id}`);
    this.update(r, attrs);
    return r;
  }
}
