// Given-name variants as a many-to-many relation, loaded from the public "nicknames" dataset
// (carltonnorthern/nicknames, Apache-2.0; resources/data/nicknames/, see NOTICE): each row
// `formal,has_nickname,nick`. Two names match only through a row that holds both — never
// through a third name they share: Chris is a nickname of Christopher and of Christine, yet
// Christopher is not Christine; Sandy is short for Alexander, Alexandra and Sandra, none of
// them the others. The file is data, read once; updating it is copying a newer names.csv.
import fs from 'node:fs';
import path from 'node:path';

interface Relation {
  /** Names that head a row (have nicknames). */
  heads: Set<string>;
  /** name -> every name it is directly related to (both ways). */
  related: Map<string, Set<string>>;
  /** nickname -> the formal names it is short for, in file order. */
  formal: Map<string, string[]>;
}

/** Where the file is when the core runs from source (tests, the CLI, the bench). */
const SOURCE_FILE = path.resolve(__dirname, '../../../../resources/data/nicknames/names.csv');
let file = SOURCE_FILE;
let relation: Relation | null = null;

/** The hosts tell the core where its resources are (packaged: <resources>/data/nicknames/names.csv). */
export function useNicknameFile(at: string): void {
  if (path.resolve(at) === file && relation) return;
  file = path.resolve(at);
  relation = null;
}

/** Parse `name1,relationship,name2` rows (header first); other relationships are ignored. */
export function parseNicknames(csv: string): Relation {
  const r: Relation = { heads: new Set(), related: new Map(), formal: new Map() };
  const lines = csv.split(/\r?\n/);
  if (!/^name1,relationship,name2$/.test(lines[0]?.trim() ?? ''))
    throw new Error('The nickname file does not start with "name1,relationship,name2"');
  for (const line of lines.slice(1)) {
    const [a, rel, b] = line.trim().toLowerCase().split(',');
    if (!a || !b || rel !== 'has_nickname' || a === b) continue;
    r.heads.add(a);
    for (const [x, y] of [
      [a, b],
      [b, a],
    ] as const) {
      const set = r.related.get(x) ?? new Set<string>();
      set.add(y);
      r.related.set(x, set);
    }
    const f = r.formal.get(b) ?? [];
    if (!f.includes(a)) f.push(a);
    r.formal.set(b, f);
  }
  return r;
}

function rel(): Relation {
  if (relation) return relation;
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new Error(`Cannot read the nickname data at ${file}: ${(e as Error).message}`);
  }
  relation = parseNicknames(text);
  return relation;
}

/** How many nicknames the file lists for a name. */
const breadth = (r: Relation, name: string): number =>
  r.heads.has(name) ? r.related.get(name)!.size - (r.formal.get(name)?.length ?? 0) : 0;

/** True when one name is listed as a variant of the other (not merely sharing a nickname). */
export function isNickname(a: string, b: string): boolean {
  return a !== b && (rel().related.get(a)?.has(b) ?? false);
}

/**
 * The formal names a nickname is short for ("sandy" -> alexander, alexandra, sandra, …); [] for a
 * formal or unknown name. A name listed under a narrower one (the file's "bob has robert") is
 * not short for it: only names with at least as many nicknames count.
 */
export function formalNames(name: string): string[] {
  const r = rel();
  const own = breadth(r, name);
  return (r.formal.get(name) ?? []).filter((f) => breadth(r, f) >= own);
}

/**
 * A formal name: it has more nicknames than any name it is listed under. The file lists a few
 * pairs both ways ("bob" has "robert", "robert" has "bob"); the name most nicknames hang from
 * is the formal one ("chris" heads "kris" but is short for Christopher).
 */
export function isFormal(name: string): boolean {
  const r = rel();
  const own = breadth(r, name);
  return own > 0 && (r.formal.get(name) ?? []).every((f) => breadth(r, f) < own);
}

/** The one formal name a nickname stands for in counts and keys: the one most nicknames hang from ("bob" -> "robert"); itself when none is broader. */
export function hubName(name: string): string {
  const r = rel();
  let best = name;
  let most = breadth(r, name);
  for (const f of r.formal.get(name) ?? []) {
    const b = breadth(r, f);
    if (b > most) [best, most] = [f, b];
  }
  return best;
}

/** Per nickname, its formal names (formalNames), worked out once: asked for millions of pairs a scan. */
let siblingsOf: { from: Relation; formal: Map<string, string[]> } | null = null;

/**
 * Two nicknames of one formal name (Hal and Harry, both Henry's; Peggy and Maggie, Margaret's):
 * plausibly one person, though the file lists neither under the other. Formal names never
 * meet this way — Christopher and Christine share Chris, not a formal name.
 */
export function shareFormal(a: string, b: string): boolean {
  const r = rel();
  if (siblingsOf?.from !== r) siblingsOf = { from: r, formal: new Map() };
  const fa = formalOf(siblingsOf.formal, a);
  if (!fa.length) return false;
  const fb = formalOf(siblingsOf.formal, b);
  return fb.some((x) => fa.includes(x));
}

/**
 * A nickname's formal names (none for a formal name), kept in `known`. At module level, not a
 * closure made per call: shareFormal is asked for millions of pairs a scan.
 */
function formalOf(known: Map<string, string[]>, n: string): string[] {
  let f = known.get(n);
  if (!f) known.set(n, (f = isFormal(n) ? [] : formalNames(n)));
  return f;
}
