// The push pool's rules, without a store: lanes keep related changes in order, the pool never
// runs wider than its width, and a stop starts nothing new.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { lanesOf, PushWidth, runLanes } from '../../src/main/core/sync/push-lanes';

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
});
