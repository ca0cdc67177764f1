// The conflict and duplicate views mark what differs; a mark that splits a word ("C[leveland]"
// against "[Dayton]", issue 26) reads as a typo. Marks now cover whole words.
import { describe, expect, it } from 'vitest';
import { diffParts, phoneText } from '../../src/renderer/src/lib/fields';

const marked = (a: string, b: string) =>
  diffParts(a, b)
    .filter((p) => p.changed)
    .map((p) => p.text);

describe('diffParts', () => {
  it('marks whole words, never part of one', () => {
    expect(marked('Columbus', 'Cleveland')).toEqual(['Cleveland']);
    expect(marked('12 Main St', '12 Main Street')).toEqual(['Street']);
    expect(marked('Jon Smith', 'John Smith')).toEqual(['John']);
    expect(marked('ana@example.org', 'anna@example.org')).toEqual(['anna']);
  });

  it('keeps what is the same unmarked, and puts the value back together', () => {
    for (const [a, b] of [
      ['Dayton', 'Cleveland'],
      ['+1 650 351 7500', '+1 650 351 7501'],
      ['', 'x'],
      ['same', 'same'],
    ]) {
      expect(
        diffParts(a!, b!)
          .map((p) => p.text)
          .join(''),
      ).toBe(b);
    }
    expect(marked('same', 'same')).toEqual([]);
    expect(marked('+1 650 351 7500', '+1 650 351 7501')).toEqual(['7501']);
  });
});

describe('phoneText', () => {
  it('shows every valid number one way, international with spaces, and anything else as typed', () => {
    expect(phoneText({ e164: '+18049516242', raw: '804.951.6242' })).toBe('+1 804 951 6242');
    expect(phoneText({ e164: '+442079460958', raw: '020 7946 0958' })).toBe('+44 20 7946 0958');
    expect(phoneText({ e164: null, raw: 'ext. 12 at the front desk' })).toBe('ext. 12 at the front desk');
  });
});
