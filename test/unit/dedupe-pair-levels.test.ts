// The scan's looked-up comparison levels (pair-levels.ts) against compareLevels, pair for pair:
// a speed-up may not move a single level. Records from the sandbox population and the labelled
// evaluation set (typos, nicknames, swapped names, double names, partial dates), plus firms
// and names in one field.
import { describe, expect, it } from 'vitest';
import { candidateKeys, pairHi, pairLo } from '../../src/main/core/dedupe/blocking';
import { Frequencies, toMatchRecord, type MatchRecord } from '../../src/main/core/dedupe/features';
import { compareLevels, GAMMA_WIDTH } from '../../src/main/core/dedupe/levels';
import { editDistance, withinOneEdit } from '../../src/main/core/dedupe/match-forms';
import { PairLevels } from '../../src/main/core/dedupe/pair-levels';
import { DEFAULT_PARAMETERS } from '../../src/main/core/dedupe/parameters';
import { DEFAULT_MODEL, exactCaps, modelOf, scoreBound, weigh } from '../../src/main/core/dedupe/score';
import { MISS, PairMemo } from '../../src/main/core/dedupe/pair-memo';
import { generatePopulation } from '../../src/main/core/sandbox/population';
import { createRng } from '../../src/main/core/sandbox/rng';
import type { CanonicalContact } from '../../src/shared/domain';
import { generateEvalSet } from '../helpers/eval-set';

function records(): MatchRecord[] {
  const contacts: CanonicalContact[] = [];
  const pop = generatePopulation({ seed: 5, people: 600 });
  for (const list of Object.values(pop.byVendor)) for (const s of list) contacts.push(s.contact);
  for (const row of generateEvalSet({ seed: 7, entities: 600, heavy: true }))
    contacts.push({
      givenName: row.first_name,
      familyName: row.last_name,
      emails: row.email ? [{ address: row.email }] : [],
      phones: row.phone ? [{ e164: null, raw: row.phone }] : [],
      address: { street1: row.street, city: row.city, postalCode: row.zip },
      birthDateText: row.date_of_birth,
    } as CanonicalContact);
  contacts.push(
    { givenName: 'Maria', familyName: 'Garcia-Lopez' },
    { givenName: 'Maria', familyName: 'Lopez Garcia' },
    { givenName: 'Garcia', familyName: 'Maria' },
    { fullName: "Arnie Morton's of Chicago", company: "Arnie Morton's" },
    { fullName: "Arnie Morton's", company: "Arnie Morton's of Chicago Inc" },
    { fullName: 'Hotel Bel-Air' },
    { fullName: 'Bel-Air Hotel' },
    { givenName: 'Hal', familyName: 'Smith', birthDateText: '1970' },
    { givenName: 'Harry', familyName: 'Smith', birthDateText: '05/1970' },
  );
  // Emails, phones and birth dates one slip apart, records with two emails or phones, and an
  // address without an @: the looked-up email, phone and birth levels and the list fallback.
  const emails = [
    'h.k@sharp.co',
    'h.k@sharp.com',
    'hk@sharp.com',
    'johnsmith@x.org',
    'johnsmiht@x.org',
    'johnsmit@x.org',
    'jo@x.org',
    'jo@y.org',
    'no-at-sign.org',
    'no-at-sign.org.',
  ];
  const births = [
    '1970-05-04',
    '1970-04-05',
    '1969-05-04',
    '1970-05-05',
    '1970-05-14',
    '1970-06-04',
    '1971-05-04',
    '1970',
    '1970-05',
    '0000-00-00',
  ];
  for (let i = 0; i < emails.length; i++)
    contacts.push({
      givenName: 'Kim',
      familyName: 'Sharp',
      emails: i % 3 === 2 ? [{ address: emails[i]! }, { address: emails[(i + 1) % emails.length]! }] : [{ address: emails[i]! }],
      phones:
        i % 4 === 3
          ? [
              { e164: '+16505550101', raw: '' },
              { e164: '+14155550101', raw: '' },
            ]
          : // The same last 7 digits at another area code, and a number too long to be a phone.
            [{ e164: i === 8 ? '+123456789012345678' : `+1${i % 4 === 1 ? 415 : 650}555010${i % 3}`, raw: '' }],
      birthDateText: births[i],
    });
  // One phone and one email each (the looked-up path): the same last 7 digits at other area
  // codes, local parts of three and four characters one letter apart.
  for (const [email, phone] of [
    ['kim@x.org', '+16505550199'],
    ['kym@x.org', '+14155550199'],
    ['kims@x.org', '+16505550199'],
    ['kimz@x.org', '+12125550199'],
  ])
    contacts.push({ givenName: 'Kim', familyName: 'Sharp', emails: [{ address: email! }], phones: [{ e164: phone!, raw: '' }] });
  return contacts.map((c, ix) =>
    toMatchRecord(ix, { id: `r${ix}`, accountId: 'a', vendor: 'mpdx', remoteId: String(ix), personId: `p${ix}`, contact: c }),
  );
}

