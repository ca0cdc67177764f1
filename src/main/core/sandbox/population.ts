// The sandbox population: deterministic (same seed -> same people), with the overlaps and
// variations real vendor data has — so sync, conflicts and duplicate finding have something
// honest to chew on. About half the people appear in two or more vendors; some appear twice
// inside one vendor; households share a phone; common names recur among strangers.
import fs from 'node:fs';
import type { CanonicalContact, PhoneEntry, Vendor } from '../../../shared/domain';
import { VENDORS } from '../../../shared/domain';
import {
  AREA_CODES,
  CITIES,
  COMPANIES,
  DEPARTMENTS,
  EMAIL_DOMAINS,
  FAMILY,
  GIVEN,
  NICKNAMES,
  ROLES,
  STREETS,
  STREET_TYPES,
  TAGS,
} from './population-data';
import type { Population, SeedContact, TruthPerson } from './population-types';
import { createRng, type Rng } from './rng';

interface Person {
  id: string;
  given: string;
  family: string;
  email: string;
  phone: string; // 10 US digits
  street: string;
  oldStreet: string;
  city: [string, string, string];
  zip: string;
  company?: string;
  role?: string;
  department?: string;
  birthDate?: string;
  tags?: string[];
  notes?: string;
}

const ascii = (s: string): string =>
  s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z]/g, '')
    .toLowerCase();

function makePerson(rng: Rng, i: number, household?: Person): Person {
  const family = household?.family ?? rng.pick(FAMILY);
  // Two people in one household rarely share a first name.
  let given = rng.pick(GIVEN);
  while (household && given === household.given) given = rng.pick(GIVEN);
  const city = household?.city ?? rng.pick(CITIES);
  const street = household?.street ?? `${rng.int(10, 9999)} ${rng.pick(STREETS)} ${rng.pick(STREET_TYPES)[0]}`;
  const p: Person = {
    id: `p${String(i).padStart(6, '0')}`,
    given,
    family,
    email: `${ascii(given)}.${ascii(family)}${rng.chance(0.4) ? rng.int(1, 99) : ''}@${rng.pick(EMAIL_DOMAINS)}`,
    // A household shares its landline.
    phone: household?.phone ?? `${rng.pick(AREA_CODES)}${rng.int(200, 999)}${String(rng.int(0, 9999)).padStart(4, '0')}`,
    street,
    oldStreet: `${rng.int(10, 9999)} ${rng.pick(STREETS)} ${rng.pick(STREET_TYPES)[0]}`,
    city,
    zip: household ? household.zip : `${city[2]}${String(rng.int(0, 99)).padStart(2, '0')}`,
  };
  if (rng.chance(0.5)) p.company = rng.pick(COMPANIES);
  if (rng.chance(0.6)) p.role = rng.pick(ROLES);
  if (p.company && rng.chance(0.4)) p.department = rng.pick(DEPARTMENTS);
  if (rng.chance(0.45))
    p.birthDate = `${rng.int(1940, 2002)}-${String(rng.int(1, 12)).padStart(2, '0')}-${String(rng.int(1, 28)).padStart(2, '0')}`;
  if (rng.chance(0.35)) p.tags = [rng.pick(TAGS), ...(rng.chance(0.3) ? [rng.pick(TAGS)] : [])].filter((t, k, a) => a.indexOf(t) === k);
  if (rng.chance(0.08)) p.notes = rng.pick(['Prefers email', 'Call after 5pm', 'Met at the spring gala', 'Spouse handles giving']);
  return p;
}

const formatPhone = (rng: Rng, d: string): string =>
  rng.pick([
    `(${d.slice(0, 3)}) ${d.slice(3, 6)}-${d.slice(6)}`,
    `${d.slice(0, 3)}.${d.slice(3, 6)}.${d.slice(6)}`,
    `+1 ${d.slice(0, 3)} ${d.slice(3, 6)} ${d.slice(6)}`,
    d,
    `${d.slice(0, 3)}-${d.slice(3, 6)}-${d.slice(6)}`,
  ]);

function typo(rng: Rng, s: string): string {
  if (s.length < 4) return s;
  const i = rng.int(1, s.length - 2);
  const ops = [
    () => s.slice(0, i) + s.slice(i + 1), // drop a letter
    () => s.slice(0, i) + s[i + 1] + s[i] + s.slice(i + 2), // swap two
    () => s.slice(0, i) + s[i] + s.slice(i), // double one
  ];
  return rng.pick(ops)();
}

