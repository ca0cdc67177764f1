// What each vendor can hold, declared once per vendor (<vendor>/rules.ts) and checked here, both
// when a person types an edit (registry checkEdit) and again before a push (connector validate).
// Goal: nothing leaves that the vendor cannot hold, and a value that fails to parse is refused
// rather than sent as a blank — vendors treat a blank as "clear the stored value".
import { ADDRESS_PART_WORDS, type Address, type CanonicalContact, type EmailEntry, type PhoneEntry } from '../../../shared/domain';
import { isoDate } from '../normalize/dates';
import { toE164 } from '../normalize/phone';
import { VendorError } from './errors';

export type FieldProblem = { field: string; message: string };

export type FieldRule =
  /** The vendor needs a value: blank or null is refused. `what` words the message. */
  | { kind: 'required'; what?: string }
  /** Text length in characters, as sent. */
  | { kind: 'length'; max: number; min?: number }
  /** Each email address must be one. */
  | { kind: 'email' }
  /** Each phone must be a possible number for the account's region; `international`: the form sent must start with +. */
  | { kind: 'phone'; international?: boolean }
  /** A real calendar date YYYY-MM-DD; `notFuture` for birth dates. */
  | { kind: 'date'; notFuture?: boolean }
  /** How many entries a list may have. */
  | { kind: 'count'; max: number };

/** Canonical fields a rule can name; address parts are addressed as `address.<part>`. */
export type RuleField =
  | 'givenName'
  | 'familyName'
  | 'fullName'
  | 'emails'
  | 'phones'
  | 'company'
  | 'department'
  | 'role'
  | 'birthDate'
  | 'timeZone'
  | 'notes'
  | 'externalRef'
  | 'address.street1'
  | 'address.street2'
  | 'address.city'
  | 'address.region'
  | 'address.postalCode'
  | 'address.county'
  | 'address.country';

export interface VendorFieldRules {
  /** The vendor's name as people know it, used in messages. */
  vendor: string;
  fields: Partial<Record<RuleField, FieldRule[]>>;
  /**
   * Vendor fields built from several canonical ones (Lightening's and BigChange's single
   * `name`), checked on the vendor body the mapping builds.
   */
  bodyFields?: Record<string, { label: string; rules: FieldRule[] }>;
}

/** What a vendor's validate takes: the account region, the record as it stands (for fields built from several), a clock. */
export interface ValidateOptions {
  region?: string;
  current?: CanonicalContact;
  now?: Date;
  /**
   * The record as last read from the vendor, when there is one: where a vendor keeps what it
   * holds decides what it can take (CallTools' home, mobile and email fields), so an edit is
   * refused as it is typed rather than at the push.
   */
  raw?: unknown;
}

export interface CheckOptions {
  /** The account's phone region (ISO 3166 alpha-2). */
  region: string;
  /** For "not in the future"; defaults to now. */
  now?: Date;
  /** The vendor body built from the patch, for `bodyFields`. */
  body?: Record<string, unknown>;
}

const show = (v: string): string => JSON.stringify(v.length > 40 ? `${v.slice(0, 39)}…` : v);

