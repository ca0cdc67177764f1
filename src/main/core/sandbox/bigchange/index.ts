// BigChange simulator (shared/vendors/docs/bigchange-contacts.txt, README §5): OAuth2 client
// credentials at /auth/tokens (short-lived tokens), Customer-Id required, /v1/contacts with
// pageNumber/pageSize (≤1000) answering {items, pageItemCount}, 201 {id} on create, 204 on a
// partial PATCH, RFC 7807 problems (422 with an `errors` map). No delete route, as documented.
import { createHash, randomBytes } from 'node:crypto';
import { SimClock } from '../clock';
import type { Faults } from '../faults';
import type { SeedContact } from '../population-types';
import { createRng } from '../rng';
import { Router, startSandboxServer, type SandboxRequest, type SandboxResponse, type SandboxServer } from '../server';
import { canonicalToBigChange } from '../../vendors/bigchange/mapping';

export type BigChangeSandboxCredentials = { clientId: string; clientSecret: string; customerId: string };
type Json = Record<string, unknown>;

const LIMITS: Record<string, number> = { name: 50, reference: 40, street: 100, postalCode: 10, town: 100, country: 50, phone: 30, email: 100 };
const NULLABLE = new Set(['reference', 'parentId', 'extraInformation', 'street', 'town', 'postalCode', 'country', 'phone', 'email']);
const WRITABLE = new Set([...Object.keys(LIMITS), 'groupId', 'parentId', 'extraInformation', 'location', 'customFields']);
const PROBLEM = { 'content-type': 'application/problem+json' };

export const problem = (status: number, title: string, detail?: string, extra: Json = {}): SandboxResponse => ({
  status,
  headers: PROBLEM,
  body: { type: `https://httpstatuses.io/${status}`, title, status, detail: detail ?? title, instance: `/v1/contacts#${randomBytes(4).toString('hex')}`, ...extra },
});

export class BigChangeStore {
  readonly contacts = new Map<number, Json>();
  private nextId = 5_000_000_001;
  /** token -> expiry (ms since epoch, simulator clock) */
  readonly tokens = new Map<string, number>();
  tokenTtlSec = 300;
  constructor(readonly clock: SimClock) {}

  create(body: Json): Json {
    const id = this.nextId++;
    const c: Json = {
      id, reference: null, name: '', groupId: 1, parentId: null, extraInformation: null, street: null, town: null, postalCode: null, country: null,
      email: null, phone: null, location: { latitude: 0, longitude: 0 }, customFields: [{ definitionId: 12, value: 'Gold' }], isDeleted: false,
    };
    Object.assign(c, body);
    this.contacts.set(id, c);
    return c;
  }

  /** Change a contact as another BigChange user would (tests). */
  touch(id: number, body: Json): Json {
    const c = this.contacts.get(id);
    if (!c) throw new Error(`no contact ${id}`);
    Object.assign(c, body);
    return c;
  }

  /** Expire every issued token (tests: the next call must refresh). */
  expireTokens(): void {
    for (const t of this.tokens.keys()) this.tokens.set(t, 0);
  }
}

function validate(body: Json, creating: boolean): Record<string, string[]> | null {
  const errors: Record<string, string[]> = {};
  if (creating || 'name' in body) if (typeof body.name !== 'string' || !body.name.trim()) errors.name = ["'Name' must not be empty."];
  if (creating) {
    if (typeof body.groupId !== 'number') errors.groupId = ["'Group Id' must not be empty."];
    const loc = body.location as { latitude?: unknown; longitude?: unknown } | undefined;
    if (!loc || typeof loc.latitude !== 'number' || typeof loc.longitude !== 'number') errors.location = ["'Location' must not be empty."];
  }
  for (const [k, max] of Object.entries(LIMITS)) {
    const v = body[k];
    if (v === null && !NULLABLE.has(k)) errors[k] = [`'${k}' must not be null.`];
    if (typeof v === 'string' && v.length > max) errors[k] = [`The length of '${k}' must be ${max} characters or fewer. You entered ${v.length} characters.`];
  }
  if (typeof body.phone === 'string' && body.phone && !/^\+\d{6,}$/.test(body.phone.replace(/[\s-]/g, ''))) errors.phone = ["'Phone' must be in international format."];
  return Object.keys(errors).length ? errors : null;
}

export interface BigChangeSandbox {
  server: SandboxServer;
  baseUrl: string;
  credentials: BigChangeSandboxCredentials;
  seeded: { key: string; remoteId: string }[];
  store: BigChangeStore;
}

