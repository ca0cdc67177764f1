// What a person types for a field — in the window's boxes or as `concord … --set FIELD=VALUE`
// — turned into a canonical value. One parser, in the core, for every host: lists by comma
// or line, phones typed for the region, an address as lines or JSON, dotted names into the
// address and custom fields, and an empty value to clear a field.
import { CANONICAL_FIELDS, type CanonicalContact } from '../../../shared/domain';
import { CoreError } from '../errors';
import { phoneEntry } from '../normalize/phone';

/** Typed text per field (`address.city` and `custom.NAME` reach inside) -> a patch, against the contact it applies to. */
export function parseTypedValues(typed: Record<string, string>, current: CanonicalContact, region?: string): Partial<CanonicalContact> {
  const patch: Record<string, unknown> = {};
  for (const [key, raw] of Object.entries(typed)) {
    const [field, sub] = key.trim().split('.', 2) as [string, string | undefined];
    if (!(CANONICAL_FIELDS as readonly string[]).includes(field)) throw bad(`Unknown field "${field}" (one of: ${CANONICAL_FIELDS.join(', ')})`);
    if (sub) {
      if (field !== 'address' && field !== 'custom') throw bad(`Only address.* and custom.* take a dotted name, not "${key}"`);
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
  const list = (sep: RegExp) => t.split(sep).map((x) => x.trim()).filter(Boolean);
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
  const m = /^(.*?)(?:\s+([A-Z]{2}))?(?:\s+(\S*\d\S*))?$/.exec((cityLine ?? '').trim());
  return { street1: street1 || null, street2: street2 || null, city: m?.[1] || null, region: m?.[2] ?? null, postalCode: m?.[3] ?? null, ...(county ? { county } : {}), country: country || null };
}

function json(field: string, t: string): unknown {
  try {
    return JSON.parse(t) as unknown;
  } catch {
    throw bad(`${field} takes JSON (or use ${field}.NAME=VALUE)`);
  }
}

const bad = (message: string) => new CoreError('bad_request', message);
