// Lightening simulator (the vendor's lightening-contacts.txt, docs/vendors/lightening.md): always-200
// envelopes with result true/false, an unpaged list per customer_id[], update by POST,
// delete by GET …/delete answering result:false on success, strings for booleans and ids.
// Injected 429/5xx faults use real HTTP statuses, as a proxy in front of the API would.
import { createHash } from 'node:crypto';
import { SimClock } from '../clock';
import type { Faults } from '../faults';
import type { SeedContact } from '../population-types';
import { createRng } from '../rng';
import { Router, startSandboxServer, type SandboxRequest, type SandboxResponse, type SandboxServer } from '../server';
import { canonicalToLightening } from '../../vendors/lightening/mapping';

export type LighteningSandboxCredentials = { token: string };
type Json = Record<string, unknown>;

const CUSTOMERS = [
  { id: '1', name: 'Northwind Facilities', account: 'NW-001' },
  { id: '2', name: 'Contoso Housing', account: 'CH-204' },
  { id: '3', name: 'Fabrikam Estates', account: 'FE-310' },
];
// The fields "Data requirements & limitations" lists for create and update, with their types.
// email2 / email3 are not in that list but are served beside `email`; we read them as writable
// with email's rules (inferred: the list gives limits, it does not say every field is writable;
// customer_id is not in it either, yet every contact belongs to a customer).
type Rule =
  | { kind: 'string'; max: number; min?: number; email?: boolean }
  | { kind: 'bool' }
  | { kind: 'uint32' }
  | { kind: 'int' }
  | { kind: 'locale' };
const RULES: Record<string, Rule> = {
  name: { kind: 'string', max: 64 },
  email: { kind: 'string', max: 191, email: true },
  email2: { kind: 'string', max: 191, email: true },
  email3: { kind: 'string', max: 191, email: true },
  tel: { kind: 'string', max: 32 },
  tel1: { kind: 'string', max: 32 },
  fax: { kind: 'string', max: 32 },
  mobile: { kind: 'string', max: 32 },
  role: { kind: 'string', max: 32 },
  department: { kind: 'string', max: 64 },
  customer_custom_identifier: { kind: 'string', max: 16 },
  portal_password: { kind: 'string', min: 8, max: 32 },
  is_active: { kind: 'bool' },
  portal_active: { kind: 'bool' },
  milestone: { kind: 'bool' },
  customer_portal_profile_id: { kind: 'uint32' },
  cost_center_id: { kind: 'int' },
  locale: { kind: 'locale' },
};
/** Written, never served back. */
const WRITE_ONLY = new Set(['portal_password']);

function fmt(d: Date): string {
  return d.toISOString().replace('T', ' ').slice(0, 19); // "2024-05-01 10:00:00"
}

export class LighteningStore {
  readonly contacts = new Map<string, Json>();
  private nextId = 1;
  constructor(readonly clock: SimClock) {}

  create(body: Json): Json {
    const id = String(this.nextId++);
    const customer = CUSTOMERS.find((c) => c.id === String(body.customer_id ?? '1')) ?? CUSTOMERS[0]!;
    const now = fmt(this.clock.now());
    const c: Json = {
      email: '',
      tel: '',
      tel1: '',
      fax: '',
      mobile: '',
      role: '',
      department: '',
      milestone: '0',
      cost_center_id: '0',
      email2: '',
      email3: '',
      customer_portal_profile_id: '1',
      customer_name: customer.name,
      customer_account: customer.account,
      customer_id: Number(customer.id),
      portal_profile: '',
      name: '',
      cost_center_name: '',
      customer_custom_identifier: '',
      portal_fullname: '',
      portal_branch_id: '',
      vendor_account: '',
      vendor_id: '',
      vendor_name: '',
      vendor_type: 1,
      id,
      created_at: now,
      updated_at: now,
      is_active: '1',
      portal_active: '0',
      locale: 'en_US',
      customer_portal_profile_name: '',
    };
    this.apply(c, body);
    this.contacts.set(id, c);
    return c;
  }

