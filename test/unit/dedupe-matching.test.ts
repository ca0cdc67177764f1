// The matcher's parts on small, readable cases: normalisation, blocking, scoring, clustering.
import { describe, expect, it } from 'vitest';
import { blockingKeys, candidatePairs, weakCap } from '../../src/main/core/dedupe/blocking';
import { clusterPairs } from '../../src/main/core/dedupe/cluster';
import { Frequencies, toMatchRecord } from '../../src/main/core/dedupe/features';
import {
  canonicalGiven,
  isNicknameOf,
  jaroWinkler,
  normBirthDate,
  normName,
  normStreet,
  soundex,
} from '../../src/main/core/dedupe/match-forms';
import { scorePair, DEFAULT_THRESHOLDS } from '../../src/main/core/dedupe/score';
import { COMPARISONS, compareLevels, GAMMA_WIDTH } from '../../src/main/core/dedupe/levels';
import { normCompany } from '../../src/main/core/dedupe/company';
import type { CanonicalContact } from '../../src/shared/domain';

const rec = (ix: number, c: CanonicalContact, personId = `p${ix}`) =>
  toMatchRecord(ix, { id: `r${ix}`, accountId: 'a', vendor: 'mpdx', remoteId: String(ix), personId, contact: c });

describe('normalisation', () => {
  it('strips accents and punctuation, folds nicknames, abbreviates streets, reads any date', () => {
    expect(normName("José-María O'Neil")).toBe('josemariaoneil');
    expect(canonicalGiven('bob')).toBe('robert');
    expect(canonicalGiven('liz')).toBe(canonicalGiven('elizabeth'));
    expect(canonicalGiven('zelda')).toBe('zelda');
    expect(normStreet('1200 North Main Street, Apt. 4')).toBe('1200 n main st apt 4');
    expect(normStreet('1200 N. Main St')).toBe('1200 n main st');
    expect(normBirthDate('03/14/1979')).toBe('1979-03-14');
    expect(normBirthDate('1979-03-14T00:00:00Z')).toBe('1979-03-14');
    expect(soundex('smith')).toBe(soundex('smyth'));
    expect(soundex('robert')).toBe('R163');
    expect(jaroWinkler('martha', 'marhta')).toBeCloseTo(0.961, 2);
    expect(jaroWinkler('abc', 'xyz')).toBe(0);
  });

  it('nicknames are many-to-many, as the dataset lists them: Chris is short for Christopher and Christine, who are not one name', () => {
    expect(isNicknameOf('chris', 'christine')).toBe(true);
    expect(isNicknameOf('chris', 'christopher')).toBe(true);
    expect(isNicknameOf('christine', 'christopher')).toBe(false);
    expect(isNicknameOf('sam', 'samantha')).toBe(true);
    expect(isNicknameOf('sam', 'samuel')).toBe(true);
    expect(isNicknameOf('samantha', 'samuel')).toBe(false);
    // The dataset's own rows decide: alexandra,has_nickname,sandra and abigail,has_nickname,gail
    // are rows; Cassandra and Alexandra only share the nickname Sandra, so they are not a pair.
    expect(isNicknameOf('sandra', 'alexandra')).toBe(true);
    expect(isNicknameOf('cassandra', 'alexandra')).toBe(false);
    expect(isNicknameOf('gail', 'abigail')).toBe(true);
    expect(isNicknameOf('william', 'robert')).toBe(false);
    expect(isNicknameOf('bob', 'robert')).toBe(true);
  });

  it('phones to E.164 digits and emails lower-cased, whatever the vendor format', () => {
    const r = rec(0, { givenName: 'Ada', phones: [{ e164: null, raw: '(650) 351-7500' }], emails: [{ address: ' Ada@Example.ORG ' }] });
    expect(r.phones).toEqual(['16503517500']);
    expect(r.emails).toEqual(['ada@example.org']);
  });
});

