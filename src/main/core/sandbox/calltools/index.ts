// CallTools simulator (shared/vendors/docs/calltools-contacts.txt, README §1): DRF-style
// contacts API with Token auth, page/page_size paging (25 default, 250 max), PATCH partial
// updates, read-only nested phones/emails written through flat fields, POST as an upsert that
// answers duplicate_action "MERGE" when the phone matches, and HTML bodies on 5xx.
import { createHash, randomUUID } from 'node:crypto';
import { canonicalToCallTools } from '../../vendors/calltools/mapping';
import { SimClock } from '../clock';
import type { Faults } from '../faults';
import type { SeedContact } from '../population-types';
import { createRng } from '../rng';
import { Router, startSandboxServer, type SandboxRequest, type SandboxResponse, type SandboxServer } from '../server';

export type CallToolsSandboxCredentials = {
  token: string;
};

type Json = Record<string, unknown>;

const MAX_LEN: Record<string, number> = {
  status: 255, first_name: 255, last_name: 255, address: 255, city: 50, state: 50, zip_code: 50, county: 50, country: 50, time_zone: 50,
  home_phone_number: 255, mobile_phone_number: 255, personal_email_address: 255,
};
// Fields the API lets a client write (everything else in a contact is read-only or unknown).
const WRITABLE = new Set([...Object.keys(MAX_LEN), 'do_not_contact', 'birthday', 'add_tags', 'remove_tags', 'tags', 'suppress_until']);

const TIME_ZONES = new Set(Intl.supportedValuesOf('timeZone'));

export const CALLTOOLS_HTML_500 = '<!DOCTYPE html>\n<html lang="en"><head><title>Server Error (500)</title></head><body><h1>Server Error (500)</h1><p></p></body></html>\n';

export class CallToolsStore {
  readonly contacts = new Map<number, Json>();
  private nextId = 1000;
  private nextSubId = 1;
  constructor(readonly clock: SimClock) {}

  private stamp(): string {
    return this.clock.now().toISOString().replace('Z', '000Z'); // DRF: microseconds
  }

  create(body: Json): Json {
    const id = this.nextId++;
    const now = this.stamp();
    const c: Json = {
      id, account_id: 7, uuid: randomUUID(), system_disposition: null, ready: true, status: 'new', do_not_contact: false,
      first_name: null, last_name: null, address: null, city: '', state: '', zip_code: '', county: '', country: '', time_zone: null,
      suppress_until: null, birthday: null, tags: [], buckets: [], phone_numbers: [], email_addresses: [],
      // Fields Concord does not map; they must survive every update.
      calls_outbound: 0, last_call_outbound: null, user_queue: null, custom_fields: { favourite_colour: 'teal' },
      created_on: now, created_by: randomUUID(), modified_on: now, modified_by: randomUUID(), owned_by: null,
      message: null, duplicate_action: null, duplicate_contacts: [],
    };
    this.contacts.set(id, c);
    this.apply(c, body);
    c.modified_on = now;
    return c;
  }

  /** Apply writable fields; flat phone/email fields become nested records. */
  apply(c: Json, body: Json): void {
    const now = this.stamp();
    for (const [k, v] of Object.entries(body)) {
      if (k === 'home_phone_number' || k === 'mobile_phone_number') {
        const phones = (c.phone_numbers as Json[]).filter((p) => !(p.contact_field === k));
        if (v) phones.push({ id: this.nextSubId++, account_id: 7, contact: c.id, contact_field: k, e164_country_code: 1, phone_number: digits(String(v)), area_code: digits(String(v)).slice(0, 3), do_not_contact: false, is_fdnc: false, is_mobile: k === 'mobile_phone_number', time_zone: null, created_on: now, modified_on: now });
        c.phone_numbers = phones;
      } else if (k === 'personal_email_address') {
        const emails = (c.email_addresses as Json[]).filter((e) => e.contact_field !== k);
        if (v) emails.push({ id: this.nextSubId++, account_id: 7, contact: c.id, contact_field: k, email: String(v), do_not_contact: false, created_on: now, modified_on: now });
        c.email_addresses = emails;
      } else if (k === 'add_tags') c.tags = [...new Set([...(c.tags as number[]), ...(v as number[])])];
      else if (k === 'remove_tags') c.tags = (c.tags as number[]).filter((t) => !(v as number[]).includes(t));
      else c[k] = v;
    }
    c.modified_on = now;
  }

