// The MPDX round-trip properties (test/helpers/roundtrip/mpdx.ts) with a fixed seed and a
// bounded number of runs; the bench runs the same function with more.
import { describe, it } from 'vitest';
import { roundTrip } from '../helpers/roundtrip/mpdx';

describe('MPDX round trip', () => {
  it('one edit changes only the vendor fields it maps to; no edit writes nothing', async () => {
    await roundTrip({ numRuns: 60, seed: 20240611 });
  }, 60_000);
});
