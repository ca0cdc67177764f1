// What MPDX refuses (docs/vendors/mpdx.md#validation): attribute types, the per-type rules,
// the source lock on imported children, and ApplicationRecord's optimistic concurrency check.
import { type ErrorEntry, v400 } from './jsonapi';
import { isoSecond, type Attrs, type MpdxStore, type MpdxType, type Row } from './store';

const ADDRESS_LOCATIONS = ['Home', 'Business', 'Mailing', 'Seasonal', 'Other', 'Temporary', 'Rep Address'];
const CONTACT_STATUSES = [
  'Never Contacted',
  'Ask in Future',
  'Cultivate Relationship',
  'Contact for Appointment',
  'Appointment Scheduled',
  'Call for Decision',
  'Partner - Financial',
  'Partner - Special',
  'Partner - Pray',
  'Not Interested',
  'Unresponsive',
  'Never Ask',
  'Research Abandoned',
  'Expired Referral',
];

const EDITABLE_SOURCES = ['MPDX', 'TntImport', 'manual'];
const LOCKED_FIELDS: Partial<Record<MpdxType, string[]>> = {
  phone_numbers: ['number', 'location'],
  email_addresses: ['email', 'location'],
  addresses: ['street', 'city', 'state', 'postal_code', 'country', 'location'],
};
/**
 * Attribute types from the vendor's mpdx-phones.txt (phones) and docs/vendors/mpdx.md (emails, addresses take
 * the same kinds). The document types `number` as "number", but MPDX stores E.164 with a
 * `;ext=` suffix, which no JSON number can hold: a string or a number is taken and served as
 * a string. `country_code` is a number (a numeric string is taken, as Rails casts it).
 * Booleans must be JSON booleans; null is taken for every attribute ("Required: No").
 */
const TYPES: Partial<Record<MpdxType, Record<string, 'boolean' | 'string' | 'number' | 'date' | 'text-or-number'>>> = {
  phone_numbers: {
    country_code: 'number',
    created_at: 'date',
    historic: 'boolean',
    location: 'string',
    number: 'text-or-number',
    primary: 'boolean',
    source: 'string',
    updated_at: 'date',
    updated_in_db_at: 'date',
    valid_values: 'boolean',
    overwrite: 'boolean',
  },
  email_addresses: {
    email: 'string',
    location: 'string',
    primary: 'boolean',
    historic: 'boolean',
    source: 'string',
    valid_values: 'boolean',
    created_at: 'date',
    updated_at: 'date',
    updated_in_db_at: 'date',
    overwrite: 'boolean',
  },
  addresses: {
    historic: 'boolean',
    seasonal: 'boolean',
    primary_mailing_address: 'boolean',
    valid_values: 'boolean',
    location: 'string',
    source: 'string',
    overwrite: 'boolean',
  },
};
export function typeErrors(type: MpdxType, a: Attrs): ErrorEntry[] {
  const want = TYPES[type] ?? {};
  const bad = Object.entries(a).filter(([k, v]) => {
    const t = want[k];
    if (!t || v === null || v === undefined) return false;
    // overwrite: the README's "stringifies to true" check runs before validation; "true" is fine.
    if (k === 'overwrite') return typeof v !== 'boolean' && typeof v !== 'string';
    // updated_in_db_at is parsed by the concurrency check itself (garbage there is its own 500).
    if (t === 'date') return k !== 'updated_in_db_at' && (typeof v !== 'string' || Number.isNaN(Date.parse(v)));
    if (t === 'boolean') return typeof v !== 'boolean';
    if (t === 'string') return typeof v !== 'string';
    if (t === 'number') return !(typeof v === 'number' || (typeof v === 'string' && /^\+?\d+$/.test(v.trim())));
    return typeof v !== 'string' && typeof v !== 'number';
  });
  return bad.map(([k]) => ({
    status: '400',
    source: { pointer: `/data/attributes/${k}` },
    title: `is not a valid ${want[k] === 'text-or-number' ? 'number' : want[k]}`,
    detail: `${k.replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase())} is not a valid ${want[k] === 'text-or-number' ? 'number' : want[k]}`,
  }));
}