  findByPhone(phone: string): Json | undefined {
    const d = digits(phone);
    if (!d) return undefined;
    for (const c of this.contacts.values()) if ((c.phone_numbers as Json[]).some((p) => p.phone_number === d)) return c;
    return undefined;
  }

  /** Change a contact as another CallTools user would (tests). */
  touch(id: number, body: Json): Json {
    const c = this.contacts.get(id);
    if (!c) throw new Error(`no contact ${id}`);
    this.apply(c, body);
    return c;
  }
}

function digits(s: string): string {
  return s.replace(/\D/g, '').replace(/^1(\d{10})$/, '$1');
}

function validate(body: Json): Record<string, string[]> | null {
  const errors: Record<string, string[]> = {};
  for (const [k, max] of Object.entries(MAX_LEN)) {
    const v = body[k];
    if (typeof v === 'string' && v.length > max) errors[k] = [`Ensure this field has no more than ${max} characters.`];
  }
  if (typeof body.status === 'string' && body.status.length === 0) errors.status = ['This field may not be blank.'];
  // time_zone is a choice field in CallTools (inferred from its UI); unknown zones are refused.
  if (typeof body.time_zone === 'string' && body.time_zone && !TIME_ZONES.has(body.time_zone)) errors.time_zone = [`"${body.time_zone}" is not a valid choice.`];
  if (body.birthday != null && !/^\d{4}-\d{2}-\d{2}$/.test(String(body.birthday))) errors.birthday = ['Date has wrong format. Use one of these formats instead: YYYY-MM-DD.'];
  return Object.keys(errors).length ? errors : null;
}

export interface CallToolsSandbox {
  server: SandboxServer;
  baseUrl: string;
  credentials: CallToolsSandboxCredentials;
  seeded: { key: string; remoteId: string }[];
  store: CallToolsStore;
}

