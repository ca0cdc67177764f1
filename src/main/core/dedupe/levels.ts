// Comparison levels (the Fellegi–Sunter "gamma" of a pair): each field of two records is
// put in one of a few ordered levels — exact, close in some named way, else — or left out
// when either side is blank. Weights are per level (see parameters.ts), so a birth date with
// day and month swapped counts for what it is, not as a plain disagreement.
import type { MatchRecord } from './features';
import { isNickname, shareFormal } from './nicknames';
import { jaroWinklerMin, typo, withinOneEdit } from './match-forms';

// Local bindings of the helpers called millions of times a scan: a call through an imported
// binding costs a property lookup (a getter, under the loader benches and tests run with).
const jwMin = jaroWinklerMin;
const isTypo = typo;
const isNick = isNickname;
const isSibling = shareFormal;
const oneEdit = withinOneEdit;

export interface ComparisonDef {
  key: string;
  label: string;
  /** Level labels, best first; the last is "else". */
  levels: string[];
}

export const COMPARISONS: readonly ComparisonDef[] = [
  { key: 'given', label: 'Given name', levels: ['exact', 'nickname', 'close (typo)', 'nicknames of one name', 'initial', 'else'] },
  { key: 'family', label: 'Family name', levels: ['exact', 'close (typo, part of a double name)', 'else'] },
  { key: 'name', label: 'Name in one field', levels: ['exact', 'close', 'else'] },
  { key: 'birth', label: 'Birth date', levels: ['exact', 'day and month swapped', 'one digit or one part off', 'same year', 'else'] },
  { key: 'street', label: 'Street', levels: ['exact', 'same number, street close', 'same street, other or no number', 'else'] },
  { key: 'line2', label: 'Address line 2', levels: ['exact', 'close', 'else'] },
  { key: 'postcode', label: 'Postcode', levels: ['exact', 'one digit off', 'else'] },
  { key: 'city', label: 'City', levels: ['exact', 'close', 'else'] },
  { key: 'phone', label: 'Phone', levels: ['exact', 'same last 7 digits', 'else'] },
  { key: 'email', label: 'Email', levels: ['exact', 'same local part, or one character off', 'else'] },
  { key: 'company', label: 'Company', levels: ['exact', 'close', 'else'] },
];

/** The given-name levels by name (COMPARISONS[0]). */
export const GIVEN = { exact: 0, nickname: 1, typo: 2, sibling: 3, initial: 4, else: 5 } as const;

export const F = {
  given: 0,
  family: 1,
  name: 2,
  birth: 3,
  street: 4,
  line2: 5,
  postcode: 6,
  city: 7,
  phone: 8,
  email: 9,
  company: 10,
} as const;
export const NF = COMPARISONS.length;
/** Level value for "blank on one side": no evidence either way. */
export const NULL = -1;
/**
 * One extra slot after the NF levels: 0 names as entered; 1 x's family faces y's given name
 * (and x's given y's family); 2 x's given faces y's family name as a given name.
 */
export const GAMMA_WIDTH = NF + 1;

export const givenLevel = (a: string, b: string): number => {
  if (!a || !b) return NULL;
  if (a === b) return GIVEN.exact;
  if (isNick(a, b)) return GIVEN.nickname;
  if (isTypo(a, b)) return GIVEN.typo;
  // Hal and Harry: both short for Henry (and Harold), though neither is listed under the other.
  if (isSibling(a, b)) return GIVEN.sibling;
  if ((a.length === 1 || b.length === 1) && a[0] === b[0]) return GIVEN.initial;
  return GIVEN.else;
};

const familyLevel = (a: string, b: string, ap: string[], bp: string[]): number => {
  const l = familyNamesLevel(a, b);
  return l === 2 ? familyPartsLevel(a, b, ap, bp) : l;
};

/** The family level from the two names alone: blank, the same, alike (typo), else. */
export function familyNamesLevel(a: string, b: string): number {
  if (!a || !b) return NULL;
  if (a === b) return 0;
  const s = jwMin(a, b, 0.8);
  return s >= 0.88 || isTypo(a, b, s) ? 1 : 2;
}

/** Names that are not alike may still be one double or hyphenated name's parts: close (1) or else (2). */
export function familyPartsLevel(a: string, b: string, ap: string[], bp: string[]): number {
  // "Garcia-Lopez" and "Garcia", "Lopez Garcia" and "Garcia Lopez".
  if (ap.length && (ap.includes(b) || anyShared(bp, ap))) return 1;
  if (bp.length && bp.includes(a)) return 1;
  return 2;
}

