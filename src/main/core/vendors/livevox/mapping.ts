// LiveVox contact JSON <-> canonical (docs/vendors/livevox.md). The person block holds names, email, birth
// date (epoch ms, 0 = unset) and ZIP; phones carry ordinals 1–10 and search results pad the
// list to ten with empty slots (no `phone` key), which are dropped here. Blocks and consents:
// see blocks.ts.
import type { CanonicalContact, PhoneEntry } from '../../../../shared/domain';
import { parseDate } from '../../normalize/dates';
import { phoneEntry, toE164 } from '../../normalize/phone';
import { VendorError } from '../errors';
import { addressPartsNotHeld, checkFields, type FieldProblem, type ValidateOptions } from '../field-rules';
import type { FieldSupport } from '../connector';
import { LIVEVOX_RULES } from './rules';
import { isLiveVoxBlock, LIVEVOX_BLOCK, liveVoxBlockWhy, liveVoxConsent } from './blocks';

export type LiveVoxJson = Record<string, unknown>;

export const LIVEVOX_FIELDS = {
  read: ['givenName', 'familyName', 'emails', 'phones', 'address', 'birthDate', 'doNotContact', 'externalRef', 'custom'],
  // doNotContact and a phone's block are written through the DND route, and only ever to block.
  write: ['givenName', 'familyName', 'emails', 'phones', 'address', 'birthDate', 'doNotContact'],
  parts: ['phones.doNotContact'],
  // address1/2, city, state, country and person.zipCode, nothing for a county.
  addressParts: ['street1', 'street2', 'city', 'region', 'postalCode', 'country'],
} as const satisfies FieldSupport;

// LiveVox spells countries as enum names.
const COUNTRY_TO_LV: Record<string, string> = {
  US: 'UNITED_STATES_OF_AMERICA',
  USA: 'UNITED_STATES_OF_AMERICA',
  GB: 'UNITED_KINGDOM',
  UK: 'UNITED_KINGDOM',
  CA: 'CANADA',
};
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
  const dob = dateOfEpoch(person.dateOfBirth);
  if (dob) c.birthDate = dob;
  const phones = realPhones(j).sort((a, b) => Number(a.ordinal) - Number(b.ordinal));
  if (phones.length) c.phones = phones.map((p, i) => phoneOf(p, i === 0, region));
  const country = str(j.country);
  const address = {
    street1: str(j.address1),
    street2: str(j.address2),
    city: str(j.city),
    region: str(j.state),
    postalCode: str(person.zipCode),
    country: country ? (LV_TO_COUNTRY[country] ?? country) : null,
  };
  if (Object.values(address).some(Boolean))
    c.address = Object.fromEntries(Object.entries(address).filter(([, v]) => v)) as CanonicalContact['address'];
  const why = liveVoxBlockWhy(j.accountBlock, { dnd: j.dnd });
  if (why) Object.assign(c, { doNotContact: true, doNotContactWhy: why });
  else if (typeof j.accountBlock === 'string') c.doNotContact = false;
  if (str(j.account)) c.externalRef = str(j.account);
  if (Array.isArray(j.customFields) && j.customFields.length) {
    c.custom = Object.fromEntries(
      (j.customFields as { field?: unknown; value?: unknown }[])
        .filter((f) => f.value != null)
        .map((f) => [String(f.field), String(f.value)]),
    );
  }
  return c;
}

/**
 * A phone as canonical. LiveVox says nothing of which number is a mobile: consent to be called
 * on a cell phone is not that, so `mobile` is left unsaid, and the consents ride along read-only.
 */
function phoneOf(p: LvPhone, primary: boolean, region: string): PhoneEntry {
  const e = phoneEntry(String(p.phone), { region, label: `ordinal ${Number(p.ordinal)}`, primary });
  const why = liveVoxBlockWhy(p.phoneBlock, p);
  e.doNotContact = why !== null;
  if (why) e.doNotContactWhy = why;
  const consent = liveVoxConsent(p);
  if (consent) e.consent = consent;
  return e;
}

