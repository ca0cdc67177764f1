// Scoring a candidate pair, Fellegi–Sunter style: every comparison adds log2(m/u) bits when
// the values agree (m: how often true matches agree, u: how often strangers do — taken from
// how common the value is in the store) and subtracts when they clearly disagree. The total
// is the score; every term is kept as a reason a person can read.
import type { Frequencies, MatchRecord } from './features';
import { canonicalGiven, isNicknameOf, isTypoOf, jaroWinkler } from './normalize';

export interface Reason {
  code: string;
  text: string;
  weight: number;
}

export interface ScoredPair {
  a: number;
  b: number;
  score: number;
  reasons: Reason[];
}

export interface Thresholds {
  /** At or above: shown for review. */
  review: number;
  /** At or above: linked without asking (still undoable). */
  autoLink: number;
}

export const DEFAULT_THRESHOLDS: Thresholds = { review: 9, autoLink: 18 };

const bits = (m: number, u: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, Math.log2(m / u)));
const r1 = (x: number): number => Math.round(x * 10) / 10;

interface NameCompare {
  weight: number;
  reasons: Reason[];
}

function compareFamily(a: string, b: string, f: Frequencies, ex: boolean): Reason {
  const s = jaroWinkler(a, b);
  if (s >= 0.97) {
    // The commoner spelling decides: a typo makes a name look rare, not the person.
    const w = bits(0.95, Math.max(f.u('family', a), f.u('family', b)), 2, 9);
    return { code: 'family_same', text: ex ? `same family name ${cap(b)}` : '', weight: r1(w) };
  }
  if (s >= 0.88 || isTypoOf(a, b, s).typo) return { code: 'family_close', text: ex ? `family names ${s.toFixed(2)} alike (${cap(a)} / ${cap(b)})` : '', weight: 2.5 };
  return { code: 'family_differ', text: ex ? `different family names (${cap(a)} / ${cap(b)})` : '', weight: -5 };
}

/** Given names with nicknames folded, typos tolerated and initials allowed. */
function compareGiven(a: string, b: string, f: Frequencies, ex: boolean): Reason {
  const [ac, bc] = [canonicalGiven(a), canonicalGiven(b)];
  if (ac === bc) {
    const w = r1(bits(0.9, Math.max(f.u('given', ac), f.u('given', bc)), 1.5, 7));
    // Name the nickname first: "Bob is a nickname of Robert".
    const [nick, formal] = ac === a ? [b, a] : [a, b];
    return a !== b && isNicknameOf(a, b) ? { code: 'given_nickname', text: ac === a || bc === b ? `${cap(nick)} is a nickname of ${cap(formal)}` : `${cap(a)} and ${cap(b)} are the same name`, weight: w } : { code: 'given_same', text: ex ? `same given name ${cap(b)}` : '', weight: w };
  }
  const t = isTypoOf(a, b);
  const tc = t.typo || (ac === a && bc === b) ? t : isTypoOf(ac, bc);
  const s = Math.max(tc.similarity, t.similarity);
  if (t.typo || tc.typo) return { code: 'given_close', text: ex ? `given names ${s.toFixed(2)} alike (${cap(a)} / ${cap(b)})` : '', weight: 2 };
  if ((a.length === 1 || b.length === 1) && a[0] === b[0]) return { code: 'given_initial', text: ex ? `same initial ${b[0]!.toUpperCase()}.` : '', weight: 0.5 };
  // Households share a surname, a phone and an address: a different first name is the
  // strongest sign of two people.
  return { code: 'given_differ', text: ex ? `different given names (${cap(a)} / ${cap(b)})` : '', weight: -12 };
}

function compareNames(x: MatchRecord, y: MatchRecord, f: Frequencies, swapped: boolean, ex: boolean): NameCompare {
  if (swapped) {
    // One of the two was entered the other way round. Pair x's family with y's given and
    // x's given with y's family; which side holds the real given names depends on which
    // record was swapped, so try both readings and keep the better.
    const a = [compareFamily(x.family, y.given, f, ex), compareGiven(x.given, y.family, f, ex)];
    const b = [compareGiven(x.family, y.given, f, ex), compareFamily(x.given, y.family, f, ex)];
    const sum = (rs: Reason[]) => rs.reduce((n, r) => n + r.weight, 0);
    const reasons = [...(sum(a) >= sum(b) ? a : b), { code: 'names_swapped', text: 'given and family names entered the other way round', weight: -1 }];
    return { weight: sum(reasons), reasons };
  }
  const reasons: Reason[] = [];
  const [xg, xf] = [x.given, x.family];
  if (xf && y.family) reasons.push(compareFamily(xf, y.family, f, ex));
  if (xg && y.given) reasons.push(compareGiven(xg, y.given, f, ex));
  if (!x.family && !y.family && x.full && y.full) {
    reasons.push(jaroWinkler(x.full, y.full) >= 0.95 ? { code: 'name_same', text: 'same name', weight: 6 } : { code: 'name_differ', text: 'different names', weight: -6 });
  }
  return { weight: reasons.reduce((n, r) => n + r.weight, 0), reasons };
}

