// The thresholds come from the estimated model (decision.ts): the review line where the model's
// expected F1 is highest, the auto-link line where one link is 99.5 % likely.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AUTO_LINK_CERTAINTY, decide, REVIEW_RANGE } from '../../src/main/core/dedupe/decision';
import { confidence } from '../../src/main/core/dedupe/score';

const many = (score: number, n: number) => Array.from({ length: n }, () => score);

describe('decide', () => {
  it('draws the review line lower when the model expects more true pairs among the weak ones', () => {
    // 400 near-certain pairs, then 300 pairs at 9 bits (~1 in 3) and 300 at 11 bits (~2 in 3).
    const scores = [...many(25, 400), ...many(11, 300), ...many(9, 300)];
    const few = decide(scores, 400); // the estimate: hardly any true pairs beyond the certain ones
    const more = decide(scores, 1200); // the estimate: many more true pairs than the scores show
    expect(few.review).toBe(11);
    expect(more.review).toBe(9);
    // What it expects of its line, from the posteriors: the mean confidence above it.
    const above = scores.filter((s) => s >= more.review);
    expect(more.expectedPrecision).toBeCloseTo(above.reduce((n, s) => n + confidence(s), 0) / above.length, 3);
  });

  it('links without asking only where one link is at least 99.5 % likely', () => {
    const d = decide([...many(30, 50), ...many(10, 50)], 60);
    expect(confidence(d.autoLink)).toBeGreaterThanOrEqual(AUTO_LINK_CERTAINTY - 0.0005);
    expect(confidence(d.autoLink - 0.5)).toBeLessThan(AUTO_LINK_CERTAINTY);
    expect(d.autoPrecision).toBeGreaterThan(0.999);
  });

  it('stays between its rails, whatever the scores', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -5, max: 40, noNaN: true }), { maxLength: 200 }),
        fc.double({ min: 0, max: 500, noNaN: true }),
        (scores, m) => {
          const d = decide(scores, m);
          expect(d.review).toBeGreaterThanOrEqual(REVIEW_RANGE[0]);
          expect(d.review).toBeLessThanOrEqual(REVIEW_RANGE[1]);
          expect(d.autoLink).toBeGreaterThanOrEqual(d.review);
          for (const x of [d.expectedPrecision, d.expectedRecall, d.autoPrecision]) expect(x >= 0 && x <= 1).toBe(true);
        },
      ),
      { numRuns: 300, seed: 22 },
    );
  });
});
