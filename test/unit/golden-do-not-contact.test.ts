// Golden do-not-contact: the strictest wins. One live record that says "do not contact" makes
// the person do-not-contact, with that record's reason; a newer record, a trusted account, a
// majority or a pin saying otherwise does not lift it. A number or address blocked in one
// vendor stays blocked in the golden list, and consents shown are the vendor's own.
import { describe, expect, it } from 'vitest';
import { computeGolden, type GoldenSource } from '../../src/main/core/contacts/golden';

const src = (updatedAt: string, local: GoldenSource['local'], trusted?: string[]): GoldenSource => ({
  updatedAt,
  local,
  ...(trusted ? { trusted } : {}),
});

describe('golden do-not-contact: the strictest wins', () => {
  const blocked = src('2026-01-01', { givenName: 'Ann', doNotContact: true, doNotContactWhy: 'blocked in LiveVox: PERMANENT' });

  it('one blocked record beats newer, trusted and agreeing records that say contactable', () => {
    const g = computeGolden([
      blocked,
      src('2026-03-01', { givenName: 'Ann', doNotContact: false }),
      src('2026-04-01', { givenName: 'Ann', doNotContact: false }, ['doNotContact']),
    ]);
    expect(g).toMatchObject({ doNotContact: true, doNotContactWhy: 'blocked in LiveVox: PERMANENT' });
  });

  it('a pin of "contactable" does not lift a block a record holds; a pin of "do not contact" holds on its own', () => {
    expect(computeGolden([blocked], { doNotContact: false })).toMatchObject({
      doNotContact: true,
      doNotContactWhy: 'blocked in LiveVox: PERMANENT',
    });
    expect(computeGolden([src('2026-01-01', { givenName: 'Ann' })], { doNotContact: true })).toMatchObject({
      doNotContact: true,
      doNotContactWhy: 'do not contact (set in Concord)',
    });
  });

  it('no record blocked: no reason is kept', () => {
    const g = computeGolden([
      src('2026-01-01', { doNotContact: false, doNotContactWhy: 'stale' }),
      src('2026-02-01', { givenName: 'Ann' }),
    ]);
    expect(g.doNotContact).toBe(false);
    expect(g).not.toHaveProperty('doNotContactWhy');
  });

  it('a number blocked in one vendor stays blocked in the golden list, whichever record its entry came from', () => {
    const g = computeGolden([
      src('2026-01-01', {
        phones: [{ e164: '+14158149720', raw: '4158149720', doNotContact: true, doNotContactWhy: 'federal do-not-call list (CallTools)' }],
      }),
      src('2026-05-01', {
        phones: [
          { e164: '+14158149720', raw: '(415) 814-9720', doNotContact: false, consent: { call: true } },
          { e164: '+14042168962', raw: '4042168962' },
        ],
      }),
    ]);
    expect(g.phones).toEqual([
      {
        e164: '+14158149720',
        raw: '(415) 814-9720',
        doNotContact: true,
        doNotContactWhy: 'federal do-not-call list (CallTools)',
        consent: { call: true },
      },
      { e164: '+14042168962', raw: '4042168962' },
    ]);
  });

  it('an email blocked in one record stays blocked', () => {
    const g = computeGolden([
      src('2026-01-01', { emails: [{ address: 'Ann@x.org', doNotContact: true }] }),
      src('2026-02-01', { emails: [{ address: 'ann@x.org' }] }),
    ]);
    expect(g.emails).toEqual([{ address: 'ann@x.org', doNotContact: true, doNotContactWhy: 'do not contact (a linked record says so)' }]);
  });
});
