// CallTools contact JSON <-> canonical contact. Nested phone_numbers/email_addresses are
// read-only; writes go through the flat mobile_phone_number, home_phone_number and
// personal_email_address fields (README §1).
import type { CanonicalContact, PhoneEntry } from '../../../../shared/domain';
import type { FieldSupport } from '../connector';
import { phoneEntry } from '../../normalize/phone';
import { checkFields, type FieldProblem, type ValidateOptions } from '../field-rules';
import { CALLTOOLS_RULES } from './rules';

export type CallToolsJson = Record<string, unknown>;

export const CALLTOOLS_FIELDS = {
  read: ['givenName', 'familyName', 'emails', 'phones', 'address', 'timeZone', 'doNotContact', 'birthDate'],
  // Tags are integer ids in CallTools with no name lookup documented, so Concord leaves them alone.
  write: ['givenName', 'familyName', 'emails', 'phones', 'address', 'timeZone', 'doNotContact', 'birthDate'],
  // Which number is the mobile one decides its flat slot (mobile_phone_number vs home_phone_number).
  parts: ['phones.mobile'],
} as const satisfies FieldSupport;

const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v : null);

export function callToolsToCanonical(j: CallToolsJson, region = 'US'): CanonicalContact {
  const c: CanonicalContact = {};
  if (str(j.first_name)) c.givenName = str(j.first_name);
  if (str(j.last_name)) c.familyName = str(j.last_name);
  const emails = (Array.isArray(j.email_addresses) ? j.email_addresses : []) as CallToolsJson[];
  if (emails.length) c.emails = emails.filter((e) => str(e.email)).map((e, i) => ({ address: String(e.email), primary: i === 0, doNotContact: e.do_not_contact === true, label: str(e.contact_field) }));
  const phones = (Array.isArray(j.phone_numbers) ? j.phone_numbers : []) as CallToolsJson[];
  if (phones.length) {
    c.phones = phones
      .filter((p) => str(p.phone_number))
      .map((p, i): PhoneEntry => {
        const cc = Number(p.e164_country_code ?? 1);
        const entry = phoneEntry(`+${cc}${String(p.phone_number).replace(/\D/g, '')}`, { region, mobile: p.is_mobile === true, primary: i === 0, label: str(p.contact_field) });
        return { ...entry, raw: String(p.phone_number), doNotContact: p.do_not_contact === true };
      });
  }
  const address = { street1: str(j.address), city: str(j.city), region: str(j.state), postalCode: str(j.zip_code), county: str(j.county), country: str(j.country) };
  if (Object.values(address).some(Boolean)) c.address = Object.fromEntries(Object.entries(address).filter(([, v]) => v)) as CanonicalContact['address'];
  if (str(j.time_zone)) c.timeZone = str(j.time_zone);
  if (typeof j.do_not_contact === 'boolean') c.doNotContact = j.do_not_contact;
  if (str(j.birthday)) c.birthDate = str(j.birthday);
  return c;
}

/**
 * The flat fields for a patch. Only fields present in `patch` are sent; blank values are left
 * out of creates because CallTools' upsert lets a blank overwrite a stored value.
 */
export function canonicalToCallTools(patch: Partial<CanonicalContact>, opts: { forCreate?: boolean } = {}): CallToolsJson {
  const b: CallToolsJson = {};
  if ('givenName' in patch) b.first_name = patch.givenName ?? null;
  if ('familyName' in patch) b.last_name = patch.familyName ?? null;
  if ('emails' in patch) b.personal_email_address = patch.emails?.[0]?.address ?? null;
  if ('phones' in patch) {
    const mobile = patch.phones?.find((p) => p.mobile) ?? patch.phones?.[0];
    const home = patch.phones?.find((p) => p !== mobile);
    b.mobile_phone_number = mobile ? (mobile.e164 ?? mobile.raw) : null;
    b.home_phone_number = home ? (home.e164 ?? home.raw) : null;
  }
  if ('address' in patch) {
    const a = patch.address ?? {};
    Object.assign(b, { address: a.street1 ?? null, city: a.city ?? '', state: a.region ?? '', zip_code: a.postalCode ?? '', county: a.county ?? '', country: a.country ?? '' });
  }
  if ('timeZone' in patch) b.time_zone = patch.timeZone ?? null;
  if ('doNotContact' in patch) b.do_not_contact = patch.doNotContact ?? false;
  if ('birthDate' in patch) b.birthday = patch.birthDate ?? null;
  if (opts.forCreate) for (const [k, v] of Object.entries(b)) if (v === null || v === '') delete b[k];
  return b;
}

/** CALLTOOLS_RULES on the patch (lengths, email, phone, birthday); the region defaults to the connector's. */
export function validateCallTools(patch: Partial<CanonicalContact>, opts: ValidateOptions = {}): FieldProblem[] {
  return checkFields(CALLTOOLS_RULES, patch, { region: opts.region ?? 'US', now: opts.now });
}
