// Birth dates arrive as ISO dates, compact CCYYMMDD, US or day-first slashes, epoch milliseconds (LiveVox) or
// split day/month/year (MPDX). Canonical form is YYYY-MM-DD.

export function isoDate(y: number, m: number, d: number): string | null {
  if (!Number.isInteger(y) || !Number.isInteger(m) || !Number.isInteger(d)) return null;
  if (y < 1000 || y > 9999 || m < 1 || m > 12 || d < 1 || d > 31) return null;
  const dt = new Date(Date.UTC(y, m - 1, d));
  if (dt.getUTCMonth() !== m - 1 || dt.getUTCDate() !== d) return null; // 31 February and friends
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/**
 * Parse a date a person or vendor typed. Slashed dates are read month-first (US) unless the
 * first part cannot be a month; `dayFirst` flips that for day-first sources.
 */
export function parseDate(input: string | number | null | undefined, opts: { dayFirst?: boolean } = {}): string | null {
  if (input == null || input === '') return null;
  // Epoch ms; 0 means unset (LiveVox), negative is before 1970 (people born then exist).
  if (typeof input === 'number') return input !== 0 && Number.isFinite(input) ? new Date(input).toISOString().slice(0, 10) : null;
  const s = input.trim();
  let m = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?$/.exec(s);
  if (m) return isoDate(+m[1]!, +m[2]!, +m[3]!);
  m = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(s);
  if (m) {
    const a = +m[1]!;
    const b = +m[2]!;
    const dayFirst = opts.dayFirst ? b <= 12 : a > 12;
    return dayFirst ? isoDate(+m[3]!, b, a) : isoDate(+m[3]!, a, b);
  }
  // Compact CCYYMMDD, as exports and older systems write it.
  m = /^(\d{4})(\d{2})(\d{2})$/.exec(s);
  if (m) return isoDate(+m[1]!, +m[2]!, +m[3]!);
  if (/^\d{11,14}$/.test(s)) return parseDate(Number(s));
  return null;
}

/**
 * What can still be read from a birth date that is not a whole date ("1856-86-18", "19561304",
 * "4/31/1970"): the same YYYY-MM-DD shape with the parts as written (an impossible month kept,
 * so a slipped digit stays one character off), or just the year; null when no plausible year
 * (1850–2099) is in it. For matching only — never a birth date to show or send.
 */
export function partialDate(input: string | null | undefined): string | null {
  const s = (input ?? '').trim();
  if (!s) return null;
  const two = (n: string) => n.padStart(2, '0');
  const year = (y: string) => +y >= 1850 && +y <= 2099;
  let m = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$/.exec(s) ?? /^(\d{4})(\d{2})(\d{2})$/.exec(s);
  if (m && year(m[1]!)) return `${m[1]}-${two(m[2]!)}-${two(m[3]!)}`;
  m = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(s);
  if (m && year(m[3]!)) return `${m[3]}-${two(m[1]!)}-${two(m[2]!)}`;
  const y = /(?:^|\D)(\d{4})(?:\D|$)/.exec(s);
  return y && year(y[1]!) ? y[1]! : null;
}
