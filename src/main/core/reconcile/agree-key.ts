// What "the same" means when values are compared across vendors: pure, no store, so the field
// policies (policy-service.ts) and a merge's preview (dedupe/merge-plan.ts) share it.
import { isBlank } from '../contacts/golden';

/**
 * What "the same" means for a policy: the numbers of the phones (not their labels or slots,
 * which vendors keep their own way), the addresses of the emails, text without case or
 * surrounding space; a blank is its own value (missing at one vendor is drift).
 */
export function agreeKey(field: string, v: unknown): string {
  if (isBlank(v)) return '';
  if (field === 'phones' && Array.isArray(v))
    return [...new Set((v as { e164?: string | null; raw?: string }[]).map((p) => p.e164 ?? String(p.raw ?? '').replace(/\D/g, '')))]
      .sort()
      .join(',');
  if (field === 'emails' && Array.isArray(v))
    return [...new Set((v as { address: string }[]).map((e) => e.address.trim().toLowerCase()))].sort().join(',');
  if (field === 'tags' && Array.isArray(v)) return [...new Set(v.map((t) => String(t).trim().toLowerCase()))].sort().join(',');
  if (typeof v === 'string') return v.trim().toLowerCase().replace(/\s+/g, ' ');
  if (typeof v === 'object')
    return JSON.stringify(
      Object.fromEntries(
        Object.entries(v as Record<string, unknown>)
          .filter(([, x]) => !isBlank(x))
          .map(([k, x]) => [k, typeof x === 'string' ? x.trim().toLowerCase() : x])
          .sort(([a], [b]) => String(a).localeCompare(String(b))),
      ),
    );
  return JSON.stringify(v);
}
