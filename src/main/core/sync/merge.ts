// Three-way merge of canonical contacts, per field (DESIGN §4). A field changed on one side
// only takes that side; changed on both sides to the same value is agreement; changed on
// both sides differently is a conflict, and the merged result keeps the local value until
// a person decides.
import { CANONICAL_FIELDS, type CanonicalContact, type CanonicalField } from '../../../shared/domain';

export interface FieldConflict {
  field: string;
  base: unknown;
  local: unknown;
  remote: unknown;
}

export interface MergeResult {
  merged: CanonicalContact;
  conflicts: FieldConflict[];
}

/**
 * The form two values are compared in. Vendors reorder lists, relabel entries, change case
 * in emails and reformat phones; none of that is a change a person made, so lists compare
 * as sets of their keys and blank compares equal to absent.
 */
export function comparable(field: string, v: unknown): unknown {
  if (v == null) return null;
  if (typeof v === 'string') return v.trim() === '' ? null : v.trim();
  if (Array.isArray(v)) {
    if (v.length === 0) return null;
    if (field === 'emails') return [...new Set(v.map((e: { address?: string }) => String(e?.address ?? '').trim().toLowerCase()))].sort();
    if (field === 'phones') return [...new Set(v.map((p: { e164?: string | null; raw?: string }) => p?.e164 ?? String(p?.raw ?? '').replace(/\D/g, '')))].sort();
    if (field === 'tags') return [...new Set(v.map((t) => String(t).trim().toLowerCase()))].sort();
    return v.map((x) => comparable('', x));
  }
  if (typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>)
      .map(([k, x]) => [k, comparable(k, x)] as const)
      .filter(([, x]) => x !== null)
      .sort(([a], [b]) => (a < b ? -1 : 1));
    return entries.length ? Object.fromEntries(entries) : null;
  }
  return v;
}

export function sameValue(field: string, a: unknown, b: unknown): boolean {
  return JSON.stringify(comparable(field, a)) === JSON.stringify(comparable(field, b));
}

const fieldsOf = (...cs: (CanonicalContact | null | undefined)[]): CanonicalField[] =>
  CANONICAL_FIELDS.filter((f) => cs.some((c) => c && f in c));

export function merge3(base: CanonicalContact, local: CanonicalContact, remote: CanonicalContact, onlyFields?: readonly string[]): MergeResult {
  const merged: Record<string, unknown> = { ...remote };
  const conflicts: FieldConflict[] = [];
  for (const f of fieldsOf(base, local, remote)) {
    if (onlyFields && !onlyFields.includes(f)) continue; // fields the vendor cannot hold: the server's value stands
    const [b, l, r] = [base[f], local[f], remote[f]];
    if (sameValue(f, l, b) || sameValue(f, l, r)) continue; // untouched here, or both sides agree: take the server's
    if (sameValue(f, r, b)) merged[f] = l; // changed here only
    else {
      merged[f] = l;
      conflicts.push({ field: f, base: b ?? null, local: l ?? null, remote: r ?? null });
    }
  }
  return { merged: clean(merged), conflicts };
}

/** The fields of `to` that differ from `from`, as a patch (absent fields become null). */
export function diff(from: CanonicalContact, to: CanonicalContact, onlyFields?: readonly string[]): Partial<CanonicalContact> {
  const patch: Record<string, unknown> = {};
  for (const f of fieldsOf(from, to)) {
    if (onlyFields && !onlyFields.includes(f)) continue;
    if (!sameValue(f, from[f], to[f])) patch[f] = to[f] ?? null;
  }
  return patch as Partial<CanonicalContact>;
}

/** Apply a patch; null removes a field. */
export function applyPatch(c: CanonicalContact, patch: Partial<CanonicalContact>): CanonicalContact {
  return clean({ ...c, ...patch });
}

function clean(c: Record<string, unknown>): CanonicalContact {
  for (const k of Object.keys(c)) if (c[k] === null || c[k] === undefined) delete c[k];
  return c as CanonicalContact;
}