// One @, no spaces, a dotted domain of letters/digits/hyphens whose last label is 2+ letters.
const EMAIL_RE = /^[^\s@"(),:;<>[\]\\]+@(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+[A-Za-z]{2,}$/;

export function isEmail(s: string): boolean {
  return EMAIL_RE.test(s) && !s.split('@')[0]!.startsWith('.') && !s.split('@')[0]!.endsWith('.') && !s.includes('..');
}

function todayLocal(now: Date): string {
  return `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}-${String(now.getDate()).padStart(2, '0')}`;
}

/** The text value a single-valued field will carry, undefined when the patch does not touch it. */
function textOf(patch: Partial<CanonicalContact>, field: RuleField): string | null | undefined {
  if (field.startsWith('address.')) {
    if (!('address' in patch)) return undefined;
    const part = field.slice('address.'.length) as keyof NonNullable<CanonicalContact['address']>;
    return patch.address?.[part] ?? null;
  }
  const k = field as keyof CanonicalContact;
  if (!(k in patch)) return undefined;
  const v = patch[k];
  return typeof v === 'string' ? v : v == null ? null : String(v);
}

const blank = (v: string | null | undefined): boolean => v == null || v.trim() === '';

function checkText(field: string, label: string, v: string | null, rules: FieldRule[], vendor: string, opts: CheckOptions): FieldProblem[] {
  const out: FieldProblem[] = [];
  const say = (message: string): void => void out.push({ field, message: `${label}: ${message}` });
  for (const r of rules) {
    if (r.kind === 'required') {
      if (blank(v)) say(`${vendor} needs ${r.what ?? 'a value here'}; it cannot be blank`);
      continue;
    }
    // Blank is how a person clears an optional field; the other rules judge only real values.
    if (blank(v)) continue;
    const s = v!;
    if (r.kind === 'length') {
      if (s.length > r.max) say(`${show(s)} is ${s.length} characters; ${vendor} allows at most ${r.max}`);
      else if (r.min !== undefined && s.length < r.min) say(`${show(s)} is ${s.length} characters; ${vendor} needs at least ${r.min}`);
    } else if (r.kind === 'date') {
      const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s.trim());
      if (!m) say(`${show(s)} is not a date (use YYYY-MM-DD)`);
      else if (!isoDate(+m[1]!, +m[2]!, +m[3]!)) say(`${show(s)} is not a real calendar date`);
      else if (r.notFuture && s.trim() > todayLocal(opts.now ?? new Date())) say(`${show(s)} is in the future; a birth date cannot be`);
    } else if (r.kind === 'email') {
      if (!isEmail(s.trim())) say(`${show(s)} is not an email address`);
    }
  }
  return out;
}

function checkPhones(list: PhoneEntry[] | null | undefined, rules: FieldRule[], vendor: string, opts: CheckOptions): FieldProblem[] {
  const out: FieldProblem[] = [];
  const say = (message: string): void => void out.push({ field: 'phones', message: `phones: ${message}` });
  const phones = list ?? [];
  for (const r of rules) {
    if (r.kind === 'count' && phones.length > r.max)
      say(
        `${vendor} holds at most ${r.max === 1 ? 'one phone number' : `${r.max} phone numbers`} per contact (this one has ${phones.length})`,
      );
  }
  for (const p of phones) {
    const sent = p.e164 ?? p.raw ?? '';
    // An empty entry would go out as a blank and clear the vendor's number; clearing is done by removing it.
    if (blank(sent)) {
      say(`an empty phone entry; remove the number to clear it`);
      continue;
    }
    for (const r of rules) {
      if (r.kind === 'phone') {
        if (!toE164(sent, opts.region)) say(`${show(p.raw || sent)} is not a phone number in ${opts.region.toUpperCase()}`);
        else if (r.international && !sent.trim().startsWith('+')) say(`${show(sent)} must be in international format (+44…) for ${vendor}`);
      } else if (r.kind === 'length') {
        if (sent.length > r.max) say(`${show(sent)} is ${sent.length} characters; ${vendor} allows at most ${r.max}`);
      }
    }
  }
  return out;
}

function checkEmails(list: EmailEntry[] | null | undefined, rules: FieldRule[], vendor: string, opts: CheckOptions): FieldProblem[] {
  const out: FieldProblem[] = [];
  const emails = list ?? [];
  for (const r of rules) {
    if (r.kind === 'count' && emails.length > r.max)
      out.push({
        field: 'emails',
        message: `emails: ${vendor} holds at most ${r.max === 1 ? 'one email address' : `${r.max} email addresses`} per contact (this one has ${emails.length})`,
      });
  }
  for (const e of emails) {
    if (blank(e.address)) {
      out.push({ field: 'emails', message: 'emails: an empty email entry; remove the address to clear it' });
      continue;
    }
    out.push(
      ...checkText(
        'emails',
        'emails',
        e.address,
        rules.filter((r) => r.kind !== 'required' && r.kind !== 'count'),
        vendor,
        opts,
      ),
    );
  }
  return out;
}

