// Bounded retries for one request. Rate limits, server errors, dropped connections and garbled
// bodies are retried with the one backoff policy (backoff.ts) when repeating the request cannot
// duplicate anything: the method is idempotent, or the error says the vendor did not apply it.
// A POST whose answer was lost is NOT re-sent here; sync looks the record up before creating
// again. An unreachable host is retried a couple of times, so one blip is not "offline".
import { retryDelayMs } from './backoff';
import { VendorError } from './errors';

export interface RetryOptions {
  /** Extra attempts after the first (default 3). */
  maxRetries?: number;
  /** Extra attempts after a timeout (default 1): a vendor too slow to answer is asked again once, not twenty times. */
  timeoutRetries?: number;
  /** Cap on any single wait, so a hostile Retry-After cannot park a sync (default 60 s). */
  maxRetryWaitMs?: number;
  /** First backoff step (default 500 ms), doubled each time, with ±50% jitter. */
  baseDelayMs?: number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

/** Extra attempts for an unreachable host (within maxRetries). */
export const OFFLINE_RETRIES = 2;
/** First wait before asking an unreachable host again (then doubled, ±50%): at most ~1.1 s in all. */
const OFFLINE_BASE_MS = 250;

// PUT/PATCH/DELETE carry full target state or ids in our connectors, so repeating them is harmless.
const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'PATCH', 'DELETE']);
const RETRIED = new Set(['rate_limited', 'transient', 'malformed']);

/** Whether sending the failed request again cannot apply it twice. */
export function safeToRepeat(e: VendorError): boolean {
  return !e.maybeApplied || (e.method !== undefined && IDEMPOTENT.has(e.method));
}

/** Extra attempts for a request that timed out (within maxRetries). */
export const TIMEOUT_RETRIES = 1;

/** How many retries this error allows in total (0: give up now). */
function retriesFor(e: VendorError, max: number, how: { repeatable?: boolean; once?: boolean }): number {
  if (how.once ? e.maybeApplied : !how.repeatable && !safeToRepeat(e)) return 0;
  if (e.kind === 'offline') return Math.min(max, OFFLINE_RETRIES);
  return RETRIED.has(e.kind) ? max : 0;
}

const defaultSleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * `repeatable`: the caller made repeating `fn` safe itself (it looks for what an earlier
 * attempt made before sending again, as a create saga does), so even a POST whose answer was
 * lost is retried. `once`: never repeated when it may have been applied, whatever its method
 * (a bulk PUT: the caller re-reads to learn what landed rather than send it blindly again).
 */
export async function withRetry<T>(
  fn: () => Promise<T>,
  opts: RetryOptions = {},
  how: { repeatable?: boolean; once?: boolean } = {},
): Promise<T> {
  const max = opts.maxRetries ?? 3;
  const backoff = { baseMs: opts.baseDelayMs ?? 500, capMs: opts.maxRetryWaitMs ?? 60_000, random: opts.random };
  const sleep = opts.sleep ?? defaultSleep;
  let timeouts = 0;
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (e) {
      if (!(e instanceof VendorError) || attempt >= retriesFor(e, max, how)) throw e;
      // Timeouts have their own, smaller budget: each one costs a whole request deadline.
      if (e.timedOut && ++timeouts > (opts.timeoutRetries ?? TIMEOUT_RETRIES)) throw e;
      // An unreachable host is asked again quickly: the point is to tell a blip from being
      // offline, and a person waits on that answer (about a second, not eight).
      await sleep(
        retryDelayMs(e, attempt, e.kind === 'offline' ? { ...backoff, baseMs: Math.min(backoff.baseMs, OFFLINE_BASE_MS) } : backoff),
      );
    }
  }
}
