// Scoring a candidate pair, Fellegi–Sunter style: each comparison puts the pair at a level
// (levels.ts) worth log2(m/u) bits (parameters.ts, estimated from the store); an exact value
// is worth more the rarer it is (u from how common that value is — a shared switchboard, a
// common surname weigh little). The total plus the prior odds is the score; every term is
// kept as a reason a person can read.
import type { Frequencies, MatchRecord } from './features';
import { compareLevels, F, GAMMA_WIDTH, GIVEN, NF, NULL } from './levels';
import { formalNames, isFormal } from './nicknames';
import { jaroWinkler } from './match-forms';
import { bound, DEFAULT_PARAMETERS, levelWeights, type MatchParameters } from './parameters';

// Local copies of imported constants and helpers used per pair: under the loader benches and
// tests run with, every read of an imported binding is a getter call.
const nf = NF;
const NONE = NULL;
const FL = F;
const clamp = bound;

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

/**
 * Scores are bits of evidence over odds of one in a thousand (10 bits), so confidence() is the
 * probability the two are one person: 9 is about a one-in-three chance, 18 over 99.6 %.
 */
export const DEFAULT_THRESHOLDS: Thresholds = { review: 9, autoLink: 18 };

/** Parameters ready for scoring: weights per level and the prior's offset. */
export interface Model {
  params: MatchParameters;
  w: Float64Array[];
  /** Added to every score: the store's prior odds, against the one in a thousand scores are read at. */
  offset: number;
}

export function modelOf(params: MatchParameters): Model {
  return { params, w: levelWeights(params), offset: params.priorBits + 10 };
}

export const DEFAULT_MODEL = modelOf(DEFAULT_PARAMETERS);

// Fields a household shares: when the given names clearly differ, they are one piece of
// evidence (the strongest counts), not one per field — strangers in one home agree on all.
// (An email address is a person's own, so it is not among them.)
const HOUSEHOLD = [FL.family, FL.street, FL.line2, FL.postcode, FL.city, FL.phone];
// Names alone are never enough when more could be compared: in a store of any size,
// strangers share common names.
const EVIDENCE = [FL.birth, FL.street, FL.line2, FL.postcode, FL.city, FL.phone, FL.email];
const NAME_ONLY = -6;

const r1 = (x: number): number => Math.round(x * 10) / 10;
const shared = (a: string[], b: string[]): string | undefined => a.find((v) => b.includes(v));

/** An exact value's weight from how common that value is (term frequency). */
function exactWeight(k: number, x: MatchRecord, y: MatchRecord, f: Frequencies, m: number, w: number): number {
  switch (k) {
    case FL.given:
      return clamp(Math.log2(m / Math.max(f.uOf('given', x), f.uOf('given', y))));
    case FL.family:
      return clamp(Math.log2(m / f.uOf('family', x)));
    case FL.phone:
      return clamp(Math.log2(m / f.u('phone', shared(x.phones, y.phones)!)));
    case FL.email:
      return clamp(Math.log2(m / f.u('email', shared(x.emails, y.emails)!)));
    case FL.company:
      return clamp(Math.log2(m / f.u('company', x.company)));
    default:
      return w;
  }
}

/**
 * The score of a pair from its levels (`g` at `at`). `parts` receives each comparison's bits
 * (NaN where blank) and, after them, the household and name-only adjustments.
 */
export function weigh(g: Int8Array, at: number, x: MatchRecord, y: MatchRecord, f: Frequencies, model: Model, parts: Float64Array): number {
  let sum = 0;
  for (let k = 0; k < nf; k++) {
    const l = g[at + k]!;
    if (l === NONE) {
      parts[k] = NaN;
      continue;
    }
    const w = l === 0 ? exactWeight(k, x, y, f, model.params.m[k]![0]!, model.w[k]![0]!) : model.w[k]![l]!;
    parts[k] = w;
    sum += w;
  }
  let household = 0;
  if (g[at + FL.given] === GIVEN.else) {
    let pos = 0;
    let max = 0;
    for (const k of HOUSEHOLD) {
      const w = parts[k]!;
      if (w > 0) {
        pos += w;
        if (w > max) max = w;
      }
    }
    household = max - pos;
  }
  // Only where there was something else to compare: a record holding nothing but a name
  // (BigChange keeps no phone or email) is judged on the names and the prior alone.
  let evidence = true;
  for (const k of EVIDENCE) {
    if (Number.isNaN(parts[k]!)) continue;
    evidence = false;
    break;
  }
  for (const k of EVIDENCE) if (parts[k]! > 0) evidence = true;
  parts[nf] = household;
  parts[nf + 1] = evidence ? 0 : NAME_ONLY;
  return sum + household + parts[nf + 1]! + model.offset;
}