/** The calendar date of an epoch-ms value read in UTC (any US midnight, or UTC noon, falls on that date). */
export function dateOfEpoch(v: unknown): string | null {
  if (typeof v !== 'number' && !(typeof v === 'string' && /^-?\d+$/.test(v.trim()))) return null;
  return parseDate(Number(v) || null);
}

const NY = new Intl.DateTimeFormat('en-US', {
  timeZone: 'America/New_York',
  hourCycle: 'h23',
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
  hour: 'numeric',
  minute: 'numeric',
  second: 'numeric',
});
const wallMs = (t: number): number => {
  const p = Object.fromEntries(NY.formatToParts(new Date(t)).map((x) => [x.type, Number(x.value)]));
  return Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!);
};

/**
 * A date as LiveVox holds it: epoch ms of midnight in America/New_York. The document's own
 * examples are all that (dateOfBirth 621057600000 = 1989-09-06 00:00 EDT, 1187841600000 =
 * 2007-08-23 00:00 EDT, dueDate 1641963600000 = 2022-01-12 00:00 EST), and its dates are read
 * back as the UTC calendar date, which midnight in any US zone keeps.
 */
export function liveVoxEpochOf(iso: string): number {
  const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
  const utc = Date.UTC(y, m - 1, d);
  let t = utc + 5 * 3600_000;
  for (let i = 0; i < 3; i++) {
    const next = utc - (wallMs(t) - t);
    if (next === t) break;
    t = next;
  }
  return t;
}

const digitsOf = (v: unknown): string =>
  String(v ?? '')
    .replace(/\D/g, '')
    .replace(/^1(\d{10})$/, '$1');
/** The ordinal a canonical phone came from (its label is `ordinal N`), if any. */
const ordinalOfLabel = (label: string | null | undefined): number | null => {
  const m = /^ordinal (\d+)$/.exec(String(label ?? '').trim());
  return m ? Number(m[1]) : null;
};

/**
 * The phone array for a write. Each number keeps its slot: a number still there is sent back
 * exactly as the server had it (ordinal, phoneBlock, consents, unknown keys); a number changed
 * in place (same `ordinal N` label, new digits) keeps its slot's fields with the new digits;
 * a removed number frees only its own slot; a new number takes a free ordinal (a padded,
 * number-less slot counts as free and is filled) without renumbering the others. New numbers
 * go above the current first ordinal so the primary stays, unless the new one is marked primary
 * (so on a create the primary takes ordinal 1, which reads back as the primary).
 * Consents are never written: a new number has none, and a number changed in place does not
 * inherit its slot's (they were given for the old number). A new number blocked elsewhere is
 * sent blocked; a slot's block is never lifted here.
 */
