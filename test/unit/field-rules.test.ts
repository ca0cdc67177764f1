// Field rules: what each vendor can hold is checked when an edit is typed and again before a push.
import { describe, expect, it } from 'vitest';
import type { CanonicalContact, Vendor } from '../../src/shared/domain';
import { checkFields, normalizeTypedContact, type VendorFieldRules } from '../../src/main/core/vendors/field-rules';
import { checkEdit, VENDOR_DEFINITIONS } from '../../src/main/core/vendors/registry';
import { CALLTOOLS_RULES } from '../../src/main/core/vendors/calltools/rules';
import { MPDX_RULES } from '../../src/main/core/vendors/mpdx/rules';
import { LIVEVOX_RULES } from '../../src/main/core/vendors/livevox/rules';
import { BIGCHANGE_RULES } from '../../src/main/core/vendors/bigchange/rules';
import { validateLightening } from '../../src/main/core/vendors/lightening/mapping';
import { validateBigChange } from '../../src/main/core/vendors/bigchange/mapping';
import { personAttrs } from '../../src/main/core/vendors/mpdx/mapping';

const ALL: Vendor[] = ['calltools', 'mpdx', 'livevox', 'lightening', 'bigchange'];
const REGION: Record<Vendor, string> = { calltools: 'US', mpdx: 'US', livevox: 'US', lightening: 'US', bigchange: 'GB' };
const NOW = new Date(2025, 5, 15, 12, 0, 0); // 15 June 2025, local time
const holds = (v: Vendor, f: string): boolean => (VENDOR_DEFINITIONS[v].fields.write as readonly string[]).includes(f);
const msgs = (p: { message: string }[]): string[] => p.map((x) => x.message);

describe('bad values seen in practice are refused by every vendor that holds the field', () => {
  it('a phone typed as "call-me-maybe"', () => {
    // BigChange's contact model has no phone (the vendor's bigchange-contacts.txt); every other vendor holds one.
    expect(ALL.filter((v) => !holds(v, 'phones'))).toEqual(['bigchange']);
    for (const v of ALL.filter((x) => holds(x, 'phones'))) {
      const problems = checkEdit(v, { phones: [{ e164: null, raw: 'call-me-maybe' }] }, { region: REGION[v] });
      expect(msgs(problems), v).toContain(`phones: "call-me-maybe" is not a phone number in ${REGION[v]}`);
      // The same check runs before the push, even if the edit path was skipped.
      expect(
        VENDOR_DEFINITIONS[v].validate({ phones: [{ e164: null, raw: 'call-me-maybe' }] }, { region: REGION[v] }).length,
        v,
      ).toBeGreaterThan(0);
    }
  });

  it('birthDate=yesterday, which MPDX would have turned into a cleared birthday', () => {
    expect(personAttrs({ birthDate: 'yesterday' })).toEqual({ birthday_year: null, birthday_month: null, birthday_day: null });
    expect(normalizeTypedContact({ birthDate: 'yesterday' }, 'US').birthDate).toBe('yesterday'); // never turned into a clear
    const holders = ALL.filter((v) => holds(v, 'birthDate'));
    expect(holders.sort()).toEqual(['calltools', 'livevox', 'mpdx']);
    for (const v of holders) {
      expect(msgs(checkEdit(v, { birthDate: 'yesterday' }, { region: 'US', now: NOW })), v).toEqual([
        'birthDate: "yesterday" is not a date (use YYYY-MM-DD)',
      ]);
    }
    // Vendors without a birth date do not hold it, so there is nothing to refuse for them.
    expect(checkEdit('lightening', { birthDate: 'yesterday' }, { region: 'US' })).toEqual([]);
  });

  it('an invalid email, which CallTools stored as given', () => {
    for (const v of ALL.filter((x) => holds(x, 'emails'))) {
      for (const bad of ['bob@@example.com', 'bob example.com', 'bob@example', 'bob@exa mple.com', 'bob..x@example.com']) {
        expect(msgs(checkEdit(v, { emails: [{ address: bad }] }, { region: REGION[v] })), `${v} ${bad}`).toEqual([
          `emails: "${bad.toLowerCase()}" is not an email address`,
        ]);
      }
    }
  });
});