  /** Stores a write as Lightening serves it: booleans and ids as strings (docs/vendors/lightening.md). */
  apply(c: Json, body: Json): void {
    for (const [k, v] of Object.entries(body)) {
      if (k === 'customer_id' || k === 'id' || k === 'created_at' || k === 'updated_at' || WRITE_ONLY.has(k)) continue;
      c[k] = typeof v === 'boolean' ? (v ? '1' : '0') : v == null ? '' : String(v);
    }
    c.updated_at = fmt(this.clock.now());
  }

  touch(id: string, body: Json): Json {
    const c = this.contacts.get(id);
    if (!c) throw new Error(`no contact ${id}`);
    this.apply(c, body);
    return c;
  }
}

// Only documented fields are taken from a request; anything else (read-only fields such as
// customer_name or created_at, or names the document never mentions) is ignored, not stored
// (inferred: the document lists what a write may carry and says nothing of other keys).
function writable(body: Json, creating: boolean): Json {
  return Object.fromEntries(Object.entries(body).filter(([k]) => k in RULES || k === 'create_method' || (creating && k === 'customer_id')));
}

function validate(body: Json, creating: boolean): Record<string, string> | null {
  const errors: Record<string, string> = {};
  if ('create_method' in body) errors.create_method = 'Field is not allowed.';
  // "name (required)" is listed for update as well as create: an update must carry it.
  if (typeof body.name !== 'string' || !body.name.trim()) errors.name = 'Field is required.';
  if (creating && 'customer_id' in body && !CUSTOMERS.some((c) => c.id === String(body.customer_id)))
    errors.customer_id = 'Customer not found.';
  for (const [k, r] of Object.entries(RULES)) {
    if (!(k in body) || k in errors) continue;
    const v = body[k];
    if (r.kind === 'string') {
      // "String": a number or null is not one. '' clears an optional field (inferred).
      if (typeof v !== 'string') errors[k] = 'Field must be a string.';
      else if (v === '') continue;
      else if (v.length > r.max) errors[k] = `Field must be at most ${r.max} characters.`;
      else if (r.min && v.length < r.min) errors[k] = `Field must be at least ${r.min} characters.`;
      else if (r.email && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v)) errors[k] = 'Field must be a valid email address.';
    } else if (r.kind === 'bool') {
      // "Boolean (1 or 0)": 1, 0, "1", "0", and JSON true/false; not "true", "yes", 2.
      if (![true, false, 1, 0, '1', '0'].includes(v as never)) errors[k] = 'Field must be 1 or 0.';
    } else if (r.kind === 'uint32') {
      // "Unsigned integer between 0 and 4294967295", as a JSON number or a string of digits.
      const ok = (typeof v === 'number' && Number.isInteger(v)) || (typeof v === 'string' && /^\d+$/.test(v));
      if (!ok || Number(v) < 0 || Number(v) > 4294967295) errors[k] = 'Field must be an unsigned integer between 0 and 4294967295.';
    } else if (r.kind === 'int') {
      const ok = (typeof v === 'number' && Number.isInteger(v)) || (typeof v === 'string' && /^-?\d+$/.test(v));
      if (!ok) errors[k] = 'Field must be an integer.';
    } else if (typeof v !== 'string' || !/^[a-z]{2,3}(_[A-Z]{2})?$/.test(v)) errors[k] = 'Field must be a valid locale.';
  }
  return Object.keys(errors).length ? errors : null;
}

export interface LighteningSandbox {
  server: SandboxServer;
  baseUrl: string;
  credentials: LighteningSandboxCredentials;
  seeded: { key: string; remoteId: string }[];
  store: LighteningStore;
}

