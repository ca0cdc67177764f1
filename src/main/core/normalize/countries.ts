// Countries: canonical contacts keep ISO 3166-1 alpha-2 where the country is known; a vendor
// that wants the country's name (BigChange: "The textual name of the contact address country")
// gets the English name, and a name or a code read back means the same canonical value.
// Names come from ICU (Intl.DisplayNames, in Node and Electron alike), codes from
// libphonenumber-js's country list plus the ISO territories it has no numbering plan for.
import { getCountries } from 'libphonenumber-js';

const NO_PHONE_PLAN = ['AQ', 'BV', 'GS', 'HM', 'PN', 'TF', 'UM'];
const CODES: ReadonlySet<string> = new Set([...getCountries(), ...NO_PHONE_PLAN]);

// Common ways of writing a country that ICU's names and the codes do not cover.
const ALIASES: Record<string, string> = {
  uk: 'GB',
  'great britain': 'GB',
  britain: 'GB',
  'united kingdom of great britain and northern ireland': 'GB',
  gbr: 'GB',
  usa: 'US',
  'united states of america': 'US',
  america: 'US',
  'u s': 'US',
  'u s a': 'US',
  can: 'CA',
  aus: 'AU',
  irl: 'IE',
  nzl: 'NZ',
  deu: 'DE',
  fra: 'FR',
  esp: 'ES',
  ita: 'IT',
  nld: 'NL',
  mex: 'MX',
  'ivory coast': 'CI',
  burma: 'MM',
  'czech republic': 'CZ',
  turkey: 'TR',
  'hong kong': 'HK',
  macau: 'MO',
  macao: 'MO',
  'south korea': 'KR',
  'north korea': 'KP',
  russia: 'RU',
  vietnam: 'VN',
};

/** Lower case, no accents, punctuation and underscores as spaces ("UNITED_STATES_OF_AMERICA", "U.S.A."). */
function key(s: string): string {
  return s
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

let byKey: Map<string, string> | null = null;
let names: Map<string, string> | null = null;

function tables(): { byKey: Map<string, string>; names: Map<string, string> } {
  if (!byKey || !names) {
    byKey = new Map();
    names = new Map();
    const long = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' });
    const short = new Intl.DisplayNames(['en'], { type: 'region', style: 'short', fallback: 'none' });
    for (const code of CODES) {
      const name = long.of(code);
      if (name) {
        names.set(code, name);
        byKey.set(key(name), code);
        // "Myanmar (Burma)", "Hong Kong SAR China": the name without its qualifier too.
        byKey.set(key(name.replace(/\s*\(.*\)$/, '').replace(/\s+SAR China$/, '')), code);
      }
      const s = short.of(code);
      if (s) byKey.set(key(s), code);
    }
    for (const [k, code] of Object.entries(ALIASES)) byKey.set(k, code);
  }
  return { byKey, names };
}

/** The ISO alpha-2 code of a country written as a code or a name; null when it is not known. */
export function countryCode(text: string | null | undefined): string | null {
  const t = text?.trim();
  if (!t) return null;
  if (/^[A-Za-z]{2}$/.test(t) && CODES.has(t.toUpperCase())) return t.toUpperCase();
  return tables().byKey.get(key(t)) ?? null;
}

/** The canonical value of a country as read: its ISO code where known, else the text as written. */
export function canonicalCountry(text: string | null | undefined): string | null {
  const t = text?.trim();
  return t ? (countryCode(t) ?? t) : null;
}

/** The English name of a country (a code or a name); text that is not a known country stays as it is. */
export function countryName(text: string | null | undefined): string | null {
  const t = text?.trim();
  if (!t) return null;
  const code = countryCode(t);
  return (code && tables().names.get(code)) || t;
}

/** Whether two ways of writing a country mean the same one ("UK" and "GB", "United States" and "USA"). */
export function sameCountry(a: string | null | undefined, b: string | null | undefined): boolean {
  const x = a?.trim() || null;
  const y = b?.trim() || null;
  if (x === null || y === null) return x === y;
  const cx = countryCode(x);
  return cx !== null ? cx === countryCode(y) : key(x) === key(y);
}
