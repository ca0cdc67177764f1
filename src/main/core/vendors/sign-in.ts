// A vendor sign-in (a token, a session) shared by the requests that need it. Pushes run side by
// side (sync/push-lanes.ts), so several requests can find the token missing at once: they wait
// on one sign-in instead of each making their own. A sign-in creates nothing at the vendor, so a
// connection dropped before its answer (a keep-alive socket the server had closed while idle) is
// asked again at once, which the request's own retry would not do for a POST. Other failures go
// to that retry as they are: an unreachable vendor must be told quickly, not retried twice over.
import { VendorError } from './errors';

export function sharedSignIn<T>(signIn: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | null = null;
  const once = async (): Promise<T> => {
    try {
      return await signIn();
    } catch (e) {
      if (e instanceof VendorError && e.kind === 'transient' && e.maybeApplied && !e.timedOut && e.status === undefined) return signIn();
      throw e;
    }
  };
  return () =>
    (pending ??= once().finally(() => {
      pending = null;
    }));
}
