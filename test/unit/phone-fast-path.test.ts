// toE164 answers plainly written North American numbers without libphonenumber (its parse was
// most of a record's mapping in a first pull); the answer must be exactly libphonenumber's.
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import { describe, expect, it } from 'vitest';
import { toE164 } from '../../src/main/core/normalize/phone';

const byLibphonenumber = (text: string, region: string): string | null => {
  const p = parsePhoneNumberFromString(text.trim(), region.toUpperCase() as CountryCode);
  return p && p.isPossible() ? p.number : null;
};

describe('toE164', () => {
  it('gives what libphonenumber gives for plain North American numbers, and for the forms around them', () => {
    let seed = 11;
    const digit = (from = 0) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return String(from + (seed % (10 - from)));
    };
    const texts: [string, string][] = [];
    for (let i = 0; i < 300; i++) {
      const national = [digit(2), digit(), digit(), digit(2), digit(), digit(), digit(), digit(), digit(), digit()].join('');
      for (const region of ['US', 'CA', 'us', 'GB', 'DE', 'PR']) {
        texts.push([`+1${national}`, region], [national, region], [` ${national} `, region]);
      }
      // Near misses the fast path must leave to libphonenumber.
      texts.push([`+1${national.slice(1)}`, 'US'], [`1${national}`, 'US'], [`+1${national}0`, 'US'], [`0${national.slice(1)}`, 'US']);
      texts.push([`+11${national.slice(1)}`, 'US'], [`${national.slice(0, 3)}1${national.slice(4)}`, 'US'], [`+44${national}`, 'GB']);
    }
    texts.push(['(650) 993-3391', 'US'], ['650.993.3391', 'CA'], ['+1 650 993 3391', 'US'], ['', 'US'], ['   ', 'US'], ['abc', 'US']);
    for (const [text, region] of texts)
      expect(toE164(text, region), `${text} in ${region}`).toBe(text.trim() ? byLibphonenumber(text, region) : null);
    // Asked twice (the second from the memo): the same answer.
    for (const [text, region] of texts.slice(0, 200)) expect(toE164(text, region)).toBe(toE164(text, region));
  });
});
