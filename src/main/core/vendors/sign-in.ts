// A vendor sign-in (a token, a session) shared by the requests that need it. Pushes run side by
// side (sync/push-lanes.ts), so several requests can find the token missing at once: they wait
// on one sign-in instead of each making their own. A sign-in creates nothing at the vendor, so
// even its POST is asked again after a dropped connection (a keep-alive socket the server had
// closed while idle), as any idempotent request would be.
import { withRetry, type RetryOptions } from './retry';

export function sharedSignIn<T>(signIn: () => Promise<T>, retry?: RetryOptions): () => Promise<T> {
  let pending: Promise<T> | null = null;
  return () =>
    (pending ??= withRetry(signIn, retry, { repeatable: true }).finally(() => {
      pending = null;
    }));
}
