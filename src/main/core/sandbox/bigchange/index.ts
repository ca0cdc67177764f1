// BigChange simulator (the vendor's bigchange-contacts.txt, docs/vendors/bigchange.md): OAuth2 client
// credentials at /auth/tokens (short-lived tokens), Customer-Id required, /v1/contacts with
// pageNumber/pageSize (≤1000) answering {items, pageItemCount}, 201 {id} on create, 204 on a
// partial PATCH, RFC 7807 problems: 400 for a body that does not bind to the contact model
// (an undocumented field such as `email`, a wrong JSON type), 422 with an `errors` map for a
// rule broken, 403 for another customer. No delete route, as documented. See README.md here.
import { IndexedMap } from '../indexed-map';
import { createHash, randomBytes } from 'node:crypto';
import { SimClock } from '../clock';
import type { Faults } from '../faults';
import type { SeedContact } from '../population-types';
import { createRng } from '../rng';
import { Router, startSandboxServer, type SandboxRequest, type SandboxResponse, type SandboxServer } from '../server';
import { canonicalToBigChange } from '../../vendors/bigchange/mapping';

export type BigChangeSandboxCredentials = { clientId: string; clientSecret: string; customerId: string };
type Json = Record<string, unknown>;

// The create model (the vendor's bigchange-contacts.txt) is the whole contact model here: the document
// shows no read or update model, so a read answers these fields plus `id` (our reading), and a
// PATCH takes the same fields. `email` and `phone` are in none of them: refused, not stored.
const MODEL = [
  'reference',
  'name',
  'groupId',
  'parentId',
  'extraInformation',
  'street',
  'town',
  'postalCode',
  'country',
  'location',
  'customFields',
] as const;
const TEXT = ['reference', 'name', 'extraInformation', 'street', 'town', 'postalCode', 'country'] as const;
// Column limits from the legacy web service (docs/vendors/bigchange.md, "probably the same columns"): inferred.
const LIMITS: Record<string, number> = { name: 50, reference: 40, street: 100, postalCode: 10, town: 100, country: 50 };
// Nullable in the create model; name, groupId and location are required, so never null.
const NULLABLE = new Set(['reference', 'parentId', 'extraInformation', 'street', 'town', 'postalCode', 'country', 'customFields']);
const PROBLEM = { 'content-type': 'application/problem+json' };
/** The 403 of the document's example (the vendor's bigchange-contacts.txt, every answer's schema), for `refuseWrites`. */
export const BIGCHANGE_OUT_OF_CREDIT = {
  type: 'https://example.com/probs/out-of-credit',
  title: 'You do not have enough credit',
  detail: 'Your current balance is 30, but that costs 50',
};

export const problem = (status: number, title: string, detail?: string, extra: Json = {}): SandboxResponse => ({
  status,
  headers: PROBLEM,
  body: {
    type: `https://httpstatuses.io/${status}`,
    title,
    status,
    detail: detail ?? title,
    instance: `/v1/contacts#${randomBytes(4).toString('hex')}`,
    ...extra,
  },
});

type CustomField = { definitionId: number; value: unknown };

/** A 403 problem for a business reason: the type, title and detail given, as the document shows one. */
const refused = (p: { type: string; title: string; detail: string }): SandboxResponse => ({
  status: 403,
  headers: PROBLEM,
  body: { type: p.type, title: p.title, status: 403, detail: p.detail, instance: `/v1/contacts#${randomBytes(4).toString('hex')}` },
});

export class BigChangeStore {
  readonly contacts = new IndexedMap<number, Json>();
  /** Contact groups of this customer; a create names one (groupId). */
  readonly groups = new Set([1, 2, 3, 4]);
  private nextId = 5_000_000_001;
  /** token -> expiry (ms since epoch, simulator clock) */
  readonly tokens = new Map<string, number>();
  tokenTtlSec = 300;
  /**
   * A fault knob (tests, `--faults`-free): while set, every create and update is refused with
   * this 403 problem, as the document's own example refuses one for want of credit.
   */
  refuseWrites: { type: string; title: string; detail: string } | null = null;
  constructor(readonly clock: SimClock) {}