describe('address parts a vendor has no place for', () => {
  it('are refused as typed, by each vendor that writes addresses, with the parts it keeps', () => {
    const full = {
      street1: '1 Main St',
      street2: 'Flat 2',
      city: 'Portland',
      region: 'OR',
      postalCode: '97201',
      county: 'Multnomah',
      country: 'US',
    };
    const refused = (v: Vendor) =>
      checkEdit(v, { address: full }, { region: REGION[v] })
        .map((p) => p.field)
        .sort();
    // From the documents: CallTools address/city/state/zip_code/county/country; MPDX street, city,
    // state, postal code, country; LiveVox address1/2, city, state, zipCode, country; BigChange
    // street, town, postalCode, country. Lightening writes no address.
    expect(refused('calltools')).toEqual(['address.street2']);
    expect(refused('mpdx')).toEqual(['address.county', 'address.street2']);
    expect(refused('livevox')).toEqual(['address.county']);
    expect(refused('bigchange')).toEqual(['address.county', 'address.region', 'address.street2']);
    expect(msgs(checkEdit('bigchange', { address: { street1: '1 Main St', region: 'Kent' } }, { region: 'GB' }))).toEqual([
      'address: no place for a state or region (BigChange addresses have street, city, postal code, country); clear it to save the address here',
    ]);
    // What a vendor keeps goes through; a blank part is no value.
    for (const v of ['calltools', 'mpdx', 'livevox', 'bigchange'] as const) {
      const kept = Object.fromEntries(
        (VENDOR_DEFINITIONS[v].fields as { addressParts?: readonly string[] }).addressParts!.map((p) => [
          p,
          p === 'postalCode' ? '97201' : p === 'country' ? 'US' : 'X',
        ]),
      );
      expect(checkEdit(v, { address: { ...kept, street2: '  ' } }, { region: REGION[v] }), v).toEqual([]);
    }
    // The connector's own check before a push says the same.
    expect(VENDOR_DEFINITIONS.bigchange.validate({ address: full }, { region: 'GB' }).map((p) => p.field)).toContain('address.region');
  });
});

describe('normalizeTypedContact', () => {
  it.each([
    ['(650) 351-7500', 'US', '+16503517500'],
    ['650.351.7500', 'US', '+16503517500'],
    ['+1 650-351-7500', 'GB', '+16503517500'],
    ['011 44 20 7946 0958', 'US', '+442079460958'],
    ['020 7946 0958', 'GB', '+442079460958'],
    ['+44 (0)20 7946 0958', 'US', '+442079460958'],
    ['030 901820', 'DE', '+4930901820'],
    ['+49 30 901820', 'US', '+4930901820'],
  ])('%s in %s becomes %s with the typed text kept', (typed, region, e164) => {
    const out = normalizeTypedContact({ phones: [{ e164: null, raw: ` ${typed} `, label: 'work' }] }, region);
    expect(out.phones).toEqual([{ e164, raw: typed, label: 'work' }]);
    for (const v of ALL.filter((x) => holds(x, 'phones')))
      expect(checkEdit(v, { phones: [{ e164: null, raw: typed }] }, { region }), `${v} ${typed}`).toEqual([]);
  });

  it('holds each number once, however it was typed', () => {
    const out = normalizeTypedContact(
      {
        phones: [
          { e164: null, raw: '(650) 351-7500' },
          { e164: null, raw: '+1 650 351 7500' },
          { e164: null, raw: '415 555 0199' },
        ],
      },
      'US',
    );
    expect(out.phones?.map((p) => p.e164)).toEqual(['+16503517500', '+14155550199']);
  });

  it('trims and lower-cases emails, once each', () => {
    expect(
      normalizeTypedContact({ emails: [{ address: ' Ann@Example.COM ', primary: true }, { address: 'ann@example.com' }] }, 'US').emails,
    ).toEqual([{ address: 'ann@example.com', primary: true }]);
  });

  it('a blank typed entry is a removal; an explicit empty birth date is a clear; a bad number stays as typed', () => {
    const out = normalizeTypedContact(
      {
        phones: [
          { e164: null, raw: '  ' },
          { e164: null, raw: 'call-me-maybe' },
        ],
        emails: [{ address: ' ' }],
        birthDate: '  ',
      },
      'US',
    );
    expect(out).toEqual({ phones: [{ e164: null, raw: 'call-me-maybe' }], emails: [], birthDate: null });
    // Clearing on purpose is allowed everywhere the field is optional.
    for (const v of ALL) expect(checkEdit(v, { phones: [], emails: [], birthDate: null }, { region: REGION[v] }), v).toEqual([]);
    expect(checkEdit('calltools', { birthDate: '' }, { region: 'US' })).toEqual([]);
  });
});