export const closeLevel = (a: string, b: string, close = 0.9): number =>
  !a || !b ? NULL : a === b ? 0 : jwMin(a, b, close) >= close ? 1 : 2;

export function birthLevel(a: string, b: string): number {
  if (!a || !b) return NULL;
  if (a === b) return 0;
  // YYYY-MM-DD: day and month swapped is a data-entry habit, not a different person.
  if (a.slice(0, 4) === b.slice(0, 4) && a.slice(5, 7) === b.slice(8, 10) && a.slice(8, 10) === b.slice(5, 7)) return 1;
  if (oneOff(a, b) || onePartOff(a, b)) return 2;
  return a.slice(0, 4) === b.slice(0, 4) ? 3 : 4;
}

/**
 * Two of year, month and day the same and the third one away (1969-05-04 / 1970-05-04,
 * 1970-04-04 / 1970-05-04): a slip in one part, which a digit comparison misses when the
 * digits roll over.
 */
function onePartOff(a: string, b: string): boolean {
  if (a.length !== 10 || b.length !== 10) return false;
  const [ya, ma, da] = [+a.slice(0, 4), +a.slice(5, 7), +a.slice(8, 10)];
  const [yb, mb, db] = [+b.slice(0, 4), +b.slice(5, 7), +b.slice(8, 10)];
  const same = Number(ya === yb) + Number(ma === mb) + Number(da === db);
  return same === 2 && (Math.abs(ya - yb) === 1 || Math.abs(ma - mb) === 1 || Math.abs(da - db) === 1);
}

/** One character changed, or two neighbours swapped: at most two positions differ, side by side. */
export function oneOff(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let first = -1;
  let diffs = 0;
  for (let i = 0; i < a.length && diffs <= 2; i++) {
    if (a.charCodeAt(i) === b.charCodeAt(i)) continue;
    if (diffs === 0) first = i;
    diffs++;
  }
  return diffs === 1 || (diffs === 2 && a[first] === b[first + 1] && a[first + 1] === b[first]);
}

function streetLevel(x: MatchRecord, y: MatchRecord): number {
  if (!x.street || !y.street) return NULL;
  if (x.street === y.street) return 0;
  const names = x.streetName === y.streetName ? 1 : jwMin(x.streetName, y.streetName, 0.85);
  if (x.streetNumber && x.streetNumber === y.streetNumber && names >= 0.85) return 1;
  if (names >= 0.92) return 2;
  return 3;
}

/**
 * Sorted-word names (normCompany): the same, close (alike, or every word of the shorter in
 * the longer, at least two words or five letters: "arnie mortons" in "arnie mortons chicago"), else.
 */
export function tokensLevel(a: string, b: string): number {
  if (a === b) return 0;
  if (jwMin(a, b, 0.92) >= 0.92) return 1;
  const [short, long] = a.length <= b.length ? [a, b] : [b, a];
  const words = short.split(' ');
  if (words.length < 2 && short.length < 5) return 2;
  const longWords = long.split(' ');
  return words.every((w) => longWords.includes(w)) ? 1 : 2;
}

export function postcodeLevel(a: string, b: string): number {
  if (!a || !b) return NULL;
  if (a === b) return 0;
  return oneOff(a, b) ? 1 : 2;
}

export function anyShared(a: string[], b: string[]): boolean {
  for (let i = 0; i < a.length; i++) for (let j = 0; j < b.length; j++) if (a[i] === b[j]) return true;
  return false;
}

export const good = (l: number, worst: number): boolean => l !== NULL && l < worst;
export const rank = (gl: number, fl: number): number => (gl === NULL ? GIVEN.else + 1 : gl) + (fl === NULL ? 3 : fl);

export function listLevel(a: string[], b: string[], a2: string[], b2: string[]): number {
  if (!a.length || !b.length) return NULL;
  if (anyShared(a, b)) return 0;
  return anyShared(a2, b2) ? 1 : 2;
}

/**
 * Emails: the same address; the same local part (a cut-short or other domain: h.k@sharp.co /
 * h.k@sharp.com); or one character off in the local part at the same domain (a typo); else.
 */
export function emailLevel(a: string[], b: string[], a2: string[], b2: string[]): number {
  const l = listLevel(a, b, a2, b2);
  if (l !== 2) return l;
  // Compared in place (parts as index ranges, no substrings): most pairs of a scan have emails that differ.
  for (const x of a) {
    const at = x.indexOf('@');
    for (const y of b) {
      if (Math.abs(y.length - x.length) > 2) continue;
      const yat = y.indexOf('@');
      if (at < 0 || yat < 0) {
        if (emailsAlikeNoAt(x, y, at, yat)) return 1;
        continue;
      }
      // The whole local part, at a domain cut short or one letter off (sharp.co / sharp.com).
      if (at === yat && at >= 2 && sameRange(x, y, 0, 0, at) && oneEdit(x, y, at + 1, x.length, yat + 1, y.length)) return 1;
      // One character off in a local part of four or more, at the same domain.
      const domain = x.length - at;
      if (at >= 4 && domain === y.length - yat && sameRange(x, y, at, yat, domain) && oneEdit(x, y, 0, at, 0, yat)) return 1;
    }
  }
  return 2;
}

