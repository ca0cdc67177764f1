// Time zones are IANA names ("America/New_York", "Europe/London", "UTC") wherever Concord
// accepts one from a person: a typo or "Mars/Olympus_Mons" is refused as it is typed, not sent
// to a vendor that would store it (CallTools holds any text up to 50 characters).
import { excerpt } from '../errors';

/** Does the runtime's time-zone database know `name`? Offsets ("+05:00") are not names. */
export function isTimeZone(name: string): boolean {
  if (!/^[A-Za-z]/.test(name)) return false;
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** A person-facing reason `name` is not a time zone, or null when it is one. */
export function timeZoneProblem(name: string): string | null {
  return isTimeZone(name) ? null : `"${excerpt(name)}" is not a time zone; use an IANA name such as America/New_York, Europe/London or UTC`;
}
