// Which given + family name a person's golden record takes when their records disagree. A name
// is chosen whole (both parts from one record, so "Melissa Melissa" cannot arise), after
// repairing a record that holds the parts swapped, judged by the store's own statistics of
// which words appear as given and as family names. Among the pairs, the one most records
// agree on wins; a tie goes to the spelling that is common in the whole store ("Mary" beats a
// one-off "Mry"), then to a formal name over its nickname (Robert over Bobby), then to the
// caller's order (trusted accounts, then recency). Pure: the planner of the single merge, the
// bulk merge, "make them agree" and every golden record alike.
import { isFormal, isNickname } from '../dedupe/nicknames';
import { normName } from '../dedupe/match-forms';

/** How many records of the store hold a word as a given name and as a family name (keys: normName). */
export interface NameStats {
  given(key: string): number;
  family(key: string): number;
}

export interface NameCandidate {
  givenName: string;
  familyName: string;
}

/** Counts built from the store's records; what the duplicate scan hands to the golden records. */
export class NameCounts implements NameStats {
  private readonly g = new Map<string, number>();
  private readonly f = new Map<string, number>();
  add(given: string, family: string): void {
    if (given) this.g.set(given, (this.g.get(given) ?? 0) + 1);
    if (family) this.f.set(family, (this.f.get(family) ?? 0) + 1);
  }
  given(key: string): number {
    return this.g.get(key) ?? 0;
  }
  family(key: string): number {
    return this.f.get(key) ?? 0;
  }
  /** The counts as plain data (kept with the saved duplicates queue), and back. */
  toJSON(): { given: [string, number][]; family: [string, number][] } {
    return { given: [...this.g], family: [...this.f] };
  }
  static fromJSON(j: unknown): NameCounts {
    const c = new NameCounts();
    const o = j as Partial<ReturnType<NameCounts['toJSON']>> | null;
    for (const [k, n] of Array.isArray(o?.given) ? o.given : []) c.g.set(k, n);
    for (const [k, n] of Array.isArray(o?.family) ? o.family : []) c.f.set(k, n);
    return c;
  }
}

/** How much more often the swapped reading must occur before a record is read as swapped. */
const SWAP_EVIDENCE = 4;

/**
 * The pair as it was meant: swapped back when the store holds the first word far more often as
 * a family name and the second as a given name ("Martin Melissa"). With no statistics, or too
 * little evidence either way, the record is taken as it is.
 */
export function repairSwap(c: NameCandidate, stats?: NameStats): NameCandidate {
  if (!stats) return c;
  const [g, f] = [normName(c.givenName), normName(c.familyName)];
  if (!g || !f || g === f) return c;
  const asIs = (stats.given(g) + 0.5) * (stats.family(f) + 0.5);
  const swapped = (stats.given(f) + 0.5) * (stats.family(g) + 0.5);
  return swapped > SWAP_EVIDENCE * asIs ? { givenName: c.familyName, familyName: c.givenName } : c;
}

/** How common a spelling is in the store: the log-odds-like weight of seeing both parts as they stand. */
function commonness(c: NameCandidate, stats?: NameStats): number {
  if (!stats) return 0;
  return Math.log1p(stats.given(normName(c.givenName))) + Math.log1p(stats.family(normName(c.familyName)));
}

/** +1 when `a`'s given name is the formal name of `b`'s (Robert / Bobby), -1 the other way round, else 0. */
function formality(a: NameCandidate, b: NameCandidate): number {
  const [x, y] = [normName(a.givenName), normName(b.givenName)];
  if (!isNickname(x, y)) return 0;
  return isFormal(x) && !isFormal(y) ? 1 : isFormal(y) && !isFormal(x) ? -1 : 0;
}

export interface NameChoice extends NameCandidate {
  /** How many of the candidates hold this name (after swaps are repaired). */
  support: number;
  /** Candidates in all: a name only a minority holds is marked in a preview. */
  of: number;
}

/**
 * The name a careful person would keep. `candidates` come in the caller's order of preference
 * (trusted first, then most recent); each holds both parts. Null when there are none.
 */
export function chooseName(candidates: NameCandidate[], stats?: NameStats): NameChoice | null {
  if (!candidates.length) return null;
  const repaired = candidates.map((c) => repairSwap(c, stats));
  const key = (c: NameCandidate): string => `${normName(c.givenName)}|${normName(c.familyName)}`;
  const groups = new Map<string, { first: number; name: NameCandidate; n: number }>();
  repaired.forEach((c, i) => {
    const k = key(c);
    const g = groups.get(k);
    if (g) g.n++;
    else groups.set(k, { first: i, name: c, n: 1 });
  });
  const ranked = [...groups.values()].sort(
    (a, b) => b.n - a.n || commonness(b.name, stats) - commonness(a.name, stats) || -formality(a.name, b.name) || a.first - b.first,
  );
  const best = ranked[0]!;
  return { givenName: best.name.givenName, familyName: best.name.familyName, support: best.n, of: candidates.length };
}
