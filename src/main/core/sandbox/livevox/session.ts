// LiveVox sessions (the vendor's livevox-contacts.txt, docs/vendors/livevox.md): login with
// LV-Access and the user's credentials, then LV-Session on every call, 401 once expired.
import { randomBytes } from 'node:crypto';
import type { SimClock } from '../clock';
import type { Rng } from '../rng';
import type { SandboxRequest, SandboxResponse } from '../server';
import { err, json } from './http';
import type { LiveVoxStore } from './store';

export type LiveVoxSandboxCredentials = { accessToken: string; clientName: string; userName: string; password: string };

/**
 * The login handler and the session check for one sandbox. `expireRate` is read on each call
 * (the server's faults, which exist only once the server has started).
 */
export function liveVoxSessions(
  store: LiveVoxStore,
  clock: SimClock,
  credentials: LiveVoxSandboxCredentials,
  faultRng: Rng,
  expireRate: () => number,
): { session: (req: SandboxRequest) => SandboxResponse | null; login: (req: SandboxRequest) => SandboxResponse } {
  let sessionId: string | null = null;
  const session = (req: SandboxRequest): SandboxResponse | null => {
    const sid = req.headers['lv-session'];
    const last = typeof sid === 'string' ? store.sessions.get(sid) : undefined;
    const now = clock.now().getTime();
    if (last === undefined || now - last > 2 * 3600_000 || faultRng.chance(expireRate())) {
      if (typeof sid === 'string') store.sessions.delete(sid);
      return err(401, 401, 'Session is invalid or has expired');
    }
    store.sessions.set(sid as string, now); // rolling expiry
    return null;
  };
  const login = (req: SandboxRequest): SandboxResponse => {
    const b = json(req);
    if (req.headers['lv-access'] !== credentials.accessToken) return err(403, 403, 'Invalid or missing LV-Access token');
    if (!b || b.clientName !== credentials.clientName || b.userName !== credentials.userName || b.password !== credentials.password)
      return err(401, 401, 'Invalid credentials');
    // The same user and token get back the same session id while it lives.
    if (!sessionId || !store.sessions.has(sessionId)) sessionId = randomBytes(16).toString('hex');
    store.sessions.set(sessionId, clock.now().getTime());
    return { status: 200, body: { sessionId, userId: 7001, clientId: 4242, daysUntilPasswordExpires: 42 } };
  };
  return { session, login };
}
