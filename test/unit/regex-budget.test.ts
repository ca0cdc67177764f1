// Issue 23, point 5: no pattern applied to vendor, CSV or typed text may take super-linear time.
// A vendor (or a CSV) controls these strings, so each function that runs a regex over them is
// run on long runs of each character class its patterns repeat, followed by a mismatch — the
// shape that makes a backtracking regex retry from every position (ReDoS). A linear function
// answers 50,000 characters in a few ms; a quadratic one takes seconds, an exponential one
// forever. The budget is generous and the best of three runs counts, so CI noise cannot flake it.
import { describe, expect, it } from 'vitest';
import { splitFullName } from '../../src/main/core/normalize/names';
import { canonicalCountry, countryCode, countryName } from '../../src/main/core/normalize/countries';
import { parseDate } from '../../src/main/core/normalize/dates';
import { toE164 } from '../../src/main/core/normalize/phone';
import {
  normBirthDate,
  normEmail,
  normName,
  normPhone,
  normPostcode,
  normStreet,
  splitStreet,
} from '../../src/main/core/dedupe/match-forms';
import { normCompany } from '../../src/main/core/dedupe/company';
import { toMatchRecord } from '../../src/main/core/dedupe/features';
import { blockingKeys } from '../../src/main/core/dedupe/blocking';
import { headerKey, mapHeaders } from '../../src/main/core/csv/headers';
import { detectDelimiter, readRecords, rowToContact } from '../../src/main/core/csv/import';
import { exportCsv } from '../../src/main/core/csv/export';
import { typedValue } from '../../src/main/core/contacts/typed-values';
import { isPhoneQuery, toFtsQuery } from '../../src/main/core/contacts/contacts-service';
import { isEmail } from '../../src/main/core/vendors/field-rules';
import { joinUrl } from '../../src/main/core/vendors/base-url';
import { readName, writeName } from '../../src/main/core/vendors/bigchange/name';
import { bigChangeToCanonical } from '../../src/main/core/vendors/bigchange/mapping';
import { callToolsToCanonical } from '../../src/main/core/vendors/calltools/mapping';
import { dateOfEpoch, liveVoxToCanonical } from '../../src/main/core/vendors/livevox/mapping';
import { lighteningToCanonical } from '../../src/main/core/vendors/lightening/mapping';
import { mpdxNumber, phoneKey } from '../../src/main/core/vendors/mpdx/mapping';
import type { CsvTarget } from '../../src/main/core/csv/headers';

const LONG = 50_000;
// Catastrophic backtracking on 50,000 characters costs seconds to hours (quadratic and worse);
// a linear pass costs a few milliseconds. One second per input tells them apart even on a
// loaded two-core machine (200 ms failed once with two test runs side by side).
const BUDGET_MS = 1_000;

// The repeated units: every class the patterns above quantify, and pairs that alternate two.
const UNITS = [
  '1',
  '0',
  ' ',
  '\t',
  'a',
  'A',
  ',',
  ';',
  '.',
  '-',
  '/',
  '@',
  '+',
  '(',
  '"',
  "'",
  '1a',
  '1 ',
  '1-',
  '1.',
  'a.',
  'a-',
  'a@',
  'a ',
  ', ',
  ' ,',
  'a,',
  ' 1',
  'A ',
];
// What breaks the match after the run: a mismatch, a line end, a letter, nothing, a digit word.
const TAILS = ['!', '\n', 'x', '', ' 1', '@'];
const ADVERSARIAL: string[] = [
  ...UNITS.flatMap((u) => TAILS.map((t) => u.repeat(Math.ceil(LONG / u.length)) + t)),
  ...UNITS.map((u) => 'a' + u.repeat(Math.ceil(LONG / u.length)) + 'b'), // the run inside, not at the ends
  'a'.repeat(LONG) + '@' + 'a'.repeat(LONG) + '!',
  'x@' + 'a.'.repeat(LONG / 2) + '1',
  'x@' + 'a-'.repeat(LONG / 2) + '!',
];

function bestOfThree(run: () => void): number {
  let best = Infinity;
  for (let i = 0; i < 3 && best >= BUDGET_MS; i++) {
    const t0 = performance.now();
    try {
      run();
    } catch {
      // Refusing the input is an answer too; only the time counts here.
    }
    best = Math.min(best, performance.now() - t0);
  }
  return best;
}

const vendorContact = (s: string) => ({
  givenName: s,
  familyName: s,
  fullName: s,
  company: s,
  birthDate: s,
  phones: [{ raw: s, e164: null }],
  emails: [{ address: s }],
  address: { street1: s, street2: s, city: s, postalCode: s, country: s },
});
const CSV_TARGETS: CsvTarget[] = [
  'givenName',
  'familyName',
  'emails',
  'phones',
  'tags',
  'doNotContact',
  'birthDate',
  'address.street1',
  'address.country',
  'address.postalCode',
] as CsvTarget[];

