// Names that arrive in one field (Lightening, BigChange, a CSV "Name" column): one rule for
// every place that has to split them, so matching and mapping agree.

// Lower-case words that begin a family name of several words ("Ludwig van Beethoven", "Maria
// de la Cruz", "William Van der Berg"): read with the family name, not the given one.
const PARTICLES = new Set([
  'van',
  'von',
  'der',
  'den',
  'de',
  'del',
  'della',
  'dela',
  'di',
  'da',
  'du',
  'des',
  'la',
  'le',
  'ter',
  'ten',
  'bin',
  'ibn',
  'al',
  'el',
  'st',
  'st.',
  'zu',
  'dos',
  'das',
]);

/**
 * Where the family name starts among a name's words: the last word, and any particles just
 * before it, while at least one word is left for the given name.
 */
export function familyStart(words: readonly string[]): number {
  let i = words.length - 1;
  while (i > 1 && PARTICLES.has(words[i - 1]!.toLowerCase())) i--;
  return i;
}

/** "Ada Lovelace" -> Ada / Lovelace; "Lovelace, Ada" -> Ada / Lovelace; "Cher" -> Cher / null; "Ludwig van Beethoven" -> Ludwig / van Beethoven. */
export function splitFullName(full: string): { given: string; family: string | null } {
  const name = full.trim();
  const comma = name.indexOf(',');
  if (comma > 0) {
    const family = name.slice(0, comma).trim();
    const given = name.slice(comma + 1).trim();
    return given ? { given, family: family || null } : { given: family, family: null };
  }
  const parts = name.split(/\s+/);
  if (parts.length < 2) return { given: name, family: null };
  const at = familyStart(parts);
  return { given: parts.slice(0, at).join(' '), family: parts.slice(at).join(' ') };
}

/** A trimmed, non-empty string, or null. */
export const nonBlank = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v.trim() : null);