describe('blocking', () => {
  it("keys on the phone's last 7 digits, email local part, phonetic surname + initial both ways round, postcode + surname or the given name's sound, birth date, birth year + initials", () => {
    const keys = blockingKeys(
      rec(0, {
        givenName: 'Robert',
        familyName: 'Smith',
        phones: [{ e164: '+16503517500', raw: '' }],
        emails: [{ address: 'bob@x.org' }],
        address: { postalCode: '94110' },
        birthDate: '1970-01-02',
      }),
    );
    expect(keys).toEqual(['p:3517500', 'e:bob', 'n:S530:r', 'n:R163:s', 'z:94110:smi', 'zg:94110:R163', 'b:1970-01-02', 'y:1970:rs']);
  });

  it('compares only records that share a key, and never all pairs', () => {
    const recs = [
      rec(0, { givenName: 'Bob', familyName: 'Smith', emails: [{ address: 'b@x.org' }] }),
      rec(1, { givenName: 'Robert', familyName: 'Smyth' }),
      rec(2, { givenName: 'Zed', familyName: 'Quux', emails: [{ address: 'b@x.org' }] }),
      rec(3, { givenName: 'Nobody', familyName: 'Elsewhere' }),
    ];
    expect(candidatePairs(recs).sort()).toEqual([
      [0, 1],
      [0, 2],
    ]);
  });

  it('keeps a huge block near-linear with a sorted neighbourhood', () => {
    const recs = Array.from({ length: 2000 }, (_, i) =>
      rec(i, { givenName: `Given${i}`, familyName: 'Smith', phones: [{ e164: '+16505550000', raw: '' }] }),
    );
    const pairs = candidatePairs(recs);
    expect(pairs.length).toBeLessThan(2000 * 20);
    expect(pairs.length).toBeGreaterThan(2000);
  });

  it('caps a weak key (a birth date) by the store size, and a strong one (a phone) not', () => {
    expect([weakCap(1000), weakCap(100_000), weakCap(300_000), weakCap(1_000_000), weakCap(10_000_000)]).toEqual([40, 40, 23, 13, 10]);
    const born = Array.from({ length: 30 }, (_, i) => rec(i, { birthDate: '1970-01-01' }));
    const phoned = Array.from({ length: 30 }, (_, i) => rec(30 + i, { phones: [{ e164: '+16505550000', raw: '' }] }));
    // Records with no key at all make the store big without adding a pair.
    const blank = rec(60, {});
    const pad = Array.from({ length: 200_000 }, (_, i) => ({ ...blank, ix: 60 + i, id: `r${60 + i}`, personId: `p${60 + i}` }));
    const count = (recs: typeof born, lo: number, hi: number) => candidatePairs(recs).filter(([a, b]) => a >= lo && b < hi).length;
    // Small store: every pair of the block. Past 178,000 records the cap is under 30: each meets its 3 nearest either side.
    expect(count([...born, ...phoned], 0, 30)).toBe(435);
    expect(count([...born, ...phoned, ...pad], 0, 30)).toBe(30 * 3 - 6);
    expect(count([...born, ...phoned, ...pad], 30, 60)).toBe(435);
  });
});