const FUNCTIONS: Record<string, (s: string) => unknown> = {
  // normalize/
  splitFullName,
  countryCode,
  canonicalCountry,
  countryName,
  parseDate: (s) => parseDate(s),
  parseDateDayFirst: (s) => parseDate(s, { dayFirst: true }),
  toE164: (s) => toE164(s),
  // dedupe/
  normName,
  normEmail,
  normPhone: (s) => normPhone(null, s),
  normStreet,
  splitStreet,
  splitNormStreet: (s) => splitStreet(normStreet(s)),
  normPostcode,
  normBirthDate,
  normCompany,
  matchRecord: (s) =>
    blockingKeys(
      toMatchRecord(0, { id: 'r', accountId: 'a', vendor: 'mpdx', remoteId: '1', personId: 'p', contact: vendorContact(s) as never }),
    ),
  // csv/
  headerKey,
  mapHeaders: (s) => mapHeaders([s, s.toUpperCase()]),
  readRecords: (s) => readRecords(s),
  detectDelimiter,
  rowToContact: (s) =>
    rowToContact(
      CSV_TARGETS.map(() => s),
      CSV_TARGETS,
      'US',
    ),
  exportCsv: (s) => exportCsv([{ id: 'p', displayName: s, vendors: [s], recordCount: 1, states: [], fields: vendorContact(s) } as never]),
  // contacts/
  typedAddress: (s) => typedValue('address', `street\n${s}`),
  typedAddressLines: (s) => typedValue('address', `street\nsecond\n${s}\ncountry\nCounty: ${s}`),
  // (Not typed phones: a list of 25,000 numbers is 25,000 parses by libphonenumber — linear, and
  // heavy per item, not a pattern's backtracking; toE164 above covers one number's text.)
  typedEmails: (s) => typedValue('emails', s),
  typedDoNotContact: (s) => typedValue('doNotContact', s),
  isPhoneQuery,
  toFtsQuery,
  // vendors/
  isEmail,
  joinUrl: (s) => joinUrl(`https://x${s}`, s),
  readName,
  writeNameGiven: (s) => writeName(s, { given: 'Bob' }),
  writeNameFamily: (s) => writeName(`Ann ${s} Lee`, { family: '' }),
  bigChange: (s) => bigChangeToCanonical({ name: s, email: s, phone: s, mobile: s, street: s, postcode: s, country: s } as never),
  callTools: (s) =>
    callToolsToCanonical({
      first_name: s,
      last_name: s,
      home_phone_number: s,
      mobile_phone_number: s,
      email: s,
      birth_date: s,
      country: s,
    } as never),
  liveVox: (s) =>
    liveVoxToCanonical({ firstName: s, lastName: s, dateOfBirth: s, phone: [{ phoneNumber: s, phoneLabel: s }], email: s } as never),
  lightening: (s) => lighteningToCanonical({ first_name: s, last_name: s, phone: s, email: s, dob: s } as never),
  dateOfEpoch,
  mpdxPhoneKey: phoneKey,
  mpdxNumber: (s) => mpdxNumber({ raw: s }),
};

describe('patterns over outside text run in linear time', () => {
  for (const [name, fn] of Object.entries(FUNCTIONS)) {
    it(`${name} answers ${ADVERSARIAL.length} adversarial inputs of ${LONG.toLocaleString('en')} characters within ${BUDGET_MS} ms each`, () => {
      const slow: string[] = [];
      for (const s of ADVERSARIAL) {
        const ms = bestOfThree(() => fn(s));
        if (ms >= BUDGET_MS) slow.push(`${JSON.stringify(s.slice(0, 8))}…${JSON.stringify(s.slice(-4))}: ${Math.round(ms)} ms`);
      }
      expect(slow).toEqual([]);
    });
  }
});

describe('splitStreet without nested quantifiers', () => {
  it('splits ordinary streets as before', () => {
    expect(splitStreet('12a main st')).toEqual({ number: '12a', name: 'main st' });
    expect(splitStreet('1200 n main st apt 4')).toEqual({ number: '1200', name: 'n main st apt 4' });
    expect(splitStreet('12-14 main st')).toEqual({ number: '12-14', name: 'main st' });
    expect(splitStreet('12 14 main st')).toEqual({ number: '1214', name: 'main st' });
    expect(splitStreet('12 3rd st')).toEqual({ number: '12', name: '3rd st' });
    expect(splitStreet('main st')).toEqual({ number: '', name: 'main st' });
    expect(splitStreet('12')).toEqual({ number: '', name: '12' });
  });

  it('gives what the old regex gave on any short string of the characters it looked at', () => {
    const old = (street: string) => {
      // The pattern it replaces, on inputs short enough for its backtracking not to matter.
      const m = /^((?:\d+[a-z]?[ -/]?)+)\s+(.*)$/.exec(street);
      return m ? { number: m[1]!.replace(/\s+/g, ''), name: m[2]! } : { number: '', name: street };
    };
    const alphabet = ['1', '2', '0', 'a', 'z', ' ', ' ', '-', '/', '.', 'A', '\n', '\t', 'x', '\u00a0', '#'];
    let seed = 23;
    const next = (k: number) => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff), seed % k);
    for (let t = 0; t < 50_000; t++) {
      let s = '';
      for (let k = next(12); k > 0; k--) s += alphabet[next(alphabet.length)];
      expect(splitStreet(s), JSON.stringify(s)).toEqual(old(s));
    }
  });

  it('reads the address line a person typed as before', () => {
    expect(typedValue('address', '1 Main St\nPortland OR 97201\nUS')).toMatchObject({
      city: 'Portland',
      region: 'OR',
      postalCode: '97201',
    });
    expect(typedValue('address', '1 Main St\nNew York NY')).toMatchObject({ city: 'New York', region: 'NY', postalCode: null });
    expect(typedValue('address', '1 Main St\nLondon SW1A 1AA')).toMatchObject({ city: 'London SW1A', region: null, postalCode: '1AA' });
    expect(typedValue('address', '1 Main St\nNY 10001')).toMatchObject({ city: 'NY', region: null, postalCode: '10001' });
  });
});