/**
 * Every problem the vendor would have with this patch, in plain words naming the rule.
 * Only fields present in the patch are judged; [] means it may go.
 */
export function checkFields(rules: VendorFieldRules, patch: Partial<CanonicalContact>, opts: CheckOptions): FieldProblem[] {
  const out: FieldProblem[] = [];
  for (const [field, list] of Object.entries(rules.fields) as [RuleField, FieldRule[]][]) {
    if (field === 'phones') {
      if ('phones' in patch) out.push(...checkPhones(patch.phones, list, rules.vendor, opts));
    } else if (field === 'emails') {
      if ('emails' in patch) out.push(...checkEmails(patch.emails, list, rules.vendor, opts));
    } else {
      const v = textOf(patch, field);
      if (v !== undefined) out.push(...checkText(field, field, v, list, rules.vendor, opts));
    }
  }
  for (const [key, { label, rules: list }] of Object.entries(rules.bodyFields ?? {})) {
    if (!opts.body || !(key in opts.body)) continue;
    const v = opts.body[key];
    out.push(...checkText(key, label, typeof v === 'string' ? v : v == null ? null : String(v), list, rules.vendor, opts));
  }
  return out;
}

/** The connectors' pre-push guard: refuse locally, before anything travels. */
export function assertFields(problems: FieldProblem[]): void {
  if (!problems.length) return;
  const fieldErrors: Record<string, string[]> = {};
  for (const p of problems) (fieldErrors[p.field] ??= []).push(p.message);
  throw new VendorError({ kind: 'validation', message: problems.map((p) => p.message).join('; '), fieldErrors });
}

/**
 * A typed edit made ready for the golden record: phones get their E.164 form for the account
 * region with the typed text kept in `raw`; emails are trimmed and lower-cased; a typed birth
 * date is trimmed. Entries typed blank are dropped (that is how a person removes one) and a
 * blank birth date becomes null. A value that does not parse is kept as typed, never turned
 * into a clear, so checkFields refuses it.
 */
export function normalizeTypedContact(patch: Partial<CanonicalContact>, region: string): Partial<CanonicalContact> {
  const out: Partial<CanonicalContact> = { ...patch };
  if ('phones' in patch && patch.phones) {
    const seen = new Set<string>();
    out.phones = [];
    for (const p of patch.phones) {
      const raw = (p.raw ?? '').trim();
      const typed = raw || (p.e164 ?? '').trim();
      if (!typed) continue;
      const e164 = toE164(typed, region);
      // The same number typed twice in different spellings is held once.
      if (e164 && seen.has(e164)) continue;
      if (e164) seen.add(e164);
      out.phones.push({ ...p, e164, raw: typed });
    }
  }
  if ('emails' in patch && patch.emails) {
    const seen = new Set<string>();
    out.emails = [];
    for (const e of patch.emails) {
      const address = (e.address ?? '').trim().toLowerCase();
      if (!address || seen.has(address)) continue;
      seen.add(address);
      out.emails.push({ ...e, address });
    }
  }
  if ('birthDate' in patch) out.birthDate = blank(patch.birthDate) ? null : patch.birthDate!.trim();
  return out;
}

/**
 * A typed address's parts the vendor has no place for (`held`: the parts it keeps; absent, all):
 * refused with the vendor's own words, rather than dropped at the push and lost at the next pull.
 */
export function addressPartsNotHeld(
  patch: Partial<CanonicalContact>,
  held: readonly (keyof Address)[] | undefined,
  vendor: string,
): FieldProblem[] {
  if (!held || !patch.address) return [];
  const keeps = held.map((p) => ADDRESS_PART_WORDS[p]).join(', ');
  return (Object.keys(ADDRESS_PART_WORDS) as (keyof Address)[])
    .filter((part) => !held.includes(part) && typeof patch.address?.[part] === 'string' && patch.address[part]!.trim() !== '')
    .map((part) => ({
      field: `address.${part}`,
      message: `address: no place for a ${ADDRESS_PART_WORDS[part]} (${vendor} addresses have ${keeps}); clear it to save the address here`,
    }));
}
