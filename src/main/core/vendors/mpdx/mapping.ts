// MPDX (JSON:API) <-> canonical. One Concord record per MPDX *person*; the record's raw JSON is
// the bundle of its contact, person, phone numbers, email addresses and the contact's
// addresses, each a JSON:API resource with its own updated_in_db_at token.
import type { FieldSupport } from '../connector';
import type { CanonicalContact } from '../../../../shared/domain';
import { nonBlank } from '../../normalize/names';
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import { phoneEntry } from '../../normalize/phone';
import { addressPartsNotHeld, checkFields, type FieldProblem, type ValidateOptions } from '../field-rules';
import { MPDX_RULES } from './rules';

export interface JsonApiResource {
  id: string;
  type: string;
  attributes: Record<string, unknown>;
  relationships?: Record<string, { data?: { id: string; type: string }[] | { id: string; type: string } | null }>;
}

export interface MpdxBundle {
  contact: JsonApiResource;
  person: JsonApiResource;
  phones: JsonApiResource[];
  emails: JsonApiResource[];
  addresses: JsonApiResource[];
}

export const MPDX_FIELDS = {
  read: ['givenName', 'familyName', 'emails', 'phones', 'address', 'company', 'role', 'birthDate', 'timeZone', 'tags', 'notes'],
  write: ['givenName', 'familyName', 'emails', 'phones', 'address', 'company', 'role', 'birthDate', 'timeZone', 'tags', 'notes'],
  // phone_numbers and email_addresses carry `primary` and `location` (docs/vendors/mpdx.md#attributes).
  parts: ['phones.primary', 'phones.label', 'emails.primary', 'emails.label'],
  // Addresses have street, city, state, postal code and country.
  addressParts: ['street1', 'city', 'region', 'postalCode', 'country'],
} as const satisfies FieldSupport;

const str = nonBlank;
const COUNTRY_IN: Record<string, string> = { 'United States': 'US', USA: 'US', 'United Kingdom': 'GB', Canada: 'CA' };
const COUNTRY_OUT: Record<string, string> = { US: 'United States', GB: 'United Kingdom', UK: 'United Kingdom', CA: 'Canada' };

/**
 * The phones and emails Concord shows, and so the only ones an update may match, reuse or
 * delete. A historic one "should no longer be used" (the vendor's mpdx-phones.txt): it stays in MPDX
 * as it is, untouched by any edit in Concord.
 */
export const isShown = (r: JsonApiResource): boolean =>
  r.attributes.historic !== true && !!str(r.attributes[r.type === 'email_addresses' ? 'email' : 'number']);

/** Sources whose number, email and location MPDX lets a client change (docs/vendors/mpdx.md#source-locked-fields). */
export const EDITABLE_SOURCES = ['MPDX', 'TntImport', 'manual'];
export const isSourceLocked = (r: JsonApiResource): boolean => !EDITABLE_SOURCES.includes(String(r.attributes.source ?? 'MPDX'));

/**
 * The number MPDX stores for an entry: E.164, with the extension as a `;ext=` suffix
 * (docs/vendors/mpdx.md#validation). The extension is kept in `raw` when read, so an edit elsewhere never drops it.
 */
export function mpdxNumber(p: { e164?: string | null; raw: string }, region = 'US'): string {
  const parsed = parsePhoneNumberFromString(p.raw.replace(/;ext=/i, ' ext. '), region.toUpperCase() as CountryCode);
  const base = p.e164 ?? parsed?.number ?? p.raw.trim();
  return parsed?.ext ? `${base};ext=${parsed.ext}` : base;
}

/** What two stored or wanted numbers are compared by: their digits and extension. */
export function phoneKey(number: unknown): string {
  const [n, ext] = String(number ?? '').split(';ext=');
  const d = (n ?? '').replace(/\D/g, '');
  return `${d.length === 10 ? `1${d}` : d};${ext ?? ''}`;
}

export const mpdxRemoteId = (b: Pick<MpdxBundle, 'contact' | 'person'>): string => `${b.contact.id}/${b.person.id}`;

export function primaryAddress(b: MpdxBundle): JsonApiResource | undefined {
  const live = b.addresses.filter((a) => a.attributes.deleted !== true && a.attributes.historic !== true);
  return live.find((a) => a.attributes.primary_mailing_address === true) ?? live[0];
}

/** MPDX's `valid_values: false` says the number or address "is not accurate": kept as read, never written. */
const accuracy = (r: JsonApiResource): { notAccurate?: string } =>
  r.attributes.valid_values === false ? { notAccurate: 'marked not accurate in MPDX' } : {};

