// Lightening contact JSON <-> canonical. One `name` field (we split it for given/family on
// read and write the display name back), up to three emails, tel/tel1/mobile phones.
// Booleans and ids come back as strings (README §4).
import type { FieldSupport } from '../connector';
import type { CanonicalContact } from '../../../../shared/domain';
import { nonBlank, splitFullName } from '../../normalize/names';
import { phoneEntry } from '../../normalize/phone';
import { checkFields, type FieldProblem, type ValidateOptions } from '../field-rules';
import { LIGHTENING_RULES } from './rules';

export type LighteningJson = Record<string, unknown>;

export const LIGHTENING_FIELDS = {
  read: ['givenName', 'familyName', 'fullName', 'emails', 'phones', 'company', 'department', 'role', 'externalRef'],
  write: ['givenName', 'familyName', 'fullName', 'emails', 'phones', 'department', 'role', 'externalRef'],
  // No parts: which number is the mobile follows the slot's label as well as the flag, so a
  // flag-only edit does not move it reliably (issue 11 keeps tel/tel1/mobile slots).
  parts: [],
} as const satisfies FieldSupport;

const str = nonBlank;

export function lighteningToCanonical(j: LighteningJson, region = 'US'): CanonicalContact {
  const c: CanonicalContact = {};
  const name = str(j.name);
  if (name) {
    c.fullName = name;
    const { given, family } = splitFullName(name);
    c.givenName = given;
    if (family) c.familyName = family;
  }
  const emails = ['email', 'email2', 'email3'].map((k) => str(j[k])).filter((e): e is string => !!e);
  if (emails.length) c.emails = emails.map((address, i) => ({ address, primary: i === 0 }));
  const phones = (
    [
      ['mobile', 'mobile'],
      ['tel', 'work'],
      ['tel1', 'other'],
    ] as const
  )
    .filter(([k]) => str(j[k]))
    .map(([k, label], i) => phoneEntry(String(j[k]), { region, label, mobile: k === 'mobile', primary: i === 0 }));
  if (phones.length) c.phones = phones;
  if (str(j.customer_name)) c.company = str(j.customer_name);
  if (str(j.department)) c.department = str(j.department);
  if (str(j.role)) c.role = str(j.role);
  if (str(j.customer_custom_identifier)) c.externalRef = str(j.customer_custom_identifier);
  return c;
}

/** Fields for a write. `name` is required on every Lightening write, so it always goes. */
export function canonicalToLightening(patch: Partial<CanonicalContact>, current: CanonicalContact): LighteningJson {
  const merged = { ...current, ...patch };
  const b: LighteningJson = { name: lighteningName(merged) };
  if ('emails' in patch) ['email', 'email2', 'email3'].forEach((k, i) => (b[k] = patch.emails?.[i]?.address ?? ''));
  if ('phones' in patch) {
    const list = patch.phones ?? [];
    const mobile = list.find((p) => p.mobile || p.label === 'mobile');
    const rest = list.filter((p) => p !== mobile);
    b.mobile = mobile ? (mobile.e164 ?? mobile.raw) : '';
    b.tel = rest[0] ? (rest[0].e164 ?? rest[0].raw) : '';
    b.tel1 = rest[1] ? (rest[1].e164 ?? rest[1].raw) : '';
  }
  if ('department' in patch) b.department = patch.department ?? '';
  if ('role' in patch) b.role = patch.role ?? '';
  if ('externalRef' in patch) b.customer_custom_identifier = patch.externalRef ?? '';
  return b;
}

function lighteningName(c: Partial<CanonicalContact>): string {
  if (c.givenName || c.familyName) return [c.givenName, c.familyName].filter(Boolean).join(' ');
  // No name at all stays empty so validation can say so (Lightening requires one).
  return c.fullName ?? c.company ?? '';
}

/**
 * LIGHTENING_RULES on the patch and on the `name` it builds. With no `current` (a bare patch),
 * the name is checked only if the patch touches it.
 */
export function validateLightening(patch: Partial<CanonicalContact>, opts: ValidateOptions = {}): FieldProblem[] {
  const body = canonicalToLightening(patch, opts.current ?? {});
  const touchesName = opts.current !== undefined || 'givenName' in patch || 'familyName' in patch || 'fullName' in patch;
  if (!touchesName) delete body.name;
  return checkFields(LIGHTENING_RULES, patch, { region: opts.region ?? 'US', now: opts.now, body });
}
