// BigChange contact JSON <-> canonical (README §5). The REST model has one `name`, an address
// split into street/town/postalCode/country, a location, free text and custom fields; `email`
// and `phone` come from the legacy web-service columns (inferred to be the same table).
import { createHash } from 'node:crypto';
import { nonBlank, splitFullName } from '../../normalize/names';
import type { CanonicalContact, CanonicalField } from '../../../../shared/domain';
import { phoneEntry } from '../../normalize/phone';
import { checkFields, type FieldProblem, type ValidateOptions } from '../field-rules';
import { BIGCHANGE_RULES } from './rules';

export type BigChangeJson = Record<string, unknown>;

export const BIGCHANGE_FIELDS = {
  read: ['givenName', 'familyName', 'fullName', 'emails', 'phones', 'address', 'notes', 'externalRef', 'location', 'custom'],
  write: ['givenName', 'familyName', 'fullName', 'emails', 'phones', 'address', 'notes', 'externalRef', 'location'],
} as const satisfies { read: readonly CanonicalField[]; write: readonly CanonicalField[] };

const str = nonBlank;

export function bigChangeToCanonical(j: BigChangeJson, region = 'GB'): CanonicalContact {
  const c: CanonicalContact = {};
  const name = str(j.name);
  if (name) {
    c.fullName = name;
    const { given, family } = splitFullName(name);
    c.givenName = given;
    if (family) c.familyName = family;
  }
  if (str(j.email)) c.emails = [{ address: str(j.email)!, primary: true }];
  if (str(j.phone)) c.phones = [phoneEntry(str(j.phone)!, { region, primary: true })];
  const address = { street1: str(j.street), city: str(j.town), postalCode: str(j.postalCode), country: str(j.country) };
  if (Object.values(address).some(Boolean)) c.address = Object.fromEntries(Object.entries(address).filter(([, v]) => v)) as CanonicalContact['address'];
  if (str(j.extraInformation)) c.notes = str(j.extraInformation);
  if (str(j.reference)) c.externalRef = str(j.reference);
  const loc = j.location as { latitude?: unknown; longitude?: unknown } | null | undefined;
  if (loc && typeof loc.latitude === 'number' && typeof loc.longitude === 'number') c.location = { lat: loc.latitude, lng: loc.longitude };
  if (Array.isArray(j.customFields) && j.customFields.length) {
    c.custom = Object.fromEntries((j.customFields as { definitionId?: unknown; value?: unknown }[]).filter((f) => f.value != null).map((f) => [String(f.definitionId), String(f.value)]));
  }
  return c;
}

/** Only the fields in the patch: BigChange keeps omitted fields, `null` unsets a nullable one. */
export function canonicalToBigChange(patch: Partial<CanonicalContact>, current: CanonicalContact = {}): BigChangeJson {
  const b: BigChangeJson = {};
  if ('givenName' in patch || 'familyName' in patch || 'fullName' in patch) {
    const m = { ...current, ...patch };
    b.name = m.givenName || m.familyName ? [m.givenName, m.familyName].filter(Boolean).join(' ') : (m.fullName ?? '');
  }
  if ('emails' in patch) b.email = patch.emails?.[0]?.address ?? null;
  if ('phones' in patch) b.phone = patch.phones?.[0] ? (patch.phones[0].e164 ?? patch.phones[0].raw) : null;
  if ('address' in patch) {
    const a = patch.address ?? {};
    Object.assign(b, { street: a.street1 ?? null, town: a.city ?? null, postalCode: a.postalCode ?? null, country: a.country ?? null });
  }
  if ('notes' in patch) b.extraInformation = patch.notes ?? null;
  if ('externalRef' in patch) b.reference = patch.externalRef ?? null;
  if ('location' in patch && patch.location) b.location = { latitude: patch.location.lat, longitude: patch.location.lng };
  return b;
}

/** BigChange has no modification time: the version token is a hash of the stored record. */
export function bigChangeContentHash(j: BigChangeJson): string {
  const stable = (v: unknown): unknown =>
    Array.isArray(v) ? v.map(stable) : v && typeof v === 'object' ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, stable((v as Record<string, unknown>)[k])])) : v;
  return createHash('sha256').update(JSON.stringify(stable(j))).digest('hex').slice(0, 32);
}

/** BIGCHANGE_RULES on the patch and on the `name` it builds (only when the patch touches a name part). */
export function validateBigChange(patch: Partial<CanonicalContact>, opts: ValidateOptions = {}): FieldProblem[] {
  return checkFields(BIGCHANGE_RULES, patch, { region: opts.region ?? 'GB', now: opts.now, body: canonicalToBigChange(patch, opts.current) });
}
