// BigChange round trip (test/helpers/roundtrip/bigchange.ts): a single-field edit changes only
// the vendor fields it maps to, another user's save in between survives or is a conflict, and a
// sync with no edit writes nothing. The bench runs it larger.
import { describe, it } from 'vitest';
import { roundTrip } from '../helpers/roundtrip/bigchange';

describe('BigChange round trip', () => {
  it('an edit changes only what it maps to; no edit, no write', { timeout: 60_000 }, async () => {
    await roundTrip({ numRuns: 40, seed: 4 });
  });
});
