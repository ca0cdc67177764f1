// The Lightening round-trip property (test/helpers/roundtrip/lightening.ts), bounded for the
// unit run (with another user saving between pull and push); the bench runs it with 500 runs.
import { describe, it } from 'vitest';
import { roundTrip } from '../helpers/roundtrip/lightening';

describe('Lightening round trip', () => {
  it('one edit changes only the vendor fields it maps to; no edit, no write', async () => {
    await roundTrip({ numRuns: 60, seed: 3003 });
  }, 30_000);
});