function sameRange(x: string, y: string, xFrom: number, yFrom: number, len: number): boolean {
  for (let k = 0; k < len; k++) if (x.charCodeAt(xFrom + k) !== y.charCodeAt(yFrom + k)) return false;
  return true;
}

/** An address without an @ (a vendor's free text): its parts as slices make of it, as before. */
function emailsAlikeNoAt(x: string, y: string, at: number, yat: number): boolean {
  const [lx, ly, dx, dy] = [x.slice(0, at), y.slice(0, yat), x.slice(at + 1), y.slice(yat + 1)];
  return (lx === ly && lx.length >= 2 && oneEdit(dx, dy)) || (dx === dy && lx.length >= 4 && oneEdit(lx, ly));
}

/** Given and family levels as entered, or the other way round (x's given against y's family), into out. */
function nameLevels(x: MatchRecord, y: MatchRecord, out: Int8Array, at: number): void {
  const g = givenLevel(x.given, y.given);
  const f = familyLevel(x.family, y.family, x.familyParts, y.familyParts);
  out[at + F.given] = g;
  out[at + F.family] = f;
  out[at + NF] = 0;
  if ((good(g, GIVEN.initial) && good(f, 2)) || !x.given || !x.family || !y.given || !y.family || x.given === x.family) return;
  // One of the two entered the other way round: both names must line up that way (a
  // household's shared surname alone does not count).
  const sg = givenLevel(x.family, y.given);
  const sf = sg !== NULL && sg < GIVEN.initial ? familyLevel(x.given, y.family, [], y.familyParts) : 2;
  if (good(sg, GIVEN.initial) && good(sf, 2) && rank(sg, sf) < rank(g, f)) {
    out[at + F.given] = sg;
    out[at + F.family] = sf;
    out[at + NF] = 1;
    return;
  }
  const sg2 = givenLevel(x.given, y.family);
  const sf2 = sg2 !== NULL && sg2 < GIVEN.initial ? familyLevel(x.family, y.given, x.familyParts, []) : 2;
  if (good(sg2, GIVEN.initial) && good(sf2, 2) && rank(sg2, sf2) < rank(g, f)) {
    out[at + F.given] = sg2;
    out[at + F.family] = sf2;
    out[at + NF] = 2;
  }
}

/** Write the pair's levels into `out` at `at` (GAMMA_WIDTH slots). */
export function compareLevels(x: MatchRecord, y: MatchRecord, out: Int8Array, at = 0): void {
  nameLevels(x, y, out, at);
  out[at + F.name] = !x.family && !y.family ? closeLevel(x.full, y.full, 0.95) : NULL;
  // Names in one field on both sides whose split parts do not line up ("Arnie Morton's of
  // Chicago" / "Arnie Morton's", "Hotel Bel-Air" / "Bel-Air Hotel"): compared whole, word
  // order and legal suffixes aside. A site or a firm, not a person's given and family name.
  if (x.fullKey && y.fullKey && !(good(out[at + F.given]!, GIVEN.initial) && good(out[at + F.family]!, 2))) {
    const whole = tokensLevel(x.fullKey, y.fullKey);
    if (whole < 2) {
      out[at + F.given] = NULL;
      out[at + F.family] = NULL;
      out[at + NF] = 0;
      out[at + F.name] = whole;
    }
  }
  const birth = birthLevel(x.birth, y.birth);
  // What is read of a broken date can only add evidence: disagreeing with it says little.
  out[at + F.birth] = birth === 4 && (x.birthPartial || y.birthPartial) ? NULL : birth;
  out[at + F.street] = streetLevel(x, y);
  out[at + F.line2] = closeLevel(x.line2, y.line2);
  out[at + F.postcode] = postcodeLevel(x.postcode, y.postcode);
  out[at + F.city] = closeLevel(x.city, y.city);
  out[at + F.phone] = listLevel(x.phones, y.phones, x.phones7, y.phones7);
  out[at + F.email] = emailLevel(x.emails, y.emails, x.emailLocals, y.emailLocals);
  out[at + F.company] = x.company && y.company ? tokensLevel(x.company, y.company) : NULL;
}