function phonesFor(list: PhoneEntry[], raw: LiveVoxJson, region: string): LvPhone[] {
  const all = Array.isArray(raw.phone) ? (raw.phone as LvPhone[]) : [];
  const real = realPhones(raw);
  const same = (e: LvPhone, p: PhoneEntry): boolean => {
    const a = toE164(String(e.phone), region);
    const b = p.e164 ?? toE164(p.raw, region);
    return a && b ? a === b : digitsOf(e.phone) === digitsOf(p.e164 ?? p.raw);
  };
  const out = new Map<LvPhone, LvPhone>(); // existing entry -> what is sent for it
  const pending: PhoneEntry[] = [];
  // 1. Numbers still there, as they were.
  for (const p of list) {
    const e = real.find((x) => !out.has(x) && same(x, p));
    if (e) out.set(e, e);
    else pending.push(p);
  }
  // 2. A number changed in place: its slot, the new digits.
  const fresh: PhoneEntry[] = [];
  for (const p of pending) {
    const o = ordinalOfLabel(p.label);
    const e = o === null ? undefined : real.find((x) => !out.has(x) && Number(x.ordinal) === o);
    if (e) {
      const { cellConsent: _c, smsConsent: _s, ...slot } = e;
      out.set(e, { ...slot, phone: digitsOf(p.e164 ?? p.raw) });
    } else fresh.push(p);
  }
  // The primary first, so it takes the lowest free ordinal.
  fresh.sort((a, b) => Number(!!b.primary) - Number(!!a.primary));
  // 3. New numbers: free ordinals. Slots of removed numbers are free; padded slots are free and are filled.
  const used = new Set([...out.keys()].map((e) => Number(e.ordinal)));
  const first = used.size ? Math.min(...used) : 11;
  const added: LvPhone[] = [];
  for (const p of fresh) {
    const free = Array.from({ length: 10 }, (_, i) => i + 1).filter((o) => !used.has(o));
    const above = free.filter((o) => o > first);
    const o = p.primary ? free[0] : (above[0] ?? free[0]);
    if (o === undefined)
      throw new VendorError({ kind: 'validation', message: 'phones: LiveVox holds at most 10 phone numbers per contact (ordinals 1–10)' });
    used.add(o);
    const slot = all.find((x) => !(typeof x?.phone === 'string' && x.phone.trim()) && Number(x?.ordinal) === o);
    const { cellConsent: _c, smsConsent: _s, ...empty } = slot ?? {};
    const entry: LvPhone = { ...empty, phone: digitsOf(p.e164 ?? p.raw), ordinal: o };
    if (p.doNotContact && !isLiveVoxBlock(entry.phoneBlock)) entry.phoneBlock = LIVEVOX_BLOCK;
    if (slot) out.set(slot, entry);
    else added.push(entry);
  }
  // The server's order first (removed numbers left out, untouched padded slots kept), then new ones.
  const keptOrder = all.filter((x) => out.has(x) || !(typeof x?.phone === 'string' && x.phone.trim())).map((x) => out.get(x) ?? x);
  return [...keptOrder, ...added];
}

/** Keep the server's own spelling when the canonical value it maps to did not change. */
function keep(rawValue: unknown, canonicalBefore: unknown, canonicalNow: unknown, write: unknown): unknown {
  return (canonicalBefore ?? null) === (canonicalNow ?? null) ? rawValue : write;
}

/**
 * The whole contact body for a write, rebuilt from the last server copy with the patch laid
 * over it, so fields Concord does not map (balance, guarantor, consents, custom fields…) are
 * sent back unchanged. Read-only and bookkeeping fields are left out. Where the patch holds a
 * value the server copy already means, the server's own bytes are sent (a date's exact ms, a
 * country spelled "UK", a blank "" vs null).
 */
export function canonicalToLiveVox(patch: Partial<CanonicalContact>, raw: LiveVoxJson = {}, region = 'US'): LiveVoxJson {
  const {
    createDate: _c1,
    modifyDate: _m1,
    createdDate: _c2,
    modifiedDate: _m2,
    id: _id,
    callAttemptsToday: _a,
    callAttemptsTotal: _b,
    callAttemptsLifetime: _l,
    initialLoad: _i,
    lastLoad: _ll,
    agentId: _ag,
    ...body
  } = raw;
  const before = liveVoxToCanonical(raw, region);
  const rawPerson = (raw.person as LiveVoxJson) ?? {};
  const person: LiveVoxJson = { ...rawPerson };
  const touchesPerson = ['givenName', 'familyName', 'emails', 'birthDate', 'address'].some((f) => f in patch);
  if ('givenName' in patch) person.firstName = keep(rawPerson.firstName, before.givenName, patch.givenName, patch.givenName ?? null);
  if ('familyName' in patch) person.lastName = keep(rawPerson.lastName, before.familyName, patch.familyName, patch.familyName ?? null);
  if ('emails' in patch)
    person.email = keep(rawPerson.email, before.emails?.[0]?.address, patch.emails?.[0]?.address, patch.emails?.[0]?.address ?? null);
  // 0 is the documented "unset".
  if ('birthDate' in patch)
    person.dateOfBirth = keep(
      rawPerson.dateOfBirth,
      before.birthDate,
      patch.birthDate,
      patch.birthDate ? liveVoxEpochOf(patch.birthDate) : 0,
    );
  if ('address' in patch)
    person.zipCode = keep(rawPerson.zipCode, before.address?.postalCode, patch.address?.postalCode, patch.address?.postalCode ?? null);
  if (touchesPerson) body.person = person;
  if ('phones' in patch) body.phone = phonesFor(patch.phones ?? [], raw, region);
  if ('address' in patch) {
    const a = patch.address ?? {};
    const b = before.address ?? {};
    const country = a.country ? (COUNTRY_TO_LV[a.country.toUpperCase()] ?? a.country) : null;
    Object.assign(body, {
      address1: keep(raw.address1, b.street1, a.street1, a.street1 ?? null),
      address2: keep(raw.address2, b.street2, a.street2, a.street2 ?? null),
      city: keep(raw.city, b.city, a.city, a.city ?? null),
      state: keep(raw.state, b.region, a.region, a.region ?? null),
      country: keep(raw.country, b.country, a.country, country),
    });
  }
  // groupId is a string in requests (a number in responses).
  if (body.groupId !== undefined && body.groupId !== null) body.groupId = String(body.groupId);
  return body;
}

