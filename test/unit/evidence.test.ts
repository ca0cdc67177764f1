// Evidence that a vendor record is the one a lost create made: an external ref, an email or an
// E.164 phone — and never when the first names say it is someone else (a household shares a
// phone and often an email; adopting the other person's record loses this one's create).
import { describe, expect, it } from 'vitest';
import { strongMatch } from '../../src/main/core/vendors/evidence';

const phone = { e164: '+14155550100', raw: '(415) 555-0100' };

describe('strongMatch', () => {
  it('a shared phone or email is a match for the same person, however the name is written', () => {
    expect(
      strongMatch(
        { givenName: 'Andrew', familyName: 'Scott', phones: [phone] },
        { givenName: 'andrew', familyName: 'Scot', phones: [phone] },
      ),
    ).toBe(true);
    expect(
      strongMatch(
        { givenName: 'A.', emails: [{ address: 'A.Scott@example.org' }] },
        { givenName: 'Andrew', emails: [{ address: 'a.scott@example.org' }] },
      ),
    ).toBe(true);
    expect(strongMatch({ fullName: 'José Moore', phones: [phone] }, { givenName: 'Jose', phones: [phone] })).toBe(true);
    expect(strongMatch({ phones: [phone] }, { givenName: 'Anyone', phones: [phone] })).toBe(true); // no name to tell them apart
  });

  it('the same household phone or email with another first name is someone else', () => {
    expect(
      strongMatch(
        { givenName: 'Donna', familyName: 'Fitzgerald', phones: [phone] },
        { givenName: 'Brian', familyName: 'Fitzgerald', phones: [phone] },
      ),
    ).toBe(false);
    expect(
      strongMatch(
        { givenName: 'Ann', emails: [{ address: 'family@example.org' }] },
        { givenName: 'Tom', emails: [{ address: 'family@example.org' }] },
      ),
    ).toBe(false);
  });

  it('external refs decide when both have one; a name alone is never a match', () => {
    expect(strongMatch({ externalRef: 'A-1', givenName: 'Ann' }, { externalRef: 'A-1', givenName: 'Tom' })).toBe(true);
    expect(strongMatch({ externalRef: 'A-1', phones: [phone] }, { externalRef: 'A-2', phones: [phone] })).toBe(false);
    expect(strongMatch({ givenName: 'Ann', familyName: 'Lee' }, { givenName: 'Ann', familyName: 'Lee' })).toBe(false);
  });
});