describe('scoring', () => {
  const others = Array.from({ length: 200 }, (_, i) =>
    rec(100 + i, {
      givenName: i % 2 ? 'John' : 'Mary',
      familyName: i % 3 ? 'Smith' : 'Jones',
      phones: [{ e164: `+1650555${String(1000 + i)}`, raw: '' }],
    }),
  );

  it('a nickname, a typo and a reformatted phone still score as the same person, with reasons', () => {
    const a = rec(0, { givenName: 'Robert', familyName: 'Lindqvist', phones: [{ e164: null, raw: '650.351.7500' }] });
    const b = rec(1, { givenName: 'Bob', familyName: 'Lindkvist', phones: [{ e164: '+16503517500', raw: '' }] });
    const s = scorePair(a, b, new Frequencies([a, b, ...others]));
    expect(s.score).toBeGreaterThanOrEqual(DEFAULT_THRESHOLDS.review);
    expect(s.reasons.map((r) => r.text)).toEqual(expect.arrayContaining(['same phone +16503517500', 'Bob is a nickname of Robert']));
    expect(s.reasons.find((r) => r.code === 'family_close')!.text).toMatch(/family names 0\.9\d alike/);
  });

  it('names entered the other way round are recognised', () => {
    const a = rec(0, { givenName: 'Margaret', familyName: 'Okafor', emails: [{ address: 'm.okafor@x.org' }] });
    const b = rec(1, { givenName: 'Okafor', familyName: 'Peggy', emails: [{ address: 'm.okafor@x.org' }] });
    const s = scorePair(a, b, new Frequencies([a, b, ...others]));
    expect(s.reasons.map((r) => r.code)).toContain('names_swapped');
    expect(s.score).toBeGreaterThanOrEqual(DEFAULT_THRESHOLDS.review);
  });

  it('a household (same surname, phone and address, different first names) is not one person', () => {
    const home = {
      familyName: 'Okafor',
      phones: [{ e164: '+16503517500', raw: '' }],
      address: { street1: '1 Elm Street', postalCode: '94110' },
    };
    const a = rec(0, { givenName: 'Chidi', ...home });
    const b = rec(1, { givenName: 'Ngozi', ...home });
    const s = scorePair(a, b, new Frequencies([a, b, ...others]));
    expect(s.score).toBeLessThan(DEFAULT_THRESHOLDS.review);
    expect(s.reasons[0]!.text).toBe('different given names (Chidi / Ngozi)');
  });

  it('common values weigh less than rare ones, and a shared name alone is not enough', () => {
    const common = scorePair(others[1]!, others[7]!, new Frequencies(others)); // John Smith and John Smith, different phones
    expect(common.score).toBeLessThan(DEFAULT_THRESHOLDS.review);
    expect(common.reasons.map((r) => r.code)).toContain('name_only');
    const rareA = rec(0, { givenName: 'Xanthe', familyName: 'Quenby', address: { postalCode: '94110' } });
    const rareB = rec(1, { givenName: 'Xanthe', familyName: 'Quenby', address: { postalCode: '94110' } });
    const johnA = rec(2, { givenName: 'John', familyName: 'Smith', address: { postalCode: '94110' } });
    const johnB = rec(3, { givenName: 'John', familyName: 'Smith', address: { postalCode: '94110' } });
    const f = new Frequencies([rareA, rareB, johnA, johnB, ...others]);
    expect(scorePair(rareA, rareB, f).score).toBeGreaterThan(scorePair(johnA, johnB, f).score);
  });

  it('different birth dates count strongly against', () => {
    const a = rec(0, { givenName: 'Ann', familyName: 'Lee', emails: [{ address: 'ann@x.org' }], birthDate: '1950-01-01' });
    const b = rec(1, { givenName: 'Ann', familyName: 'Lee', emails: [{ address: 'ann@x.org' }], birthDate: '1980-06-30' });
    const s = scorePair(a, b, new Frequencies([a, b, ...others]));
    expect(s.reasons.find((r) => r.code === 'birth_differ')!.weight).toBeLessThan(-5);
  });
});

const levelsOf = (a: CanonicalContact, b: CanonicalContact) => {
  const g = new Int8Array(GAMMA_WIDTH);
  compareLevels(rec(0, a), rec(1, b), g);
  return Object.fromEntries(COMPARISONS.map((c, k) => [c.key, g[k] === -1 ? null : c.levels[g[k]!]]));
};

