// The push pool's rules, without a store: lanes keep related changes in order, the pool never
// runs wider than its width, and a stop starts nothing new.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DEFAULT_MAX_WIDTH, DEFAULT_START_WIDTH, lanesOf, PushWidth, runLanes } from '../../src/main/core/sync/push-lanes';

describe('push lanes', () => {
  it('puts changes sharing a key in one lane, in queue order, and no others', () => {
    fc.assert(
      fc.property(fc.array(fc.array(fc.integer({ min: 0, max: 12 }), { minLength: 1, maxLength: 3 }), { maxLength: 40 }), (keySets) => {
        const queue = keySets.map((ks, id) => ({ id, keys: ks.map((k) => `k${k}`) }));
        const lanes = lanesOf(queue);
        expect(
          lanes
            .flat()
            .map((c) => c.id)
            .sort((a, b) => a - b),
        ).toEqual(queue.map((c) => c.id));
        const laneOf = new Map(lanes.flatMap((l, i) => l.map((c) => [c.id, i] as const)));
        for (const lane of lanes) expect(lane.map((c) => c.id)).toEqual([...lane.map((c) => c.id)].sort((a, b) => a - b));
        for (const a of queue)
          for (const b of queue) if (a.keys.some((k) => b.keys.includes(k))) expect(laneOf.get(a.id)).toBe(laneOf.get(b.id));
        // Lanes start in the order of their first change.
        const firsts = lanes.map((l) => l[0]!.id);
        expect(firsts).toEqual([...firsts].sort((a, b) => a - b));
      }),
      { seed: 25, numRuns: 200 },
    );
  });

  it('runs at most `width` lanes at once, each in order, and starts nothing after a stop', async () => {
    const lanes = Array.from({ length: 20 }, (_, i) => Array.from({ length: 3 }, (_, j) => i * 10 + j));
    const width = new PushWidth({ start: 3, max: 3 });
    let inFlight = 0;
    let most = 0;
    const seen: number[] = [];
    const peak = await runLanes(
      lanes,
      width,
      () => false,
      async (x) => {
        inFlight++;
        most = Math.max(most, inFlight);
        await new Promise((r) => setTimeout(r, 1 + (x % 3)));
        seen.push(x);
        inFlight--;
      },
    );
    expect(most).toBe(3);
    expect(peak).toBe(3);
    for (const lane of lanes) expect(seen.filter((x) => lane.includes(x))).toEqual(lane);

    let stop = false;
    const sent: number[] = [];
    await runLanes(
      lanes,
      new PushWidth({ start: 2, max: 2 }),
      () => stop,
      async (x) => {
        sent.push(x);
        if (sent.length === 5) stop = true;
        await new Promise((r) => setTimeout(r, 1));
      },
    );
    // Two lanes were running when it stopped: each finished the change it was on, no more.
    expect(sent.length).toBeLessThanOrEqual(6);
  });

  it('widens by one after a run of successes and halves when the vendor pushes back', () => {
    const w = new PushWidth({ start: 4, max: 6 });
    for (let i = 0; i < 8; i++) w.ok();
    expect(w.current).toBe(5);
    for (let i = 0; i < 100; i++) w.ok();
    expect(w.current).toBe(6);
    w.slowDown();
    expect(w.current).toBe(3);
    w.slowDown();
    w.slowDown();
    w.slowDown();
    expect(w.current).toBe(1);
  });

  it('starts at 4 and grows to 16 by default, twice as many successes per step as it is wide', () => {
    // 16 lets a vendor needing three requests per edit reach ~100 edits/s at 50 ms (issue 25).
    expect([DEFAULT_START_WIDTH, DEFAULT_MAX_WIDTH]).toEqual([4, 16]);
    const w = new PushWidth();
    expect([w.current, w.max]).toEqual([4, 16]);
    const widths: number[] = [];
    let successes = 0;
    while (w.current < w.max) {
      const before = w.current;
      w.ok();
      successes++;
      if (w.current !== before) widths.push(w.current);
    }
    expect(widths).toEqual([5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]);
    // 2 × (4 + 5 + … + 15): a push of a few hundred changes reaches the bound.
    expect(successes).toBe(228);
    for (let i = 0; i < 1000; i++) w.ok();
    expect(w.current).toBe(16);
    // Pushed back at the bound: 16 -> 8 -> 4 -> 2 -> 1, and it must earn its width again.
    const halvings = [1, 2, 3, 4].map(() => (w.slowDown(), w.current));
    expect(halvings).toEqual([8, 4, 2, 1]);
    w.ok();
    expect(w.current).toBe(1);
    w.ok();
    expect(w.current).toBe(2);
  });

  it('keeps a given bound: never past max, never below 1, a start above max clamped', () => {
    expect(new PushWidth({ start: 20, max: 6 }).current).toBe(6);
    expect(new PushWidth({ start: 0, max: 0 }).current).toBe(1);
    const w = new PushWidth({ start: 1, max: 1 });
    for (let i = 0; i < 50; i++) w.ok();
    expect(w.current).toBe(1);
    w.slowDown();
    expect(w.current).toBe(1);
  });

  it('runs up to 16 lanes at once by default once widened, and narrows as lanes finish', async () => {
    const lanes = Array.from({ length: 400 }, (_, i) => [i]);
    const width = new PushWidth();
    let inFlight = 0;
    let most = 0;
    let narrowedAt = -1;
    const afterNarrowing: number[] = [];
    const peak = await runLanes(
      lanes,
      width,
      () => false,
      async (x) => {
        inFlight++;
        most = Math.max(most, inFlight);
        if (narrowedAt >= 0) afterNarrowing.push(inFlight);
        await new Promise((r) => setTimeout(r, 1));
        inFlight--;
        if (x === 300) {
          width.slowDown();
          narrowedAt = x;
        } else if (narrowedAt < 0) width.ok(); // no widening again after it: the halving is what is checked
      },
    );
    expect(peak).toBe(16);
    expect(most).toBe(16);
    // After the halving no new lane starts until fewer than 8 run.
    expect(afterNarrowing.length).toBeGreaterThan(50);
    expect(Math.max(...afterNarrowing)).toBe(8);
  });
});