/**
 * The most an exact level can weigh per comparison, in a store of these frequencies: a name's
 * u is never under 1 in 2,000, a phone's, email's or company's never under one record in n;
 * other fields weigh their level's weight.
 */
export function exactCaps(model: Model, f: Frequencies): Float64Array {
  return Float64Array.from({ length: nf }, (_, k) => {
    const m = model.params.m[k]![0]!;
    if (k === FL.given || k === FL.family) return clamp(Math.log2(m * 2000));
    if (k === FL.phone || k === FL.email || k === FL.company) return clamp(Math.log2(m * f.n));
    return model.w[k]![0]!;
  });
}

/**
 * At least what weigh gives the pair, from its levels alone (an exact level at its cap; the
 * household and name-only terms are never above 0): a pair whose bound is under the floor
 * needs neither its records nor their frequencies.
 */
export function scoreBound(g: Int8Array, at: number, model: Model, caps: Float64Array): number {
  let sum = model.offset;
  for (let k = 0; k < nf; k++) {
    const l = g[at + k]!;
    if (l !== NONE) sum += l === 0 ? caps[k]! : model.w[k]![l]!;
  }
  return sum;
}

const gamma = new Int8Array(GAMMA_WIDTH);
const parts = new Float64Array(nf + 2);

/** Score a pair; `explain: false` skips writing the reasons (the bulk of a scan). */
export function scorePair(x: MatchRecord, y: MatchRecord, f: Frequencies, explain = true, model: Model = DEFAULT_MODEL): ScoredPair {
  compareLevels(x, y, gamma);
  const score = weigh(gamma, 0, x, y, f, model, parts);
  return { a: x.ix, b: y.ix, score: r1(score), reasons: explain ? reasonsOf(gamma, parts, x, y) : [] };
}

