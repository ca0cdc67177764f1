// BigChange's `name` is one string and its `country` a country's name. From
// the vendor's bigchange-contacts.txt (create model), copied here:
//   "The name of the contact"  ·  "The textual name of the contact address country"
// Concord reads given and family parts out of the name and writes a changed part back where it
// stands; it reads a country's name or code as the ISO code and writes the English name.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalCountry, countryName, sameCountry } from '../../src/main/core/normalize/countries';
import { splitFullName } from '../../src/main/core/normalize/names';
import { bigChangeToCanonical, canonicalToBigChange } from '../../src/main/core/vendors/bigchange/mapping';
import { isNameAffix, readName, writeName } from '../../src/main/core/vendors/bigchange/name';

describe('BigChange name', () => {
  it('reads a suffix and a title as part of neither name', () => {
    expect(readName('Mary-Jane Smith Jr.')).toMatchObject({ given: 'Mary-Jane', family: 'Smith' });
    expect(readName('Dr. Ada King PhD')).toMatchObject({ given: 'Ada', family: 'King' });
    expect(readName('Smith, Mary Ann')).toMatchObject({ given: 'Mary Ann', family: 'Smith' });
    expect(readName('Mary Smith, Jr.')).toMatchObject({ given: 'Mary', family: 'Smith' });
    expect(readName('Cher')).toMatchObject({ given: 'Cher', family: null });
  });

  it('keeps a family name of several words whole, read and written (a create that read back as "William Van der" / "Berg")', () => {
    expect(readName('William Van der Berg')).toMatchObject({ given: 'William', family: 'Van der Berg' });
    expect(readName('Maria de la Cruz')).toMatchObject({ given: 'Maria', family: 'de la Cruz' });
    expect(splitFullName('Ludwig van Beethoven')).toEqual({ given: 'Ludwig', family: 'van Beethoven' });
    expect(splitFullName('Van Morrison')).toEqual({ given: 'Van', family: 'Morrison' }); // a given name is always left
    // A family name no rule can find in "Given Family" is written "Family, Given", which reads back whole.
    const name = writeName(null, { given: 'Mary Ann', family: 'Smith Jones' });
    expect(name).toBe('Smith Jones, Mary Ann');
    expect(readName(name)).toMatchObject({ given: 'Mary Ann', family: 'Smith Jones' });
    expect(writeName(null, { given: 'William', family: 'Van der Berg' })).toBe('William Van der Berg');
  });

  it('the issue: "Mary-Jane Smith Jr." with the family name edited keeps the suffix and doubles nothing', () => {
    const held = { name: 'Mary-Jane Smith Jr.' };
    const current = bigChangeToCanonical(held);
    expect(canonicalToBigChange({ familyName: 'Smythe' }, current, { onlyChanged: true })).toEqual({ name: 'Mary-Jane Smythe Jr.' });
    expect(canonicalToBigChange({ givenName: 'Mary Jane' }, current, { onlyChanged: true })).toEqual({ name: 'Mary Jane Smith Jr.' });
    // The family name as it already is: nothing to send (the old reading sent "Mary-Jane Smith Smith").
    expect(canonicalToBigChange({ familyName: 'Smith' }, current, { onlyChanged: true })).toEqual({});
    expect(writeName('Smith, Mary', { given: 'Maria', family: 'Smith' })).toBe('Smith, Maria');
    expect(writeName('Cher', { given: 'Cher', family: 'Bono' })).toBe('Cher Bono');
    expect(writeName(null, { given: 'Ada', family: 'King' })).toBe('Ada King');
    // A create starts from the person's full name: the suffix the parts do not carry goes too.
    expect(canonicalToBigChange({ fullName: 'Mary-Jane Smith Jr.', givenName: 'Mary-Jane', familyName: 'Smith' }).name).toBe(
      'Mary-Jane Smith Jr.',
    );
  });

  // A title or suffix as a name ("Dr" as a given name) is read as what it usually is: not a name.
  const word = fc.stringMatching(/^[A-Z][a-z]{1,7}$/).filter((w) => !isNameAffix(w));
  const given = fc.oneof(
    word,
    fc.tuple(word, word).map(([a, b]) => `${a}-${b}`),
  );
  const suffix = fc.constantFrom('', ' Jr.', ' Sr', ' III', ' PhD', ', Jr.');
  const title = fc.constantFrom('', 'Dr. ', 'Mrs ', 'Prof ');
  const held = fc
    .tuple(title, fc.array(given, { minLength: 1, maxLength: 3 }), word, suffix)
    .map(([t, g, f, s]) => `${t}${g.join(' ')} ${f}${s}`);
  const words = (s: string) => s.split(/[\s,]+/).filter(Boolean);
  const bag = (ws: string[]) => [...ws].sort();

  it('property: an edit of one part replaces that part only — no word doubled or dropped — and reads back', () => {
    fc.assert(
      fc.property(
        held,
        fc.constantFrom('given' as const, 'family' as const),
        fc.oneof(
          given,
          fc.tuple(given, given).map(([a, b]) => `${a} ${b}`),
        ),
        (name, part, value) => {
          const r = readName(name);
          const next = { given: r.given, family: r.family, [part]: part === 'family' ? value.split(' ')[0]! : value };
          const out = writeName(name, next);
          const old = part === 'given' ? r.given : r.family!;
          const expected = [...words(name)];
          for (const w of words(old)) expected.splice(expected.indexOf(w), 1);
          expected.push(...words(next[part]!));
          expect(bag(words(out))).toEqual(bag(expected));
          expect(readName(out)).toMatchObject({ given: next.given, family: next.family });
        },
      ),
      { numRuns: 300, seed: 20261124 },
    );
  });
});

describe('BigChange country', () => {
  it('writes the English name of a code and reads a name or a code as the code', () => {
    expect(canonicalToBigChange({ address: { country: 'GB' } })).toEqual({
      street: null,
      town: null,
      postalCode: null,
      country: 'United Kingdom',
    });
    expect(countryName('US')).toBe('United States');
    for (const held of ['United Kingdom', 'UK', 'GB', 'gb', 'Great Britain']) expect(canonicalCountry(held)).toBe('GB');
    for (const held of ['United States', 'USA', 'U.S.A.', 'US', 'United States of America', 'UNITED_STATES_OF_AMERICA'])
      expect(canonicalCountry(held)).toBe('US');
    expect(canonicalCountry('Côte d’Ivoire')).toBe('CI');
    expect(canonicalCountry('Atlantis')).toBe('Atlantis'); // not a country known: kept as written, sent as written
    expect(countryName('Atlantis')).toBe('Atlantis');
    expect(sameCountry('UK', 'United Kingdom')).toBe(true);
    expect(sameCountry('UK', 'US')).toBe(false);
  });

  it('leaves a country BigChange holds as it is unless the person changed it', () => {
    const current = bigChangeToCanonical({ name: 'Ada King', town: 'London', country: 'UK' });
    expect(current.address).toEqual({ city: 'London', country: 'GB' });
    expect(canonicalToBigChange({ address: { city: 'Leeds', country: 'GB' } }, current, { onlyChanged: true })).toEqual({ town: 'Leeds' });
    expect(canonicalToBigChange({ address: { city: 'London', country: 'IE' } }, current, { onlyChanged: true })).toEqual({
      country: 'Ireland',
    });
  });
});
