/** A simulator's clock: real time plus an offset tests can move, so version tokens change on demand. */
export class SimClock {
  private offset = 0;
  now(): Date {
    return new Date(Date.now() + this.offset);
  }
  advance(ms: number): void {
    this.offset += ms;
  }
  /** Run `fn` as if it were `agoMs` earlier (seeding a record last changed that long ago). */
  at<T>(agoMs: number, fn: () => T): T {
    this.offset -= agoMs;
    try {
      return fn();
    } finally {
      this.offset += agoMs;
    }
  }
}
