// Phones are normalised to E.164 with libphonenumber-js (docs/design.md#canonical-contact); the raw text is kept.
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import type { PhoneEntry } from '../../../shared/domain';

/**
 * Numbers parsed lately, by region and text: libphonenumber's parse is most of a record's
 * mapping, and a record names the same number more than once (CallTools: the nested number
 * and the flat slot, compared and then mapped). Bounded; dropped whole when full.
 */
const parsedLately = new Map<string, string | null>();
const PARSED_LATELY_MAX = 4096;
/** Only texts a phone number could be are remembered: a long one (a pasted note) is parsed each time and not kept. */
const PARSED_LATELY_LONGEST = 40;

/**
 * North American numbers written plainly (+1 NPA NXX XXXX, or the ten digits in the US or
 * Canada), which is how most vendors send them: libphonenumber gives these back as they are
 * (+1 and the ten digits; checked against it in test/unit/phone-fast-path.test.ts), at a
 * hundredth of its cost. Anything else goes through it.
 */
const NANP_E164 = /^\+1[2-9]\d{2}[2-9]\d{6}$/;
const NANP_NATIONAL = /^[2-9]\d{2}[2-9]\d{6}$/;

/** E.164 for a typed number, or null when it cannot be a phone number in `region`. */
export function toE164(raw: string, region: string = 'US'): string | null {
  const text = raw.trim();
  if (!text) return null;
  if (NANP_E164.test(text)) return text;
  if (NANP_NATIONAL.test(text)) {
    const r = region.toUpperCase();
    if (r === 'US' || r === 'CA') return `+1${text}`;
  }
  const key = text.length <= PARSED_LATELY_LONGEST ? `${region}\u0000${text}` : undefined;
  const known = key === undefined ? undefined : parsedLately.get(key);
  if (known !== undefined) return known;
  const parsed = parsePhoneNumberFromString(text, region.toUpperCase() as CountryCode);
  const e164 = parsed && parsed.isPossible() ? parsed.number : null;
  if (key !== undefined) {
    if (parsedLately.size >= PARSED_LATELY_MAX) parsedLately.clear();
    parsedLately.set(key, e164);
  }
  return e164;
}

export function phoneEntry(
  raw: string,
  opts: { region?: string; label?: string | null; mobile?: boolean; primary?: boolean } = {},
): PhoneEntry {
  const entry: PhoneEntry = { e164: toE164(raw, opts.region), raw: raw.trim() };
  if (opts.label) entry.label = opts.label;
  if (opts.mobile !== undefined) entry.mobile = opts.mobile;
  if (opts.primary !== undefined) entry.primary = opts.primary;
  return entry;
}
