// MPDX simulator (docs/vendors/mpdx.md, the CruGlobal/mpdx_api behaviour): JSON:API with the
// application/vnd.api+json content type (415/406 otherwise), JWT auth (401 body as MPDX),
// page/per_page paging echoed as strings, filter[updated_at] ranges, and optimistic
// concurrency exactly as ApplicationRecord does it: updated_in_db_at must equal the stored
// updated_at in whole seconds or the answer is 409 (missing token: two errors); overwrite
// "true" skips the check. Contacts merge through /contacts/merges.
//
// The simulator is split by what changes together: jsonapi.ts (answers and serialisation),
// requests.ts (bodies and URL lookups), validation.ts (types, rules, concurrency),
// attributes.ts (normalised values, defaults), paging.ts (lists and filter[updated_at]),
// writes.ts (create, update), routes-contacts.ts and routes-children.ts; auth and the server
// are here.
import { createHash } from 'node:crypto';
import { SimClock } from '../clock';
import type { Faults } from '../faults';
import type { SeedContact } from '../population-types';
import { Router, startSandboxServer, type SandboxRequest, type SandboxResponse, type SandboxServer } from '../server';
import { createRng, uuidStream } from '../rng';
import { doc, errors, JSONAPI, v400 } from './jsonapi';
import { signJwt, verifyJwt } from './jwt';
import { body, type Guard } from './requests';
import { childRoutes } from './routes-children';
import { contactRoutes } from './routes-contacts';
import { MpdxStore } from './store';
import { seedMpdx } from './seed';

export { serialize } from './jsonapi';
export { updatedAtFilter, updatedAtRange } from './paging';
export { concurrencyErrors } from './validation';

// The sandbox hands out a JWT and the CAS ticket it came from, so the connector can show its
// re-authentication (real CAS tickets are single-use; the sandbox accepts its one ticket again).
export type MpdxSandboxCredentials = { jwt: string; casTicket: string };

export interface MpdxSandbox {
  server: SandboxServer;
  baseUrl: string;
  credentials: MpdxSandboxCredentials;
  seeded: { key: string; remoteId: string }[];
  store: MpdxStore;
  casTicket: string;
}

export async function startMpdxSandbox(opts: { faults?: Faults; seed?: number; contacts?: SeedContact[] } = {}): Promise<MpdxSandbox> {
  const clock = new SimClock();
  const store = new MpdxStore(clock, uuidStream(createRng(`mpdx-ids-${opts.seed ?? 1}`)));
  const secret = createHash('sha256')
    .update(`mpdx-${opts.seed ?? 1}`)
    .digest('hex');
  const casTicket = `ST-${secret.slice(0, 20)}`;
  const issue = (): string =>
    signJwt({ user_id: 'a1b2c3d4-0000-4000-8000-000000000001', exp: Math.floor(clock.now().getTime() / 1000) + 30 * 86400 }, secret);
  const credentials = { jwt: issue(), casTicket };
  const seeded = seedMpdx(store, opts.contacts ?? [], opts.seed ?? 1);

  const faultRng = createRng((opts.seed ?? 1) + 13);
  const unauthorized = errors(401, [{ status: '401', title: 'Unauthorized', detail: 'Exceptions::AuthenticationError' }]);
  const gate = (req: SandboxRequest): SandboxResponse | null => {
    const header = req.headers.authorization ?? '';
    const token = header.trim().split(/\s+/).pop() || req.query.get('access_token') || '';
    // An injected expiry stands for a JWT past its 30 days (MPDX has no refresh).
    if (!verifyJwt(token, secret, Math.floor(clock.now().getTime() / 1000)) || faultRng.chance(server.faults.expireRate))
      return unauthorized;
    const accept = req.headers.accept;
    if (accept && !accept.split(',').some((a) => [JSONAPI, '*/*'].includes(a.split(';')[0]!.trim())))
      return errors(406, [{ status: '406', title: 'Not Acceptable', detail: `Accept must be ${JSONAPI}` }]);
    if (req.body && (req.headers['content-type'] ?? '').split(';')[0] !== JSONAPI)
      return errors(415, [{ status: '415', title: 'Unsupported Media Type', detail: `Content-Type must be ${JSONAPI}` }]);
    return null;
  };

  const guarded: Guard = (h) => (req) => gate(req) ?? h(req);

  const router = new Router().on('POST', '/api/v2/user/authenticate', (req) => {
    const b = body(req) as { data?: { attributes?: { cas_ticket?: string } } } | null;
    if (b?.data?.attributes?.cas_ticket !== casTicket) return unauthorized;
    return doc(200, { data: { id: null, type: 'authenticate', attributes: { json_web_token: issue() } } });
  });
  contactRoutes(router, store, guarded);
  childRoutes(router, store, guarded);

  // eslint-disable-next-line prefer-const -- the gate closes over it before it exists
  let server: SandboxServer;
  server = await startSandboxServer({
    router,
    seed: opts.seed,
    faults: opts.faults,
    hooks: {
      tooMany: (s) => ({
        ...errors(429, [{ status: '429', title: 'Too Many Requests', detail: 'Rate limit exceeded' }]),
        headers: { 'content-type': JSONAPI, 'Retry-After': String(s) },
      }),
      serverError: () => ({
        status: 500,
        headers: { 'content-type': 'text/html' },
        body: "<html><body><h1>We're sorry, but something went wrong.</h1></body></html>",
      }),
      // A unique-index refusal MPDX gives (docs/vendors/mpdx.md#validation: email unique per person and source).
      refuse: () => errors(400, [v400('email', 'has already been taken')]),
      exempt: (req) => req.path === '/api/v2/user/authenticate',
    },
    notFound: () => errors(404, [{ status: '404', title: 'Not Found', detail: 'Route not found' }]),
  });
  return { server, baseUrl: server.baseUrl, credentials, seeded, store, casTicket };
}
