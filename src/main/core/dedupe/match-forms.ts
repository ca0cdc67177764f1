// The forms records are compared in (docs/design.md#duplicates-and-matching), not the values
// stored (those are normalize/, for every vendor): names without accents and punctuation with
// nicknames folded to one form, emails lower-cased, phones to E.164, addresses with the
// usual abbreviations, birth dates from any vendor format. Pure functions, no I/O.
import { parseDate, partialDate } from '../normalize/dates';
import { toE164 } from '../normalize/phone';
import { hubName, isNickname } from './nicknames';

/** Lower-case ASCII letters only: "José-María O'Neil" -> "josemariaoneil". */
export function normName(s: string | null | undefined): string {
  if (!s) return '';
  return s
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z]/g, '');
}

/**
 * Titles and honorifics people type into the given-name field ("Sir John", "Rev. Ann",
 * "Admiral"): not part of the name. Words only, compared after normName.
 */
const TITLES = new Set([
  'mr',
  'mrs',
  'ms',
  'miss',
  'mx',
  'dr',
  'doctor',
  'prof',
  'professor',
  'sir',
  'dame',
  'lady',
  'lord',
  'rev',
  'revd',
  'reverend',
  'fr',
  'father',
  'sr',
  'sister',
  'br',
  'brother',
  'pastor',
  'rabbi',
  'imam',
  'hon',
  'capt',
  'captain',
  'col',
  'colonel',
  'gen',
  'general',
  'maj',
  'major',
  'lt',
  'sgt',
  'adm',
  'admiral',
  'cmdr',
  'commander',
  'judge',
  'mister',
  'madam',
  'mme',
  'mlle',
  'herr',
  'frau',
]);

/** A given name without the titles in front of it ("Sir John" -> "john"); blank when it was only a title. */
export function givenWithoutTitle(s: string | null | undefined): string {
  if (!s) return '';
  const words = s
    .split(/[\s.]+/)
    .map(normName)
    .filter(Boolean);
  let i = 0;
  while (i < words.length && TITLES.has(words[i]!)) i++;
  return words.slice(i).join('');
}

/**
 * One form of a given name for counting how common it is and for blocking keys: a nickname
 * becomes the formal name most of its variants hang from ("bob" -> "robert"); others are unchanged.
 * Matching itself asks isNicknameOf, which never goes through a third name.
 */
export function canonicalGiven(normalized: string): string {
  return hubName(normalized);
}

/** "bob" / "robert": one is listed as a variant of the other (nicknames.ts). */
export function isNicknameOf(a: string, b: string): boolean {
  return isNickname(a, b);
}

export function normEmail(s: string | null | undefined): string {
  return (s ?? '').trim().toLowerCase();
}

export function normPhone(e164: string | null | undefined, raw: string | null | undefined, region = 'US'): string {
  const e = e164 ?? (raw ? toE164(raw, region) : null);
  return e ? e.replace(/\D/g, '') : (raw ?? '').replace(/\D/g, '');
}

const ABBREVIATIONS: Record<string, string> = {
  street: 'st',
  road: 'rd',
  avenue: 'ave',
  av: 'ave',
  boulevard: 'blvd',
  drive: 'dr',
  lane: 'ln',
  court: 'ct',
  place: 'pl',
  terrace: 'ter',
  highway: 'hwy',
  parkway: 'pkwy',
  circle: 'cir',
  square: 'sq',
  north: 'n',
  south: 's',
  east: 'e',
  west: 'w',
  apartment: 'apt',
  suite: 'ste',
  unit: 'unit',
  mount: 'mt',
  saint: 'st',
  trail: 'trl',
  way: 'way',
  first: '1st',
  second: '2nd',
  third: '3rd',
  fourth: '4th',
  fifth: '5th',
  sixth: '6th',
  seventh: '7th',
  eighth: '8th',
  ninth: '9th',
  tenth: '10th',
};

/** "1200 North Main Street, Apt. 4" -> "1200 n main st apt 4". */
export function normStreet(s: string | null | undefined): string {
  if (!s) return '';
  return s
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9 ]/g, ' ')
    .split(/\s+/)
    .filter(Boolean)
    .map((w) => ABBREVIATIONS[w] ?? w)
    .join(' ');
}

const isDigit = (c: number) => c >= 48 && c <= 57;
const isLower = (c: number) => c >= 97 && c <= 122;
/** The separators a house number may hold ("12-14", "12/3", "12 14"): U+0020 to U+002F. */
const isNumberSep = (c: number) => c >= 32 && c <= 47;
const LINE_END = /[\n\r\u2028\u2029]/;

/**
 * "12a main st" -> 12a / "main st": the house number is its own comparison level.
 * A scan by hand, not a regex: the old /^((?:\d+[a-z]?[ -/]?)+)\s+(.*)$/ nested its quantifiers,
 * so a long run of digits and a letter from a vendor's street took time doubling per digit.
 * Same results: the number is the longest run of "digits, a letter?, a separator?" groups that
 * is followed by whitespace; the name is what follows that whitespace (on one line).
 */