/** ApplicationRecord's check, to the letter. Returns the 409 entries, [] when the write may go ahead. */
export function concurrencyErrors(row: Row, attrs: Attrs): ErrorEntry[] | 'unparseable' {
  if (String(attrs.overwrite) === 'true') return [];
  const current = isoSecond(row.updatedAt);
  const pointer = { pointer: '/data/attributes/updated_in_db_at' };
  const out: ErrorEntry[] = [];
  const sent = attrs.updated_in_db_at;
  if (!('updated_in_db_at' in attrs)) {
    out.push({
      status: '409',
      source: pointer,
      title: 'has to be sent in the list of attributes in order to update resource',
      detail: 'Updated in db at has to be sent in the list of attributes in order to update resource',
      meta: { updated_in_db_at: current },
    });
  }
  let sentSec = 0; // nil.to_i
  if (sent !== undefined) {
    const t = typeof sent === 'string' && sent.trim() ? Date.parse(sent) : NaN;
    if (Number.isNaN(t)) return 'unparseable'; // Time.parse raises: an unrescued 500 (inferred)
    sentSec = Math.floor(t / 1000);
  }
  if (sentSec !== Math.floor(row.updatedAt / 1000)) {
    out.push({
      status: '409',
      source: pointer,
      title: `is not equal to the current value in the database (${current})`,
      detail: `Updated in db at is not equal to the current value in the database (${current})`,
      meta: { updated_in_db_at: current },
    });
  }
  return out;
}

/**
 * docs/vendors/mpdx.md: when `source` is not MPDX, TntImport or manual, a change to the number, email,
 * location or address fields fails. "Change" read as: a value different from the stored
 * one (sending the stored value again is no change). `primary` and `historic` stay open.
 */
export function sourceLocked(row: Row, next: Attrs): ErrorEntry[] {
  const fields = LOCKED_FIELDS[row.type];
  if (!fields || EDITABLE_SOURCES.includes(String(row.attrs.source ?? 'MPDX'))) return [];
  return fields
    .filter((f) => f in next && JSON.stringify(next[f] ?? null) !== JSON.stringify(row.attrs[f] ?? null))
    .map((f) => ({
      status: '400',
      source: { pointer: `/data/attributes/${f}` },
      title: 'cannot be changed because the source is not MPDX or TntImport',
      detail: `${f.replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase())} cannot be changed because the source is not MPDX or TntImport`,
    }));
}

export const personRules = (a: Attrs): ErrorEntry[] =>
  'first_name' in a && !String(a.first_name ?? '').trim() ? [v400('first_name', "can't be blank")] : [];
export const contactRules = (a: Attrs): ErrorEntry[] => [
  ...('name' in a && !String(a.name ?? '').trim() ? [v400('name', "can't be blank")] : []),
  ...('status' in a && a.status !== null && !CONTACT_STATUSES.includes(String(a.status))
    ? [v400('status', 'is not included in the list')]
    : []),
];
export const phoneRules = (a: Attrs): ErrorEntry[] => [
  ...typeErrors('phone_numbers', a),
  ...('number' in a && !String(a.number ?? '').trim() ? [v400('number', "can't be blank")] : []),
];
/** Emails are unique per person and source, so the rule reads the person's other emails. */
export const emailRules =
  (store: MpdxStore, personId: string, selfId?: string) =>
  (a: Attrs): ErrorEntry[] => {
    const typed = typeErrors('email_addresses', a);
    if (typed.length) return typed;
    if (!('email' in a)) return [];
    const e = String(a.email ?? '')
      .trim()
      .toLowerCase();
    if (!e) return [v400('email', "can't be blank")];
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(e)) return [v400('email', 'is invalid')];
    const taken = store
      .childrenOf('email_addresses', { personId })
      .filter((x) => x.id !== selfId && String(x.attrs.email).toLowerCase() === e && x.attrs.source === (a.source ?? 'MPDX'));
    return taken.length ? [v400('email', 'has already been taken')] : [];
  };
export const addressRules = (a: Attrs): ErrorEntry[] =>
  typeErrors('addresses', a).length
    ? typeErrors('addresses', a)
    : 'location' in a && a.location !== null && !ADDRESS_LOCATIONS.includes(String(a.location))
      ? [v400('location', 'is not included in the list')]
      : [];
