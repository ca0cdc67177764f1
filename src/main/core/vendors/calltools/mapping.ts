// CallTools contact JSON <-> canonical contact. Nested phone_numbers/email_addresses are
// read-only; writes go through the flat home_phone_number, mobile_phone_number and
// personal_email_address fields (docs/vendors/calltools.md). Those three are "string, maxLength 255" with no
// x-nullable in the document, so a blank clears them, never null.
import type { CanonicalContact, EmailEntry, PhoneEntry } from '../../../../shared/domain';
import type { FieldSupport } from '../connector';
import { phoneEntry, toE164 } from '../../normalize/phone';
import { addressPartsNotHeld, checkFields, type FieldProblem, type ValidateOptions } from '../field-rules';
import { VendorError } from '../errors';
import { CALLTOOLS_RULES } from './rules';

export type CallToolsJson = Record<string, unknown>;

export const CALLTOOLS_FIELDS = {
  read: ['givenName', 'familyName', 'emails', 'phones', 'address', 'timeZone', 'doNotContact', 'birthDate'],
  // Tags are integer ids in CallTools with no name lookup documented, so Concord leaves them alone.
  write: ['givenName', 'familyName', 'emails', 'phones', 'address', 'timeZone', 'doNotContact', 'birthDate'],
  // Which number is the mobile one decides its flat slot (mobile_phone_number vs home_phone_number).
  parts: ['phones.mobile'],
  // address, city, state, zip_code, county, country: no second street line.
  addressParts: ['street1', 'city', 'region', 'postalCode', 'county', 'country'],
} as const satisfies FieldSupport;

type Slot = 'home_phone_number' | 'mobile_phone_number';
const SLOTS: readonly Slot[] = ['home_phone_number', 'mobile_phone_number'];

const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v : null);
const list = (v: unknown): CallToolsJson[] => (Array.isArray(v) ? v.filter((x): x is CallToolsJson => !!x && typeof x === 'object') : []);
const phoneKey = (text: string, region: string): string => toE164(text, region) ?? text.replace(/\D/g, '');
const entryKey = (p: PhoneEntry, region: string): string => p.e164 ?? phoneKey(p.raw ?? '', region);
const emailKey = (s: string): string => s.trim().toLowerCase();

/** A nested PhoneNumber as canonical: its national digits with e164_country_code (default 1). */
function nestedPhone(p: CallToolsJson, region: string, primary: boolean): PhoneEntry {
  const cc = Number(p.e164_country_code ?? 1) || 1;
  const raw = String(p.phone_number);
  const national = raw.replace(/\D/g, '');
  // A number stored with its country code already (+1503…) is not prefixed twice.
  const e164 = raw.trim().startsWith('+') ? toE164(raw, region) : (toE164(`+${cc}${national}`, region) ?? toE164(raw, region));
  const entry: PhoneEntry = { e164, raw: raw.trim(), mobile: p.is_mobile === true, primary };
  return { ...entry, ...dnc(p) };
}

// Why CallTools says not to contact: its own flag, or (for a number) the federal do-not-call list.
const CT_DNC = 'do not contact (CallTools)';
const CT_FDNC = 'federal do-not-call list (CallTools)';

/** A nested phone's or email's do-not-contact: `is_fdnc` (on the federal list) or `do_not_contact`. */
function dnc(x: CallToolsJson): { doNotContact: boolean; doNotContactWhy?: string } {
  if (x.is_fdnc === true) return { doNotContact: true, doNotContactWhy: CT_FDNC };
  if (x.do_not_contact === true) return { doNotContact: true, doNotContactWhy: CT_DNC };
  return { doNotContact: false };
}

export function callToolsToCanonical(j: CallToolsJson, region = 'US'): CanonicalContact {
  const c: CanonicalContact = {};
  if (str(j.first_name)) c.givenName = str(j.first_name);
  if (str(j.last_name)) c.familyName = str(j.last_name);
  // The nested lists are what CallTools holds; a flat slot with no nested record yet is added so
  // a later write cannot clear a number the person never saw.
  const emails: EmailEntry[] = list(j.email_addresses)
    .filter((e) => str(e.email))
    .map((e) => ({ address: String(e.email).trim(), ...dnc(e) }));
  const flatEmail = str(j.personal_email_address);
  if (flatEmail && !emails.some((e) => emailKey(e.address) === emailKey(flatEmail)))
    emails.push({ address: flatEmail.trim(), doNotContact: false });
  if (emails.length) c.emails = emails.map((e, i) => ({ ...e, primary: i === 0 }));
  const phones: PhoneEntry[] = list(j.phone_numbers)
    .filter((p) => str(p.phone_number))
    .map((p, i) => nestedPhone(p, region, i === 0));
  for (const slot of SLOTS) {
    const flat = str(j[slot]);
    if (flat && !phones.some((p) => entryKey(p, region) === phoneKey(flat, region)))
      phones.push({
        ...phoneEntry(flat, { region, mobile: slot === 'mobile_phone_number', primary: phones.length === 0 }),
        doNotContact: false,
      });
  }
  if (phones.length) c.phones = phones;
  const address = {
    street1: str(j.address),
    city: str(j.city),
    region: str(j.state),
    postalCode: str(j.zip_code),
    county: str(j.county),
    country: str(j.country),
  };
  if (Object.values(address).some(Boolean))
    c.address = Object.fromEntries(Object.entries(address).filter(([, v]) => v)) as CanonicalContact['address'];
  if (str(j.time_zone)) c.timeZone = str(j.time_zone);
  if (typeof j.do_not_contact === 'boolean') c.doNotContact = j.do_not_contact;
  if (j.do_not_contact === true) c.doNotContactWhy = CT_DNC;
  if (str(j.birthday)) c.birthDate = str(j.birthday);
  return c;
}