export async function startLighteningSandbox(
  opts: { faults?: Faults; seed?: number; contacts?: SeedContact[] } = {},
): Promise<LighteningSandbox> {
  const clock = new SimClock();
  const store = new LighteningStore(clock);
  const token = createHash('sha256')
    .update(`lightening-${opts.seed ?? 1}`)
    .digest('hex')
    .slice(0, 32);
  const rng = createRng(opts.seed ?? 2);
  const seeded = (opts.contacts ?? []).map(({ key, contact, updatedAgoMs }) => {
    const body = {
      ...canonicalToLightening(contact, contact),
      customer_id: rng.pick(CUSTOMERS).id,
      milestone: rng.chance(0.2) ? '1' : '0',
    };
    const c = clock.at(updatedAgoMs ?? 0, () => store.create(body));
    return { key, remoteId: String(c.id) };
  });

  const ok = (body: Json): SandboxResponse => ({ status: 200, body: { ...body } });
  const guard = (req: SandboxRequest): SandboxResponse | null =>
    req.headers.authorization === token ? null : ok({ result: false, error: 'Unauthorized. Invalid or missing Authorization token.' });
  const bodyOf = (req: SandboxRequest): Json | null => {
    if (!req.body.trim()) return null;
    try {
      const b = JSON.parse(req.body) as unknown;
      return b && typeof b === 'object' && !Array.isArray(b) ? (b as Json) : null;
    } catch {
      return null;
    }
  };

  const router = new Router()
    .on(
      'GET',
      '/customer',
      (req) => guard(req) ?? ok({ entities: CUSTOMERS.map((c) => ({ id: c.id, name: c.name, account: c.account })), result: true }),
    )
    .on('GET', '/contact', (req) => {
      const denied = guard(req);
      if (denied) return denied;
      const ids = [...req.query.getAll('customer_id[]'), ...req.query.getAll('customer_id')];
      if (!ids.length) return ok({ result: false, errors: { customer_id: 'Field is required.' } });
      const entities = [...store.contacts.values()].filter((c) => ids.includes(String(c.customer_id)));
      return ok({ entities, result: true });
    })
    .on('POST', '/contact', (req) => {
      const denied = guard(req);
      if (denied) return denied;
      const body = bodyOf(req);
      if (!body || !Object.keys(body).length) return ok({ error: 'Nothing sent for request.', result: false });
      const errors = validate(body, true);
      if (errors) return ok({ errors, result: false });
      const c = store.create(writable(body, true));
      return ok({ msg: 'Successfully created entity.', id: c.id, result: true });
    })
    .on('GET', '/contact/:id', (req) => {
      const denied = guard(req);
      if (denied) return denied;
      const c = store.contacts.get(req.params.id!);
      return c ? ok({ entity: c, result: true }) : ok({ msg: 'Entity not found.', result: false });
    })
    .on('POST', '/contact/:id', (req) => {
      const denied = guard(req);
      if (denied) return denied;
      const c = store.contacts.get(req.params.id!);
      if (!c) return ok({ msg: 'Entity not found.', result: false });
      const body = bodyOf(req);
      if (!body || !Object.keys(body).length) return ok({ error: 'Nothing sent for request.', result: false });
      const errors = validate(body, false);
      if (errors) return ok({ errors, result: false });
      store.apply(c, writable(body, false));
      return ok({ msg: 'Successfully updated entity.', result: true });
    })
    .on('GET', '/contact/:id/delete', (req) => {
      const denied = guard(req);
      if (denied) return denied;
      if (!store.contacts.delete(req.params.id!)) return ok({ msg: 'Entity not found.', result: false });
      return ok({ msg: 'Entity has been successfully deleted.', result: false });
    });

  const server = await startSandboxServer({
    router,
    seed: opts.seed,
    faults: opts.faults,
    hooks: {
      tooMany: (s) => ({ status: 429, headers: { 'Retry-After': String(s) }, body: { result: false, error: 'Too many requests.' } }),
      serverError: () => ({
        status: 502,
        headers: { 'content-type': 'text/html' },
        body: '<html><body><h1>502 Bad Gateway</h1></body></html>',
      }),
    },
    notFound: () => ({ status: 200, body: { result: false, error: 'Route not found.' } }),
  });
  return { server, baseUrl: server.baseUrl, credentials: { token }, seeded, store };
}