describe('every rule kind has a failing and a passing case', () => {
  const opts = { region: 'US', now: NOW };

  it('required', () => {
    expect(msgs(checkFields(MPDX_RULES, { givenName: '  ' }, opts))).toEqual([
      'givenName: MPDX needs a first name for every person; it cannot be blank',
    ]);
    expect(msgs(checkFields(MPDX_RULES, { givenName: null }, opts))).toHaveLength(1);
    expect(checkFields(MPDX_RULES, { givenName: 'Ann' }, opts)).toEqual([]);
    // Built fields: Lightening's single name, from the record as it stands plus the patch.
    expect(msgs(validateLightening({ givenName: null, familyName: null }, { current: { givenName: 'Ann' } }))).toEqual([
      'name: Lightening needs a name for every contact; it cannot be blank',
    ]);
    expect(validateLightening({ familyName: 'Lee' }, { current: { givenName: 'Ann' } })).toEqual([]);
  });

  it('length (max on text, phones and emails; min)', () => {
    expect(msgs(checkFields(CALLTOOLS_RULES, { address: { city: 'X'.repeat(51) } }, opts))).toEqual([
      `address.city: "${'X'.repeat(39)}…" is 51 characters; CallTools allows at most 50`,
    ]);
    expect(checkFields(CALLTOOLS_RULES, { address: { city: 'X'.repeat(50) }, timeZone: 'America/New_York' }, opts)).toEqual([]);
    expect(msgs(checkFields(CALLTOOLS_RULES, { timeZone: 'Z'.repeat(51) }, opts))[0]).toMatch(
      /^timeZone: .* is 51 characters; CallTools allows at most 50$/,
    );
    // CallTools' nested phone_number holds 1–20 characters; an extension makes the raw form longer.
    expect(msgs(checkFields(CALLTOOLS_RULES, { phones: [{ e164: null, raw: '+1 650 351 7500 ext. 1234' }] }, opts))).toEqual([
      'phones: "+1 650 351 7500 ext. 1234" is 25 characters; CallTools allows at most 20',
    ]);
    expect(msgs(checkFields(BIGCHANGE_RULES, { externalRef: 'R'.repeat(41) }, opts))).toEqual([
      `externalRef: "${'R'.repeat(39)}…" is 41 characters; BigChange allows at most 40`,
    ]);
    expect(msgs(validateBigChange({ fullName: 'N'.repeat(51) }))).toEqual([
      `name: "${'N'.repeat(39)}…" is 51 characters; BigChange allows at most 50`,
    ]);
    const withMin: VendorFieldRules = { vendor: 'Test', fields: { externalRef: [{ kind: 'length', min: 3, max: 8 }] } };
    expect(msgs(checkFields(withMin, { externalRef: 'ab' }, opts))).toEqual(['externalRef: "ab" is 2 characters; Test needs at least 3']);
    expect(checkFields(withMin, { externalRef: 'abc' }, opts)).toEqual([]);
  });

  it('email', () => {
    expect(msgs(checkFields(LIVEVOX_RULES, { emails: [{ address: 'nope' }] }, opts))).toEqual(['emails: "nope" is not an email address']);
    expect(checkFields(LIVEVOX_RULES, { emails: [{ address: 'first.last+tag@sub.example.co.uk' }] }, opts)).toEqual([]);
    expect(msgs(checkFields(LIVEVOX_RULES, { emails: [{ address: '' }] }, opts))).toEqual([
      'emails: an empty email entry; remove the address to clear it',
    ]);
  });

  it('phone, for the account region', () => {
    expect(msgs(checkFields(MPDX_RULES, { phones: [{ e164: null, raw: '555-1234' }] }, opts))).toEqual([
      'phones: "555-1234" is not a phone number in US',
    ]);
    expect(msgs(checkFields(MPDX_RULES, { phones: [{ e164: null, raw: '1-800-FLOWERS' }] }, opts))).toHaveLength(1);
    expect(checkFields(MPDX_RULES, { phones: [{ e164: null, raw: '020 7946 0958' }] }, { region: 'GB' })).toEqual([]);
    // The same national number means nothing in the US.
    expect(msgs(checkFields(MPDX_RULES, { phones: [{ e164: null, raw: '020 7946 0958' }] }, opts))).toEqual([
      'phones: "020 7946 0958" is not a phone number in US',
    ]);
    // A blank entry would go out as a blank and clear the vendor's number.
    expect(msgs(checkFields(MPDX_RULES, { phones: [{ e164: null, raw: '' }] }, opts))).toEqual([
      'phones: an empty phone entry; remove the number to clear it',
    ]);
  });

  it('BigChange has no place for a phone or an email: refused as such, not checked as a value', () => {
    expect(msgs(validateBigChange({ phones: [{ e164: '+442079460958', raw: '020 7946 0958' }] }))).toEqual([
      'phones: BigChange cannot hold a phone number: its contact model has no phone field',
    ]);
    expect(msgs(validateBigChange({ emails: [{ address: 'ada@example.org' }] }))).toEqual([
      'emails: BigChange cannot hold an email address: its contact model has no email field',
    ]);
    // Clearing them asks nothing of BigChange.
    expect(validateBigChange({ phones: [], emails: [] })).toEqual([]);
  });

  it('date, with the calendar edge cases', () => {
    const d = (birthDate: string): string[] => msgs(checkFields(CALLTOOLS_RULES, { birthDate }, opts));
    expect(d('2023-02-29')).toEqual(['birthDate: "2023-02-29" is not a real calendar date']);
    expect(d('2024-02-29')).toEqual([]);
    expect(d('1999-13-01')).toEqual(['birthDate: "1999-13-01" is not a real calendar date']);
    expect(d('1999-04-31')).toEqual(['birthDate: "1999-04-31" is not a real calendar date']);
    expect(d('04/01/1999')).toEqual(['birthDate: "04/01/1999" is not a date (use YYYY-MM-DD)']);
    expect(d('2025-06-16')).toEqual(['birthDate: "2025-06-16" is in the future; a birth date cannot be']);
    expect(d('2025-06-15')).toEqual([]); // born today
    expect(d('1930-01-01')).toEqual([]);
    const anyDate: VendorFieldRules = { vendor: 'Test', fields: { birthDate: [{ kind: 'date' }] } };
    expect(checkFields(anyDate, { birthDate: '2030-01-01' }, opts)).toEqual([]); // only birth dates are held to the past
  });

  it('count (LiveVox phone ordinals 1–10)', () => {
    const n = (k: number): CanonicalContact['phones'] =>
      Array.from({ length: k }, (_, i) => ({ e164: `+1650351750${i % 10}`, raw: `650351750${i % 10}` }));
    expect(msgs(checkFields(LIVEVOX_RULES, { phones: n(11) }, opts))).toEqual([
      'phones: LiveVox holds at most 10 phone numbers per contact (this one has 11)',
    ]);
    expect(checkFields(LIVEVOX_RULES, { phones: n(10) }, opts)).toEqual([]);
  });

  it('only fields in the patch are judged', () => {
    expect(checkFields(MPDX_RULES, { notes: 'x' }, opts)).toEqual([]);
    expect(checkEdit('csv', { phones: [{ e164: null, raw: 'call-me-maybe' }] }, { region: 'US' })).toEqual([]);
  });
});

describe('connectors refuse before anything travels', () => {
  it('the vendor error lists every problem by canonical field', async () => {
    const { VendorError } = await import('../../src/main/core/vendors/errors');
    const { assertFields } = await import('../../src/main/core/vendors/field-rules');
    const problems = checkEdit(
      'calltools',
      { phones: [{ e164: null, raw: 'call-me-maybe' }], emails: [{ address: 'nope' }] },
      { region: 'US' },
    );
    let thrown: unknown;
    try {
      assertFields(problems);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(VendorError);
    expect((thrown as InstanceType<typeof VendorError>).kind).toBe('validation');
    expect((thrown as InstanceType<typeof VendorError>).fieldErrors).toEqual({
      phones: ['phones: "call-me-maybe" is not a phone number in US'],
      emails: ['emails: "nope" is not an email address'],
    });
    expect(() => assertFields([])).not.toThrow();
  });
});