/** One vendor's copy of a person, with the variation a second system accumulates. */
function copyOf(rng: Rng, p: Person, variant: boolean): CanonicalContact {
  let given = p.given;
  let family = p.family;
  let email: string | undefined = p.email;
  let phoneDigits: string | undefined = p.phone;
  let street = p.street;
  if (variant) {
    const nick = NICKNAMES[given];
    if (nick && rng.chance(0.35)) given = rng.pick(nick);
    else if (rng.chance(0.15)) given = typo(rng, given);
    if (rng.chance(0.12)) family = typo(rng, family);
    if (rng.chance(0.06)) [given, family] = [family, given]; // entered the wrong way round
    if (rng.chance(0.2)) email = undefined;
    else if (rng.chance(0.15)) email = email.replace(/^./, (c) => c.toUpperCase());
    if (rng.chance(0.15)) phoneDigits = undefined;
    if (rng.chance(0.2))
      street = p.oldStreet; // a stale address
    else if (rng.chance(0.3)) {
      for (const [long, short] of STREET_TYPES) street = street.replace(new RegExp(`${long}$`), short);
    }
  }
  const phones: PhoneEntry[] = phoneDigits
    ? [{ e164: `+1${phoneDigits}`, raw: formatPhone(rng, phoneDigits), primary: true, mobile: rng.chance(0.6) }]
    : [];
  const c: CanonicalContact = { givenName: given, familyName: family };
  if (email) c.emails = [{ address: email, primary: true }];
  if (phones.length) c.phones = phones;
  if (!variant || rng.chance(0.8)) c.address = { street1: street, city: p.city[0], region: p.city[1], postalCode: p.zip, country: 'US' };
  if (p.company && (!variant || rng.chance(0.7))) c.company = p.company;
  if (p.role && (!variant || rng.chance(0.6))) c.role = p.role;
  if (p.department && !variant) c.department = p.department;
  if (p.birthDate && (!variant || rng.chance(0.5))) c.birthDate = p.birthDate;
  if (p.tags && (!variant || rng.chance(0.5))) c.tags = [...p.tags];
  if (p.notes && !variant) c.notes = p.notes;
  return c;
}

function shuffle<T>(rng: Rng, list: T[]): T[] {
  for (let i = list.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [list[i], list[j]] = [list[j]!, list[i]!];
  }
  return list;
}

/** How far back the sandbox's records go. */
const HISTORY_MS = 3 * 365 * 24 * 3600_000;

export function generatePopulation(opts: { seed: number; people?: number }): Population {
  const rng = createRng(opts.seed);
  const n = opts.people ?? 300;
  const byVendor = Object.fromEntries(VENDORS.map((v) => [v, [] as SeedContact[]])) as Record<Vendor, SeedContact[]>;
  const truth: TruthPerson[] = [];
  const counters = Object.fromEntries(VENDORS.map((v) => [v, 0])) as Record<Vendor, number>;
  // Change history from its own stream, so the same seed still gives the same people: records
  // are three years old at most; about 60 % never changed since they were entered, the rest
  // last changed at some point since (a handful in the last day, almost none in the last minutes).
  const history = createRng(opts.seed + 7919);
  const place = (vendor: Vendor, contact: CanonicalContact): string => {
    const key = `${vendor}:${String(++counters[vendor]).padStart(4, '0')}`;
    const created = Math.floor(history.next() * HISTORY_MS);
    byVendor[vendor].push({ key, contact, updatedAgoMs: history.chance(0.6) ? created : Math.floor(history.next() * created) });
    return key;
  };
  let previous: Person | undefined;
  const usedEmails = new Set<string>();
  for (let i = 0; i < n; i++) {
    // ~6% live with the previous person (same surname, address and landline).
    const p = makePerson(rng, i, previous && rng.chance(0.06) ? previous : undefined);
    // An email address belongs to one person: strangers with the same name get another one.
    for (let k = 2; usedEmails.has(p.email); k++) p.email = p.email.replace(/^([a-z]+\.[a-z]+?)(\d*)@/, `$1${k}@`);
    usedEmails.add(p.email);
    previous = p;
    const spread = rng.next();
    const count = spread < 0.5 ? 1 : spread < 0.8 ? 2 : spread < 0.95 ? 3 : rng.int(4, 5);
    const vendors = shuffle(rng, [...VENDORS]).slice(0, count);
    const keys = vendors.map((v, k) => place(v, copyOf(rng, p, k > 0)));
    // ~5% are entered twice in one of their vendors.
    if (rng.chance(0.05)) keys.push(place(vendors[0]!, copyOf(rng, p, true)));
    truth.push({ personId: p.id, keys });
  }
  return { byVendor, truth };
}

export function writeTruthFile(
  file: string,
  seed: number,
  population: Population,
  remoteIds: Record<string, { vendor: string; remoteId: string }>,
): void {
  const people = population.truth.map((t) => ({
    personId: t.personId,
    records: t.keys.map((key) => ({ vendor: key.split(':')[0], key, remoteId: remoteIds[key]?.remoteId ?? null })),
  }));
  fs.writeFileSync(file, JSON.stringify({ seed, people }, null, 2));
}
