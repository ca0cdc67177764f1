// The nickname relation is the public dataset, loaded as data (resources/data/nicknames), and
// many-to-many: two names are variants only through a row that holds both.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { formalNames, isFormal, isNickname, parseNicknames } from '../../src/main/core/dedupe/nicknames';

const FILE = path.resolve(__dirname, '../../resources/data/nicknames/names.csv');

describe('nicknames from the dataset', () => {
  it('Chris ~ Christopher and Chris ~ Christine, but Christopher is not Christine', () => {
    expect(isNickname('chris', 'christopher')).toBe(true);
    expect(isNickname('christopher', 'chris')).toBe(true);
    expect(isNickname('chris', 'christine')).toBe(true);
    expect(isNickname('christopher', 'christine')).toBe(false);
    expect(formalNames('chris')).toEqual(expect.arrayContaining(['christopher', 'christine']));
    expect(isFormal('christopher')).toBe(true);
    expect(isFormal('chris')).toBe(false); // it heads "kris", yet is short for Christopher
  });

  it('holds every row of the file, nothing invented', () => {
    const rows = fs
      .readFileSync(FILE, 'utf8')
      .trim()
      .split(/\r?\n/)
      .slice(1)
      .map((l) => l.split(','));
    expect(rows.length).toBeGreaterThan(2500);
    for (const [a, , b] of rows) expect(isNickname(a!, b!)).toBe(a !== b);
    // A pair no row holds is not related, even when both names are in the file.
    expect(isNickname('william', 'robert')).toBe(false);
    expect(isNickname('bert', 'herbert')).toBe(true);
    // Hal and Harry are both short for Henry: related through a third name only, so not a pair.
    expect(isNickname('hal', 'henry') && isNickname('harry', 'henry')).toBe(true);
    expect(isNickname('hal', 'harry')).toBe(false);
  });

  it('refuses a file that is not the dataset', () => {
    expect(() => parseNicknames('a,b\nc,d')).toThrow(/name1,relationship,name2/);
  });
});