export function splitStreet(street: string): { number: string; name: string } {
  const n = street.length;
  let end = -1; // the last place the number may end: just before whitespace
  let i = 0;
  while (i < n && isDigit(street.charCodeAt(i))) {
    while (i < n && isDigit(street.charCodeAt(i))) i++;
    if (i < n && /\s/.test(street[i]!)) end = i;
    if (i < n && isLower(street.charCodeAt(i))) {
      i++;
      if (i < n && /\s/.test(street[i]!)) end = i;
    }
    if (i < n && isNumberSep(street.charCodeAt(i))) {
      i++;
      if (i < n && /\s/.test(street[i]!)) end = i;
    }
  }
  if (end < 0) return { number: '', name: street };
  let j = end;
  while (j < n && /\s/.test(street[j]!)) j++;
  const name = street.slice(j);
  if (LINE_END.test(name)) return { number: '', name: street };
  return { number: street.slice(0, end).replace(/\s+/g, ''), name };
}

export function normPostcode(s: string | null | undefined): string {
  return (s ?? '')
    .toUpperCase()
    .replace(/[^A-Z0-9]/g, '')
    .slice(0, 5);
}

/** A whole date as YYYY-MM-DD; else what can be read of it (partialDate: the parts as written, or the year); else ''. */
export function normBirthDate(s: string | null | undefined): string {
  return s ? (parseDate(s) ?? partialDate(s) ?? '') : '';
}

/** Soundex digit per letter a-z ('' for vowels, h, w, y), made once: blocking asks for millions of keys. */
const SOUNDEX_CODES: readonly string[] = Array.from('abcdefghijklmnopqrstuvwxyz', (ch) =>
  'bfpv'.includes(ch)
    ? '1'
    : 'cgjkqsxz'.includes(ch)
      ? '2'
      : 'dt'.includes(ch)
        ? '3'
        : ch === 'l'
          ? '4'
          : 'mn'.includes(ch)
            ? '5'
            : ch === 'r'
              ? '6'
              : '',
);
const soundexCode = (ch: string): string => {
  const c = ch.charCodeAt(0) - 97;
  return c >= 0 && c < 26 ? SOUNDEX_CODES[c]! : '';
};

/** American Soundex: a phonetic key for surnames ("Smith" and "Smyth" -> S530). */
export function soundex(normalized: string): string {
  if (!normalized) return '';
  let out = normalized[0]!.toUpperCase();
  let last = soundexCode(normalized[0]!);
  for (let i = 1; i < normalized.length && out.length < 4; i++) {
    const ch = normalized[i]!;
    const code = soundexCode(ch);
    if (code && code !== last) out += code;
    if (ch !== 'h' && ch !== 'w') last = code;
  }
  return out.padEnd(4, '0');
}

/**
 * Jaro–Winkler when it may reach `min`, else 0 — without the full computation for most
 * unrelated strings: characters of one that occur nowhere in the other can never match, and
 * that bounds the score from above. Scans call this on most candidate pairs.
 */
export function jaroWinklerMin(a: string, b: string, min: number): number {
  if (a === b) return a ? 1 : 0;
  if (!a || !b) return 0;
  let maskA = 0;
  let maskB = 0;
  for (let i = 0; i < a.length; i++) maskA |= 1 << (a.charCodeAt(i) & 31);
  for (let j = 0; j < b.length; j++) maskB |= 1 << (b.charCodeAt(j) & 31);
  let inB = 0;
  let inA = 0;
  for (let i = 0; i < a.length; i++) if (maskB & (1 << (a.charCodeAt(i) & 31))) inB++;
  for (let j = 0; j < b.length; j++) if (maskA & (1 << (b.charCodeAt(j) & 31))) inA++;
  const m = Math.min(inA, inB);
  const jaroMax = (m / a.length + m / b.length + 1) / 3;
  // The common prefix (at most 4) lifts Jaro by at most 0.4 of what is left.
  if (jaroMax + 0.4 * (1 - jaroMax) < min) return 0;
  return jaroWinkler(a, b);
}

let hitA = new Uint8Array(64);
let hitB = new Uint8Array(64);

