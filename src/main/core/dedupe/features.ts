// What the matcher knows about one record, computed once per scan: normalised names,
// phones, emails, address and birth date, plus how common each value is across the store
// (frequent values are weak evidence: a shared office phone, a common surname).
import type { CanonicalContact } from '../../../shared/domain';
import { splitFullName } from '../normalize/names';
import { normCompany } from './company';
import {
  canonicalGiven,
  givenWithoutTitle,
  normBirthDate,
  normEmail,
  normName,
  normPhone,
  normPostcode,
  normStreet,
  splitStreet,
} from './match-forms';
import { parseDate } from '../normalize/dates';
import { hash53 } from './match-keys';

export interface MatchRecord {
  /** Index in the scan's array (pairs are kept as index pairs for speed). */
  ix: number;
  /** The record's rowid (its place in the store; the index when matched outside a store). */
  rowid: number;
  id: string;
  accountId: string;
  vendor: string;
  remoteId: string | null;
  personId: string;
  given: string;
  givenCanon: string;
  family: string;
  /** A single-string name where there are no parts (company contacts, BigChange names). */
  full: string;
  phones: string[];
  emails: string[];
  street: string;
  postcode: string;
  city: string;
  birth: string;
  /** `birth` is only what could be read of a date that is not whole (partialDate). */
  birthPartial: boolean;
  /** The parts of a hyphenated or double family name ("garcia", "lopez"); empty for a single one. */
  familyParts: string[];
  /** House number and street name apart ("12a", "main st"), for the street comparison's levels. */
  streetNumber: string;
  streetName: string;
  /** Second address line (a building, a property name). */
  line2: string;
  /** Company name without legal suffixes and punctuation, words sorted. */
  company: string;
  /**
   * The name as one field (a CSV "Name" column, Lightening and BigChange: a person, or a site,
   * a shop, a firm), normalised like a company name: words sorted, legal suffixes aside.
   */
  fullKey: string;
  /** Last 7 digits of each phone: a local number written without its area code still meets the full one. */
  phones7: string[];
  /** Email local parts without dots and +tags ("j.smith+news" -> "jsmith"). */
  emailLocals: string[];
  /**
   * Display strings for reasons: the name as one field, and the phones as written when any is
   * written other than as `+` and its digits (else none: the reasons show `+` and the digits).
   */
  show: { full: string; phones: readonly string[] };
}

/**
 * The forms of values already seen in one load, by the value as stored: names, cities, streets,
 * postcodes, birth dates and companies repeat across a store (a person in several accounts,
 * common names), so each form is worked out once and the records holding it share one string.
 * The functions are pure, so a record comes out the same with or without it.
 */
export class FormCache {
  readonly given = new Map<string, string>();
  readonly canon = new Map<string, string>();
  readonly name = new Map<string, string>();
  readonly familyParts = new Map<string, string[]>();
  readonly company = new Map<string, string>();
  readonly street = new Map<string, { street: string; number: string; name: string }>();
  readonly line2 = new Map<string, string>();
  readonly postcode = new Map<string, string>();
  readonly birth = new Map<string, { birth: string; partial: boolean }>();
}

/** `f(s)`, from `cache` when s was seen before; blank values are not kept. */
function cached<T>(cache: Map<string, T> | undefined, s: string | null | undefined, f: (s: string | null | undefined) => T): T {
  if (!cache || !s) return f(s);
  let v = cache.get(s);
  if (v === undefined) cache.set(s, (v = f(s)));
  return v;
}

const streetForms = (s: string | null | undefined) => {
  const street = normStreet(s);
  const { number, name } = splitStreet(street);
  return { street, number, name };
};
const birthForms = (s: string | null | undefined) => ({ birth: normBirthDate(s), partial: !parseDate(s || '') });
const familyPartsOf = (s: string | null | undefined): string[] => {
  const parts = (s ?? '')
    .split(/[\s\-‐–]+/)
    .map(normName)
    .filter((p) => p.length > 1);
  return parts.length > 1 ? parts : NONE;
};

