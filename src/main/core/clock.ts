/** Time comes from here so tests can move it; Concord's clock never decides a merge (docs/design.md#sync-and-merge). */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
