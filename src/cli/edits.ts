// How a value reads in the terminal (conflicts, merge plans). Typed values (`--set`) are
// parsed by the core (src/main/core/contacts/typed-values.ts), as the window's are.
export function describeValue(v: unknown): string {
  if (v === null || v === undefined) return '(none)';
  if (typeof v === 'string') return v;
  if (Array.isArray(v))
    return v
      .map((x) =>
        typeof x === 'object' && x
          ? ((x as { address?: string; e164?: string; raw?: string }).address ??
            (x as { e164?: string }).e164 ??
            (x as { raw?: string }).raw ??
            JSON.stringify(x))
          : String(x),
      )
      .join(', ');
  if (typeof v === 'object')
    return Object.values(v as Record<string, unknown>)
      .filter(Boolean)
      .join(', ');
  return String(v);
}