const refuse = (field: 'phones' | 'emails', message: string): never => {
  throw new VendorError({ kind: 'validation', message: `${field}: ${message}`, fieldErrors: { [field]: [`${field}: ${message}`] } });
};

/**
 * The flat phone fields for a new phone list. Each number stays in the slot it is in (raw is
 * the record as last read); only a changed mobile flag moves one (intent `phones.mobile`).
 * Numbers that came from elsewhere (nested records no flat field feeds) are left alone; they
 * cannot be removed through the API, so removing one is refused, as is a list that needs more
 * than the two slots. Returns only the slots that change.
 */
function phoneSlots(phones: PhoneEntry[], raw: CallToolsJson, region: string): CallToolsJson {
  const shown = (k: string) => phones.find((p) => entryKey(p, region) === k)?.raw || k;
  const cur: Record<Slot, string | null> = { home_phone_number: null, mobile_phone_number: null };
  for (const s of SLOTS) if (str(raw[s])) cur[s] = phoneKey(String(raw[s]), region);
  const wasMobile = new Map<string, boolean>();
  const flagged = new Set<string>();
  for (const p of list(raw.phone_numbers)) {
    if (!str(p.phone_number)) continue;
    const k = entryKey(nestedPhone(p, region, false), region);
    wasMobile.set(k, p.is_mobile === true);
    if (p.do_not_contact === true) flagged.add(k);
  }
  for (const s of SLOTS) if (cur[s] && !wasMobile.has(cur[s])) wasMobile.set(cur[s], s === 'mobile_phone_number');
  const wanted = new Map(phones.map((p) => [entryKey(p, region), p] as const));
  const inSlot = new Set(Object.values(cur).filter(Boolean));
  for (const k of wasMobile.keys())
    if (!wanted.has(k) && !inSlot.has(k))
      refuse(
        'phones',
        `${k} is not in CallTools' home or mobile phone field, the only ones Concord can write, so it cannot be removed here; remove it in CallTools`,
      );

  const next: Record<Slot, string | null> = { home_phone_number: null, mobile_phone_number: null };
  const flagChanged = (k: string) => wasMobile.has(k) && wasMobile.get(k) !== !!wanted.get(k)?.mobile;
  for (const s of SLOTS) if (cur[s] && wanted.has(cur[s]) && !flagChanged(cur[s])) next[s] = cur[s];
  // Numbers whose mobile flag the person changed go to the slot that says so.
  for (const [k, p] of wanted) {
    if (!flagChanged(k)) continue;
    // Writing a number held outside the flat fields into one would make a second nested record
    // of it (the document does not say CallTools merges them), so its flag stays as CallTools has it.
    if (!inSlot.has(k))
      refuse(
        'phones',
        `${shown(k)} is not in CallTools' home or mobile phone field, so whether it is a mobile number cannot be changed from Concord`,
      );
    // Moving a number to the other field makes a new nested record of it, without the
    // do-not-contact flag its record holds: that would lift it (whoever set it, whenever).
    if (flagged.has(k))
      refuse(
        'phones',
        `${shown(k)} is marked do not contact in CallTools; moving it between the home and mobile fields would drop that mark, so whether it is a mobile number cannot be changed from Concord`,
      );
    const want: Slot = p.mobile ? 'mobile_phone_number' : 'home_phone_number';
    if (cur[want] === k)
      refuse(
        'phones',
        `CallTools decides whether ${shown(k)} is a mobile number by the field it is in, and it is in the ${want === 'mobile_phone_number' ? 'mobile' : 'home'} field already; its flag cannot be changed from Concord`,
      );
    if (next[want])
      refuse(
        'phones',
        `CallTools holds one mobile and one home number; ${shown(k)} cannot be marked ${p.mobile ? '' : 'not '}mobile while ${shown(next[want])} ${p.mobile ? 'is' : 'is not'}`,
      );
    next[want] = k;
  }
  // New numbers take their flag's slot, else the one left.
  for (const [k, p] of wanted) {
    if (wasMobile.has(k)) continue;
    const order: Slot[] = p.mobile ? ['mobile_phone_number', 'home_phone_number'] : ['home_phone_number', 'mobile_phone_number'];
    const slot = order.find((s) => !next[s]);
    if (!slot)
      refuse('phones', `CallTools has two phone fields you can write (home and mobile), both in use; remove a number to add ${shown(k)}`);
    // A flag typed with the number must hold: the other field would say the opposite.
    if (p.mobile !== undefined && slot !== order[0])
      refuse(
        'phones',
        `CallTools holds one mobile and one home number; ${shown(k)} cannot be added as ${p.mobile ? '' : 'not '}mobile while ${shown(next[order[0]!]!)} ${p.mobile ? 'is' : 'is not'}`,
      );
    next[slot!] = k;
  }
  const body: CallToolsJson = {};
  for (const s of SLOTS) if (next[s] !== cur[s]) body[s] = next[s] ?? '';
  return body;
}

