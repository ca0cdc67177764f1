// LiveVox contact JSON <-> canonical (README §3). The person block holds names, email, birth
// date (epoch ms, 0 = unset) and ZIP; phones carry ordinals 1–10 and search results pad the
// list to ten with empty slots (no `phone` key), which are dropped here.
import type { CanonicalContact, CanonicalField } from '../../../../shared/domain';
import { parseDate } from '../../normalize/dates';
import { phoneEntry } from '../../normalize/phone';
import { checkFields, type FieldProblem, type ValidateOptions } from '../field-rules';
import { LIVEVOX_RULES } from './rules';

export type LiveVoxJson = Record<string, unknown>;

export const LIVEVOX_FIELDS = {
  read: ['givenName', 'familyName', 'emails', 'phones', 'address', 'birthDate', 'externalRef', 'custom'],
  write: ['givenName', 'familyName', 'emails', 'phones', 'address', 'birthDate'],
} as const satisfies { read: readonly CanonicalField[]; write: readonly CanonicalField[] };

// LiveVox spells countries as enum names.
const COUNTRY_TO_LV: Record<string, string> = { US: 'UNITED_STATES_OF_AMERICA', USA: 'UNITED_STATES_OF_AMERICA', GB: 'UNITED_KINGDOM', UK: 'UNITED_KINGDOM', CA: 'CANADA' };
const LV_TO_COUNTRY: Record<string, string> = { UNITED_STATES_OF_AMERICA: 'US', UNITED_KINGDOM: 'GB', CANADA: 'CA' };

const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v.trim() : typeof v === 'number' ? String(v) : null);

interface LvPhone {
  phone?: string;
  ordinal?: number | string;
  [k: string]: unknown;
}

/** Real phone entries only: padded slots have no `phone`. */
export function realPhones(j: LiveVoxJson): LvPhone[] {
  return (Array.isArray(j.phone) ? (j.phone as LvPhone[]) : []).filter((p) => p && typeof p.phone === 'string' && p.phone.trim() !== '');
}

export function liveVoxToCanonical(j: LiveVoxJson, region = 'US'): CanonicalContact {
  const c: CanonicalContact = {};
  const person = (j.person ?? {}) as LiveVoxJson;
  if (str(person.firstName)) c.givenName = str(person.firstName);
  if (str(person.lastName)) c.familyName = str(person.lastName);
  if (str(person.email)) c.emails = [{ address: str(person.email)!, primary: true }];
  const dob = typeof person.dateOfBirth === 'number' || typeof person.dateOfBirth === 'string' ? parseDate(Number(person.dateOfBirth) || null) : null;
  if (dob) c.birthDate = dob;
  const phones = realPhones(j).sort((a, b) => Number(a.ordinal) - Number(b.ordinal));
  if (phones.length) c.phones = phones.map((p, i) => ({ ...phoneEntry(String(p.phone), { region, label: `ordinal ${Number(p.ordinal)}`, primary: i === 0, mobile: p.cellConsent === true ? true : undefined }), doNotContact: p.dnd === true }));
  const country = str(j.country);
  const address = { street1: str(j.address1), street2: str(j.address2), city: str(j.city), region: str(j.state), postalCode: str(person.zipCode), country: country ? (LV_TO_COUNTRY[country] ?? country) : null };
  if (Object.values(address).some(Boolean)) c.address = Object.fromEntries(Object.entries(address).filter(([, v]) => v)) as CanonicalContact['address'];
  if (str(j.account)) c.externalRef = str(j.account);
  if (Array.isArray(j.customFields) && j.customFields.length) {
    c.custom = Object.fromEntries((j.customFields as { field?: unknown; value?: unknown }[]).filter((f) => f.value != null).map((f) => [String(f.field), String(f.value)]));
  }
  return c;
}

const epochOf = (iso: string | null | undefined): number => (iso ? Date.parse(`${iso}T12:00:00Z`) : 0);

/**
 * The whole contact body for a write, rebuilt from the last server copy with the patch laid
 * over it, so fields Concord does not map (balance, guarantor, consents, custom fields…) are
 * sent back unchanged. Read-only and bookkeeping fields are left out.
 */
export function canonicalToLiveVox(patch: Partial<CanonicalContact>, raw: LiveVoxJson = {}): LiveVoxJson {
  const { createDate: _c1, modifyDate: _m1, createdDate: _c2, modifiedDate: _m2, id: _id, callAttemptsToday: _a, callAttemptsTotal: _b, callAttemptsLifetime: _l, initialLoad: _i, lastLoad: _ll, agentId: _ag, ...body } = raw;
  const person: LiveVoxJson = { ...((raw.person as LiveVoxJson) ?? {}) };
  if ('givenName' in patch) person.firstName = patch.givenName ?? null;
  if ('familyName' in patch) person.lastName = patch.familyName ?? null;
  if ('emails' in patch) person.email = patch.emails?.[0]?.address ?? null;
  if ('birthDate' in patch) person.dateOfBirth = epochOf(patch.birthDate);
  if ('address' in patch) person.zipCode = patch.address?.postalCode ?? null;
  body.person = person;
  if ('phones' in patch) {
    const existing = realPhones(raw);
    body.phone = (patch.phones ?? []).slice(0, 10).map((p, i) => {
      const digits = (p.e164 ?? p.raw).replace(/\D/g, '').replace(/^1(\d{10})$/, '$1');
      const kept = existing.find((e) => String(e.phone).replace(/\D/g, '') === digits);
      const { position: _p, ...rest } = kept ?? {};
      return { ...rest, phone: digits, ordinal: i + 1 };
    });
  } else if (Array.isArray(raw.phone)) {
    body.phone = realPhones(raw).map(({ position: _p, ...rest }) => rest);
  }
  if ('address' in patch) {
    const a = patch.address ?? {};
    Object.assign(body, { address1: a.street1 ?? null, address2: a.street2 ?? null, city: a.city ?? null, state: a.region ?? null, country: a.country ? (COUNTRY_TO_LV[a.country.toUpperCase()] ?? a.country) : null });
  }
  // groupId is a string in requests (a number in responses).
  if (body.groupId !== undefined && body.groupId !== null) body.groupId = String(body.groupId);
  return body;
}

/** LIVEVOX_RULES on the patch (at most ten phones, each a number; email; birth date). */
export function validateLiveVox(patch: Partial<CanonicalContact>, opts: ValidateOptions = {}): FieldProblem[] {
  return checkFields(LIVEVOX_RULES, patch, { region: opts.region ?? 'US', now: opts.now });
}
