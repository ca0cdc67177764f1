// How canonical fields read in the window: one label and one display string per field, the
// same everywhere (person, conflicts, duplicates), so aligned rows line up across views.
import { ADDRESS_PART_WORDS, VENDOR_LABELS, type CanonicalContact, type CanonicalField, type Vendor } from '../../../shared/domain';
import { parsePhoneNumberFromString } from 'libphonenumber-js';

export interface FieldRow {
  field: CanonicalField;
  label: string;
  show(v: unknown): string;
}

const text = (v: unknown): string => (v == null ? '' : String(v));
const list =
  <T>(pick: (x: T) => string) =>
  (v: unknown): string =>
    Array.isArray(v) ? (v as T[]).map(pick).filter(Boolean).join('\n') : '';
const addr = (v: unknown): string => {
  const a = (v ?? {}) as NonNullable<CanonicalContact['address']>;
  // The county on a line of its own, labelled, so editing the address as shown keeps it (the core reads it back).
  return [
    a.street1,
    a.street2,
    [a.city, a.region, a.postalCode].filter(Boolean).join(' '),
    a.county ? `County: ${a.county}` : null,
    a.country,
  ]
    .filter(Boolean)
    .join('\n');
};

export const FIELD_ROWS: FieldRow[] = [
  { field: 'givenName', label: 'Given name', show: text },
  { field: 'familyName', label: 'Family name', show: text },
  { field: 'fullName', label: 'Full name', show: text },
  { field: 'emails', label: 'Emails', show: list<{ address: string }>((e) => e.address) },
  { field: 'phones', label: 'Phones', show: list<{ e164?: string | null; raw: string }>(phoneText) },
  { field: 'address', label: 'Address', show: addr },
  { field: 'company', label: 'Company', show: text },
  { field: 'department', label: 'Department', show: text },
  { field: 'role', label: 'Role', show: text },
  { field: 'birthDate', label: 'Birth date', show: text },
  { field: 'timeZone', label: 'Time zone', show: text },
  { field: 'doNotContact', label: 'Do not contact', show: (v) => (v == null ? '' : v ? 'Yes' : 'No') },
  { field: 'tags', label: 'Tags', show: (v) => (Array.isArray(v) ? v.join(', ') : '') },
  { field: 'notes', label: 'Notes', show: text },
  { field: 'externalRef', label: 'External ref', show: text },
];

/** A field (or an address part, `address.region`) as words in a sentence: "birth date", "the address's county". */
export const fieldInWords = (field: string): string => {
  const [f, part] = field.split('.');
  if (f === 'address' && part) return `the address's ${ADDRESS_PART_WORDS[part as keyof typeof ADDRESS_PART_WORDS] ?? part}`;
  return rowOf(field).label.toLowerCase();
};

// A field without a row of its own (a vendor's custom fields, LiveVox COL1…) reads as "name: value" lines, never raw JSON.
const OTHER_LABELS: Record<string, string> = { custom: 'Other fields', location: 'Map location' };
const plain = (v: unknown): string =>
  v == null
    ? ''
    : typeof v === 'object'
      ? Object.entries(v as Record<string, unknown>)
          .map(([k, x]) => `${k}: ${typeof x === 'object' ? JSON.stringify(x) : String(x)}`)
          .join('\n')
      : String(v);
export const rowOf = (field: string): FieldRow =>
  FIELD_ROWS.find((r) => r.field === field) ?? { field: field as CanonicalField, label: OTHER_LABELS[field] ?? field, show: plain };

// What a person types is parsed by the core (editContact `typed`, resolveConflict `{typed}`).

/** Character ranges of `b` that differ from `a` (common prefix and suffix kept plain). */
export function diffParts(a: string, b: string): { text: string; changed: boolean }[] {
  if (a === b) return [{ text: b, changed: false }];
  let p = 0;
  while (p < a.length && p < b.length && a[p] === b[p]) p++;
  let s = 0;
  while (s < a.length - p && s < b.length - p && a[a.length - 1 - s] === b[b.length - 1 - s]) s++;
  // Whole words: "Columbus" → "Cleveland" marks all of "Cleveland", not "leveland"; "Main St" →
  // "Main Street" marks "Street".
  const inWord = (ch: string | undefined) => !!ch && /[\p{L}\p{N}]/u.test(ch);
  while (p > 0 && inWord(b[p - 1]) && inWord(b[p])) p--;
  while (s > 0 && inWord(b[b.length - s]) && inWord(b[b.length - s - 1])) s--;
  return [
    { text: b.slice(0, p), changed: false },
    { text: b.slice(p, b.length - s), changed: true },
    { text: b.slice(b.length - s), changed: false },
  ].filter((x) => x.text);
}

/** A journal summary with field names in words ("edited givenName" -> "edited given name"). */
export function humanise(summary: string): string {
  return summary
    .replace(
      /\b(givenName|familyName|fullName|emails|phones|address|company|department|role|birthDate|timeZone|doNotContact|tags|notes|externalRef)\b/g,
      (f) => rowOf(f).label.toLowerCase(),
    )
    .replace(/\b(calltools|mpdx|livevox|lightening|bigchange)\b/g, (v) => VENDOR_LABELS[v as Vendor]); // the core's ids, as the products are called
}

/** A long vendor id shortened for a column header (the full one goes in its title). */
export function shortId(id: string | null | undefined): string {
  if (!id) return '';
  return id.length > 14 ? `${id.slice(0, 6)}…${id.slice(-5)}` : id;
}

/**
 * A phone as people read it, one way everywhere: international form with spaces ("+1 804 951
 * 6242") when it is a valid number, else as it was typed.
 */
export function phoneText(p: { e164?: string | null; raw: string }): string {
  if (!p.e164) return p.raw;
  try {
    return parsePhoneNumberFromString(p.e164)?.formatInternational() ?? p.e164;
  } catch {
    return p.e164;
  }
}
