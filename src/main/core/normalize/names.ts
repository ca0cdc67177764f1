// Names that arrive in one field (Lightening, BigChange, a CSV "Name" column): one rule for
// every place that has to split them, so matching and mapping agree.

/** "Ada Lovelace" -> Ada / Lovelace; "Lovelace, Ada" -> Ada / Lovelace; "Cher" -> Cher / null. */
export function splitFullName(full: string): { given: string; family: string | null } {
  const name = full.trim();
  const comma = name.indexOf(',');
  if (comma > 0) {
    const family = name.slice(0, comma).trim();
    const given = name.slice(comma + 1).trim();
    return given ? { given, family: family || null } : { given: family, family: null };
  }
  const parts = name.split(/\s+/);
  return parts.length > 1 ? { given: parts.slice(0, -1).join(' '), family: parts[parts.length - 1]! } : { given: name, family: null };
}

/** A trimmed, non-empty string, or null. */
export const nonBlank = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v.trim() : null);
