import { describe, expect, it } from 'vitest';
import { mapLimit } from '../../src/main/core/vendors/map-limit';

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('mapLimit', () => {
  it('keeps input order and never runs more than the limit at once', async () => {
    let running = 0;
    let most = 0;
    const out = await mapLimit([30, 5, 20, 1, 10, 2, 8], 3, async (ms, i) => {
      most = Math.max(most, ++running);
      await tick(ms);
      running--;
      return `${i}:${ms}`;
    });
    expect(out).toEqual(['0:30', '1:5', '2:20', '3:1', '4:10', '5:2', '6:8']);
    expect(most).toBe(3);
  });

  it('rejects with the first error and starts nothing after it', async () => {
    const started: number[] = [];
    await expect(
      mapLimit([1, 2, 3, 4, 5, 6], 2, async (n) => {
        started.push(n);
        await tick(5);
        if (n === 2) throw new Error('boom at 2');
        return n;
      }),
    ).rejects.toThrow('boom at 2');
    await tick(30);
    expect(started.length).toBeLessThanOrEqual(3); // 1 and 2 ran; at most one more had begun
  });

  it('an empty list is an empty answer', async () => {
    expect(await mapLimit([], 4, async () => 1)).toEqual([]);
  });
});
