// BigChange contact JSON <-> canonical (the vendor's bigchange-contacts.txt, docs/vendors/bigchange.md). The contact
// model has one `name`, an address split into street/town/postalCode/country, a location, free
// text, a reference and custom fields. It has no email and no phone: Concord neither reads nor
// writes them here (the legacy web service had such columns; the REST model does not).
import crypto from 'node:crypto';
import { canonicalCountry, countryName, sameCountry } from '../../normalize/countries';
import { nonBlank } from '../../normalize/names';
import type { CanonicalContact } from '../../../../shared/domain';
import { addressPartsNotHeld, checkFields, type FieldProblem, type ValidateOptions } from '../field-rules';
import type { FieldSupport } from '../connector';
import { stableJson } from '../stable-json';
import { readName, writeName } from './name';
import { BIGCHANGE_RULES } from './rules';

export type BigChangeJson = Record<string, unknown>;

export const BIGCHANGE_FIELDS = {
  read: ['givenName', 'familyName', 'fullName', 'address', 'notes', 'externalRef', 'location', 'custom'],
  write: ['givenName', 'familyName', 'fullName', 'address', 'notes', 'externalRef', 'location'],
  // street, town, postalCode and country: no second street line, state or county.
  addressParts: ['street1', 'city', 'postalCode', 'country'],
} as const satisfies FieldSupport;

const str = nonBlank;

export function bigChangeToCanonical(j: BigChangeJson): CanonicalContact {
  const c: CanonicalContact = {};
  const name = str(j.name);
  if (name) {
    c.fullName = name;
    // A suffix or a title stays in the name, in neither part (name.ts).
    const { given, family } = readName(name);
    c.givenName = given || name;
    if (family) c.familyName = family;
  }
  // The country is held as its name ("The textual name of the contact address country"); a
  // name or a code read back is the same canonical value (ISO alpha-2 where known).
  const address = { street1: str(j.street), city: str(j.town), postalCode: str(j.postalCode), country: canonicalCountry(str(j.country)) };
  if (Object.values(address).some(Boolean))
    c.address = Object.fromEntries(Object.entries(address).filter(([, v]) => v)) as CanonicalContact['address'];
  if (str(j.extraInformation)) c.notes = str(j.extraInformation);
  if (str(j.reference)) c.externalRef = str(j.reference);
  const loc = j.location as { latitude?: unknown; longitude?: unknown } | null | undefined;
  if (loc && typeof loc.latitude === 'number' && typeof loc.longitude === 'number') c.location = { lat: loc.latitude, lng: loc.longitude };
  if (Array.isArray(j.customFields) && j.customFields.length) {
    c.custom = Object.fromEntries(
      (j.customFields as { definitionId?: unknown; value?: unknown }[])
        .filter((f) => f.value != null)
        .map((f) => [String(f.definitionId), String(f.value)]),
    );
  }
  return c;
}

const ADDRESS_PARTS = [
  ['street1', 'street'],
  ['city', 'town'],
  ['postalCode', 'postalCode'],
  ['country', 'country'],
] as const;

/**
 * Only the fields in the patch: BigChange keeps omitted fields, `null` unsets a nullable one.
 * With `current`, an address sends only the parts that changed (a blank the server holds as ""
 * is not turned into null behind the person's back).
 */
export function canonicalToBigChange(
  patch: Partial<CanonicalContact>,
  current: CanonicalContact = {},
  opts: { onlyChanged?: boolean } = {},
): BigChangeJson {
  const b: BigChangeJson = {};
  if ('givenName' in patch || 'familyName' in patch) {
    const m = { ...current, ...patch };
    // The name BigChange holds with only the changed part replaced (name.ts); a create starts
    // from the person's full name, which keeps a suffix the parts do not carry.
    const held = current.fullName ?? patch.fullName;
    b.name = m.givenName || m.familyName ? writeName(held, { given: m.givenName, family: m.familyName }) : (m.fullName ?? '');
    if (opts.onlyChanged && b.name === current.fullName) delete b.name;
  } else if ('fullName' in patch) {
    // The whole name typed: it is the name (rebuilding it from the old given and family parts lost the edit).
    b.name = patch.fullName ?? '';
  }
  if ('address' in patch) {
    const a = patch.address ?? {};
    for (const [part, key] of ADDRESS_PARTS) {
      const v = a[part] ?? null;
      if (opts.onlyChanged && samePart(part, v, current.address?.[part])) continue;
      b[key] = part === 'country' ? countryName(v) : v;
    }
  }
  if ('notes' in patch) b.extraInformation = patch.notes ?? null;
  if ('externalRef' in patch) b.reference = patch.externalRef ?? null;
  // location is required and not nullable: a clear is refused in validateBigChange, never sent.
  if ('location' in patch && patch.location) b.location = { latitude: patch.location.lat, longitude: patch.location.lng };
  return b;
}

