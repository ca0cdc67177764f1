// Comparison levels for a scan's millions of candidate pairs, the same as compareLevels gives
// (levels.ts) and checked against it pair for pair in the tests. Names, cities and streets
// repeat a lot across a store, so each record's values are interned once (equal values are
// equal ids: an equality is an int compare) and each distinct pair of values is put at its
// level once, then looked up: the Jaro–Winkler, typo and nickname work is per value pair, not
// per record pair.
import type { MatchRecord } from './features';
import {
  closeLevel,
  emailLevel,
  F,
  familyNamesLevel,
  familyPartsLevel,
  givenLevel,
  GIVEN,
  good,
  listLevel,
  NF,
  NULL,
  postcodeLevel,
  rank,
  tokensLevel,
} from './levels';
import { jaroWinklerMin } from './match-forms';
import { Dict, MISS, PairMemo } from './pair-memo';
import { Births, Emails } from './pair-values';

// Local copies of imported constants and helpers used per pair: under the loader benches and
// tests run with, every read of an imported binding is a getter call.
const jwMin = jaroWinklerMin;
const NONE = NULL;
const INITIAL = GIVEN.initial;
const EXACT = GIVEN.exact;
const [FG, FF, FN, FB, FS, FL2, FP, FC, FPH, FE, FCO] = [
  F.given,
  F.family,
  F.name,
  F.birth,
  F.street,
  F.line2,
  F.postcode,
  F.city,
  F.phone,
  F.email,
  F.company,
];
const SWAP = NF;
const isGood = good;
const rankOf = rank;
const givenL = givenLevel;
const familyNamesL = familyNamesLevel;
const familyPartsL = familyPartsLevel;
const closeL = closeLevel;
const tokensL = tokensLevel;
const postcodeL = postcodeLevel;
const listL = listLevel;
const emailL = emailLevel;

/** Street names alike: 2 at 0.92 or more, 1 at 0.85 or more, else 0 (streetLevel's two thresholds). */
const streetNamesAlike = (a: string, b: string): number => {
  const s = a === b ? 1 : jwMin(a, b, 0.85);
  return s >= 0.92 ? 2 : s >= 0.85 ? 1 : 0;
};

const [C_given, C_family, C_full, C_fullKey, C_company, C_birth, C_street, C_streetName, C_streetNumber, C_line2, C_postcode, C_city] = [
  0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11,
];
// The one phone and email of a record that has at most one of each (nearly all), and flags:
// a pair then reads no record object, only two rows (at a million records, a cache miss each).
const [C_phone, C_phone7, C_email, C_emailLocal, C_flags] = [12, 13, 14, 15, 16];
const WIDTH = 17;
/** Flags: a double family name; a partial birth date; more than one phone or email, or an email without an @ (the lists compared as lists). */
const HAS_PARTS = 1;
const PARTIAL = 2;
const LISTS = 4;

/** Phones and emails of `r` fit its row: at most one of each, its short form alongside, a phone of digits (15 at most), an email with an @. */
const oneEach = (r: MatchRecord): boolean =>
  r.phones.length <= 1 &&
  r.phones7.length === r.phones.length &&
  r.phones.every((p) => p.length <= 15 && /^\d+$/.test(p)) &&
  r.emails.length <= 1 &&
  r.emailLocals.length === r.emails.length &&
  r.emails.every((e) => e.includes('@'));

export class PairLevels {
  private readonly names = new Dict();
  /** Each record's value ids, one row of WIDTH per record: a pair reads two rows, not a column per field. */
  private readonly ids: Int32Array;
  private readonly tokens = new Dict();
  private readonly births = new Births();
  private readonly emails = new Emails();
  private readonly streetNames = new Dict();
  private readonly others = new Dict();
  /** Postcodes are few and one-off is quick to tell: compared in their own small dictionary, not remembered (a million value pairs at 300,000 records). */
  private readonly postcodes = new Dict();
  private readonly locals = new Dict();
  private readonly givenMemo = new PairMemo();
  private readonly familyMemo = new PairMemo();
  private readonly fullMemo = new PairMemo();
  private readonly tokensMemo = new PairMemo();
  private readonly streetMemo = new PairMemo();
  private readonly line2Memo = new PairMemo();
  private readonly cityMemo = new PairMemo();

