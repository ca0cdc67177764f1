// Phones are normalised to E.164 with libphonenumber-js (docs/design.md#canonical-contact); the raw text is kept.
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import type { PhoneEntry } from '../../../shared/domain';

/** E.164 for a typed number, or null when it cannot be a phone number in `region`. */
export function toE164(raw: string, region: string = 'US'): string | null {
  const text = raw.trim();
  if (!text) return null;
  const parsed = parsePhoneNumberFromString(text, region.toUpperCase() as CountryCode);
  return parsed && parsed.isPossible() ? parsed.number : null;
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
