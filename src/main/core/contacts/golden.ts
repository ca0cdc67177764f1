import { CANONICAL_FIELDS, type CanonicalContact } from '../../../shared/domain';
import { comparable } from '../sync/merge';
import { strictestDoNotContact } from './do-not-contact';
import { chooseName, type NameStats } from './name-choice';

export interface GoldenSource {
  local: CanonicalContact;
  updatedAt: string;
  /** Fields this source is trusted for (its account's `trustedFor` setting): it wins them. */
  trusted?: readonly string[];
}

/**
 * Survivorship: a pinned value wins; else a field comes from a source trusted for it (an
 * account's `trustedFor` setting, e.g. MPDX for addresses); else from the value most records
 * agree on, when more records hold it than any other value (a typo in one record never wins
 * by being the latest edit); else from the most recently updated record that has it (an address
 * said more fully elsewhere, the same in every part they share, is taken whole). Blanks
 * are filled from whoever has a value; lists (emails, phones, tags) are a union without
 * repeats, trusted and recent sources first. The full name follows the chosen given and
 * family names, so the golden record never contradicts itself. Do-not-contact is the
 * exception to all of that: the strictest wins (do-not-contact.ts), pins included.
 */
export function computeGolden(sources: GoldenSource[], pinned: Partial<CanonicalContact> = {}, names?: NameStats): CanonicalContact {
  const recent = [...sources].sort((a, b) => (a.updatedAt < b.updatedAt ? 1 : a.updatedAt > b.updatedAt ? -1 : 0));
  const out: Record<string, unknown> = {};
  for (const field of CANONICAL_FIELDS) {
    const trusted = recent.filter((s) => s.trusted?.includes(field));
    const ordered = trusted.length ? [...trusted, ...recent.filter((s) => !trusted.includes(s))] : recent;
    if (field in pinned) {
      out[field] = pinned[field];
      continue;
    }
    if (field === 'emails')
      out.emails = unionBy(
        ordered.flatMap((s) => s.local.emails ?? []),
        (e) => e.address.trim().toLowerCase(),
      );
    else if (field === 'phones')
      out.phones = unionBy(
        ordered.flatMap((s) => s.local.phones ?? []),
        (p) => p.e164 ?? p.raw.replace(/\D/g, ''),
      );
    else if (field === 'tags')
      out.tags = unionBy(
        ordered.flatMap((s) => s.local.tags ?? []),
        (t) => t.toLowerCase(),
      );
    else {
      const fromTrusted = trusted.find((s) => !isBlank(s.local[field]));
      const hit = fromTrusted ?? agreed(recent, field) ?? recent.find((s) => !isBlank(s.local[field]));
      if (hit) out[field] = field === 'address' && !fromTrusted ? fullerAddress(hit.local.address!, recent) : hit.local[field];
    }
  }
  keepNamesTogether(out, recent, pinned, names);
  if (!('fullName' in pinned) && (out.givenName || out.familyName)) {
    const parts = [out.givenName, out.familyName].filter((x): x is string => typeof x === 'string' && x.trim() !== '');
    const full = typeof out.fullName === 'string' ? fold(out.fullName) : '';
    // A full name that does not hold the chosen given and family names is rebuilt from them.
    if (!full || !parts.every((p) => full.includes(fold(p)))) out.fullName = parts.join(' ');
  }
  for (const k of ['emails', 'phones', 'tags'] as const) if ((out[k] as unknown[]).length === 0) delete out[k];
  strictestDoNotContact(out, recent);
  return out as CanonicalContact;
}

/**
 * Given and family names are one fact, not two: chosen field by field they can mix a record
 * that has them swapped with one that has not ("Linda Linda"). A name part picked from a
 * record brings that record's other part; otherwise the name is chosen whole (name-choice.ts:
 * swaps repaired, then the pair most records hold, then the spelling common in the store).
 */
function keepNamesTogether(
  out: Record<string, unknown>,
  recent: GoldenSource[],
  pinned: Partial<CanonicalContact>,
  names?: NameStats,
): void {
  const both = recent.filter((s) => !isBlank(s.local.givenName) && !isBlank(s.local.familyName));
  const pinnedParts = (['givenName', 'familyName'] as const).filter((f) => f in pinned);
  if (pinnedParts.length === 1) {
    const p = pinnedParts[0]!;
    const other = p === 'givenName' ? 'familyName' : 'givenName';
    const from = both.find((s) => fold(String(s.local[p])) === fold(String(pinned[p] ?? '')));
    if (from) out[other] = from.local[other];
    return;
  }
  if (pinnedParts.length === 2 || recent.some((s) => s.trusted?.includes('givenName') || s.trusted?.includes('familyName'))) return;
  const chosen = chooseName(
    both.map((s) => ({ givenName: String(s.local.givenName), familyName: String(s.local.familyName) })),
    names,
  );
  if (!chosen) return;
  out.givenName = chosen.givenName;
  out.familyName = chosen.familyName;
}

/**
 * The same address said more fully, if a source has it: every part `chosen` has, the same, and
 * more parts besides. A vendor with no place for a second street line or a county keeps the
 * rest, and its copy must not cut the person's address down to what it holds.
 */
function fullerAddress(chosen: NonNullable<CanonicalContact['address']>, recent: GoldenSource[]): CanonicalContact['address'] {
  const parts = (a: Record<string, unknown>) => Object.entries(a).filter(([, v]) => !isBlank(v));
  let best = chosen;
  for (const s of recent) {
    const a = s.local.address;
    if (!a || parts(a).length <= parts(best).length) continue;
    if (
      parts(chosen).every(
        ([k, v]) => typeof v === 'string' && typeof a[k as keyof typeof a] === 'string' && fold(v) === fold(a[k as keyof typeof a]!),
      )
    )
      best = a;
  }
  return best;
}

/** The most recent source holding the value most sources agree on, when one value is held by more than any other. */
function agreed(recent: GoldenSource[], field: (typeof CANONICAL_FIELDS)[number]): GoldenSource | undefined {
  const groups = new Map<string, GoldenSource[]>();
  for (const s of recent) {
    if (isBlank(s.local[field])) continue;
    const key = JSON.stringify(comparable(field, typeof s.local[field] === 'string' ? fold(s.local[field] as string) : s.local[field]));
    groups.set(key, [...(groups.get(key) ?? []), s]);
  }
  const sizes = [...groups.values()].sort((a, b) => b.length - a.length);
  const [best, next] = sizes;
  return best && best.length >= 2 && best.length > (next?.length ?? 0) ? best[0] : undefined;
}

const fold = (s: string): string =>
  s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/\s+/g, ' ')
    .trim()
    .toLowerCase();

export function isBlank(v: unknown): boolean {
  if (v == null) return true;
  if (typeof v === 'string') return v.trim() === '';
  if (Array.isArray(v)) return v.length === 0;
  if (typeof v === 'object') return Object.values(v).every(isBlank);
  return false;
}

function unionBy<T>(items: T[], key: (t: T) => string): T[] {
  const seen = new Set<string>();
  const out: T[] = [];
  for (const it of items) {
    const k = key(it);
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(it);
  }
  return out;
}