export function mpdxToCanonical(b: MpdxBundle, region = 'US'): CanonicalContact {
  const p = b.person.attributes;
  const k = b.contact.attributes;
  const c: CanonicalContact = {};
  if (str(p.first_name)) c.givenName = str(p.first_name);
  if (str(p.last_name)) c.familyName = str(p.last_name);
  const y = Number(p.birthday_year);
  const m = Number(p.birthday_month);
  const d = Number(p.birthday_day);
  if (y && m && d) c.birthDate = `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
  if (str(p.employer)) c.company = str(p.employer);
  if (str(p.occupation)) c.role = str(p.occupation);
  const emails = b.emails.filter(isShown);
  if (emails.length)
    c.emails = emails.map((e) => ({
      address: String(e.attributes.email),
      primary: e.attributes.primary === true,
      label: str(e.attributes.location),
      ...accuracy(e),
    }));
  const phones = b.phones.filter(isShown);
  if (phones.length) {
    c.phones = phones.map((x) => {
      const number = String(x.attributes.number);
      return {
        ...phoneEntry(number, {
          region,
          label: str(x.attributes.location),
          primary: x.attributes.primary === true,
          mobile: x.attributes.location === 'mobile' ? true : undefined,
        }),
        ...accuracy(x),
      };
    });
  }
  const a = primaryAddress(b)?.attributes;
  if (a) {
    const address = {
      street1: str(a.street),
      city: str(a.city),
      region: str(a.state),
      postalCode: str(a.postal_code),
      country: str(a.country) ? (COUNTRY_IN[str(a.country)!] ?? str(a.country)) : null,
    };
    if (Object.values(address).some(Boolean))
      c.address = Object.fromEntries(Object.entries(address).filter(([, v]) => v)) as CanonicalContact['address'];
  }
  if (str(k.notes)) c.notes = str(k.notes);
  if (Array.isArray(k.tag_list) && k.tag_list.length) c.tags = (k.tag_list as unknown[]).map(String);
  if (str(k.timezone)) c.timeZone = str(k.timezone);
  return c;
}

export function mpdxVersions(b: MpdxBundle): Record<string, string> {
  const v: Record<string, string> = {};
  const token = (r: JsonApiResource): string => String(r.attributes.updated_in_db_at ?? r.attributes.updated_at ?? '');
  v.contact = token(b.contact);
  v.person = token(b.person);
  for (const x of b.phones) v[`phone:${x.id}`] = token(x);
  for (const x of b.emails) v[`email:${x.id}`] = token(x);
  for (const x of b.addresses) v[`address:${x.id}`] = token(x);
  return v;
}

/** Newest updated_at in a bundle, for the incremental pull's checkpoint. */
export function newestUpdate(b: MpdxBundle): number {
  return Math.max(
    ...[b.contact, b.person, ...b.phones, ...b.emails, ...b.addresses].map((r) => Date.parse(String(r.attributes.updated_at ?? '')) || 0),
  );
}

export function personAttrs(patch: Partial<CanonicalContact>): Record<string, unknown> {
  const a: Record<string, unknown> = {};
  if ('givenName' in patch) a.first_name = patch.givenName ?? null;
  if ('familyName' in patch) a.last_name = patch.familyName ?? null;
  if ('company' in patch) a.employer = patch.company ?? null;
  if ('role' in patch) a.occupation = patch.role ?? null;
  if ('birthDate' in patch) {
    const [y, m, d] = (patch.birthDate ?? '').split('-').map(Number);
    Object.assign(a, { birthday_year: y || null, birthday_month: m || null, birthday_day: d || null });
  }
  return a;
}

export function contactAttrs(patch: Partial<CanonicalContact>): Record<string, unknown> {
  const a: Record<string, unknown> = {};
  if ('notes' in patch) a.notes = patch.notes ?? null;
  if ('tags' in patch) a.tag_list = patch.tags ?? [];
  if ('timeZone' in patch) a.timezone = patch.timeZone ?? null;
  return a;
}

export function addressAttrs(a: NonNullable<CanonicalContact['address']>): Record<string, unknown> {
  return {
    street: a.street1 ?? null,
    city: a.city ?? null,
    state: a.region ?? null,
    postal_code: a.postalCode ?? null,
    country: a.country ? (COUNTRY_OUT[a.country.toUpperCase()] ?? a.country) : null,
  };
}

/**
 * MPDX_RULES, plus MPDX's one-email-per-person uniqueness (case-insensitive), and the address
 * parts an MPDX address has no place for (street, city, state, postal_code, country only).
 */
export function validateMpdx(patch: Partial<CanonicalContact>, opts: ValidateOptions = {}): FieldProblem[] {
  const out = checkFields(MPDX_RULES, patch, { region: opts.region ?? 'US', now: opts.now });
  const seen = new Set<string>();
  for (const e of patch.emails ?? []) {
    const k = e.address.trim().toLowerCase();
    if (seen.has(k)) out.push({ field: 'emails', message: `emails: ${e.address} is listed twice; MPDX keeps each email once per person` });
    seen.add(k);
  }
  out.push(...addressPartsNotHeld(patch, MPDX_FIELDS.addressParts, 'MPDX'));
  return out;
}