/** Jaro–Winkler similarity in [0, 1]. */
export function jaroWinkler(a: string, b: string): number {
  if (a === b) return a ? 1 : 0;
  if (!a || !b) return 0;
  const range = Math.max(0, Math.floor(Math.max(a.length, b.length) / 2) - 1);
  // Reused buffers: this runs on most candidate pairs of a scan, several fields each.
  if (a.length > hitA.length || b.length > hitB.length)
    [hitA, hitB] = [new Uint8Array(Math.max(a.length, b.length) * 2), new Uint8Array(Math.max(a.length, b.length) * 2)];
  const aHit = hitA.fill(0, 0, a.length);
  const bHit = hitB.fill(0, 0, b.length);
  let matches = 0;
  for (let i = 0; i < a.length; i++) {
    const lo = Math.max(0, i - range);
    const hi = Math.min(b.length - 1, i + range);
    for (let j = lo; j <= hi; j++) {
      if (bHit[j] || a.charCodeAt(i) !== b.charCodeAt(j)) continue;
      aHit[i] = bHit[j] = 1;
      matches++;
      break;
    }
  }
  if (!matches) return 0;
  let t = 0;
  for (let i = 0, j = 0; i < a.length; i++) {
    if (!aHit[i]) continue;
    while (!bHit[j]) j++;
    if (a.charCodeAt(i) !== b.charCodeAt(j)) t++;
    j++;
  }
  const jaro = (matches / a.length + matches / b.length + (matches - t / 2) / matches) / 3;
  let prefix = 0;
  while (prefix < 4 && a[prefix] === b[prefix]) prefix++;
  return jaro + prefix * 0.1 * (1 - jaro);
}

// Three rolling rows, reused: the distance runs on every close name pair in a scan.
let rows = [new Uint16Array(64), new Uint16Array(64), new Uint16Array(64)];

/** Optimal-string-alignment distance (edits, with adjacent swaps as one), for short names. */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  if (Math.abs(a.length - b.length) > 2) return 3;
  if (b.length + 1 > rows[0]!.length) rows = [new Uint16Array(b.length + 1), new Uint16Array(b.length + 1), new Uint16Array(b.length + 1)];
  let [prev2, prev, cur] = rows as [Uint16Array, Uint16Array, Uint16Array];
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      let v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a.charCodeAt(i - 1) === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === b.charCodeAt(j - 1))
        v = Math.min(v, prev2[j - 2]! + 1);
      cur[j] = v;
    }
    [prev2, prev, cur] = [prev, cur, prev2];
  }
  return prev[b.length]!;
}

/**
 * editDistance(a[aFrom..aTo), b[bFrom..bTo)) <= 1 without the table or a substring: the two
 * parts are the same, or one character changed, dropped or added, or two neighbours swapped.
 * Scans ask it of most pairs of emails and close names.
 */
export function withinOneEdit(a: string, b: string, aFrom = 0, aTo = a.length, bFrom = 0, bTo = b.length): boolean {
  const la = aTo - aFrom;
  const lb = bTo - bFrom;
  if (la - lb > 1 || lb - la > 1) return false;
  let i = 0; // the common prefix
  const short = Math.min(la, lb);
  while (i < short && a.charCodeAt(aFrom + i) === b.charCodeAt(bFrom + i)) i++;
  if (i === short && la === lb) return true;
  // The rest after one step on each side (changed), on the longer only (dropped or added), or
  // after the swapped two, must be the same.
  if (la > lb) return sameTail(a, aFrom + i + 1, b, bFrom + i, lb - i);
  if (lb > la) return sameTail(a, aFrom + i, b, bFrom + i + 1, la - i);
  return (
    sameTail(a, aFrom + i + 1, b, bFrom + i + 1, la - i - 1) ||
    (i + 1 < la &&
      a.charCodeAt(aFrom + i) === b.charCodeAt(bFrom + i + 1) &&
      a.charCodeAt(aFrom + i + 1) === b.charCodeAt(bFrom + i) &&
      sameTail(a, aFrom + i + 2, b, bFrom + i + 2, la - i - 2))
  );
}

/** a[from..from+len) and b[bFrom..bFrom+len) hold the same characters. */
function sameTail(a: string, from: number, b: string, bFrom: number, len: number): boolean {
  for (let k = 0; k < len; k++) if (a.charCodeAt(from + k) !== b.charCodeAt(bFrom + k)) return false;
  return true;
}

/**
 * A typo, not a different name: one edit in a name of five letters or more (or a letter dropped from one), or very close
 * spelling. Short names one letter apart (Mark / Mary) are different people.
 */
/** isTypoOf without the similarity: no object per call, for the scan's hot path. */
export function typo(a: string, b: string, known?: number): boolean {
  const similarity = known ?? jaroWinklerMin(a, b, 0.8);
  return similarity >= 0.92 || (similarity >= 0.8 && longEnough(a, b) && withinOneEdit(a, b));
}

/** One edit counts as a typo in names of five letters or more, or a letter dropped from one (Helen / Hlen). */
const longEnough = (a: string, b: string): boolean =>
  Math.min(a.length, b.length) >= 5 || (Math.max(a.length, b.length) >= 5 && Math.min(a.length, b.length) >= 4);

export function isTypoOf(a: string, b: string, known?: number): { typo: boolean; similarity: number } {
  const similarity = known ?? jaroWinklerMin(a, b, 0.8);
  // One edit in a 5+ letter name never drops Jaro–Winkler below 0.8: skip the distance then.
  return { typo: similarity >= 0.92 || (similarity >= 0.8 && longEnough(a, b) && withinOneEdit(a, b)), similarity };
}
