// A merge's preview marks a golden value only a minority of the records hold: picking the one
// record that spells a name differently is allowed, and the preview says "1 of 3 records".
import { afterEach, describe, expect, it } from 'vitest';
import { makeTestCore, seedAccount, type TestCore } from '../helpers/core';

let t: TestCore | undefined;
afterEach(() => {
  t?.cleanup();
  t = undefined;
});

describe('minority values in a merge preview', () => {
  it('marks a picked name only one of three records holds, and not the one most hold', async () => {
    t = await makeTestCore();
    const phone = [{ e164: '+15035550123', raw: '+15035550123' }];
    const email = [{ address: 'mary.brown@example.org' }];
    await seedAccount(t.core, 'calltools', [
      { givenName: 'Mary', familyName: 'Brown', phones: phone, emails: email, birthDate: '1970-01-02' },
    ]);
    await seedAccount(t.core, 'livevox', [
      { givenName: 'Mary', familyName: 'Brown', phones: phone, emails: email, birthDate: '1970-01-02' },
    ]);
    await seedAccount(t.core, 'mpdx', [{ givenName: 'Marie', familyName: 'Brown', phones: phone, emails: email, birthDate: '1970-01-02' }]);
    const [c] = t.core.dedupe.scan({ full: true }).clusters;
    expect(c?.records).toHaveLength(3);
    expect(t.core.dedupe.plan(c!.id).minority).toEqual([]);
    const marie = c!.records.find((r) => r.contact.givenName === 'Marie')!;
    const plan = t.core.dedupe.plan(c!.id, { givenName: marie.recordId });
    expect(plan.golden.givenName).toBe('Marie');
    expect(plan.minority).toEqual([{ field: 'givenName', held: 1, of: 3 }]);
  });
});