export async function startCallToolsSandbox(opts: { faults?: Faults; seed?: number; contacts?: SeedContact[] } = {}): Promise<CallToolsSandbox> {
  const clock = new SimClock();
  const store = new CallToolsStore(clock);
  const token = createHash('sha1').update(`calltools-${opts.seed ?? 1}`).digest('hex'); // 40 hex, like a real key
  const rng = createRng(opts.seed ?? 1);
  const seeded = (opts.contacts ?? []).map(({ key, contact }) => {
    const c = store.create(canonicalToCallTools(contact, { forCreate: true }));
    if (rng.chance(0.3)) c.calls_outbound = rng.int(1, 40);
    return { key, remoteId: String(c.id) };
  });

  const auth = (req: SandboxRequest): SandboxResponse | null => {
    const h = req.headers.authorization;
    if (!h) return { status: 401, body: { detail: 'Authentication credentials were not provided.' } };
    if (h !== `Token ${token}`) return { status: 401, body: { detail: 'Invalid token.' } };
    return null;
  };
  const parseBody = (req: SandboxRequest): { body: Json } | { error: SandboxResponse } => {
    try {
      const b = JSON.parse(req.body || '{}') as unknown;
      if (!b || typeof b !== 'object' || Array.isArray(b)) return { error: { status: 400, body: { non_field_errors: ['Invalid data. Expected a dictionary, but got list.'] } } };
      return { body: b as Json };
    } catch (e) {
      return { error: { status: 400, body: { detail: `JSON parse error - ${(e as Error).message}` } } };
    }
  };
  const writable = (b: Json): Json => Object.fromEntries(Object.entries(b).filter(([k]) => WRITABLE.has(k)));
  const getContact = (id: string): Json | undefined => (/^\d+$/.test(id) ? store.contacts.get(Number(id)) : undefined);
  const notFound: SandboxResponse = { status: 404, body: { detail: 'Not found.' } };

  const router = new Router()
    .on('GET', '/api/contacts/', (req) => {
      const denied = auth(req);
      if (denied) return denied;
      const page = Number(req.query.get('page') ?? '1');
      const size = Math.min(250, Number(req.query.get('page_size') ?? '25'));
      if (!Number.isInteger(page) || page < 1 || !Number.isInteger(size) || size < 1) return { status: 404, body: { detail: 'Invalid page.' } };
      let all = [...store.contacts.values()].sort((a, b) => (a.id as number) - (b.id as number));
      const fn = req.query.get('first_name');
      if (fn) all = all.filter((c) => String(c.first_name ?? '').toLowerCase() === fn.toLowerCase());
      const pages = Math.max(1, Math.ceil(all.length / size));
      if (page > pages) return { status: 404, body: { detail: 'Invalid page.' } };
      const base = `http://${req.headers.host}/api/contacts/`;
      const link = (p: number) => `${base}?page=${p}&page_size=${size}`;
      return { status: 200, body: { count: all.length, next: page < pages ? link(page + 1) : null, previous: page > 1 ? link(page - 1) : null, results: all.slice((page - 1) * size, page * size) } };
    })
    .on('POST', '/api/contacts/', (req) => {
      const denied = auth(req);
      if (denied) return denied;
      const b = parseBody(req);
      if ('error' in b) return b.error;
      const body = writable(b.body);
      const errors = validate(body);
      if (errors) return { status: 400, body: errors };
      // Duplicate mode "Overwrite": the phone is matched and non-blank fields merge in.
      const match = [body.mobile_phone_number, body.home_phone_number].map((p) => (p ? store.findByPhone(String(p)) : undefined)).find(Boolean);
      if (match) {
        store.apply(match, Object.fromEntries(Object.entries(body).filter(([, v]) => v !== null && v !== '')));
        return { status: 200, body: { duplicate_contacts: [match.id], duplicate_action: 'MERGE' } };
      }
      return { status: 201, body: store.create(body) };
    })
    .on('GET', '/api/contacts/:id/', (req) => {
      const denied = auth(req);
      if (denied) return denied;
      return getContact(req.params.id!) ? { status: 200, body: getContact(req.params.id!)! } : notFound;
    })
    .on('PATCH', '/api/contacts/:id/', (req) => update(req, false))
    .on('PUT', '/api/contacts/:id/', (req) => update(req, true))
    .on('DELETE', '/api/contacts/:id/', (req) => {
      const denied = auth(req);
      if (denied) return denied;
      const c = getContact(req.params.id!);
      if (!c) return notFound;
      store.contacts.delete(c.id as number);
      return { status: 204 };
    });

  function update(req: SandboxRequest, full: boolean): SandboxResponse {
    const denied = auth(req);
    if (denied) return denied;
    const c = getContact(req.params.id!);
    if (!c) return notFound;
    const b = parseBody(req);
    if ('error' in b) return b.error;
    const body = writable(b.body);
    const errors = validate(body);
    if (errors) return { status: 400, body: errors };
    if (full) for (const k of Object.keys(MAX_LEN)) if (!(k in body)) body[k] = k.endsWith('_number') || k.endsWith('_address') ? null : '';
    store.apply(c, body);
    return { status: 200, body: c };
  }

  const server = await startSandboxServer({
    router,
    seed: opts.seed,
    faults: opts.faults,
    hooks: {
      tooMany: (s) => ({ status: 429, headers: { 'Retry-After': String(s) }, body: { detail: `Request was throttled. Expected available in ${s} seconds.` } }),
      serverError: () => ({ status: 500, headers: { 'content-type': 'text/html; charset=utf-8' }, body: CALLTOOLS_HTML_500 }),
    },
    notFound: () => ({ status: 404, headers: { 'content-type': 'text/html; charset=utf-8' }, body: '<h1>Not Found</h1><p>The requested resource was not found on this server.</p>' }),
  });
  return { server, baseUrl: server.baseUrl, credentials: { token }, seeded, store };
}
