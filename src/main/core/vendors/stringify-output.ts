// Whether a record's text, as a vendor wrote it, is already what JSON.stringify gives for the
// value parsed from it: then the store keeps that text as the raw copy instead of serialising
// the value again (a CallTools record is 2.6 KB of it). The test is conservative: anything it
// does not recognise as stringify's own form says no, and the caller serialises as before.
// Checked against JSON.stringify on generated values in test/unit/stringify-output.test.ts.

const isDigit = (c: number): boolean => c >= 48 && c <= 57;
/** ES2024's String#isWellFormed (in every Node this runs on; not in the ES2023 typings used here). */
const wellFormed = (s: string): boolean => (s as unknown as { isWellFormed(): boolean }).isWellFormed();
/** Integers of up to 15 digits are exact doubles, written back digit for digit. */
const MAX_INTEGER_DIGITS = 15;

/** Object keys in a parsed value, nested ones included: fewer than the text names means a key came twice. */
function keyCount(v: unknown): number {
  if (v === null || typeof v !== 'object') return 0;
  let n = 0;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) n += keyCount(v[i]);
    return n;
  }
  // for-in, not Object.keys: no array per object. A parsed object's prototype adds nothing
  // (were it to, the count would be too high and the answer no: never a wrong yes).
  for (const k in v) {
    n++;
    const x = (v as Record<string, unknown>)[k];
    if (x !== null && typeof x === 'object') n += keyCount(x);
  }
  return n;
}

/**
 * Whether `JSON.stringify(parsed) === text`, where `parsed` is `JSON.parse(text)`, told without
 * serialising. Yes only for text with no whitespace between tokens, no escapes in its strings
 * (stringify would write them its own way), no lone surrogates, numbers that are integers of
 * up to 15 digits (not -0), no key that starts with a digit (V8 puts integer keys first) and
 * no key twice (parse keeps one).
 */
export function isStringifyOutput(text: string, parsed: unknown): boolean {
  if (text.indexOf('\\') >= 0 || !wellFormed(text)) return false;
  const n = text.length;
  let keys = 0;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 34 /* " */) {
      // No backslash anywhere: the next quote closes the string.
      const end = text.indexOf('"', i + 1);
      if (end < 0) return false;
      if (text.charCodeAt(end + 1) === 58 /* : */) {
        if (isDigit(text.charCodeAt(i + 1))) return false;
        keys++;
      }
      i = end;
    } else if (c === 116 /* t */ || c === 110 /* n */) i += 3;
    else if (c === 102 /* f */) i += 4;
    else if (c === 45 /* - */ || isDigit(c)) {
      let j = c === 45 ? i + 1 : i;
      if (c === 45 && text.charCodeAt(j) === 48 /* -0 */) return false;
      const from = j;
      while (j < n && isDigit(text.charCodeAt(j))) j++;
      if (j - from > MAX_INTEGER_DIGITS) return false;
      const next = text.charCodeAt(j);
      if (next === 46 /* . */ || next === 101 /* e */ || next === 69 /* E */) return false;
      i = j - 1;
    } else if (c !== 123 && c !== 125 && c !== 91 && c !== 93 && c !== 44 && c !== 58 /* { } [ ] , : */) return false;
  }
  return keys === keyCount(parsed);
}
