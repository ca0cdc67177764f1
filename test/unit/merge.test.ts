// The pure merge: what counts as a change a person made (intent), and how a record edited
// here merges with the server's copy. Sub-field edits (which phone is primary, a label, a
// per-entry do-not-contact flag) are edits, not noise.
import { describe, expect, it } from 'vitest';
import { comparable, diff, intentOf, merge3, sameValue } from '../../src/main/core/sync/merge';
import type { CanonicalContact } from '../../src/shared/domain';

const phones = (...xs: { n: string; primary?: boolean; label?: string; dnc?: boolean; mobile?: boolean }[]) =>
  xs.map((x) => ({
    e164: x.n,
    raw: x.n,
    ...(x.primary !== undefined ? { primary: x.primary } : {}),
    ...(x.label ? { label: x.label } : {}),
    ...(x.dnc ? { doNotContact: true } : {}),
    ...(x.mobile ? { mobile: true } : {}),
  }));
const emails = (...xs: { a: string; primary?: boolean; label?: string; dnc?: boolean }[]) =>
  xs.map((x) => ({
    address: x.a,
    ...(x.primary !== undefined ? { primary: x.primary } : {}),
    ...(x.label ? { label: x.label } : {}),
    ...(x.dnc ? { doNotContact: true } : {}),
  }));

const base: CanonicalContact = {
  givenName: 'Ada',
  familyName: 'Lovelace',
  phones: phones({ n: '+15035550100', primary: true, label: 'home' }, { n: '+15035550101', label: 'work' }),
  emails: emails({ a: 'ada@example.org', primary: true }, { a: 'ada@work.example.org', label: 'work' }),
};

describe('intentOf: what a person changed', () => {
  it('moving the primary phone or email is an edit of that part', () => {
    const after = {
      ...base,
      phones: phones({ n: '+15035550100', primary: false, label: 'home' }, { n: '+15035550101', primary: true, label: 'work' }),
    };
    expect(intentOf(base, after)).toEqual(['phones.primary']);
    const e = { ...base, emails: emails({ a: 'ada@example.org' }, { a: 'ada@work.example.org', primary: true, label: 'work' }) };
    expect(intentOf(base, e)).toEqual(['emails.primary']);
  });

  it('a label or a per-entry do-not-contact flag is an edit of that part', () => {
    expect(
      intentOf(base, {
        ...base,
        phones: phones({ n: '+15035550100', primary: true, label: 'mobile' }, { n: '+15035550101', label: 'work' }),
      }),
    ).toEqual(['phones.label']);
    expect(
      intentOf(base, {
        ...base,
        emails: emails({ a: 'ada@example.org', primary: true, dnc: true }, { a: 'ada@work.example.org', label: 'work' }),
      }),
    ).toEqual(['emails.doNotContact']);
    expect(
      intentOf(base, {
        ...base,
        phones: phones({ n: '+15035550100', primary: true, label: 'home', dnc: true }, { n: '+15035550101', label: 'work' }),
      }),
    ).toEqual(['phones.doNotContact']);
  });

  it('a new number is an edit of the list; reordering, case and unmarked-first-as-primary are not edits', () => {
    expect(intentOf(base, { ...base, phones: [...base.phones!, ...phones({ n: '+15035550102' })] })).toEqual(['phones']);
    const reordered = { ...base, emails: [base.emails![1]!, { ...base.emails![0]!, address: 'ADA@Example.org ' }] };
    expect(intentOf(base, reordered)).toEqual([]);
    // The first entry is the primary when none is marked: marking it says nothing new.
    expect(
      sameValue(
        'emails',
        emails({ a: 'x@y.org' }, { a: 'z@y.org' }),
        emails({ a: 'x@y.org', primary: true }, { a: 'z@y.org', primary: false }),
      ),
    ).toBe(true);
    expect(intentOf(base, { ...base, givenName: 'Augusta' })).toEqual(['givenName']);
  });

  it('marking a primary where the vendor had none is an edit (MPDX: two numbers, neither primary)', () => {
    const none = {
      phones: [
        { e164: '+15035550000', raw: 'x', primary: false },
        { e164: '+442079460000', raw: 'y', primary: false },
      ],
    };
    const first = {
      phones: [
        { e164: '+15035550000', raw: 'x', primary: true },
        { e164: '+442079460000', raw: 'y', primary: false },
      ],
    };
    expect(intentOf(none, first)).toEqual(['phones.primary']);
  });

  it('a phone with no digits ("n/a") is still an entry: removing it is an edit', () => {
    const withNa = { givenName: 'Ada', phones: [{ e164: null, raw: 'n/a' }] };
    expect(intentOf(withNa, { givenName: 'Ada', phones: [] })).toEqual(['phones']);
    expect(intentOf(withNa, { givenName: 'Ada', phones: [{ e164: null, raw: 'N/A ' }] })).toEqual([]);
  });

  it('comparable keeps every part a person can change', () => {
    expect(comparable('phones', phones({ n: '+15035550100', label: 'Home' }))).toEqual([
      JSON.stringify({ value: '+15035550100', label: 'home', primary: true, doNotContact: false, mobile: false }),
    ]);
  });
});