describe('comparison levels', () => {
  it('birth dates: day and month swapped, one digit or one part off, same year, else', () => {
    expect(levelsOf({ birthDate: '1980-03-07' }, { birthDate: '1980-07-03' }).birth).toBe('day and month swapped');
    expect(levelsOf({ birthDate: '1980-03-07' }, { birthDate: '1981-03-07' }).birth).toBe('one digit or one part off');
    // A year or a month one away whose digits roll over is still one slip, not a stranger.
    expect(levelsOf({ birthDate: '1969-05-04' }, { birthDate: '1970-05-04' }).birth).toBe('one digit or one part off');
    expect(levelsOf({ birthDate: '1970-09-04' }, { birthDate: '1970-10-04' }).birth).toBe('one digit or one part off');
    expect(levelsOf({ birthDate: '1970-09-04' }, { birthDate: '1972-10-04' }).birth).toBe('else');
    // Not a whole date: what can be read of it still counts — two digits transposed, a month
    // that cannot be (1856-86-18 / 1856-06-18), or the year alone.
    expect(levelsOf({ birthDate: '1980-03-17' }, { birthDate: '1980-03-71' }).birth).toBe('one digit or one part off');
    expect(levelsOf({ birthDate: '1856-06-18' }, { birthDateText: '1856-86-18' }).birth).toBe('one digit or one part off');
    expect(levelsOf({ birthDate: '1856-06-18' }, { birthDateText: 'sometime in 1856' }).birth).toBe('same year');
    expect(levelsOf({ birthDate: '1856-06-18' }, { birthDateText: 'unknown' }).birth).toBeNull(); // nothing readable: no evidence either way
    expect(levelsOf({ birthDate: '1856-06-18' }, { birthDateText: '1931-86-02' }).birth).toBeNull(); // a broken date that disagrees says little
    expect(levelsOf({ birthDate: '1980-03-07' }, { birthDate: '1980-11-30' }).birth).toBe('same year');
    expect(levelsOf({ birthDate: '1980-03-07' }, { birthDate: '1962-11-30' }).birth).toBe('else');
  });

  it('streets: the house number apart from the street', () => {
    expect(levelsOf({ address: { street1: '12 Main Street' } }, { address: { street1: '12 Main St.' } }).street).toBe('exact');
    expect(levelsOf({ address: { street1: '12 Main Street' } }, { address: { street1: '12 Mian Street' } }).street).toBe(
      'same number, street close',
    );
    expect(levelsOf({ address: { street1: '12 Main Street' } }, { address: { street1: '14 Main Street' } }).street).toBe(
      'same street, other or no number',
    );
    expect(levelsOf({ address: { street1: '12 Main Street' } }, { address: { street1: 'Main Street' } }).street).toBe(
      'same street, other or no number',
    );
  });

  it('names: swapped either way, hyphenated and double family names, initials', () => {
    expect(levelsOf({ givenName: 'Okafor', familyName: 'Margaret' }, { givenName: 'Margaret', familyName: 'Okafor' })).toMatchObject({
      given: 'exact',
      family: 'exact',
    });
    expect(levelsOf({ givenName: 'Ana', familyName: 'García-López' }, { givenName: 'Ana', familyName: 'Garcia' }).family).toBe(
      'close (typo, part of a double name)',
    );
    expect(levelsOf({ givenName: 'Ana', familyName: 'López García' }, { givenName: 'Ana', familyName: 'Garcia Lopez' }).family).toBe(
      'close (typo, part of a double name)',
    );
    expect(levelsOf({ givenName: 'J', familyName: 'Smith' }, { givenName: 'John', familyName: 'Smith' }).given).toBe('initial');
    expect(levelsOf({ givenName: 'Chris', familyName: 'Smith' }, { givenName: 'Christine', familyName: 'Smith' }).given).toBe('nickname');
    expect(levelsOf({ givenName: 'Christopher', familyName: 'Smith' }, { givenName: 'Christine', familyName: 'Smith' }).given).toBe('else');
    // Two nicknames of one formal name, neither listed under the other: a level of its own.
    expect(levelsOf({ givenName: 'Hal', familyName: 'Smith' }, { givenName: 'Harry', familyName: 'Smith' }).given).toBe(
      'nicknames of one name',
    );
    expect(levelsOf({ givenName: 'Peggy', familyName: 'Smith' }, { givenName: 'Maggie', familyName: 'Smith' }).given).toBe(
      'nicknames of one name',
    );
    expect(levelsOf({ givenName: 'Bert', familyName: 'Smith' }, { givenName: 'Herbert', familyName: 'Smith' }).given).toBe('nickname');
    // Formal names sharing a nickname do not meet this way.
    expect(levelsOf({ givenName: 'Francis', familyName: 'Smith' }, { givenName: 'Frances', familyName: 'Smith' }).given).not.toBe(
      'nicknames of one name',
    );
  });

  it('phones: a local number without its area code meets the full one by the last 7 digits', () => {
    expect(levelsOf({ phones: [{ e164: '+16503517500', raw: '' }] }, { phones: [{ e164: null, raw: '351-7500' }] }).phone).toBe(
      'same last 7 digits',
    );
    expect(levelsOf({ phones: [{ e164: '+16503517500', raw: '' }] }, { phones: [{ e164: null, raw: '(650) 351 7500' }] }).phone).toBe(
      'exact',
    );
  });

  it('companies: legal suffixes, Saint/St., &/and, punctuation and word order do not tell them apart', () => {
    expect(normCompany("The St. Mary's Hospital & Clinic, Inc.")).toBe(normCompany('Saint Marys Clinic and Hospital'));
    expect(normCompany('Acme Widgets LLC')).toBe('acme widgets');
    expect(levelsOf({ company: 'Acme Widgets, Inc.' }, { company: 'ACME WIDGETS LLC' }).company).toBe('exact');
  });

  it('a company-only record matches on name, address and a local phone, with reasons', () => {
    const a = rec(0, {
      fullName: "St. Mary's Hospital",
      company: "St. Mary's Hospital, Inc.",
      phones: [{ e164: '+16503517500', raw: '' }],
      address: { street1: '450 Oak Avenue', postalCode: '94110' },
    });
    const b = rec(1, {
      fullName: 'Saint Marys Hospital',
      company: 'Saint Marys Hospital',
      phones: [{ e164: null, raw: '351-7500' }],
      address: { street1: '450 Oak Ave', postalCode: '94110' },
    });
    const others = Array.from({ length: 50 }, (_, i) =>
      rec(2 + i, {
        fullName: `Firm ${i}`,
        company: `Firm ${i}`,
        phones: [{ e164: `+1650555${String(1000 + i)}`, raw: '' }],
        address: { postalCode: '94110' },
      }),
    );
    expect(blockingKeys(a).filter((k) => blockingKeys(b).includes(k)).length).toBeGreaterThan(0);
    const s = scorePair(a, b, new Frequencies([a, b, ...others]));
    expect(s.score).toBeGreaterThanOrEqual(DEFAULT_THRESHOLDS.review);
    expect(s.reasons.map((r) => r.code)).toEqual(expect.arrayContaining(['company_same', 'phone_local', 'address_same']));
    expect(s.reasons.find((r) => r.code === 'phone_local')!.text).toBe('same local number 3517500 (one without its area code)');
  });
});

