// Survivorship a person can trust: a value most records agree on is not beaten by one record's
// later typo; a trusted account still wins its fields; a pin wins everything; the full name
// never contradicts the given and family names it sits beside.
import { describe, expect, it } from 'vitest';
import { computeGolden, type GoldenSource } from '../../src/main/core/contacts/golden';

const src = (updatedAt: string, local: GoldenSource['local'], trusted?: string[]): GoldenSource => ({
  updatedAt,
  local,
  ...(trusted ? { trusted } : {}),
});

describe('computeGolden', () => {
  it('a value two records agree on beats a newer one only one record has (the "Johnsson" typo after an unrelated undo)', () => {
    const g = computeGolden([
      src('2026-01-01', { givenName: 'Betty', familyName: 'Johnson' }),
      src('2026-01-02', { givenName: 'Betty', familyName: 'johnson ' }), // the same, spelt with other case and a space
      src('2026-03-01', { givenName: 'Betty', familyName: 'Johnsson' }),
    ]);
    expect(g.familyName?.trim().toLowerCase()).toBe('johnson'); // either spelling of the agreed value, never the typo
  });

  it('an address said more fully elsewhere wins over a newer copy that holds fewer parts of it; a different address still wins by being newer', () => {
    const full = {
      street1: '1 Main St',
      street2: 'Flat 2',
      city: 'Portland',
      region: 'OR',
      postalCode: '97201',
      county: 'Multnomah',
      country: 'US',
    };
    const short = { street1: '1 main st', city: 'Portland', postalCode: '97201', country: 'US' }; // what BigChange keeps of it
    expect(computeGolden([src('2026-01-01', { address: full }), src('2026-02-01', { address: short })]).address).toEqual(full);
    const moved = { street1: '9 Elm Ave', city: 'Portland', postalCode: '97202', country: 'US' };
    expect(computeGolden([src('2026-01-01', { address: full }), src('2026-02-01', { address: moved })]).address).toEqual(moved);
    // A trusted account's address is taken as it is.
    expect(computeGolden([src('2026-01-01', { address: full }), src('2026-02-01', { address: short }, ['address'])]).address).toEqual(
      short,
    );
  });

  it('with no majority, the most recent record still decides; a trusted account beats the majority; a pin beats all', () => {
    const two = [src('2026-01-01', { role: 'Lead' }), src('2026-02-01', { role: 'Manager' })];
    expect(computeGolden(two).role).toBe('Manager');
    const trusted = [
      src('2026-01-01', { role: 'Lead' }),
      src('2026-02-01', { role: 'Lead' }),
      src('2025-01-01', { role: 'Director' }, ['role']),
    ];
    expect(computeGolden(trusted).role).toBe('Director');
    expect(computeGolden(trusted, { role: 'Chair' }).role).toBe('Chair');
  });

  it('the full name follows the chosen given and family names, unless a person pinned it', () => {
    const g = computeGolden([
      src('2026-01-01', { givenName: 'Ada', familyName: 'King', fullName: 'Ada Lovelace' }), // an old full name
      src('2026-01-02', { givenName: 'Ada', familyName: 'King' }),
    ]);
    expect(g).toMatchObject({ givenName: 'Ada', familyName: 'King', fullName: 'Ada King' });
    expect(computeGolden([src('2026-01-01', { givenName: 'Ada', familyName: 'King', fullName: 'Augusta Ada King' })]).fullName).toBe(
      'Augusta Ada King',
    ); // holds both: kept
    expect(computeGolden([src('2026-01-01', { givenName: 'Zoë', familyName: 'Ångström', fullName: 'ZOE ANGSTROM' })]).fullName).toBe(
      'ZOE ANGSTROM',
    ); // accents and case do not matter
    expect(
      computeGolden([src('2026-01-01', { givenName: 'Ada', familyName: 'King', fullName: 'Ada Lovelace' })], { fullName: 'Ada Lovelace' })
        .fullName,
    ).toBe('Ada Lovelace');
    expect(computeGolden([src('2026-01-01', { fullName: 'Cher' })]).fullName).toBe('Cher');
  });

  it('given and family names travel together: picking a given name from one record never plans "Martinez Martinez"', () => {
    const swapped = [
      src('2026-02-01', { givenName: 'Martinez', familyName: 'Linda' }),
      src('2026-01-01', { givenName: 'Linda', familyName: 'Martinez' }),
    ];
    // The person picks the given name "Linda" (from the second record): the family name comes with it.
    expect(computeGolden(swapped, { givenName: 'Linda' })).toMatchObject({
      givenName: 'Linda',
      familyName: 'Martinez',
      fullName: 'Linda Martinez',
    });
    expect(computeGolden(swapped, { familyName: 'Martinez' })).toMatchObject({ givenName: 'Linda', familyName: 'Martinez' });
    // Without picks the golden name is one record's pair, never a mix of the two.
    const g = computeGolden(swapped);
    expect([`${g.givenName} ${g.familyName}`]).toContain(g.fullName);
    expect(g.givenName).not.toBe(g.familyName);
    // A pair two records agree on wins over a third record's swap, even a newer one.
    const three = [...swapped, src('2025-12-01', { givenName: 'Linda', familyName: 'Martinez' })];
    expect(computeGolden(three)).toMatchObject({ givenName: 'Linda', familyName: 'Martinez' });
  });
});