/** personal_email_address for a new email list; the same rules as phoneSlots, with one slot. */
function emailSlot(emails: EmailEntry[], raw: CallToolsJson): CallToolsJson {
  const cur = str(raw.personal_email_address) ? emailKey(String(raw.personal_email_address)) : null;
  const held = new Set(
    list(raw.email_addresses)
      .filter((e) => str(e.email))
      .map((e) => emailKey(String(e.email))),
  );
  const wanted = new Set(emails.map((e) => emailKey(e.address)));
  for (const k of held)
    if (!wanted.has(k) && k !== cur)
      refuse(
        'emails',
        `${k} is not in CallTools' personal email field, the only one Concord can write, so it cannot be removed here; remove it in CallTools`,
      );
  const added = [...wanted].filter((k) => !held.has(k) && k !== cur);
  let next = cur && wanted.has(cur) ? cur : null;
  for (const k of added) {
    if (next) refuse('emails', `CallTools has one email field you can write, holding ${next}; remove it to add ${k}`);
    next = k;
  }
  if (next === cur) return {};
  const typed = emails.find((e) => emailKey(e.address) === next)?.address.trim();
  return { personal_email_address: typed ?? '' };
}

/**
 * The flat fields for a patch. Only fields present in `patch` are sent. Phones and emails are
 * placed by phoneSlots/emailSlot against `raw`, the record as last read (a create has none).
 * Blank values are left out of creates because CallTools' upsert lets a blank overwrite a stored value.
 */
export function canonicalToCallTools(
  patch: Partial<CanonicalContact>,
  opts: { forCreate?: boolean; raw?: unknown; region?: string } = {},
): CallToolsJson {
  const b: CallToolsJson = {};
  const region = opts.region ?? 'US';
  const raw = (opts.raw && typeof opts.raw === 'object' ? opts.raw : {}) as CallToolsJson;
  if ('givenName' in patch) b.first_name = patch.givenName ?? null;
  if ('familyName' in patch) b.last_name = patch.familyName ?? null;
  if ('emails' in patch) Object.assign(b, emailSlot(patch.emails ?? [], raw));
  if ('phones' in patch) Object.assign(b, phoneSlots(patch.phones ?? [], raw, region));
  if ('address' in patch) {
    const a = patch.address ?? {};
    // address is x-nullable; city, state, zip_code, county and country are not: blank clears them.
    Object.assign(b, {
      address: a.street1 ?? null,
      city: a.city ?? '',
      state: a.region ?? '',
      zip_code: a.postalCode ?? '',
      county: a.county ?? '',
      country: a.country ?? '',
    });
  }
  if ('timeZone' in patch) b.time_zone = patch.timeZone ?? null;
  if ('doNotContact' in patch) b.do_not_contact = patch.doNotContact ?? false;
  if ('birthDate' in patch) b.birthday = patch.birthDate ?? null;
  if (opts.forCreate) for (const [k, v] of Object.entries(b)) if (v === null || v === '') delete b[k];
  return b;
}

/** CALLTOOLS_RULES on the patch (lengths, counts, email, phone, birthday); the region defaults to the connector's. */
export function validateCallTools(patch: Partial<CanonicalContact>, opts: ValidateOptions = {}): FieldProblem[] {
  const region = opts.region ?? 'US';
  const problems = checkFields(CALLTOOLS_RULES, patch, { region, now: opts.now });
  problems.push(...addressPartsNotHeld(patch, CALLTOOLS_FIELDS.addressParts, 'CallTools'));
  // Phones and emails also have to fit the fields CallTools keeps them in, against the record as
  // last read: the same placement the push makes (phoneSlots, emailSlot), so what it would refuse
  // is refused now, while the person is typing.
  if (opts.raw && typeof opts.raw === 'object' && !problems.length) {
    for (const field of ['phones', 'emails'] as const) {
      if (!(field in patch)) continue;
      try {
        canonicalToCallTools({ [field]: patch[field] }, { raw: opts.raw, region });
      } catch (e) {
        const said = e instanceof VendorError ? e.fieldErrors?.[field] : undefined;
        if (!said) throw e;
        problems.push(...said.map((m) => ({ field, message: m.replace(`${field}: `, '') })));
      }
    }
  }
  return problems;
}