describe('records with little in them', () => {
  it('a record holding one name and an email or a phone meets the full record by those, and a lone shared first name does not', () => {
    // A store of a few thousand records, so an address held by one person is as rare as it is in use.
    const others = Array.from({ length: 3000 }, (_, i) =>
      rec(10 + i, {
        givenName: ['Ann', 'Bob', 'Cher', 'Dev'][i % 4],
        familyName: `Family${i}`,
        emails: [{ address: `p${i}@example.org` }],
      }),
    );
    const one = rec(0, { fullName: 'Cher', emails: [{ address: 'cher@example.org' }] });
    const full = rec(1, {
      givenName: 'Cher',
      familyName: 'Sarkisian',
      emails: [{ address: 'cher@example.org' }],
      phones: [{ e164: '+13105550101', raw: '' }],
    });
    const byPhone = rec(2, { givenName: 'Cher', phones: [{ e164: '+13105550101', raw: '310-555-0101' }] });
    const stranger = rec(3, { givenName: 'Cher', emails: [{ address: 'someone.else@example.org' }] });
    const f = new Frequencies([one, full, byPhone, stranger, ...others]);
    expect(scorePair(one, full, f).score).toBeGreaterThanOrEqual(DEFAULT_THRESHOLDS.review);
    expect(scorePair(byPhone, full, f).score).toBeGreaterThanOrEqual(DEFAULT_THRESHOLDS.review);
    expect(scorePair(stranger, full, f).score).toBeLessThan(DEFAULT_THRESHOLDS.review);
  });
});