export function toMatchRecord(
  ix: number,
  r: {
    rowid?: number;
    id: string;
    accountId: string;
    vendor: string;
    remoteId: string | null;
    personId: string;
    contact: CanonicalContact;
  },
  region = 'US',
  forms?: FormCache,
): MatchRecord {
  const c = r.contact;
  // A title typed as the given name ("Reverend", "Sir John") is no evidence about the name.
  let given = cached(forms?.given, c.givenName, givenWithoutTitle);
  let family = cached(forms?.name, c.familyName, normName);
  if (!given && !family && c.fullName) {
    const split = splitFullName(c.fullName);
    given = givenWithoutTitle(split.given);
    family = normName(split.family);
  }
  const phones = listOf((c.phones ?? []).map((p) => normPhone(p.e164, p.raw, region)).filter((p) => p.length >= 7));
  const emails = listOf((c.emails ?? []).map((e) => normEmail(e.address)).filter(Boolean));
  const street = cached(forms?.street, c.address?.street1, streetForms);
  const birthText = c.birthDate || c.birthDateText;
  const birth = cached(forms?.birth, birthText, birthForms);
  const full = c.fullName ?? '';
  const shownAs = shownPhones(c.phones);
  return {
    ix,
    rowid: r.rowid ?? ix,
    id: r.id,
    accountId: r.accountId,
    vendor: r.vendor,
    remoteId: r.remoteId,
    personId: r.personId,
    given,
    givenCanon: cached(forms?.canon, given, canonicalGiven as (s: string | null | undefined) => string),
    family,
    full: cached(forms?.name, c.fullName, normName),
    phones,
    emails,
    street: street.street,
    postcode: cached(forms?.postcode, c.address?.postalCode, normPostcode),
    city: cached(forms?.name, c.address?.city, normName),
    birth: birth.birth,
    birthPartial: birth.partial,
    familyParts: cached(forms?.familyParts, c.familyName, familyPartsOf),
    streetNumber: street.number,
    streetName: street.name,
    line2: cached(forms?.line2, c.address?.street2, normStreet),
    company: cached(forms?.company, c.company, normCompany),
    fullKey: cached(forms?.company, c.fullName, normCompany),
    phones7: listOf(phones.map((p) => p.slice(-7))),
    emailLocals: listOf(emails.map((e) => e.split('@')[0]!.split('+')[0]!.replace(/\./g, '')).filter((l) => l.length >= 3)),
    // One shared object for the many records without a single-field name or phones written otherwise.
    show: !full && shownAs === NO_PHONES ? NO_SHOW : { full, phones: shownAs },
  };
}

/**
 * One shared empty list for every record without phones, emails or a double family name. Not
 * frozen (another elements kind for the comparison loops to meet): nothing writes to it.
 */
const NONE: string[] = [];
const NO_PHONES: readonly string[] = NONE;
const NO_SHOW: MatchRecord['show'] = { full: '', phones: NO_PHONES };

/** The values once each, in order; the shared empty list when there are none. */
const listOf = (values: string[]): string[] => (values.length === 0 ? NONE : [...new Set(values)]);

/**
 * The phones as written, for reasons; none (one shared empty list) when each is `+` and its
 * digits, which is what the reasons show without them: a million records keep no copy.
 */
function shownPhones(phones: CanonicalContact['phones']): readonly string[] {
  const shown = (phones ?? []).map((p) => p.e164 ?? p.raw);
  return shown.every((p) => p === `+${p.replace(/\D/g, '')}`) ? NO_PHONES : shown;
}

/** How often each value occurs, for frequency-aware weights. */
export class Frequencies {
  readonly n: number;
  private readonly family = new Map<string, number>();
  private readonly given = new Map<string, number>();
  private readonly phone = new Map<string, number>();
  private readonly email = new Map<string, number>();
  private readonly company = new Map<string, number>();

  /** u of each record's own given (folded) and family name, by record index: read for every candidate pair. */
  readonly givenU: Float64Array;
  readonly familyU: Float64Array;

  /**
   * Counted over `records`; or, with `stored`, over the whole store as it keeps the counts
   * (store/match-keys.ts): an incremental scan holds only the records around what changed.
   */
  constructor(
    private readonly records: MatchRecord[],
    stored?: { n: number; count: (value: number) => number },
  ) {
    this.n = Math.max(1, stored ? stored.n : records.length);
    const bump = stored
      ? (m: Map<string, number>, k: string, kind: string): void => {
          if (k && !m.has(k)) m.set(k, stored.count(hash53(kind + k)));
        }
      : (m: Map<string, number>, k: string): void => {
          if (k) m.set(k, (m.get(k) ?? 0) + 1);
        };
    // The kinds' letters are countedValues' (match-keys.ts).
    for (const r of records) {
      bump(this.family, r.family, 'F');
      bump(this.given, r.givenCanon, 'G');
      for (const p of r.phones) bump(this.phone, p, 'P');
      for (const e of r.emails) bump(this.email, e, 'E');
      bump(this.company, r.company, 'C');
    }
    this.givenU = Float64Array.from(records, (r) => this.u('given', r.givenCanon));
    this.familyU = Float64Array.from(records, (r) => this.u('family', r.family));
  }

  /** u of a record's own given or family name: precomputed for the records counted, else looked up. */
  uOf(kind: 'given' | 'family', r: MatchRecord): number {
    if (this.records[r.ix] === r) return kind === 'given' ? this.givenU[r.ix]! : this.familyU[r.ix]!;
    return this.u(kind, kind === 'given' ? r.givenCanon : r.family);
  }

  /**
   * How likely a stranger shares this value: the share of *other* records holding it (the
   * pair being compared accounts for one). Names are never taken as rarer than 1 in 2,000.
   */
  u(kind: 'family' | 'given' | 'phone' | 'email' | 'company', v: string): number {
    const m =
      kind === 'family'
        ? this.family
        : kind === 'given'
          ? this.given
          : kind === 'phone'
            ? this.phone
            : kind === 'email'
              ? this.email
              : this.company;
    const others = Math.max(1, (m.get(v) ?? 1) - 1);
    return Math.max(others / this.n, kind === 'family' || kind === 'given' ? 1 / 2000 : 0);
  }
}
