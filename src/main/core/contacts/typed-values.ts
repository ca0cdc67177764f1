// What a person types for a field — in the window's boxes or as `concord … --set FIELD=VALUE`
// — turned into a canonical value. One parser, in the core, for every host: lists by comma
// or line, phones typed for the region, an address as lines or JSON, dotted names into the
// address and custom fields, and an empty value to clear a field.
import { CANONICAL_FIELDS, type CanonicalContact } from '../../../shared/domain';
import { CoreError, excerpt } from '../errors';
import { timeZoneProblem } from '../normalize/time-zone';
import { phoneEntry } from '../normalize/phone';

/** Typed text per field (`address.city` and `custom.NAME` reach inside) -> a patch, against the contact it applies to. */
export function parseTypedValues(typed: Record<string, string>, current: CanonicalContact, region?: string): Partial<CanonicalContact> {
  const patch: Record<string, unknown> = {};
  for (const [key, raw] of Object.entries(typed)) {
    const [field, sub] = key.trim().split('.', 2) as [string, string | undefined];
    if (!(CANONICAL_FIELDS as readonly string[]).includes(field))
      throw bad(`Unknown field "${excerpt(field)}" (one of: ${CANONICAL_FIELDS.join(', ')})`);
    if (sub) {
      if (field !== 'address' && field !== 'custom') throw bad(`Only address.* and custom.* take a dotted name, not "${excerpt(key)}"`);
      const base = { ...((patch[field] ?? current[field as keyof CanonicalContact] ?? {}) as Record<string, unknown>) };
      if (raw.trim() === '') delete base[sub];
      else base[sub] = raw.trim();
      patch[field] = base;
      continue;
    }
    patch[field] = raw.trim() === '' ? null : typedValue(field, raw, region);
  }
  return patch as Partial<CanonicalContact>;
}

export function typedValue(field: string, raw: string, region?: string): unknown {
  const t = raw.trim();
  const list = (sep: RegExp) =>
    t
      .split(sep)
      .map((x) => x.trim())
      .filter(Boolean);
  switch (field) {
    case 'emails':
      return list(/[\n,]+/).map((address, i) => ({ address, primary: i === 0 }));
    case 'phones':
      return list(/[\n,]+/).map((n, i) => phoneEntry(n, { primary: i === 0, region }));
    case 'tags':
      return list(/[\n,]+/);
    case 'doNotContact':
      if (/^(y|yes|true|1)$/i.test(t)) return true;
      if (/^(n|no|false|0)$/i.test(t)) return false;
      throw bad('doNotContact is yes or no (true or false)');
    case 'address':
      return t.startsWith('{') ? json(field, t) : addressOf(t);
    case 'location':
    case 'custom':
      return json(field, t);
    case 'timeZone': {
      const problem = timeZoneProblem(t);
      if (problem) throw bad(`timeZone: ${problem}`);
      return t;
    }
    default:
      return t;
  }
}

/** An address as the window shows it: street, [second street,] "city REGION postcode", ["County: name",] country. */
function addressOf(t: string): Record<string, string | null> {
  const all = t.split('\n').map((l) => l.trim());
  // The county line is labelled (the window writes it so), so it cannot be taken for a street or a city.
  const countyLine = all.find((l) => /^county:/i.test(l));
  const county = countyLine ? countyLine.replace(/^county:\s*/i, '').trim() || null : null;
  const lines = all.filter((l) => l !== countyLine);
  const [street1, street2, cityLine, country] = lines.length >= 4 ? lines : [lines[0], null, lines[1], lines[2]];
  const m = cityRegionPostcode((cityLine ?? '').trim());
  return {
    street1: street1 || null,
    street2: street2 || null,
    city: m?.city || null,
    region: m?.region ?? null,
    postalCode: m?.postalCode ?? null,
    ...(county ? { county } : {}),
    country: country || null,
  };
}

const isSpace = (ch: string | undefined) => ch !== undefined && /\s/.test(ch);

/**
 * "Portland OR 97201" -> city, a two-letter region, a postcode (a last word with a digit).
 * Read word by word from the end, not by /^(.*?)(?:\s+([A-Z]{2}))?(?:\s+(\S*\d\S*))?$/,
 * whose lazy city before optional whitespace took seconds on a long run of spaces. Same
 * results, null included (a line break inside the city, where `.` stops).
 */
function cityRegionPostcode(t: string): { city: string; region?: string; postalCode?: string } | null {
  // The last two words and where the whitespace before each starts.
  const lastWord = (end: number): { word: string; spaceAt: number } | null => {
    let i = end;
    while (i > 0 && !isSpace(t[i - 1])) i--;
    let j = i;
    while (j > 0 && isSpace(t[j - 1])) j--;
    return i < end && j < i ? { word: t.slice(i, end), spaceAt: j } : null;
  };
  const last = lastWord(t.length);
  const before = last ? lastWord(last.spaceAt) : null;
  const isRegion = (w: string) => /^[A-Z]{2}$/.test(w);
  const isPostcode = (w: string) => /\d/.test(w);
  let out: { city: string; region?: string; postalCode?: string };
  if (last && before && isPostcode(last.word) && isRegion(before.word))
    out = { city: t.slice(0, before.spaceAt), region: before.word, postalCode: last.word };
  else if (last && isRegion(last.word)) out = { city: t.slice(0, last.spaceAt), region: last.word };
  else if (last && isPostcode(last.word)) out = { city: t.slice(0, last.spaceAt), postalCode: last.word };
  else out = { city: t };
  return /[\n\r\u2028\u2029]/.test(out.city) ? null : out;
}

function json(field: string, t: string): unknown {
  try {
    return JSON.parse(t) as unknown;
  } catch {
    throw bad(`${field} takes JSON (or use ${field}.NAME=VALUE)`);
  }
}

const bad = (message: string) => new CoreError('bad_request', message);
