// Lightening contact JSON <-> canonical. One `name` field (we split it for given/family on
// read and write the display name back), up to three emails, tel/tel1/mobile phones.
// Booleans and ids come back as strings (docs/vendors/lightening.md).
import type { FieldSupport } from '../connector';
import type { CanonicalContact, EmailEntry, PhoneEntry } from '../../../../shared/domain';
import { nonBlank, splitFullName } from '../../normalize/names';
import { phoneEntry, toE164 } from '../../normalize/phone';
import { checkFields, type FieldProblem, type ValidateOptions } from '../field-rules';
import { LIGHTENING_RULES } from './rules';

export type LighteningJson = Record<string, unknown>;

export const LIGHTENING_FIELDS = {
  read: ['givenName', 'familyName', 'fullName', 'emails', 'phones', 'company', 'department', 'role', 'externalRef'],
  write: ['givenName', 'familyName', 'fullName', 'emails', 'phones', 'department', 'role', 'externalRef'],
  // Which number is the mobile: the mobile slot, and phoneSlots moves a number into it (the
  // old mobile takes its slot) — proved by the round-trip property. Not primary (it follows
  // the slots' read order), labels (fixed per slot), do-not-contact (none), nor any email part.
  parts: ['phones.mobile'],
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

/** The full body of a create (every mapped field; blanks are left out by the caller). */
export function canonicalToLightening(patch: Partial<CanonicalContact>, current: CanonicalContact): LighteningJson {
  const merged = { ...current, ...patch };
  const b: LighteningJson = { name: lighteningName(merged, '') };
  if ('emails' in patch) ['email', 'email2', 'email3'].forEach((k, i) => (b[k] = patch.emails?.[i]?.address ?? ''));
  if ('phones' in patch) Object.assign(b, phoneSlots(patch.phones ?? [], {}));
  if ('department' in patch) b.department = patch.department ?? '';
  if ('role' in patch) b.role = patch.role ?? '';
  if ('externalRef' in patch) b.customer_custom_identifier = patch.externalRef ?? '';
  return b;
}

/**
 * The body of an update: only the vendor fields the patch's canonical fields map to, against
 * the record as the server holds it (`raw`), so nothing else is rewritten.
 * - `name` is "required" on update too (the document lists it so): with no name field in the
 *   patch it goes back byte for byte as the server holds it; with one, it is rebuilt in the
 *   record's own form ("Family, Given" stays so).
 * - Emails and phones keep their slots: an unchanged one is not sent, a changed one stays in
 *   its slot, a new one takes a free slot, a removed one clears only its own.
 */
export function lighteningUpdateBody(patch: Partial<CanonicalContact>, raw: LighteningJson, region = 'US'): LighteningJson {
  const current = lighteningToCanonical(raw, region);
  const b: LighteningJson = {};
  const touchesName = 'givenName' in patch || 'familyName' in patch || 'fullName' in patch;
  b.name = touchesName
    ? lighteningName({ ...current, ...patch }, typeof raw.name === 'string' ? raw.name : '', patch)
    : typeof raw.name === 'string'
      ? raw.name
      : lighteningName(current, '');
  if ('emails' in patch) Object.assign(b, changedOnly(emailSlots(patch.emails ?? [], raw), raw));
  if ('phones' in patch) Object.assign(b, changedOnly(phoneSlots(patch.phones ?? [], raw, region), raw));
  const text: LighteningJson = {};
  if ('department' in patch) text.department = patch.department ?? '';
  if ('role' in patch) text.role = patch.role ?? '';
  if ('externalRef' in patch) text.customer_custom_identifier = patch.externalRef ?? '';
  return Object.assign(b, changedOnly(text, raw));
}

const EMAIL_SLOTS = ['email', 'email2', 'email3'] as const;
// Read order is mobile, tel, tel1 (lighteningToCanonical); a non-mobile number never goes
// into `mobile`, since it would read back as the mobile.
const PHONE_SLOTS = ['mobile', 'tel', 'tel1'] as const;

function changedOnly(body: LighteningJson, raw: LighteningJson): LighteningJson {
  return Object.fromEntries(Object.entries(body).filter(([k, v]) => (str(raw[k]) ?? '') !== (str(v) ?? '')));
}

const isMobile = (p: PhoneEntry): boolean => !!p.mobile || (p.mobile === undefined && p.label === 'mobile');
const phoneKey = (v: string, region: string): string => toE164(v, region) ?? v.trim();

/**
 * Slot values for a phone list. Entries matching a slot's current number keep that slot; the
 * mobile-flagged entry goes to `mobile` (the number it displaces takes that entry's slot); a
 * new number takes the slot of the number removed at the same place in the list, else the
 * first free one. Slots nobody kept are cleared.
 */
export function phoneSlots(list: PhoneEntry[], raw: LighteningJson, region = 'US'): Record<string, string> {
  type Slot = (typeof PHONE_SLOTS)[number];
  const slot = new Map<PhoneEntry, Slot>();
  const was = PHONE_SLOTS.filter((k) => str(raw[k]));
  const holder = (k: Slot) => [...slot.entries()].find(([, s]) => s === k)?.[0];
  const freeTel = () => (['tel', 'tel1'] as const).find((k) => !holder(k));
  const spelled = new Map<PhoneEntry, string>(); // a number the server holds keeps its spelling, even when it moves slot
  for (const p of list) {
    const k = was.find((s) => !holder(s) && phoneKey(String(raw[s]), region) === phoneKey(p.e164 ?? p.raw, region));
    if (!k) continue;
    slot.set(p, k);
    spelled.set(p, String(raw[k]));
  }
  const mobile = list.find(isMobile);
  const inMobile = holder('mobile');
  if (inMobile !== mobile) {
    const mobileHad = mobile && slot.get(mobile);
    if (mobile) slot.set(mobile, 'mobile');
    else if (inMobile) slot.delete(inMobile);
    if (inMobile) {
      // The old mobile is no longer it: it takes the new mobile's old slot (a swap), else a free one.
      const to = mobileHad || freeTel();
      if (to) slot.set(inMobile, to);
      else slot.delete(inMobile);
    }
  }
  // New numbers: the slot of the number removed at the same place in the list as read (so a
  // changed number stays where it was), else the first free of tel, tel1.
  list.forEach((p, i) => {
    if (slot.has(p)) return;
    const same = was[i];
    const k = same && same !== 'mobile' && !holder(same) ? same : freeTel();
    if (k) slot.set(p, k);
  });
  const out: Record<string, string> = { mobile: '', tel: '', tel1: '' };
  for (const [p, k] of slot) out[k] = spelled.get(p) ?? p.e164 ?? p.raw;
  return out;
}

/** Slot values for an email list, by the same rule (case-insensitive match; no mobile). */
function emailSlots(list: EmailEntry[], raw: LighteningJson): Record<string, string> {
  const key = (v: unknown) =>
    String(v ?? '')
      .trim()
      .toLowerCase();
  const slot = new Map<EmailEntry, string>();
  const taken = new Set<string>();
  const was = EMAIL_SLOTS.filter((k) => str(raw[k]));
  for (const e of list) {
    const k = was.find((s) => !taken.has(s) && key(raw[s]) === key(e.address));
    if (!k) continue;
    slot.set(e, k);
    taken.add(k);
  }
  list.forEach((e, i) => {
    if (slot.has(e)) return;
    const same = was[i];
    const k = same && !taken.has(same) ? same : EMAIL_SLOTS.find((s) => !taken.has(s));
    if (!k) return;
    slot.set(e, k);
    taken.add(k);
  });
  const out: Record<string, string> = { email: '', email2: '', email3: '' };
  for (const [e, k] of slot) out[k] = key(raw[k]) === key(e.address) ? String(raw[k]) : e.address;
  return out;
}

/**
 * `name` from the name parts. `form` is the name the record holds now: "Family, Given" stays in
 * that form; "Given Family" too, unless it would read back split elsewhere (a family name of
 * several words), where the comma form is the one Lightening can hold faithfully.
 */
function lighteningName(c: Partial<CanonicalContact>, form: string, patch: Partial<CanonicalContact> = c): string {
  const given = c.givenName?.trim() ?? '';
  const family = c.familyName?.trim() ?? '';
  // A full-name edit alone is taken as typed.
  if ('fullName' in patch && !('givenName' in patch) && !('familyName' in patch)) return c.fullName?.trim() ?? '';
  if (given || family) {
    if (!given || !family) return given || family;
    if (form.includes(',')) return `${family}, ${given}`;
    const spaced = `${given} ${family}`;
    const back = splitFullName(spaced);
    return back.given === given && back.family === family ? spaced : `${family}, ${given}`;
  }
  // No name at all stays empty so validation can say so (Lightening requires one).
  return c.fullName ?? c.company ?? '';
}

/**
 * LIGHTENING_RULES on the patch and on the `name` it builds (the record's own name form, from
 * `current`). With no `current` (a bare patch), the name is checked only if the patch touches
 * it. Phones and emails the record already holds are not judged again (Lightening took them;
 * a tel of "n/a" must not block adding an email), but every list is counted against the slots.
 */
export function validateLightening(patch: Partial<CanonicalContact>, opts: ValidateOptions = {}): FieldProblem[] {
  const current = opts.current;
  const region = opts.region ?? 'US';
  const touchesName = 'givenName' in patch || 'familyName' in patch || 'fullName' in patch;
  const body: LighteningJson = {};
  if (touchesName) body.name = lighteningName({ ...current, ...patch }, current?.fullName ?? '', patch);
  else if (current) body.name = lighteningName(current, current.fullName ?? '');
  const judged = { ...patch };
  if (current && patch.phones)
    judged.phones = patch.phones.filter(
      (p) => !(current.phones ?? []).some((q) => phoneKey(q.e164 ?? q.raw, region) === phoneKey(p.e164 ?? p.raw, region)),
    );
  if (current && patch.emails)
    judged.emails = patch.emails.filter(
      (e) => !(current.emails ?? []).some((q) => q.address.trim().toLowerCase() === e.address.trim().toLowerCase()),
    );
  return [...checkFields(LIGHTENING_RULES, judged, { region, now: opts.now, body }), ...slotProblems(patch)];
}

/** What the slots cannot hold: email/email2/email3; one mobile plus tel and tel1. */
function slotProblems(patch: Partial<CanonicalContact>): FieldProblem[] {
  const out: FieldProblem[] = [];
  const emails = patch.emails ?? [];
  if (emails.length > 3)
    out.push({
      field: 'emails',
      message: `emails: Lightening holds at most 3 email addresses per contact (this one has ${emails.length})`,
    });
  const phones = patch.phones ?? [];
  const mobiles = phones.filter(isMobile).length;
  if (phones.length > 3)
    out.push({
      field: 'phones',
      message: `phones: Lightening holds at most 3 phone numbers per contact, tel, tel1 and mobile (this one has ${phones.length})`,
    });
  else if (mobiles > 1)
    out.push({ field: 'phones', message: 'phones: Lightening holds one mobile number per contact; mark only one as the mobile' });
  else if (phones.length - mobiles > 2)
    out.push({
      field: 'phones',
      message: 'phones: Lightening holds two numbers besides the mobile (tel and tel1); mark one as the mobile or remove one',
    });
  return out;
}
