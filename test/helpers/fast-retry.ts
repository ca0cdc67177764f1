/** Retries that keep tests fast: small waits, Retry-After capped. No vitest here: benches import it too. */
export const FAST_RETRY = { maxRetries: 3, baseDelayMs: 5, maxRetryWaitMs: 50 };
