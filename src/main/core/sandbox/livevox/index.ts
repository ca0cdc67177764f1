// LiveVox simulator (the vendor's livevox-contacts.txt, docs/vendors/livevox.md): session login with
// LV-Access, LV-Session on every call (401 once expired), count/offset lists following `next`
// (no leading slash), read/create/update/delete by account, 202 "Contact already exists!",
// 404 with an empty body for a missing update/delete, search results padded to ten phone
// ordinals, and the bulk CSV export by startDate whose header uses display labels.
//
// The simulator is split by what changes together: store.ts (contacts, sessions, labels),
// session.ts (login and the session check), http.ts (error and request bodies), validate.ts,
// blocks.ts (blocks, consents, DND), search.ts (read shape and search), export.ts (bulk CSV)
// and routes.ts; the server is started here.
import { createHash } from 'node:crypto';
import { SimClock } from '../clock';
import type { Faults } from '../faults';
import type { SeedContact } from '../population-types';
import { createRng } from '../rng';
import { Router, startSandboxServer, type SandboxServer } from '../server';
import { liveVoxCreateBody } from '../../vendors/livevox/mapping';
import { seedBlocksAndConsents } from './blocks';
import { contactRoutes } from './routes';
import { liveVoxSessions, type LiveVoxSandboxCredentials } from './session';
import { LiveVoxStore } from './store';

export { LiveVoxStore } from './store';
export type { LiveVoxSandboxCredentials } from './session';

export interface LiveVoxSandbox {
  server: SandboxServer;
  baseUrl: string;
  credentials: LiveVoxSandboxCredentials;
  seeded: { key: string; remoteId: string }[];
  store: LiveVoxStore;
}

export async function startLiveVoxSandbox(
  opts: { faults?: Faults; seed?: number; contacts?: SeedContact[] } = {},
): Promise<LiveVoxSandbox> {
  const clock = new SimClock();
  const store = new LiveVoxStore(clock);
  const h = createHash('sha256')
    .update(`livevox-${opts.seed ?? 1}`)
    .digest('hex');
  const credentials: LiveVoxSandboxCredentials = {
    accessToken: `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`,
    clientName: 'ConcordSandbox',
    userName: 'concord.api',
    password: h.slice(32, 48),
  };
  const rng = createRng(opts.seed ?? 3);
  const blockRng = createRng((opts.seed ?? 3) + 11); // its own stream, so the other seeded values stay as they were
  const faultRng = createRng((opts.seed ?? 3) + 7);
  const seeded = (opts.contacts ?? []).map(({ key, contact, updatedAgoMs }, i) => {
    const account = `LV${String(100000 + i)}`;
    const balance = Math.round(rng.next() * 50000) / 100;
    clock.at(updatedAgoMs ?? 0, () => store.create(seedBlocksAndConsents(blockRng, { ...liveVoxCreateBody(contact), account, balance })));
    return { key, remoteId: account };
  });

  const { session, login } = liveVoxSessions(store, clock, credentials, faultRng, () => server.faults.expireRate);

  const router = new Router().on('POST', '/session/login', login).on('POST', '/session/v5.0/login', login);
  contactRoutes(router, store, clock, session);

  // Assigned below; the session check reads its faults.
  // eslint-disable-next-line prefer-const
  let server: SandboxServer;
  server = await startSandboxServer({
    router,
    seed: opts.seed,
    faults: opts.faults,
    hooks: {
      tooMany: (s) => ({ status: 429, headers: { 'Retry-After': String(s) }, body: { code: 429, message: 'Too many requests' } }),
      serverError: () => ({ status: 503, body: { code: 503, message: 'Service temporarily unavailable' } }),
      exempt: (req) => req.path.startsWith('/session/'),
    },
    notFound: () => ({ status: 404, body: { code: 404, message: 'Resource not found' } }),
  });
  return { server, baseUrl: server.baseUrl, credentials, seeded, store };
}
