// Bounded retries for one request: 429 waits for Retry-After, 5xx/transient back off with
// jitter. Anything else (auth, validation, conflict, not found, malformed) is returned at once.
import { VendorError } from './errors';

export interface RetryOptions {
  /** Extra attempts after the first (default 3). */
  maxRetries?: number;
  /** Cap on any single wait, so a hostile Retry-After cannot park a sync (default 60 s). */
  maxRetryWaitMs?: number;
  /** First backoff step for 5xx (default 500 ms), doubled each time, with ±50% jitter. */
  baseDelayMs?: number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

const defaultSleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function withRetry<T>(fn: () => Promise<T>, opts: RetryOptions = {}): Promise<T> {
  const max = opts.maxRetries ?? 3;
  const cap = opts.maxRetryWaitMs ?? 60_000;
  const base = opts.baseDelayMs ?? 500;
  const sleep = opts.sleep ?? defaultSleep;
  const random = opts.random ?? Math.random;
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (e) {
      if (!(e instanceof VendorError) || (e.kind !== 'rate_limited' && e.kind !== 'transient') || attempt >= max) throw e;
      const wait = e.kind === 'rate_limited' && e.retryAfterMs !== undefined ? e.retryAfterMs : base * 2 ** attempt * (0.5 + random());
      await sleep(Math.min(cap, wait));
    }
  }
}