  constructor(private readonly recs: readonly MatchRecord[]) {
    const n = recs.length;
    // Given and family names in one dictionary: names entered the other way round meet across them.
    const dicts: [Dict, (r: MatchRecord) => string][] = [
      [this.names, (r) => r.given],
      [this.names, (r) => r.family],
      [this.others, (r) => r.full],
      [this.tokens, (r) => r.fullKey],
      [this.tokens, (r) => r.company],
      [this.births.dict, (r) => r.birth],
      [this.others, (r) => r.street],
      [this.streetNames, (r) => r.streetName],
      [this.others, (r) => r.streetNumber],
      [this.others, (r) => r.line2],
      [this.postcodes, (r) => r.postcode],
      [this.others, (r) => r.city],
    ];
    this.ids = new Int32Array(n * WIDTH);
    for (let c = 0; c < dicts.length; c++) {
      const [dict, of] = dicts[c]!;
      for (let i = 0; i < n; i++) this.ids[i * WIDTH + c] = dict.id(of(recs[i]!));
    }
    for (let i = 0; i < n; i++) {
      const r = recs[i]!;
      const row = i * WIDTH;
      const one = oneEach(r);
      this.ids[row + C_flags] = (r.familyParts.length ? HAS_PARTS : 0) | (r.birthPartial ? PARTIAL : 0) | (one ? 0 : LISTS);
      if (!one) continue;
      // A phone as two numbers, its digits before the last 7 and those 7, each behind a leading
      // 1 (so "0" and "00" differ, and no phone is 0): equal numbers, equal phones, no dictionary.
      const p = r.phones[0];
      if (p) {
        this.ids[row + C_phone] = Number(`1${p.slice(0, -7)}`);
        this.ids[row + C_phone7] = Number(`1${p.slice(-7)}`);
      }
      this.ids[row + C_email] = this.emails.dict.id(r.emails[0] ?? '');
      this.ids[row + C_emailLocal] = this.locals.id(r.emailLocals[0] ?? '');
    }
    this.births.done();
    this.emails.done();
  }

  private givenOf(a: number, b: number): number {
    if (a === 0 || b === 0) return NONE;
    if (a === b) return EXACT;
    let l = this.givenMemo.get(a, b);
    if (l === MISS) this.givenMemo.set(a, b, (l = givenL(this.names.values[a]!, this.names.values[b]!)));
    return l;
  }

  /**
   * familyLevel: the names' level looked up, the double-name parts of records `i` and `j`
   * (-1: none) only when the names differ and either has parts.
   */
  private familyOf(a: number, b: number, i: number, j: number): number {
    if (a === 0 || b === 0) return NONE;
    if (a === b) return 0;
    let l = this.familyMemo.get(a, b);
    if (l === MISS) this.familyMemo.set(a, b, (l = familyNamesL(this.names.values[a]!, this.names.values[b]!)));
    if (l !== 2 || !(this.hasParts(i) || this.hasParts(j))) return l;
    return familyPartsL(this.names.values[a]!, this.names.values[b]!, this.partsOf(i), this.partsOf(j));
  }

  private hasParts(i: number): boolean {
    return i >= 0 && (this.ids[i * WIDTH + C_flags]! & HAS_PARTS) !== 0;
  }

  private partsOf(i: number): string[] {
    return i >= 0 ? this.recs[i]!.familyParts : NO_PARTS;
  }

  private memo(m: PairMemo, dict: Dict, a: number, b: number, level: (a: string, b: string) => number): number {
    if (a === 0 || b === 0) return NONE;
    if (a === b) return 0;
    let l = m.get(a, b);
    if (l === MISS) m.set(a, b, (l = level(dict.values[a]!, dict.values[b]!)));
    return l;
  }

  /** nameLevels (levels.ts) on ids. */
  private nameLevels(i: number, j: number, out: Int8Array, at: number): void {
    const ids = this.ids;
    const iW = i * WIDTH;
    const jW = j * WIDTH;
    const xg = ids[iW + C_given]!;
    const xf = ids[iW + C_family]!;
    const yg = ids[jW + C_given]!;
    const yf = ids[jW + C_family]!;
    const g = this.givenOf(xg, yg);
    const f = this.familyOf(xf, yf, i, j);
    out[at + FG] = g;
    out[at + FF] = f;
    out[at + SWAP] = 0;
    if ((isGood(g, INITIAL) && isGood(f, 2)) || xg === 0 || xf === 0 || yg === 0 || yf === 0 || xg === xf) return;
    const sg = this.givenOf(xf, yg);
    const sf = sg !== NONE && sg < INITIAL ? this.familyOf(xg, yf, -1, j) : 2;
    if (isGood(sg, INITIAL) && isGood(sf, 2) && rankOf(sg, sf) < rankOf(g, f)) {
      out[at + FG] = sg;
      out[at + FF] = sf;
      out[at + SWAP] = 1;
      return;
    }
    const sg2 = this.givenOf(xg, yf);
    const sf2 = sg2 !== NONE && sg2 < INITIAL ? this.familyOf(xf, yg, i, -1) : 2;
    if (isGood(sg2, INITIAL) && isGood(sf2, 2) && rankOf(sg2, sf2) < rankOf(g, f)) {
      out[at + FG] = sg2;
      out[at + FF] = sf2;
      out[at + SWAP] = 2;
    }
  }