describe('looked-up comparison levels', () => {
  it('are the levels compareLevels gives, for every candidate pair and for random pairs, in any order', () => {
    const recs = records();
    const table = new PairLevels(recs);
    const rng = createRng(3);
    const pairs: [number, number][] = Array.from(candidateKeys(recs), (k) => [pairLo(k), pairHi(k)]);
    for (let i = 0; i < 20_000; i++) pairs.push([Math.floor(rng.next() * recs.length), Math.floor(rng.next() * recs.length)]);
    // Both ways round, and again once every value pair is remembered.
    const all = [...pairs, ...pairs.map(([a, b]) => [b, a] as [number, number]), ...pairs];
    const want = new Int8Array(GAMMA_WIDTH);
    const got = new Int8Array(GAMMA_WIDTH);
    let differ = 0;
    let first = '';
    for (const [a, b] of all) {
      compareLevels(recs[a]!, recs[b]!, want);
      table.levels(a, b, got);
      let same = true;
      for (let k = 0; k < GAMMA_WIDTH; k++) same &&= want[k] === got[k];
      if (same) continue;
      differ++;
      first ||= `${a}/${b}: ${want.join()} vs ${got.join()}`;
    }
    expect(first).toBe('');
    expect(differ).toBe(0);
    expect(all.length).toBeGreaterThan(100_000);
  });
});

describe('one edit apart', () => {
  it('is what the edit distance says, for random short strings and parts of them', () => {
    const rng = createRng(9);
    const word = (): string => Array.from({ length: Math.floor(rng.next() * 7) }, () => 'abc'[Math.floor(rng.next() * 3)]).join('');
    let near = 0;
    const wrong: string[] = [];
    for (let i = 0; i < 50_000; i++) {
      const a = word();
      // Half the time a copy with one random edit, so the near cases are many.
      let b = word();
      if (rng.next() < 0.5) {
        const at = Math.floor(rng.next() * (a.length + 1));
        const c = 'abc'[Math.floor(rng.next() * 3)]!;
        const kind = Math.floor(rng.next() * 4);
        b =
          kind === 0
            ? a.slice(0, at) + c + a.slice(at + 1)
            : kind === 1
              ? a.slice(0, at) + c + a.slice(at)
              : kind === 2
                ? a.slice(0, at) + a.slice(at + 1)
                : a.slice(0, at) + a.slice(at + 1, at + 2) + a.slice(at, at + 1) + a.slice(at + 2);
      }
      const want = editDistance(a, b) <= 1;
      if (want) near++;
      if (withinOneEdit(a, b) !== want) wrong.push(`${a} / ${b}`);
      if (withinOneEdit(`x${a}@`, `yy${b}@z`, 1, a.length + 1, 2, b.length + 2) !== want) wrong.push(`${a} / ${b} in place`);
    }
    expect(wrong).toEqual([]);
    expect(near).toBeGreaterThan(10_000);
  });
});

describe('a memo of levels by pair of ids', () => {
  it('answers what a Map answers, through its growing, for levels -1 to 14 and large ids', () => {
    const rng = createRng(13);
    const memo = new PairMemo();
    const want = new Map<string, number>();
    for (let i = 0; i < 200_000; i++) {
      const a = Math.floor(rng.next() * 3000);
      const b = Math.floor(rng.next() * (i % 2 ? 3000 : 1 << 27));
      const key = `${a}/${b}`;
      if (want.has(key)) continue;
      const level = (i % 16) - 1;
      memo.set(a, b, level);
      want.set(key, level);
    }
    let wrong = 0;
    for (const [key, level] of want) {
      const [a, b] = key.split('/').map(Number) as [number, number];
      if (memo.get(a, b) !== level) wrong++;
      if (memo.get(b + 1, a) !== (want.get(`${b + 1}/${a}`) ?? MISS)) wrong++;
    }
    expect(wrong).toBe(0);
  });
});

describe('the score bound from levels alone', () => {
  it('is never under the score, for every candidate pair and random pairs, with any name and phone frequencies', () => {
    const recs = records();
    const freq = new Frequencies(recs);
    const rng = createRng(21);
    const pairs: [number, number][] = Array.from(candidateKeys(recs), (k) => [pairLo(k), pairHi(k)]);
    for (let i = 0; i < 20_000; i++) pairs.push([Math.floor(rng.next() * recs.length), Math.floor(rng.next() * recs.length)]);
    // The default weights, and exact levels as likely as can be for one person (the caps at their highest).
    const sure = { ...DEFAULT_PARAMETERS, m: DEFAULT_PARAMETERS.m.map((ms) => ms.map((m, l) => (l === 0 ? 1 : m))) };
    let over = 0;
    let first = '';
    for (const model of [DEFAULT_MODEL, modelOf(sure)]) {
      const caps = exactCaps(model, freq);
      const g = new Int8Array(GAMMA_WIDTH);
      const parts = new Float64Array(GAMMA_WIDTH + 1);
      for (const [a, b] of pairs) {
        compareLevels(recs[a]!, recs[b]!, g);
        const score = weigh(g, 0, recs[a]!, recs[b]!, freq, model, parts);
        const bound = scoreBound(g, 0, model, caps);
        if (score <= bound + 1e-9) continue;
        over++;
        first ||= `${a}/${b}: ${score} > ${bound}`;
      }
    }
    expect(first).toBe('');
    expect(over).toBe(0);
  });
});
