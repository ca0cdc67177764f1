// `--set FIELD=VALUE` for `contacts edit` and `conflicts resolve`: canonical field names,
// with the shortcuts a person types at a shell — comma lists for emails, phones and tags,
// dotted paths into the address, and an empty value to clear a field.
import type { Core } from '../main/core';
import { phoneEntry } from '../main/core/normalize/phone';
import { CANONICAL_FIELDS, type CanonicalContact } from '../shared/domain';

export class SetError extends Error {}

export function parseSets(sets: string[], current: CanonicalContact): Partial<CanonicalContact> {
  const patch: Record<string, unknown> = {};
  for (const s of sets) {
    const eq = s.indexOf('=');
    if (eq <= 0) throw new SetError(`--set expects FIELD=VALUE, got "${s}"`);
    const key = s.slice(0, eq).trim();
    const raw = s.slice(eq + 1);
    const [field, sub] = key.split('.', 2) as [string, string | undefined];
    if (!(CANONICAL_FIELDS as readonly string[]).includes(field)) throw new SetError(`Unknown field "${field}" (one of: ${CANONICAL_FIELDS.join(', ')})`);
    if (sub) {
      if (field !== 'address' && field !== 'custom') throw new SetError(`Only address.* and custom.* take a dotted name, not "${key}"`);
      const base = { ...((patch[field] ?? current[field as keyof CanonicalContact] ?? {}) as Record<string, unknown>) };
      if (raw === '') delete base[sub];
      else base[sub] = raw;
      patch[field] = base;
      continue;
    }
    patch[field] = raw === '' ? null : valueOf(field, raw);
  }
  return patch as Partial<CanonicalContact>;
}

function valueOf(field: string, raw: string): unknown {
  const list = () => raw.split(',').map((x) => x.trim()).filter(Boolean);
  switch (field) {
    case 'emails':
      return list().map((address, i) => ({ address, primary: i === 0 }));
    case 'phones':
      return list().map((n, i) => phoneEntry(n, { primary: i === 0 }));
    case 'tags':
      return list();
    case 'doNotContact':
      if (!['true', 'false'].includes(raw)) throw new SetError('doNotContact is true or false');
      return raw === 'true';
    case 'address':
    case 'location':
    case 'custom':
      try {
        return JSON.parse(raw) as unknown;
      } catch {
        throw new SetError(`${field} takes JSON (or use ${field}.NAME=VALUE)`);
      }
    default:
      return raw;
  }
}

/** The contact a `--set` applies to: a record's local copy, or a person's golden record. */
export function currentOf(core: Core, id: string): CanonicalContact {
  const rec = core.store.sqlite.prepare('SELECT local FROM records WHERE id = ?').get(id) as { local: string } | undefined;
  if (rec) return JSON.parse(rec.local) as CanonicalContact;
  return core.contacts.get(id).golden;
}

export function describeValue(v: unknown): string {
  if (v === null || v === undefined) return '(none)';
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return v.map((x) => (typeof x === 'object' && x ? ((x as { address?: string; e164?: string; raw?: string }).address ?? (x as { e164?: string }).e164 ?? (x as { raw?: string }).raw ?? JSON.stringify(x)) : String(x))).join(', ');
  if (typeof v === 'object') return Object.values(v as Record<string, unknown>).filter(Boolean).join(', ');
  return String(v);
}
