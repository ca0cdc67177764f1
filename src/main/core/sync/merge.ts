// Three-way merge of canonical contacts, per field (docs/design.md#sync-and-merge). A field changed on one side
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
 * The form two values are compared in. Vendors reorder lists, change case in emails and
 * reformat phones; none of that is a change a person made, so lists compare as sorted sets
 * and blank compares equal to absent. But every part a person can change stays in: which
 * entry is primary, its label, its do-not-contact flag (and a phone's mobile flag) — an edit
 * of only those is an edit, and must reach the vendor.
 */
export function comparable(field: string, v: unknown): unknown {
  if (v == null) return null;
  if (typeof v === 'string') return v.trim() === '' ? null : v.trim();
  if (Array.isArray(v)) {
    if (v.length === 0) return null;
    if (field === 'emails' || field === 'phones')
      return entries(field, v as EntryLike[])
        .map((e) => JSON.stringify(e))
        .sort();
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

type EntryLike = {
  address?: string;
  e164?: string | null;
  raw?: string;
  label?: string | null;
  primary?: boolean;
  doNotContact?: boolean;
  mobile?: boolean;
};

/**
 * An entry's identity: the lower-cased address, or the E.164 number, else its digits, else its
 * text ("n/a" in a phone slot is still something a person can remove).
 */
const valueOf = (field: 'emails' | 'phones', x: EntryLike): string => {
  if (field === 'emails')
    return String(x?.address ?? '')
      .trim()
      .toLowerCase();
  if (x?.e164) return x.e164;
  const raw = String(x?.raw ?? '');
  return raw.replace(/\D/g, '') || raw.trim().toLowerCase();
};

/** Phone and email entries reduced to what a person can change, one per value. */
function entries(
  field: 'emails' | 'phones',
  list: EntryLike[],
): { value: string; label: string | null; primary: boolean; doNotContact: boolean; mobile?: boolean }[] {
  // A list that says nothing about primaries (typed by a person) has the first as its primary
  // (primaryOf), so marking it is no change. A list that does say (a vendor's, with true/false
  // on its entries) means what it says: "none is primary" differs from "the first one is".
  const explicit = list.some((x) => typeof x?.primary === 'boolean');
  const primaryAt = explicit ? list.findIndex((x) => x?.primary === true) : 0;
  const seen = new Map<string, { value: string; label: string | null; primary: boolean; doNotContact: boolean; mobile?: boolean }>();
  list.forEach((x, i) => {
    const value = valueOf(field, x);
    if (!value || seen.has(value)) return;
    const label = typeof x?.label === 'string' && x.label.trim() ? x.label.trim().toLowerCase() : null;
    seen.set(value, {
      value,
      label,
      primary: i === primaryAt,
      doNotContact: !!x?.doNotContact,
      ...(field === 'phones' ? { mobile: !!x?.mobile } : {}),
    });
  });
  return [...seen.values()];
}

/**
 * What a person changed between two versions of a contact, as intent paths: a canonical
 * field (`givenName`, `address`), and for phones and emails whose values stayed the same,
 * the parts that moved (`phones.primary`, `emails.label`, `phones.doNotContact`, `phones.mobile`).
 */
export function intentOf(before: CanonicalContact, after: CanonicalContact): string[] {
  const out: string[] = [];
  for (const f of fieldsOf(before, after)) {
    if (sameValue(f, before[f], after[f])) continue;
    if (f !== 'phones' && f !== 'emails') {
      out.push(f);
      continue;
    }
    const a = entries(f, (before[f] ?? []) as EntryLike[]);
    const b = entries(f, (after[f] ?? []) as EntryLike[]);
    const values = (xs: typeof a) =>
      xs
        .map((x) => x.value)
        .sort()
        .join('|');
    if (values(a) !== values(b)) {
      out.push(f);
      continue;
    }
    const byValue = new Map(a.map((x) => [x.value, x]));
    for (const part of ['primary', 'label', 'doNotContact', 'mobile'] as const) {
      if (b.some((x) => byValue.get(x.value)?.[part] !== x[part])) out.push(`${f}.${part}`);
    }
  }
  return out;
}

/** The canonical field an intent path belongs to (`phones.primary` -> `phones`). */
export const fieldOfIntent = (path: string): CanonicalField => path.split('.')[0] as CanonicalField;

export function sameValue(field: string, a: unknown, b: unknown): boolean {
  return JSON.stringify(comparable(field, a)) === JSON.stringify(comparable(field, b));
}

const fieldsOf = (...cs: (CanonicalContact | null | undefined)[]): CanonicalField[] =>
  CANONICAL_FIELDS.filter((f) => cs.some((c) => c && f in c));

export function merge3(
  base: CanonicalContact,
  local: CanonicalContact,
  remote: CanonicalContact,
  onlyFields?: readonly string[],
): MergeResult {
  const merged: Record<string, unknown> = { ...remote };
  const conflicts: FieldConflict[] = [];
  for (const f of fieldsOf(base, local, remote)) {
    if (onlyFields && !onlyFields.includes(f)) continue; // fields the vendor cannot hold: the server's value stands
    const [b, l, r] = [base[f], local[f], remote[f]];
    if (sameValue(f, l, b) || sameValue(f, l, r)) continue; // untouched here, or both sides agree: take the server's
    // A consent is read-only here (not a part a person edits), so it is not in sameValue; but a
    // consent recorded there on a number removed here must not go silently (mergeEntries).
    if (sameValue(f, r, b) && !(f === 'phones' && consentsMoved(b, r)))
      merged[f] = l; // changed here only
    else if (f === 'phones' || f === 'emails') {
      // Both sides changed the list: merge it entry by entry, so a number added here and a
      // label changed there both survive; only the same part of the same entry changed two ways conflicts.
      const m = mergeEntries(f, (b ?? []) as EntryLike[], (l ?? []) as EntryLike[], (r ?? []) as EntryLike[]);
      merged[f] = m.merged;
      if (m.conflict) conflicts.push({ field: f, base: b ?? null, local: l ?? null, remote: r ?? null });
    } else {
      merged[f] = l;
      conflicts.push({ field: f, base: b ?? null, local: l ?? null, remote: r ?? null });
    }
  }
  return { merged: clean(merged), conflicts };
}

const PARTS = ['label', 'primary', 'doNotContact', 'mobile'] as const;

const consentOf = (x: unknown): string => JSON.stringify((x as { consent?: unknown } | undefined)?.consent ?? null);
/** Whether any number's consent differs between two phone lists (by number). */
function consentsMoved(a: unknown, b: unknown): boolean {
  const by = (xs: unknown) => new Map(((xs ?? []) as EntryLike[]).map((x) => [valueOf('phones', x), consentOf(x)]));
  const [ma, mb] = [by(a), by(b)];
  return [...mb].some(([k, v]) => ma.has(k) && ma.get(k) !== v);
}

/**
 * Three-way merge of a phone or email list, keyed by the value (E.164 / lower-cased address).
 * Added on either side: kept. Removed on one side: removed (a removal wins over the other
 * side only relabelling it), unless the other side changed its do-not-contact flag or a consent
 * (what a colleague just recorded about that very number): a conflict. Each part (label, primary, do-not-contact, mobile) merges by
 * itself; the same part changed to two values, or two different primaries, is a conflict.
 */
function mergeEntries(
  field: 'phones' | 'emails',
  base: EntryLike[],
  local: EntryLike[],
  remote: EntryLike[],
): { merged: EntryLike[]; conflict: boolean } {
  const norm = (list: EntryLike[]) => new Map(entries(field, list).map((e) => [e.value, e]));
  const [nb, nl, nr] = [norm(base), norm(local), norm(remote)];
  const rawB = new Map(base.map((x) => [valueOf(field, x), x]));
  const rawL = new Map(local.map((x) => [valueOf(field, x), x]));
  const rawR = new Map(remote.map((x) => [valueOf(field, x), x]));
  let conflict = false;
  const out: EntryLike[] = [];
  for (const k of new Set([...nl.keys(), ...nr.keys()])) {
    const [eb, el, er] = [nb.get(k), nl.get(k), nr.get(k)];
    if (eb && (!el || !er)) {
      // Removed on one side. A do-not-contact flag or a consent changed on the other side is
      // not dropped with its entry: the two are a conflict (local stands until a person decides).
      const kept = el ?? er!;
      if (kept.doNotContact === eb.doNotContact && consentOf(rawL.get(k) ?? rawR.get(k)) === consentOf(rawB.get(k))) continue;
      conflict = true;
      if (!el) continue;
    }
    const entry: EntryLike = { ...(rawL.get(k) ?? rawR.get(k))! }; // local's own text where it has the entry
    if (el && er) {
      for (const part of PARTS) {
        if (field === 'emails' && part === 'mobile') continue;
        const [pb, pl, pr] = [eb?.[part], el[part], er[part]];
        if (pl === pr) continue;
        // Added on both sides (our own write that landed, or a colleague's): a part left unset
        // here (no label, flag off) takes what the vendor gave it; only two set values conflict.
        const unset = part !== 'primary' && (pl === null || pl === false);
        if ((eb && pl === pb) || (!eb && unset)) {
          // Changed there only: take the server's part (the primary flag as normalised, since unmarked means "first").
          if (part === 'primary') entry.primary = pr as boolean;
          else (entry as Record<string, unknown>)[part] = rawR.get(k)?.[part] ?? null;
        } else if (!(eb && pr === pb)) conflict = true; // changed two ways: local stands until a person decides
      }
    }
    out.push(entry);
  }
  if (out.filter((x) => x.primary).length > 1) conflict = true;
  return { merged: out as unknown as EntryLike[], conflict };
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
