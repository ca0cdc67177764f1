// CallTools round trip as a property (test/helpers/roundtrip/calltools.ts): a pulled record,
// one edited field, a sync — and the raw record moved only in that field's vendor fields.
import { describe, it } from 'vitest';
import { roundTrip } from '../helpers/roundtrip/calltools';

describe('CallTools round trip (property)', () => {
  it('a push changes only what the person changed; a sync with no edit writes nothing', async () => {
    await roundTrip({ numRuns: 80, seed: 20240611 });
  }, 30_000);
});