/** Score a pair; `explain: false` skips writing the reasons' texts (the bulk of a scan). */
export function scorePair(x: MatchRecord, y: MatchRecord, f: Frequencies, explain = true): ScoredPair {
  const ex = explain;
  const straight = compareNames(x, y, f, false, ex);
  // One of the two entered the other way round (comparing x swapped covers both cases).
  // Only worth asking when the names do not line up as entered.
  const swapped = straight.weight < 4 && x.given && x.family && y.given && y.family && x.given !== x.family ? compareNames(x, y, f, true, ex) : null;
  // Swapped only when both names line up that way round (not a household's shared surname).
  const swapOk = swapped && !swapped.reasons.some((r) => r.code.endsWith('_differ'));
  const names = swapped && swapOk && swapped.weight > straight.weight ? swapped : straight;
  const reasons = [...names.reasons];
  let score = names.weight;

  // Phones: a shared number is strong unless many records share it (a switchboard).
  if (x.phones.length && y.phones.length) {
    const shared = x.phones.find((p) => y.phones.includes(p));
    if (shared) {
      const w = bits(0.9, f.u('phone', shared), 1, 9);
      score += w;
      const shown = x.show.phones.find((p) => p.replace(/\D/g, '') === shared) ?? `+${shared}`;
      reasons.push({ code: 'phone_same', text: ex ? `same phone ${shown}${w < 4 ? ' (shared by several records)' : ''}` : '', weight: r1(w) });
    } else {
      score -= 2.5;
      reasons.push({ code: 'phone_differ', text: 'different phone numbers', weight: -2.5 });
    }
  }
  if (x.emails.length && y.emails.length) {
    const shared = x.emails.find((e) => y.emails.includes(e));
    if (shared) {
      const w = bits(0.95, f.u('email', shared), 2, 10);
      score += w;
      reasons.push({ code: 'email_same', text: ex ? `same email ${shared}` : '', weight: r1(w) });
    } else {
      score -= 2.5;
      reasons.push({ code: 'email_differ', text: 'different email addresses', weight: -2.5 });
    }
  }
  if (x.birth && y.birth) {
    if (x.birth === y.birth) {
      score += 6;
      reasons.push({ code: 'birth_same', text: ex ? `same birth date ${x.birth}` : '', weight: 6 });
    } else {
      score -= 10;
      reasons.push({ code: 'birth_differ', text: ex ? `different birth dates (${x.birth} / ${y.birth})` : '', weight: -10 });
    }
  }
  if (x.postcode && y.postcode) {
    if (x.postcode === y.postcode) {
      const street = x.street && y.street ? jaroWinkler(x.street, y.street) : 0;
      if (street >= 0.92) {
        score += 4;
        reasons.push({ code: 'address_same', text: ex ? `same address ${x.street}, ${x.postcode}` : '', weight: 4 });
      } else {
        score += 1.5;
        reasons.push({ code: 'postcode_same', text: ex ? `same postcode ${x.postcode}` : '', weight: 1.5 });
      }
    } else if (x.city && x.city === y.city) {
      score += 0.5;
      reasons.push({ code: 'city_same', text: ex ? `same city` : '', weight: 0.5 });
    } else {
      score -= 1.5;
      reasons.push({ code: 'address_differ', text: 'different postcodes', weight: -1.5 });
    }
  }
  // Names alone are never enough: in a store of any size, strangers share common names.
  if (!reasons.some((r) => r.weight > 0 && EVIDENCE.has(r.code))) {
    score -= 6;
    reasons.push({ code: 'name_only', text: 'nothing in common but the name', weight: -6 });
  }
  reasons.sort((p, q) => Math.abs(q.weight) - Math.abs(p.weight));
  return { a: x.ix, b: y.ix, score: r1(score), reasons };
}

/** A 0–1 confidence for display: the score's odds against a one-in-a-thousand prior. */
export function confidence(score: number): number {
  return 1 / (1 + 2 ** -(score - 10));
}

const EVIDENCE = new Set(['phone_same', 'email_same', 'birth_same', 'address_same', 'postcode_same']);
const cap = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);
