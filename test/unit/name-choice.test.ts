// The golden record's name, chosen whole: swaps repaired by the store's statistics, the pair
// most records hold, then the spelling common in the store, then a formal name over a nickname.
import { describe, expect, it } from 'vitest';
import { chooseName, NameCounts, repairSwap } from '../../src/main/core/contacts/name-choice';

/** A store where Mary, Melissa, Jacob are common given names and Brown, Martin, Taylor family names. */
function stats(): NameCounts {
  const s = new NameCounts();
  for (let i = 0; i < 30; i++) {
    s.add('mary', 'brown');
    s.add('melissa', 'martin');
    s.add('jacob', 'taylor');
    s.add('robert', 'smith');
  }
  s.add('mry', 'brown'); // a one-off misspelling
  for (let i = 0; i < 3; i++) s.add('bobby', 'smith');
  return s;
}

describe('choosing a name', () => {
  it('repairs a swapped record only with clear evidence from the store', () => {
    expect(repairSwap({ givenName: 'Martin', familyName: 'Melissa' }, stats())).toEqual({ givenName: 'Melissa', familyName: 'Martin' });
    expect(repairSwap({ givenName: 'Melissa', familyName: 'Martin' }, stats())).toEqual({ givenName: 'Melissa', familyName: 'Martin' });
    // Words the store has never seen: taken as they stand.
    expect(repairSwap({ givenName: 'Zorblat', familyName: 'Quux' }, stats())).toEqual({ givenName: 'Zorblat', familyName: 'Quux' });
    expect(repairSwap({ givenName: 'Martin', familyName: 'Melissa' })).toEqual({ givenName: 'Martin', familyName: 'Melissa' });
  });

  it('takes the name whole: the swapped record and the right one agree', () => {
    const c = chooseName(
      [
        { givenName: 'Martin', familyName: 'Melissa' },
        { givenName: 'Melissa', familyName: 'Martin' },
      ],
      stats(),
    );
    expect(c).toMatchObject({ givenName: 'Melissa', familyName: 'Martin', support: 2, of: 2 });
  });

  it('a one-off spelling never beats a common one, whichever record is newer', () => {
    expect(
      chooseName(
        [
          { givenName: 'Brown', familyName: 'Mry' },
          { givenName: 'Mary', familyName: 'Brown' },
        ],
        stats(),
      ),
    ).toMatchObject({ givenName: 'Mary', familyName: 'Brown', support: 1 });
    expect(
      chooseName(
        [
          { givenName: 'Jaocb', familyName: 'Taylor' },
          { givenName: 'Jacob', familyName: 'Taylor' },
        ],
        stats(),
      ),
    ).toMatchObject({ givenName: 'Jacob' });
  });

  it('most records win over commonness', () => {
    expect(
      chooseName(
        [
          { givenName: 'Mry', familyName: 'Brown' },
          { givenName: 'Mry', familyName: 'Brown' },
          { givenName: 'Mary', familyName: 'Brown' },
        ],
        stats(),
      ),
    ).toMatchObject({ givenName: 'Mry', support: 2, of: 3 });
  });

  it('between a nickname and its formal name, the formal one, unless most records say otherwise', () => {
    const s = new NameCounts(); // equally common, so only formality decides
    expect(
      chooseName(
        [
          { givenName: 'Bobby', familyName: 'Smith' },
          { givenName: 'Robert', familyName: 'Smith' },
        ],
        s,
      ),
    ).toMatchObject({ givenName: 'Robert' });
    expect(
      chooseName(
        [
          { givenName: 'Bobby', familyName: 'Smith' },
          { givenName: 'Bobby', familyName: 'Smith' },
          { givenName: 'Robert', familyName: 'Smith' },
        ],
        s,
      ),
    ).toMatchObject({ givenName: 'Bobby' });
  });

  it('with nothing to go on, the caller’s first (trusted, then most recent) wins', () => {
    expect(
      chooseName([
        { givenName: 'Ann', familyName: 'Lee' },
        { givenName: 'Anne', familyName: 'Leigh' },
      ]),
    ).toMatchObject({ givenName: 'Ann' });
    expect(chooseName([])).toBeNull();
  });
});