/** The body of a create: a person blocked elsewhere is created blocked (the document's create example carries accountBlock). */
export function liveVoxCreateBody(contact: Partial<CanonicalContact>, region = 'US'): LiveVoxJson {
  const body = canonicalToLiveVox(contact, {}, region);
  if (contact.doNotContact) body.accountBlock = LIVEVOX_BLOCK;
  return body;
}

/**
 * What a write must send through the DND route (`PUT /contact/contacts/{account}/dnd`) so that
 * what the patch says is blocked is blocked: the account, and each number sent in `phones` (as
 * placed by phonesFor) whose slot is not blocked yet. Null when nothing is to be blocked. It
 * only ever blocks: lifting a block is refused (validateLiveVox) and otherwise left as it is.
 */
export function liveVoxDnd(patch: Partial<CanonicalContact>, raw: LiveVoxJson, sent: LvPhone[], region = 'US'): LiveVoxJson | null {
  const body: LiveVoxJson = {};
  if (patch.doNotContact === true && !liveVoxBlockWhy(raw.accountBlock, { dnd: raw.dnd })) body.accountBlock = LIVEVOX_BLOCK;
  const phones: LvPhone[] = [];
  for (const p of patch.phones ?? []) {
    if (!p.doNotContact) continue;
    const want = p.e164 ?? toE164(p.raw, region) ?? digitsOf(p.raw);
    const e = sent.find((x) => typeof x.phone === 'string' && (toE164(x.phone, region) ?? digitsOf(x.phone)) === want);
    if (e && !liveVoxBlockWhy(e.phoneBlock, e)) phones.push({ phone: e.phone, ordinal: e.ordinal, phoneBlock: LIVEVOX_BLOCK });
  }
  if (phones.length) body.updateContactDND = phones;
  return Object.keys(body).length ? body : null;
}

/** LIVEVOX_RULES on the patch (at most ten phones, each a number; email; birth date). */
export function validateLiveVox(patch: Partial<CanonicalContact>, opts: ValidateOptions = {}): FieldProblem[] {
  const out = checkFields(LIVEVOX_RULES, patch, { region: opts.region ?? 'US', now: opts.now });
  out.push(...addressPartsNotHeld(patch, LIVEVOX_FIELDS.addressParts, 'LiveVox'));
  // A block is lifted in LiveVox by whoever is entitled to, never by a write from Concord.
  const raw = (opts.raw && typeof opts.raw === 'object' ? opts.raw : {}) as LiveVoxJson;
  if ('doNotContact' in patch && !patch.doNotContact && isLiveVoxBlock(raw.accountBlock)) {
    out.push({
      field: 'doNotContact',
      message: `LiveVox blocks this contact (${String(raw.accountBlock)}); a LiveVox block is lifted in LiveVox itself, Concord never lifts one`,
    });
  }
  return out;
}