  /** compareLevels(recs[i], recs[j]) into `out` at `at`. */
  levels(i: number, j: number, out: Int8Array, at = 0): void {
    const ids = this.ids;
    const iW = i * WIDTH;
    const jW = j * WIDTH;
    this.nameLevels(i, j, out, at);
    out[at + FN] =
      ids[iW + C_family] === 0 && ids[jW + C_family] === 0
        ? this.memo(this.fullMemo, this.others, ids[iW + C_full]!, ids[jW + C_full]!, closeFull)
        : NONE;
    const xk = ids[iW + C_fullKey]!;
    const yk = ids[jW + C_fullKey]!;
    if (xk !== 0 && yk !== 0 && !(isGood(out[at + FG]!, INITIAL) && isGood(out[at + FF]!, 2))) {
      const whole = xk === yk ? 0 : this.memo(this.tokensMemo, this.tokens, xk, yk, tokensL);
      if (whole < 2) {
        out[at + FG] = NONE;
        out[at + FF] = NONE;
        out[at + SWAP] = 0;
        out[at + FN] = whole;
      }
    }
    // Birth dates pair up too variously to be worth remembering: their parts are compared by id.
    const birth = this.births.level(ids[iW + C_birth]!, ids[jW + C_birth]!);
    const xflags = ids[iW + C_flags]!;
    const yflags = ids[jW + C_flags]!;
    out[at + FB] = birth === 4 && (xflags | yflags) & PARTIAL ? NONE : birth;
    out[at + FS] = this.streetLevel(i, j);
    out[at + FL2] = this.memo(this.line2Memo, this.others, ids[iW + C_line2]!, ids[jW + C_line2]!, closeL);
    const xp = ids[iW + C_postcode]!;
    const yp = ids[jW + C_postcode]!;
    out[at + FP] = xp === yp ? (xp === 0 ? NONE : 0) : postcodeL(this.postcodes.values[xp]!, this.postcodes.values[yp]!);
    out[at + FC] = this.memo(this.cityMemo, this.others, ids[iW + C_city]!, ids[jW + C_city]!, closeL);
    if ((xflags | yflags) & LISTS) {
      const x = this.recs[i]!;
      const y = this.recs[j]!;
      out[at + FPH] = listL(x.phones, y.phones, x.phones7, y.phones7);
      out[at + FE] = emailL(x.emails, y.emails, x.emailLocals, y.emailLocals);
    } else {
      const xp7 = ids[iW + C_phone7]!;
      const yp7 = ids[jW + C_phone7]!;
      out[at + FPH] = xp7 === 0 || yp7 === 0 ? NONE : xp7 !== yp7 ? 2 : ids[iW + C_phone] === ids[jW + C_phone] ? 0 : 1;
      const e = oneLevel(ids[iW + C_email]!, ids[jW + C_email]!, ids[iW + C_emailLocal]!, ids[jW + C_emailLocal]!);
      out[at + FE] = e === 2 && this.emails.alike(ids[iW + C_email]!, ids[jW + C_email]!) ? 1 : e;
    }
    const xc = ids[iW + C_company]!;
    const yc = ids[jW + C_company]!;
    out[at + FCO] = xc === 0 || yc === 0 ? NONE : xc === yc ? 0 : this.memo(this.tokensMemo, this.tokens, xc, yc, tokensL);
  }

  /** streetLevel (levels.ts) on ids. */
  private streetLevel(i: number, j: number): number {
    const ids = this.ids;
    const iW = i * WIDTH;
    const jW = j * WIDTH;
    const xs = ids[iW + C_street]!;
    const ys = ids[jW + C_street]!;
    if (xs === 0 || ys === 0) return NONE;
    if (xs === ys) return 0;
    const xn = ids[iW + C_streetName]!;
    const yn = ids[jW + C_streetName]!;
    let alike: number;
    if (xn === yn) alike = 2;
    else {
      alike = this.streetMemo.get(xn, yn);
      if (alike === MISS)
        this.streetMemo.set(xn, yn, (alike = streetNamesAlike(this.streetNames.values[xn]!, this.streetNames.values[yn]!)));
    }
    const num = ids[iW + C_streetNumber]!;
    if (num !== 0 && num === ids[jW + C_streetNumber] && alike >= 1) return 1;
    return alike === 2 ? 2 : 3;
  }
}

const NO_PARTS: string[] = [];
/** listLevel of two lists of at most one value each, by id (0: empty), with their short forms. */
const oneLevel = (a: number, b: number, a2: number, b2: number): number => (a === 0 || b === 0 ? NONE : a === b ? 0 : a2 === b2 ? 1 : 2);
const closeFull = (a: string, b: string): number => closeL(a, b, 0.95);
