/** A simulator's clock: real time plus an offset tests can move, so version tokens change on demand. */
export class SimClock {
  private offset = 0;
  now(): Date {
    return new Date(Date.now() + this.offset);
  }
  advance(ms: number): void {
    this.offset += ms;
  }
}