/** Reasons in words, strongest first. */
export function reasonsOf(g: Int8Array, parts: Float64Array, x: MatchRecord, y: MatchRecord): Reason[] {
  const out: Reason[] = [];
  const add = (k: number, code: string, text: string, extra = 0): void => {
    out.push({ code, text, weight: r1(parts[k]! + extra) });
  };
  const swapped = g[nf]! > 0;
  // Which names faced each other (levels.ts: the other way round, in one of two readings).
  const [xg, yg, xf, yf] =
    g[nf] === 1
      ? [x.family, y.given, x.given, y.family]
      : g[nf] === 2
        ? [x.given, y.family, x.family, y.given]
        : [x.given, y.given, x.family, y.family];
  switch (g[FL.given]) {
    case 0:
      add(FL.given, 'given_same', `same given name ${cap(yg)}`);
      break;
    case 1:
      add(FL.given, 'given_nickname', nicknameText(xg, yg));
      break;
    case 2:
      add(FL.given, 'given_close', `given names ${jaroWinkler(xg, yg).toFixed(2)} alike (${cap(xg)} / ${cap(yg)})`);
      break;
    case GIVEN.sibling:
      add(FL.given, 'given_sibling', siblingText(xg, yg));
      break;
    case GIVEN.initial:
      add(FL.given, 'given_initial', `same initial ${yg[0]!.toUpperCase()}.`);
      break;
    case GIVEN.else:
      add(FL.given, 'given_differ', `different given names (${cap(xg)} / ${cap(yg)})`, parts[nf]!);
      break;
  }
  switch (g[FL.family]) {
    case 0:
      add(FL.family, 'family_same', `same family name ${cap(yf)}`);
      break;
    case 1:
      add(FL.family, 'family_close', `family names ${jaroWinkler(xf, yf).toFixed(2)} alike (${cap(xf)} / ${cap(yf)})`);
      break;
    case 2:
      add(FL.family, 'family_differ', `different family names (${cap(xf)} / ${cap(yf)})`);
      break;
  }
  if (swapped) out.push({ code: 'names_swapped', text: 'given and family names entered the other way round', weight: 0 });
  const level = (k: number, codes: [string, string][]): void => {
    const l = g[k]!;
    if (l !== NONE) add(k, codes[l]![0], codes[l]![1]);
  };
  const [xn, yn] = [x.show.full || cap(x.full), y.show.full || cap(y.full)];
  level(FL.name, [
    ['name_same', `same name ${yn}`],
    ['name_close', `names alike (${xn} / ${yn})`],
    ['name_differ', `different names (${xn} / ${yn})`],
  ]);
  level(FL.birth, [
    ['birth_same', `same birth date ${x.birth}`],
    ['birth_swapped', `birth dates with day and month swapped (${x.birth} / ${y.birth})`],
    ['birth_close', `birth dates one digit apart (${x.birth} / ${y.birth})`],
    ['birth_year', `same birth year, other day (${x.birth} / ${y.birth})`],
    ['birth_differ', `different birth dates (${x.birth} / ${y.birth})`],
  ]);
  level(FL.street, [
    ['address_same', `same street address ${x.street}`],
    ['street_close', `same house number, street alike (${x.street} / ${y.street})`],
    ['street_number_differ', `same street, other house number (${x.street} / ${y.street})`],
    ['street_differ', 'different street addresses'],
  ]);
  level(FL.line2, [
    ['line2_same', `same address line 2 ${x.line2}`],
    ['line2_close', `address line 2 alike (${x.line2} / ${y.line2})`],
    ['line2_differ', 'different address line 2'],
  ]);
  level(FL.postcode, [
    ['postcode_same', `same postcode ${x.postcode}`],
    ['postcode_close', `postcodes one digit apart (${x.postcode} / ${y.postcode})`],
    ['address_differ', 'different postcodes'],
  ]);
  level(FL.city, [
    ['city_same', `same city ${cap(x.city)}`],
    ['city_close', `city names alike (${cap(x.city)} / ${cap(y.city)})`],
    ['city_differ', 'different cities'],
  ]);
  const phone = shared(x.phones, y.phones);
  const shownPhone = phone ? (x.show.phones.find((p) => p.replace(/\D/g, '') === phone) ?? `+${phone}`) : '';
  level(FL.phone, [
    ['phone_same', `same phone ${shownPhone}${parts[FL.phone]! < 4 ? ' (shared by several records)' : ''}`],
    ['phone_local', `same local number ${shared(x.phones7, y.phones7) ?? ''} (one without its area code)`],
    ['phone_differ', 'different phone numbers'],
  ]);
  level(FL.email, [
    ['email_same', `same email ${shared(x.emails, y.emails) ?? ''}`],
    ['email_local', `same email name ${shared(x.emailLocals, y.emailLocals) ?? ''} at different domains`],
    ['email_differ', 'different email addresses'],
  ]);
  level(FL.company, [
    ['company_same', `same company ${x.company}`],
    ['company_close', `company names alike (${x.company} / ${y.company})`],
    ['company_differ', 'different companies'],
  ]);
  if (parts[nf + 1]! < 0) out.push({ code: 'name_only', text: 'nothing in common but the name', weight: parts[nf + 1]! });
  return out.sort((p, q) => Math.abs(q.weight) - Math.abs(p.weight));
}

/** "Bob is a nickname of Robert"; two short forms of one name: "Liz and Beth are the same name". */
function nicknameText(a: string, b: string): string {
  if (isFormal(a) && !isFormal(b)) return `${cap(b)} is a nickname of ${cap(a)}`;
  if (isFormal(b) && !isFormal(a)) return `${cap(a)} is a nickname of ${cap(b)}`;
  return `${cap(a)} and ${cap(b)} are the same name`;
}

function siblingText(a: string, b: string): string {
  const fa = formalNames(a);
  const both = formalNames(b)
    .filter((f) => fa.includes(f))
    .map(cap);
  return `${cap(a)} and ${cap(b)} are both short for ${both.slice(0, 2).join(' or ')}`;
}

/** A 0–1 confidence for display: the score's odds against a one-in-a-thousand prior. */
export function confidence(score: number): number {
  return 1 / (1 + 2 ** -(score - 10));
}

const cap = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);
