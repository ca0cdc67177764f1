// The one backoff policy: exponential with ±50% jitter (so many clients do not retry in step),
// capped; a 429's Retry-After wins when the vendor gave one, capped too so it cannot park a sync.
import { VendorError } from './errors';

export interface BackoffOptions {
  /** First step (attempt 0), doubled per attempt. Default 500 ms. */
  baseMs?: number;
  /** No wait is longer than this. Default 60 s. */
  capMs?: number;
  /** In [0, 1); Math.random by default. */
  random?: () => number;
}

/** Wait before retry number `attempt + 1`: base·2^attempt·[0.5, 1.5), at most capMs. */
export function backoffMs(attempt: number, opts: BackoffOptions = {}): number {
  const base = opts.baseMs ?? 500;
  const cap = opts.capMs ?? 60_000;
  const random = opts.random ?? Math.random;
  return Math.min(cap, base * 2 ** Math.max(0, attempt) * (0.5 + random()));
}

/** backoffMs, except that a rate limit with Retry-After waits that long (capped). */
export function retryDelayMs(error: unknown, attempt: number, opts: BackoffOptions = {}): number {
  if (error instanceof VendorError && error.kind === 'rate_limited' && error.retryAfterMs !== undefined) {
    return Math.min(opts.capMs ?? 60_000, Math.max(0, error.retryAfterMs));
  }
  return backoffMs(attempt, opts);
}
