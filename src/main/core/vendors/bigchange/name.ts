// BigChange keeps a person's name as one `name` string. Concord reads it as given and family
// parts, and writes a changed part back into that string where it stands, so "Mary-Jane Smith
// Jr." with the family name edited becomes "Mary-Jane Smythe Jr." — never rebuilt as "given
// family", which dropped the suffix or doubled a word ("Mary-Jane Smith Smith").
import { familyStart } from '../../normalize/names';

/** A span of the name string: [start, end) in UTF-16 units. */
type Span = readonly [number, number];

export interface ReadName {
  given: string;
  family: string | null;
  /** Where each part stands in the string; null when the part is absent. */
  givenSpan: Span | null;
  familySpan: Span | null;
}

// Words that are neither a given nor a family name: generational and professional suffixes
// after the name, and titles before it. Kept in the string, never in a part.
const SUFFIX = new Set(['jr', 'sr', 'ii', 'iii', 'iv', 'phd', 'md', 'esq', 'dds', 'cpa', 'obe', 'mbe', 'cbe', 'kc', 'qc']);
const TITLE = new Set(['mr', 'mrs', 'ms', 'miss', 'mx', 'dr', 'prof', 'rev', 'sir', 'dame']);
const bare = (w: string) => w.toLowerCase().replace(/[.,]/g, '');
/** A title or a suffix ("Dr.", "Jr."): read as part of neither name. */
export const isNameAffix = (w: string): boolean => SUFFIX.has(bare(w)) || TITLE.has(bare(w));

interface Word {
  text: string;
  start: number;
  end: number;
}

function wordsOf(s: string, offset = 0): Word[] {
  return [...s.matchAll(/[^\s,]+/g)].map((m) => ({ text: m[0], start: offset + m.index, end: offset + m.index + m[0].length }));
}

const spanOf = (ws: Word[]): Span | null => (ws.length ? [ws[0]!.start, ws[ws.length - 1]!.end] : null);
const textOf = (s: string, span: Span | null) => (span ? s.slice(span[0], span[1]) : '');

/**
 * The given and family parts of a name and where they stand: "Family, Given" when a comma
 * follows the family name (not when only suffixes follow it: "Smith, Jr."), else the last word
 * (before any suffix) is the family name and the words before it (after any title) the given.
 */
export function readName(full: string): ReadName {
  const comma = full.indexOf(',');
  if (comma > 0) {
    const after = wordsOf(full.slice(comma + 1), comma + 1);
    const before = wordsOf(full.slice(0, comma));
    if (before.length && after.length && !after.every((w) => SUFFIX.has(bare(w.text)))) {
      const given = after.filter((w, i) => !(SUFFIX.has(bare(w.text)) && after.slice(i).every((x) => SUFFIX.has(bare(x.text)))));
      const g = spanOf(given);
      const f = spanOf(before);
      return { given: textOf(full, g), family: textOf(full, f) || null, givenSpan: g, familySpan: f };
    }
  }
  let ws = wordsOf(full);
  // Suffixes at the end and titles at the start, while a name is left between them.
  let end = ws.length;
  while (end > 1 && SUFFIX.has(bare(ws[end - 1]!.text))) end--;
  let start = 0;
  while (start < end - 1 && TITLE.has(bare(ws[start]!.text))) start++;
  ws = ws.slice(start, end);
  if (!ws.length) return { given: '', family: null, givenSpan: null, familySpan: null };
  if (ws.length === 1) return { given: ws[0]!.text, family: null, givenSpan: spanOf(ws), familySpan: null };
  const at = familyStart(ws.map((w) => w.text)); // "William Van der Berg": the particles go with the family name
  const g = spanOf(ws.slice(0, at));
  const f = spanOf(ws.slice(at));
  return { given: textOf(full, g), family: textOf(full, f), givenSpan: g, familySpan: f };
}

const isSpaceOrComma = (ch: string) => ch === ',' || /\s/.test(ch);
function trimSpaceAndCommas(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && isSpaceOrComma(s[a]!)) a++;
  while (b > a && isSpaceOrComma(s[b - 1]!)) b--;
  return s.slice(a, b);
}

const norm = (s: string | null | undefined) => (s ?? '').trim().replace(/\s+/g, ' ');

/**
 * The name to send when the person's given and/or family name is `next`: the string BigChange
 * holds (`held`) with only the changed part replaced where it stands. With no name held, or a
 * part that cannot be placed in it, the given and family name as the person has them.
 */
export function writeName(held: string | null | undefined, next: { given?: string | null; family?: string | null }): string {
  const given = norm(next.given);
  const family = norm(next.family);
  const spaced = [given, family].filter(Boolean).join(' ');
  // "Given Family" unless it would read back split elsewhere ("Mary Ann" + "Smith Jones"): then
  // "Family, Given", the form BigChange's one string holds faithfully.
  const back = readName(spaced);
  const plain = !given || !family || (norm(back.given) === given && norm(back.family) === family) ? spaced : `${family}, ${given}`;
  const name = held ?? '';
  const r = readName(name);
  if (!r.givenSpan) return plain;
  const edits: { span: Span; text: string }[] = [];
  if (given !== norm(r.given)) {
    // A given name cleared in the "Family, Given" form leaves nothing to stand after the comma.
    if (!given && r.familySpan && r.familySpan[0] < r.givenSpan[0]) return plain;
    edits.push({ span: r.givenSpan, text: given });
  }
  if (family !== norm(r.family)) {
    if (r.familySpan) edits.push({ span: r.familySpan, text: family });
    else if (family) edits.push({ span: [r.givenSpan[1], r.givenSpan[1]], text: ` ${family}` }); // "Cher" → "Cher Smith"
  }
  if (!edits.length) return name;
  let out = name;
  // Right to left, so each span still points where it did.
  for (const e of edits.sort((a, b) => b.span[0] - a.span[0])) out = out.slice(0, e.span[0]) + e.text + out.slice(e.span[1]);
  // A part removed leaves its spaces behind; a comma left first or last has nothing to separate.
  // (Trimmed by hand: /[\s,]+$/ retries from every comma of a long run, quadratic on a vendor's string.)
  out = trimSpaceAndCommas(out.replace(/\s+/g, ' ').replace(/ ,/g, ','));
  return readName(out).givenSpan ? out : plain;
}
