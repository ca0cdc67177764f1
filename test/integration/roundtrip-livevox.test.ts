// The LiveVox round-trip properties (test/helpers/roundtrip/livevox.ts) at a bounded size and a
// fixed seed; the bench runs the same function with numRuns 500.
import { describe, it } from 'vitest';
import { roundTrip } from '../helpers/roundtrip/livevox';

describe('LiveVox round trip', () => {
  it('one edit changes only the vendor fields it maps to; no edit writes nothing', async () => {
    await roundTrip({ numRuns: 60, seed: 20240611 });
  }, 60_000);
});