describe('diff and merge3 with sub-field edits', () => {
  it('a primary-only edit produces a patch (it used to produce none and the edit was lost)', () => {
    const local = {
      ...base,
      phones: phones({ n: '+15035550100', primary: false, label: 'home' }, { n: '+15035550101', primary: true, label: 'work' }),
    };
    expect(Object.keys(diff(base, local))).toEqual(['phones']);
  });

  it('a number added here and a label changed there both survive', () => {
    const local = { ...base, phones: [...base.phones!, ...phones({ n: '+15035550102' })] };
    const remote = { ...base, phones: phones({ n: '+15035550100', primary: true, label: 'home' }, { n: '+15035550101', label: 'office' }) };
    const { merged, conflicts } = merge3(base, local, remote);
    expect(conflicts).toEqual([]);
    expect(merged.phones!.map((p) => [p.e164, p.label ?? null])).toEqual([
      ['+15035550100', 'home'],
      ['+15035550101', 'office'],
      ['+15035550102', null],
    ]);
  });

  it('a removal here wins over a relabel there; the same part changed two ways is a conflict', () => {
    const local = { ...base, phones: [base.phones![0]!] };
    const remote = { ...base, phones: phones({ n: '+15035550100', primary: true, label: 'home' }, { n: '+15035550101', label: 'office' }) };
    expect(merge3(base, local, remote)).toMatchObject({ conflicts: [] });
    expect(merge3(base, local, remote).merged.phones!.map((p) => p.e164)).toEqual(['+15035550100']);

    const l2 = {
      ...base,
      emails: emails({ a: 'ada@example.org', primary: true, label: 'home' }, { a: 'ada@work.example.org', label: 'work' }),
    };
    const r2 = {
      ...base,
      emails: emails({ a: 'ada@example.org', primary: true, label: 'personal' }, { a: 'ada@work.example.org', label: 'work' }),
    };
    expect(merge3(base, l2, r2).conflicts.map((c) => c.field)).toEqual(['emails']);
  });

  it('a removal on one side and a do-not-contact set on the other is a conflict, not a silent drop of the flag', () => {
    // Round trip (CallTools): a colleague marked an email do-not-contact, the person replaced it here.
    const local = { ...base, emails: emails({ a: 'ada@example.org', primary: true }) };
    const remote = {
      ...base,
      emails: emails({ a: 'ada@example.org', primary: true }, { a: 'ada@work.example.org', label: 'work', dnc: true }),
    };
    const m = merge3(base, local, remote);
    expect(m.conflicts.map((c) => c.field)).toEqual(['emails']);
    expect(m.merged.emails!.map((e) => e.address)).toEqual(['ada@example.org']); // local stands
    // And the other way round: flagged here, removed there.
    const m2 = merge3(
      base,
      { ...base, phones: phones({ n: '+15035550100', primary: true, label: 'home' }, { n: '+15035550101', label: 'work', dnc: true }) },
      { ...base, phones: [base.phones![0]!] },
    );
    expect(m2.conflicts.map((c) => c.field)).toEqual(['phones']);
    expect(m2.merged.phones!.map((p) => [p.e164, !!p.doNotContact])).toEqual([
      ['+15035550100', false],
      ['+15035550101', true],
    ]);
    // Round trip (LiveVox): a colleague recorded a consent on the number the person replaced here.
    const consented = { ...base, phones: [base.phones![0]!, { ...base.phones![1]!, consent: { call: true } }] };
    const replaced = { ...base, phones: [base.phones![0]!, ...phones({ n: '+15035550109' })] };
    expect(merge3(base, replaced, consented).conflicts.map((c) => c.field)).toEqual(['phones']);
  });

  it('two different primaries chosen on the two sides is a conflict', () => {
    const local = {
      ...base,
      phones: phones({ n: '+15035550100', primary: false, label: 'home' }, { n: '+15035550101', primary: true, label: 'work' }),
    };
    const remote = {
      ...base,
      phones: [
        ...phones({ n: '+15035550100', primary: false, label: 'home' }, { n: '+15035550101', label: 'work' }),
        ...phones({ n: '+15035550109', primary: true }),
      ],
    };
    expect(merge3(base, local, remote).conflicts.map((c) => c.field)).toEqual(['phones']);
  });

  it('scalar fields: one side takes that side, both sides differently is a conflict, fields a vendor cannot hold keep the server value', () => {
    expect(merge3(base, { ...base, givenName: 'Augusta' }, { ...base, familyName: 'King' })).toEqual({
      merged: { ...base, givenName: 'Augusta', familyName: 'King' },
      conflicts: [],
    });
    expect(merge3(base, { ...base, givenName: 'Augusta' }, { ...base, givenName: 'Ada B.' }).conflicts).toEqual([
      { field: 'givenName', base: 'Ada', local: 'Augusta', remote: 'Ada B.' },
    ]);
    expect(merge3(base, { ...base, notes: 'x' }, base, ['givenName']).merged.notes).toBeUndefined();
  });
});
