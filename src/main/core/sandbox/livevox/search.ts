// LiveVox's read and search answers (the vendor's livevox-contacts.txt, docs/vendors/livevox.md):
// the read shape, phones padded to ten ordinals, and the search tree with its conditions.
import type { Json } from './store';

/** The read/search shape: createdDate/modifiedDate instead of createDate/modifyDate. */
export function asRead(c: Json): Json {
  const { createDate, modifyDate, id: _id, ...rest } = c;
  return { ...rest, createdDate: createDate, modifiedDate: modifyDate };
}

/**
 * A search answer leaves out what is null: the document's search examples show a contact with
 * no `person` at all and one whose `person` holds only `zipCode`, and neither shows an empty
 * `address1`, `email` or `dateOfBirth`, where its read example says `"dateOfBirth": null`.
 * Empty strings stay (the examples' `"country": ""`).
 */
export function withoutNulls(c: Json): Json {
  const out: Json = {};
  for (const [k, v] of Object.entries(c)) {
    if (v === null || v === undefined) continue;
    if (Array.isArray(v)) out[k] = v.map((x) => (x && typeof x === 'object' && !Array.isArray(x) ? withoutNulls(x as Json) : x));
    else if (typeof v === 'object') {
      const inner = withoutNulls(v as Json);
      if (Object.keys(inner).length) out[k] = inner;
    } else out[k] = v;
  }
  return out;
}

export function padPhones(c: Json): Json {
  const byOrdinal = new Map((c.phone as Json[]).map((p) => [Number(p.ordinal), p]));
  // Empty slots look like the document's (no `phone` key); a stored entry keeps its own flags.
  const phone = Array.from({ length: 10 }, (_, i) => ({
    smsConsent: false,
    cellConsent: false,
    dnd: false,
    dndDaily: false,
    callAttemptsTotal: 0,
    callAttemptsToday: 0,
    ...(byOrdinal.get(i + 1) ?? {}),
    ordinal: i + 1,
    position: i + 1,
  }));
  return { ...c, phone };
}

/**
 * The value a search or sort names. The document's examples use lower-case keys ("account",
 * "postalcode", "paymentbalance"); we read them case-insensitively against the contact's own
 * keys, person keys, and those aliases (its field list is not in the document we have).
 */
const ALIASES: Record<string, (c: Json) => unknown> = {
  postalcode: (c) => (c.person as Json | undefined)?.zipCode,
  zipcode: (c) => (c.person as Json | undefined)?.zipCode,
  paymentbalance: (c) => c.balance,
  phone: (c) => ((c.phone as Json[] | undefined) ?? []).map((p) => p.phone).filter(Boolean),
};
export function fieldValue(c: Json, field: string): unknown {
  const f = field.toLowerCase();
  if (ALIASES[f]) return ALIASES[f](c);
  // The key as written ("account"): no scan of every key, which a search ORing 200 accounts
  // over every contact would otherwise do 200 times per contact.
  if (field !== 'person' && Object.prototype.hasOwnProperty.call(c, field)) return c[field];
  const person = (c.person ?? {}) as Json;
  const key = Object.keys(c).find((k) => k.toLowerCase() === f);
  if (key && key !== 'person') return c[key];
  const pk = Object.keys(person).find((k) => k.toLowerCase() === f);
  if (pk) return person[pk];
  const cf = (Array.isArray(c.customFields) ? (c.customFields as Json[]) : []).find((x) => String(x.field).toLowerCase() === f);
  return cf?.value;
}

export function compare(a: unknown, b: unknown): number {
  const na = Number(a);
  const nb = Number(b);
  if (a !== null && b !== null && a !== '' && b !== '' && Number.isFinite(na) && Number.isFinite(nb)) return na - nb;
  return String(a ?? '').localeCompare(String(b ?? ''));
}

// `cmp` is asked only by the ordering conditions (a locale compare is costly at 200 leaves a contact).
const CONDITIONS: Record<string, (v: string, criteria: string, cmp: () => number) => boolean> = {
  EQUALS: (v, c) => v === c,
  STARTS_WITH: (v, c) => v.startsWith(c),
  ENDS_WITH: (v, c) => v.endsWith(c),
  CONTAINS: (v, c) => v.includes(c),
  LESS: (_v, _c, cmp) => cmp() < 0,
  GREATER: (_v, _c, cmp) => cmp() > 0,
  GREATER_EQUAL: (_v, _c, cmp) => cmp() >= 0,
};

/** A search tree: a rule {rule: AND|OR, left, right} or a condition {field, criteria, condition}. */
export function searchTest(node: Json): (c: Json) => boolean {
  if ('rule' in node) {
    const rule = String(node.rule).toUpperCase();
    if (rule !== 'AND' && rule !== 'OR') throw new Error(`Invalid rule ${String(node.rule)}: must be AND or OR`);
    if (!node.left || !node.right || typeof node.left !== 'object' || typeof node.right !== 'object')
      throw new Error('A rule needs left and right');
    const l = searchTest(node.left as Json);
    const r = searchTest(node.right as Json);
    return rule === 'AND' ? (c) => l(c) && r(c) : (c) => l(c) || r(c);
  }
  const op = CONDITIONS[String(node.condition).toUpperCase()];
  if (!op) throw new Error(`Invalid condition ${String(node.condition)}`);
  if (typeof node.field !== 'string' || !node.field) throw new Error('A condition needs a field');
  const criteria = String(node.criteria ?? '');
  return (c) => {
    const v = fieldValue(c, node.field as string);
    const values = Array.isArray(v) ? v : [v];
    return values.some((x) => x != null && op(String(x), criteria, () => compare(x, criteria)));
  };
}