/**
 * Whether an address part is what BigChange holds already. A country is compared by meaning, so
 * a "UK" BigChange holds is left as it is, not rewritten as "United Kingdom", unless it changed.
 */
function samePart(part: (typeof ADDRESS_PARTS)[number][0], v: string | null | undefined, held: string | null | undefined): boolean {
  return part === 'country' ? sameCountry(str(v), str(held)) : (str(v) ?? null) === (str(held) ?? null);
}

/** The parts of `address` that differ from `current` (as a push compares them). */
function changedParts(
  address: NonNullable<CanonicalContact['address']>,
  current: NonNullable<CanonicalContact['address']>,
): CanonicalContact['address'] {
  const out: Record<string, unknown> = {};
  for (const [part] of ADDRESS_PARTS) if (!samePart(part, address[part], current[part])) out[part] = address[part];
  return out as CanonicalContact['address'];
}

/** BigChange has no modification time: the version token is a hash of the stored record. */
export function bigChangeContentHash(j: BigChangeJson): string {
  // Written straight out with sorted keys (stable-json.ts), the same text as the sorted copy
  // below: 4.6 → 2.7 µs a record. The copy is for what that does not write (index-like keys).
  return sha256Hex(stableJson(j) ?? JSON.stringify(sortedCopy(j))).slice(0, 32);
}

/** The value with each object rebuilt from its keys in sorted order. */
export function sortedCopy(v: unknown): unknown {
  return Array.isArray(v)
    ? v.map(sortedCopy)
    : v && typeof v === 'object'
      ? Object.fromEntries(
          Object.keys(v)
            .sort()
            .map((k) => [k, sortedCopy((v as Record<string, unknown>)[k])]),
        )
      : v;
}

/** SHA-256 in one call (Node ≥ 20.12); createHash where it is missing. */
const sha256Hex: (s: string) => string =
  typeof crypto.hash === 'function' ? (s) => crypto.hash('sha256', s, 'hex') : (s) => crypto.createHash('sha256').update(s).digest('hex');

/** Why BigChange cannot hold a field it has no place for (its contact model lacks it). */
export const NO_PLACE: Partial<Record<keyof CanonicalContact, string>> = {
  emails: 'BigChange cannot hold an email address: its contact model has no email field',
  phones: 'BigChange cannot hold a phone number: its contact model has no phone field',
};

/**
 * BIGCHANGE_RULES on the patch and on the `name` it builds (only when the patch touches a name
 * part); a location is required (create model "location object required") so it cannot be
 * cleared, and must be a real coordinate; emails and phones have no place at all.
 */
export function validateBigChange(patch: Partial<CanonicalContact>, opts: ValidateOptions = {}): FieldProblem[] {
  // An address edit sends only the parts that changed (canonicalToBigChange, onlyChanged), so only
  // those are judged: a part BigChange already holds beyond its limit, which the person did not
  // touch, is not sent and must not block an edit of the town beside it.
  const judged = patch.address && opts.current?.address ? { ...patch, address: changedParts(patch.address, opts.current.address) } : patch;
  const out = checkFields(BIGCHANGE_RULES, judged, {
    region: opts.region ?? 'GB',
    now: opts.now,
    body: canonicalToBigChange(patch, opts.current),
  });
  out.push(...addressPartsNotHeld(judged, BIGCHANGE_FIELDS.addressParts, 'BigChange'));
  for (const [f, message] of Object.entries(NO_PLACE)) {
    const v = patch[f as keyof CanonicalContact];
    if (Array.isArray(v) && v.length) out.push({ field: f, message: `${f}: ${message}` });
  }
  if ('location' in patch) {
    const l = patch.location;
    if (!l) out.push({ field: 'location', message: 'location: BigChange needs a location for every contact; it cannot be cleared' });
    else if (!Number.isFinite(l.lat) || l.lat < -90 || l.lat > 90 || !Number.isFinite(l.lng) || l.lng < -180 || l.lng > 180)
      out.push({
        field: 'location',
        message: `location: ${l.lat}, ${l.lng} is not a place on Earth (latitude -90…90, longitude -180…180)`,
      });
  }
  return out;
}
