// How an account's outbox is sent side by side (issue 25): changes are split into lanes that
// must stay in order — every change of one person (a create, then its updates; a merge with
// its winner), and every change under one MPDX contact (whose writes share one
// updated_in_db_at) — and the lanes go out through a small pool whose width follows the
// vendor: wider while answers come back, halved when it says slow down (429, 5xx, timeouts).

/** A change as the lanes see it: its id, in queue order, and what ties it to others. */
export interface LaneItem {
  id: number;
  /** Keys that must stay in order with every other change sharing one (person, contact). */
  keys: string[];
}

/** Changes split into ordered lanes: two changes sharing any key are in one lane, in queue order. */
export function lanesOf<T extends LaneItem>(queue: readonly T[]): T[][] {
  const parent = queue.map((_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) i = parent[i] = parent[parent[i]!]!;
    return i;
  };
  const owner = new Map<string, number>();
  queue.forEach((c, i) => {
    for (const k of c.keys) {
      const j = owner.get(k);
      if (j === undefined) owner.set(k, i);
      else parent[find(i)] = find(j);
    }
  });
  const lanes = new Map<number, T[]>();
  queue.forEach((c, i) => {
    const root = find(i);
    const lane = lanes.get(root);
    if (lane) lane.push(c);
    else lanes.set(root, [c]);
  });
  // Lanes start in the order of their first change, so the oldest edits go first.
  return [...lanes.values()];
}

/** Changes in flight to one vendor when an account's first push starts. */
export const DEFAULT_START_WIDTH = 4;

/**
 * The widest the pool grows, one bound for every vendor. Each lane has one request out at a
 * time, so this is also the most requests in flight to one vendor. The vendors that need
 * three requests per edit (a read before, the write, a read after: Lightening, BigChange,
 * LiveVox) send ~16 / (3 × RTT) edits a second at most, about 100/s at 50 ms, where 8 capped
 * them near 50/s (issue 25, bench/push.ts). No vendor gives a number to stay under, so none
 * gets a bound of its own: BigChange publishes no rate limit and its SDK retries 429 and 5xx
 * with backoff (docs/vendors/bigchange.md, Errors); LiveVox mentions rate limits without
 * quantifying them and documents no headers (docs/vendors/livevox.md); CallTools answers 429
 * with Retry-After when throttling is on (docs/vendors/calltools.md, Errors); Lightening's and
 * MPDX's documents say nothing of limits. What keeps 16 polite is the feedback: each request
 * honours Retry-After (vendors/retry.ts) and a push the vendor stops halves the width.
 */
export const DEFAULT_MAX_WIDTH = 16;

export interface WidthTuning {
  /** Requests in flight to one vendor when a push starts (default DEFAULT_START_WIDTH). */
  start?: number;
  /** Never more than this (default DEFAULT_MAX_WIDTH); 1 sends one change at a time. */
  max?: number;
}

/**
 * The pool's width for one account, kept across pushes: +1 after a run of successes as long
 * as the width (additive increase), halved when the vendor pushes back (multiplicative
 * decrease), as TCP does with a congestion window.
 *
 * "Pushes back" means a push stopped by it (retries used up). A 429 the connector retries
 * already waits its Retry-After, which slows that lane; narrowing the pool on each of those too
 * was tried and measured (`RATE429=0.1 npm run bench -- push`, 1,000 edits per vendor, RTT
 * 50 ms, 2026-12-07): 353 s against 40 s without, with nothing lost either way, because a
 * vendor that refuses a share of requests at random keeps a halving pool near one.
 */
export class PushWidth {
  private width: number;
  private streak = 0;
  readonly max: number;

  constructor(t: WidthTuning = {}) {
    this.max = Math.max(1, t.max ?? DEFAULT_MAX_WIDTH);
    this.width = Math.min(this.max, Math.max(1, t.start ?? DEFAULT_START_WIDTH));
  }

  get current(): number {
    return this.width;
  }

  ok(): void {
    if (++this.streak >= this.width * 2 && this.width < this.max) {
      this.width++;
      this.streak = 0;
    }
  }

  slowDown(): void {
    this.width = Math.max(1, Math.floor(this.width / 2));
    this.streak = 0;
  }
}

/**
 * Run the lanes through a pool of at most `width.current` at a time (read before each start,
 * so a narrowing takes effect as lanes finish). `stopped` ends it: no lane starts and each
 * running lane stops after its current change. Resolves when every started lane has ended.
 */
export async function runLanes<T>(
  lanes: readonly T[][],
  width: PushWidth,
  stopped: () => boolean,
  send: (item: T) => Promise<void>,
): Promise<number> {
  let next = 0;
  let peak = 0;
  const running = new Set<Promise<void>>();
  const runLane = async (lane: T[]): Promise<void> => {
    for (const item of lane) {
      if (stopped()) return;
      await send(item);
    }
  };
  while (next < lanes.length && !stopped()) {
    while (running.size < width.current && next < lanes.length && !stopped()) {
      const p: Promise<void> = runLane(lanes[next++]!).finally(() => running.delete(p));
      running.add(p);
      peak = Math.max(peak, running.size);
    }
    if (running.size) await Promise.race(running);
  }
  await Promise.all(running);
  return peak;
}