describe('clustering', () => {
  it('joins the strongest pairs first and refuses a weak link that would chain strangers', () => {
    // 0-1 strong, 1-2 strong, 0-2 unrelated (score -10): 2 must not join 0 and 1 through 1.
    const scores: Record<string, number> = { '0:1': 25, '1:2': 12, '0:2': -10, '3:4': 15 };
    const pairs = Object.entries(scores)
      .filter(([, s]) => s >= 9)
      .map(([k, score]) => ({ a: Number(k[0]), b: Number(k[2]), score, reasons: [] }));
    const clusters = clusterPairs(pairs, { threshold: 9, score: (a, b) => scores[`${Math.min(a, b)}:${Math.max(a, b)}`] ?? -20 });
    expect(clusters.map((c) => c.members)).toEqual([
      [0, 1],
      [3, 4],
    ]);
  });

  it('never crosses a "not the same" decision', () => {
    const pairs = [{ a: 0, b: 1, score: 30, reasons: [] }];
    expect(clusterPairs(pairs, { threshold: 9, score: () => 0, different: (a, b) => a + b === 1 })).toEqual([]);
  });
});

describe('survivorship', () => {
  it('pinned beats trusted beats most recent; blanks filled; lists united', async () => {
    const { computeGolden } = await import('../../src/main/core/contacts/golden');
    const old = {
      local: { givenName: 'Robert', address: { city: 'Portland' }, emails: [{ address: 'a@x.org' }], birthDate: '1970-01-02' },
      updatedAt: '2026-01-01',
      trusted: ['address'],
    };
    const recent = { local: { givenName: 'Bob', address: { city: 'Salem' }, emails: [{ address: 'b@x.org' }] }, updatedAt: '2026-06-01' };
    const g = computeGolden([old, recent], { familyName: 'Pinned' });
    expect(g).toMatchObject({ givenName: 'Bob', familyName: 'Pinned', address: { city: 'Portland' }, birthDate: '1970-01-02' });
    expect(g.emails!.map((e) => e.address)).toEqual(['b@x.org', 'a@x.org']);
  });
});

describe('titles in the given-name field', () => {
  it('are not part of the name, and a title alone is no evidence', async () => {
    const { givenWithoutTitle } = await import('../../src/main/core/dedupe/match-forms');
    expect(givenWithoutTitle('Sir John')).toBe('john');
    expect(givenWithoutTitle('Rev. Ann Marie')).toBe('annmarie');
    expect(givenWithoutTitle('Admiral')).toBe('');
    expect(givenWithoutTitle('Doctora')).toBe('doctora');
    expect(levelsOf({ givenName: 'Sir John', familyName: 'Smith' }, { givenName: 'John', familyName: 'Smith' }).given).toBe('exact');
    expect(levelsOf({ givenName: 'Reverend', familyName: 'Smith' }, { givenName: 'John', familyName: 'Smith' }).given).toBeNull();
  });
});

describe('near-identical emails', () => {
  it('one character off at the same domain, or the same local part at a cut-short domain, is close; a short local part is not', () => {
    const close = 'same local part, or one character off';
    expect(levelsOf({ emails: [{ address: 'h.k@sharp.co' }] }, { emails: [{ address: 'h.k@sharp.com' }] }).email).toBe(close);
    expect(levelsOf({ emails: [{ address: 'jsmith@example.org' }] }, { emails: [{ address: 'jsmiht@example.org' }] }).email).toBe(close);
    expect(levelsOf({ emails: [{ address: 'jsmith@example.org' }] }, { emails: [{ address: 'jsmith1@example.org' }] }).email).toBe(close);
    expect(levelsOf({ emails: [{ address: 'jsmith@example.org' }] }, { emails: [{ address: 'jsmith@other.org' }] }).email).toBe(close);
    expect(levelsOf({ emails: [{ address: 'ann@example.org' }] }, { emails: [{ address: 'amn@example.org' }] }).email).toBe('else');
    expect(levelsOf({ emails: [{ address: 'jsmith@example.org' }] }, { emails: [{ address: 'jsmiht@other.org' }] }).email).toBe('else');
  });
});