  /** A contact as the create model defines it; unset nullable fields read as null. */
  create(body: Json): Json {
    const id = this.nextId++;
    const c: Json = {
      id,
      reference: null,
      name: '',
      groupId: null,
      parentId: null,
      extraInformation: null,
      street: null,
      town: null,
      postalCode: null,
      country: null,
      location: null,
      customFields: [],
    };
    Object.assign(c, body);
    // A null value on create has nothing to unset: it is not stored.
    c.customFields = ((body.customFields as CustomField[] | null | undefined) ?? []).filter((f) => f.value !== null);
    this.contacts.set(id, c);
    return c;
  }

  /** Put a record exactly as given (tests: shapes the API would not make by itself). */
  put(c: Json & { id: number }): void {
    this.contacts.set(c.id, c);
    if (c.id >= this.nextId) this.nextId = c.id + 1;
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

/** A body that does not bind to the contact model (unknown property, wrong JSON type): 400. */
function unbound(body: Json): string | null {
  for (const [k, v] of Object.entries(body)) {
    if (!(MODEL as readonly string[]).includes(k)) return `The JSON property '${k}' is not part of the contact model`;
    if (v === null) continue;
    if ((TEXT as readonly string[]).includes(k) && typeof v !== 'string')
      return `The JSON value of '${k}' could not be converted to a string`;
    if ((k === 'groupId' || k === 'parentId') && !Number.isInteger(v)) return `The JSON value of '${k}' could not be converted to an int64`;
    if (k === 'location') {
      const loc = v as Json;
      if (typeof v !== 'object' || Array.isArray(v) || Object.keys(loc).some((x) => x !== 'latitude' && x !== 'longitude'))
        return "The JSON value of 'location' is not a location {latitude, longitude}";
      if (
        (loc.latitude !== undefined && typeof loc.latitude !== 'number') ||
        (loc.longitude !== undefined && typeof loc.longitude !== 'number')
      )
        return "The JSON value of 'location' could not be converted: latitude and longitude are numbers";
    }
    if (k === 'customFields') {
      if (!Array.isArray(v)) return "The JSON value of 'customFields' could not be converted to an array";
      for (const f of v as unknown[]) {
        if (!f || typeof f !== 'object' || Array.isArray(f) || Object.keys(f).some((x) => x !== 'definitionId' && x !== 'value'))
          return "Each of 'customFields' is {definitionId, value}";
        const { definitionId, value } = f as Json;
        if (!Number.isInteger(definitionId)) return "The JSON value of 'customFields.definitionId' could not be converted to an int64";
        if (value !== null && value !== undefined && typeof value === 'object')
          return "The JSON value of 'customFields.value' could not be converted";
      }
    }
  }
  return null;
}

/** Values that bind but break the model's rules: 422 with an `errors` map. */
function invalid(body: Json, creating: boolean, store: BigChangeStore): Record<string, string[]> | null {
  const errors: Record<string, string[]> = {};
  const say = (k: string, m: string) => void (errors[k] ??= []).push(m);
  if (creating || 'name' in body) if (typeof body.name !== 'string' || !body.name.trim()) say('name', "'Name' must not be empty.");
  if (creating || 'groupId' in body) {
    if (typeof body.groupId !== 'number') say('groupId', "'Group Id' must not be empty.");
    else if (!store.groups.has(body.groupId)) say('groupId', `Group ${body.groupId} does not exist.`);
  }
  if (creating || 'location' in body) {
    const loc = body.location as { latitude?: unknown; longitude?: unknown } | null | undefined;
    if (!loc || typeof loc.latitude !== 'number' || typeof loc.longitude !== 'number') say('location', "'Location' must not be empty.");
    else {
      if (loc.latitude < -90 || loc.latitude > 90) say('location.latitude', "'Latitude' must be between -90 and 90.");
      if (loc.longitude < -180 || loc.longitude > 180) say('location.longitude', "'Longitude' must be between -180 and 180.");
    }
  }
  if (typeof body.parentId === 'number' && !store.contacts.has(body.parentId)) say('parentId', `Contact ${body.parentId} does not exist.`);
  for (const [k, max] of Object.entries(LIMITS)) {
    const v = body[k];
    if (typeof v === 'string' && v.length > max)
      say(k, `The length of '${k}' must be ${max} characters or fewer. You entered ${v.length} characters.`);
  }
  for (const k of ['name', 'groupId', 'location'])
    if (k in body && body[k] === null && !NULLABLE.has(k) && !errors[k]) say(k, `'${k}' must not be null.`);
  (Array.isArray(body.customFields) ? (body.customFields as Json[]) : []).forEach((f, i) => {
    if (f.value === undefined) say(`customFields[${i}].value`, "'Value' is required; null unsets it.");
  });
  return Object.keys(errors).length ? errors : null;
}

/** customFields on an update: omitted, null or [] keeps them; each entry sets its definition, a null value unsets it. */
function mergeCustomFields(current: unknown, sent: CustomField[]): CustomField[] {
  const out = new Map<number, CustomField>(((current as CustomField[] | null) ?? []).map((f) => [f.definitionId, f]));
  for (const f of sent) {
    if (f.value === null) out.delete(f.definitionId);
    else out.set(f.definitionId, { definitionId: f.definitionId, value: f.value });
  }
  return [...out.values()];
}

export interface BigChangeSandbox {
  server: SandboxServer;
  baseUrl: string;
  credentials: BigChangeSandboxCredentials;
  seeded: { key: string; remoteId: string }[];
  store: BigChangeStore;
  /** Account settings a create needs (a group, a default location): the sandbox account carries them. */
  settings: BigChangeSandboxSettings;
}

export type BigChangeSandboxSettings = { groupId: number; defaultLocation: { latitude: number; longitude: number } };
export const BIGCHANGE_SANDBOX_SETTINGS: BigChangeSandboxSettings = {
  groupId: 1,
  defaultLocation: { latitude: 51.5072, longitude: -0.1276 },
};

export async function startBigChangeSandbox(
  opts: { faults?: Faults; seed?: number; contacts?: SeedContact[] } = {},
): Promise<BigChangeSandbox> {
  const clock = new SimClock();
  const store = new BigChangeStore(clock);
  const seedHex = createHash('sha256')
    .update(`bigchange-${opts.seed ?? 1}`)
    .digest('hex');
  const credentials: BigChangeSandboxCredentials = {
    clientId: `concord-${seedHex.slice(0, 8)}`,
    clientSecret: seedHex.slice(8, 40),
    customerId: String(100000 + (parseInt(seedHex.slice(40, 44), 16) % 900000)),
  };
  const rng = createRng(opts.seed ?? 4);
  const faultRng = createRng((opts.seed ?? 4) + 1);
  const seeded = (opts.contacts ?? []).map(({ key, contact, updatedAgoMs }) => {
    // Only what the contact model holds: the population's emails and phones have no place here.
    const fields = canonicalToBigChange({ ...contact, fullName: contact.fullName ?? contact.company ?? null });
    const groupId = rng.int(1, 4);
    const location = { latitude: 51 + rng.next(), longitude: -1 + rng.next() };
    const c = clock.at(updatedAgoMs ?? 0, () => store.create({ ...fields, groupId, location }));
    return { key, remoteId: String(c.id) };
  });

  const authorise = (req: SandboxRequest): SandboxResponse | null => {
    const h = req.headers.authorization ?? '';
    const t = /^Bearer (.+)$/.exec(h)?.[1];
    const exp = t ? store.tokens.get(t) : undefined;
    if (!t || exp === undefined) return problem(401, 'Unauthorized', 'A valid bearer token is required');
    if (exp <= clock.now().getTime() || faultRng.chance(server.faults.expireRate))
      return problem(401, 'Unauthorized', 'The access token has expired');
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
      if (form.get('client_id') !== credentials.clientId || form.get('client_secret') !== credentials.clientSecret)
        return { status: 401, body: { error: 'invalid_client' } };
      const t = randomBytes(24).toString('base64url');
      store.tokens.set(t, clock.now().getTime() + store.tokenTtlSec * 1000);
      return {
        status: 200,
        body: { access_token: t, token_type: 'Bearer', expires_in: store.tokenTtlSec, scope: form.get('scope') ?? '' },
      };
    })
    .on('GET', '/v1/contacts', (req) => {
      const denied = authorise(req);
      if (denied) return denied;
      const pageNumber = Number(req.query.get('pageNumber') ?? '1');
      const pageSize = Number(req.query.get('pageSize') ?? '100');
      if (!Number.isInteger(pageNumber) || pageNumber < 1)
        return problem(400, 'Bad Request', "'Page Number' must be greater than or equal to '1'.");
      if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 1000)
        return problem(400, 'Bad Request', "'Page Size' must be between 1 and 1000.");
      const all = store.contacts.ordered('id', (a, b) => (a.id as number) - (b.id as number));
      const items = all.slice((pageNumber - 1) * pageSize, pageNumber * pageSize);
      return { status: 200, body: { items, pageNumber, pageSize, pageItemCount: items.length } };
    })
    .on(
      'GET',
      '/v1/contacts/:id',
      (req) =>
        authorise(req) ??
        (byId(req.params.id!)
          ? { status: 200, body: byId(req.params.id!)! }
          : problem(404, 'Not Found', `Contact ${req.params.id} was not found`)),
    )
    .on('POST', '/v1/contacts', (req) => {
      const denied = authorise(req);
      if (denied) return denied;
      const body = json(req);
      if (!body) return problem(400, 'Bad Request', 'The request body is not a JSON object');
      const bad = unbound(body);
      if (bad) return problem(400, 'Bad Request', bad);
      if (store.refuseWrites) return refused(store.refuseWrites);
      const errors = invalid(body, true, store);
      if (errors) return problem(422, 'One or more validation errors occurred.', undefined, { errors });
      const c = store.create(body);
      return { status: 201, body: { id: c.id } };
    })
    .on('PATCH', '/v1/contacts/:id', (req) => {
      const denied = authorise(req);
      if (denied) return denied;
      const c = byId(req.params.id!);
      if (!c) return problem(404, 'Not Found', `Contact ${req.params.id} was not found`);
      const body = json(req);
      if (!body) return problem(400, 'Bad Request', 'The request body is not a JSON object');
      const bad = unbound(body);
      if (bad) return problem(400, 'Bad Request', bad);
      if (!Object.keys(body).length) return problem(400, 'Bad Request', 'At least one field must be provided');
      if (store.refuseWrites) return refused(store.refuseWrites);
      const errors = invalid(body, false, store);
      if (errors) return problem(422, 'One or more validation errors occurred.', undefined, { errors });
      const { customFields, ...rest } = body;
      Object.assign(c, rest);
      if (Array.isArray(customFields) && customFields.length)
        c.customFields = mergeCustomFields(c.customFields, customFields as CustomField[]);
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
    notFound: (req) =>
      req.path.startsWith('/v1/contacts/') && req.method === 'DELETE' ? problem(405, 'Method Not Allowed') : problem(404, 'Not Found'),
  });
  return { server, baseUrl: server.baseUrl, credentials, seeded, store, settings: { ...BIGCHANGE_SANDBOX_SETTINGS } };
}