export async function startBigChangeSandbox(opts: { faults?: Faults; seed?: number; contacts?: SeedContact[] } = {}): Promise<BigChangeSandbox> {
  const clock = new SimClock();
  const store = new BigChangeStore(clock);
  const seedHex = createHash('sha256').update(`bigchange-${opts.seed ?? 1}`).digest('hex');
  const credentials: BigChangeSandboxCredentials = { clientId: `concord-${seedHex.slice(0, 8)}`, clientSecret: seedHex.slice(8, 40), customerId: String(100000 + (parseInt(seedHex.slice(40, 44), 16) % 900000)) };
  const rng = createRng(opts.seed ?? 4);
  const faultRng = createRng((opts.seed ?? 4) + 1);
  const seeded = (opts.contacts ?? []).map(({ key, contact }) => {
    const fields = canonicalToBigChange({ ...contact, fullName: contact.fullName ?? contact.company ?? null });
    const c = store.create({ ...fields, groupId: rng.int(1, 4), location: { latitude: 51 + rng.next(), longitude: -1 + rng.next() } });
    return { key, remoteId: String(c.id) };
  });

  const authorise = (req: SandboxRequest): SandboxResponse | null => {
    const h = req.headers.authorization ?? '';
    const t = /^Bearer (.+)$/.exec(h)?.[1];
    const exp = t ? store.tokens.get(t) : undefined;
    if (!t || exp === undefined) return problem(401, 'Unauthorized', 'A valid bearer token is required');
    if (exp <= clock.now().getTime() || faultRng.chance(server.faults.expireRate)) return problem(401, 'Unauthorized', 'The access token has expired');
    if (!/^\d+$/.test(String(req.headers['customer-id'] ?? ''))) return problem(400, 'Bad Request', 'The Customer-Id header is required');
    if (req.headers['customer-id'] !== credentials.customerId) return problem(403, 'Forbidden', 'You do not have access to this customer');
    return null;
  };
  const json = (req: SandboxRequest): Json | null => {
    try {
      const b = JSON.parse(req.body) as unknown;
      return b && typeof b === 'object' && !Array.isArray(b) ? (b as Json) : null;
    } catch {
      return null;
    }
  };
  const byId = (id: string): Json | undefined => (/^\d+$/.test(id) ? store.contacts.get(Number(id)) : undefined);

  const router = new Router()
    .on('POST', '/auth/tokens', (req) => {
      const form = new URLSearchParams(req.body);
      if (form.get('grant_type') !== 'client_credentials') return { status: 400, body: { error: 'unsupported_grant_type' } };
      if (form.get('client_id') !== credentials.clientId || form.get('client_secret') !== credentials.clientSecret) return { status: 401, body: { error: 'invalid_client' } };
      const t = randomBytes(24).toString('base64url');
      store.tokens.set(t, clock.now().getTime() + store.tokenTtlSec * 1000);
      return { status: 200, body: { access_token: t, token_type: 'Bearer', expires_in: store.tokenTtlSec, scope: form.get('scope') ?? '' } };
    })
    .on('GET', '/v1/contacts', (req) => {
      const denied = authorise(req);
      if (denied) return denied;
      const pageNumber = Number(req.query.get('pageNumber') ?? '1');
      const pageSize = Number(req.query.get('pageSize') ?? '100');
      if (!Number.isInteger(pageNumber) || pageNumber < 1) return problem(400, 'Bad Request', "'Page Number' must be greater than or equal to '1'.");
      if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 1000) return problem(400, 'Bad Request', "'Page Size' must be between 1 and 1000.");
      const all = [...store.contacts.values()].sort((a, b) => (a.id as number) - (b.id as number));
      const items = all.slice((pageNumber - 1) * pageSize, pageNumber * pageSize);
      return { status: 200, body: { items, pageNumber, pageSize, pageItemCount: items.length } };
    })
    .on('GET', '/v1/contacts/:id', (req) => authorise(req) ?? (byId(req.params.id!) ? { status: 200, body: byId(req.params.id!)! } : problem(404, 'Not Found', `Contact ${req.params.id} was not found`)))
    .on('POST', '/v1/contacts', (req) => {
      const denied = authorise(req);
      if (denied) return denied;
      const body = json(req);
      if (!body) return problem(400, 'Bad Request', 'The request body is not valid JSON');
      const errors = validate(body, true);
      if (errors) return problem(422, 'One or more validation errors occurred.', undefined, { errors });
      const c = store.create(Object.fromEntries(Object.entries(body).filter(([k]) => WRITABLE.has(k))));
      return { status: 201, body: { id: c.id } };
    })
    .on('PATCH', '/v1/contacts/:id', (req) => {
      const denied = authorise(req);
      if (denied) return denied;
      const c = byId(req.params.id!);
      if (!c) return problem(404, 'Not Found', `Contact ${req.params.id} was not found`);
      const body = json(req);
      if (!body) return problem(400, 'Bad Request', 'The request body is not valid JSON');
      const fields = Object.fromEntries(Object.entries(body).filter(([k]) => WRITABLE.has(k)));
      if (!Object.keys(fields).length) return problem(400, 'Bad Request', 'At least one field must be provided');
      const errors = validate(fields, false);
      if (errors) return problem(422, 'One or more validation errors occurred.', undefined, { errors });
      // customFields omitted or [] keeps the current values.
      if (Array.isArray(fields.customFields) && !fields.customFields.length) delete fields.customFields;
      Object.assign(c, fields);
      return { status: 204 };
    });

  // eslint-disable-next-line prefer-const -- assigned once the server exists; authorise reads its faults
  let server: SandboxServer;
  server = await startSandboxServer({
    router,
    seed: opts.seed,
    faults: opts.faults,
    hooks: {
      tooMany: (s) => ({ ...problem(429, 'Too Many Requests', 'Rate limit exceeded'), headers: { ...PROBLEM, 'Retry-After': String(s) } }),
      serverError: () => problem(500, 'Internal Server Error', 'An unexpected error occurred'),
      exempt: (req) => req.path === '/auth/tokens',
    },
    notFound: (req) => (req.path.startsWith('/v1/contacts/') && req.method === 'DELETE' ? problem(405, 'Method Not Allowed') : problem(404, 'Not Found')),
  });
  return { server, baseUrl: server.baseUrl, credentials, seeded, store };
}
