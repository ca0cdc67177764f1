// CallTools simulator (the vendor's calltools-contacts.txt, docs/vendors/calltools.md): DRF-style
// contacts API with Token auth, page/page_size paging (25 default, 250 max), PATCH partial
// updates, read-only nested phones/emails written through flat fields, POST as an upsert that
// answers duplicate_action "MERGE" when the phone matches, and HTML bodies on 5xx.
import { IndexedMap } from '../indexed-map';
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

// The writable fields of ContactDetail, as the document types them (the vendor's calltools-contacts.txt,
// request and response schema). `nullable` is the document's x-nullable; `min` its minLength
// (DRF: blank refused). Read-only fields (id, uuid, created_*, modified_*, phone_numbers, …) and
// names the schema does not list are ignored on input, as DRF does.
type FieldType = 'string' | 'integer' | 'boolean' | 'datetime' | 'date' | 'uuid' | 'intlist';
interface FieldSpec {
  type: FieldType;
  nullable?: boolean;
  max?: number;
  min?: number;
  choices?: readonly string[];
}
const S = (max: number | undefined, nullable = false, min?: number): FieldSpec => ({ type: 'string', max, nullable, min });
const E = (choices: readonly string[] | null): FieldSpec => ({ type: 'string', nullable: true, ...(choices ? { choices } : {}) });
const YES_NO = ['Yes', 'No'] as const;
export const CALLTOOLS_SCHEMA: Record<string, FieldSpec> = {
  ready: { type: 'boolean' },
  status: S(255, false, 1),
  do_not_contact: { type: 'boolean' },
  first_name: S(255, true),
  last_name: S(255, true),
  address: S(255, true),
  city: S(50),
  state: S(50),
  zip_code: S(50),
  county: S(50),
  country: S(50),
  // No Enum in the document (unlike the custom choice fields below): any text up to 50 is held.
  time_zone: S(50, true),
  suppress_until: { type: 'datetime', nullable: true },
  last_call_outbound: { type: 'datetime', nullable: true },
  last_call_outbound_human: { type: 'datetime', nullable: true },
  last_call_outbound_machine: { type: 'datetime', nullable: true },
  last_call_inbound: { type: 'datetime', nullable: true },
  last_sms_sent: { type: 'datetime', nullable: true },
  last_sms_received: { type: 'datetime', nullable: true },
  last_email_sent: { type: 'datetime', nullable: true },
  calls_outbound: { type: 'integer' },
  calls_outbound_human: { type: 'integer' },
  calls_outbound_machine: { type: 'integer' },
  calls_inbound: { type: 'integer' },
  sms_sent: { type: 'integer' },
  emails_sent: { type: 'integer' },
  consecutive_no_contact: { type: 'integer' },
  owned_by: { type: 'uuid', nullable: true },
  user_queue: { type: 'integer', nullable: true },
  tags: { type: 'intlist', nullable: true },
  add_tags: { type: 'intlist' },
  remove_tags: { type: 'intlist' },
  buckets: { type: 'intlist', nullable: true },
  add_buckets: { type: 'intlist' },
  remove_buckets: { type: 'intlist' },
  remove_from_other_buckets_on_add: { type: 'boolean' },
  call_uuid: { type: 'uuid', nullable: true },
  // This account's custom fields ("the schema is generated per account"). Enum lists the scan
  // cuts off (campaigns, lead_source, monthly_bill, power_solution, roof_type) take any text.
  appointment_set: { type: 'datetime', nullable: true },
  bill_discount: { type: 'boolean', nullable: true },
  birthday: { type: 'date', nullable: true },
  call_disposition_id: { type: 'integer', nullable: true },
  callerphonenumber: S(1024, true),
  campaigns: E(null),
  car_model: S(1024, true),
  credit_score: E(['650+', '650-']),
  crm_id: S(1024, true),
  disposition_id: { type: 'integer', nullable: true },
  driver_experience: E(YES_NO),
  dui_charges: E(YES_NO),
  electric_provider: S(1024, true),
  genders: E(['Male', 'Female', 'Non-Binary']),
  home_phone_number: S(255),
  home_value: E(['50k - 90k', '100k - 140k', '150k - 190k', '200k+']),
  jornaya_id: S(1024, true),
  lead_source: E(null),
  license: E(YES_NO),
  married: E(YES_NO),
  mobile_phone_number: S(255),
  monthly_bill: E(null),
  multivehicle: E(YES_NO),
  ownership: E(['1- Yes', '0- No']),
  personal_email_address: S(255),
  power_solution: E(null),
  project_nature: E(['1- Install', '2- Replace', '3- Repair']),
  property_type: E(['1- Owned', '2- Rented', '3- Business']),
  roof_shading: E(['1- Full Sun', '2- Partial Sun', '3- Mostly Shaded', '4- Not Sure']),
  roof_type: E(null),
  service: S(1024, true),
  sr_22_need: E(YES_NO),
  start_time: E(['1- immediately', '2- within 6 months', '3- Not Sure']),
  taxablincome: E(['40,000$+', '39,999$-']),
  transactionid: S(1024, true),
  trusted_form: S(1024, true),
  vehiclemake: S(1024, true),
  vehicleyear: S(1024, true),
  website: S(1024, true),
  window_number: E(['1- 1', '2- 2', '3- 3-5', '4- 6-9', '5- 10+']),
};
// Fields the API lets a client write; the delta fields (add_tags, …) act and are not stored.
const WRITABLE = new Set(Object.keys(CALLTOOLS_SCHEMA));
const DELTAS = new Set(['add_tags', 'remove_tags', 'add_buckets', 'remove_buckets', 'remove_from_other_buckets_on_add']);
/** The flat fields behind the nested records, with this account's contact_field ids (the document types contact_field as an integer). */
export const CALLTOOLS_CONTACT_FIELDS = { home_phone_number: 31, mobile_phone_number: 32, personal_email_address: 33 } as const;
/** Who the API token writes as (modified_by). */
const API_USER = '5f0c3d1e-7a52-4c1b-9b8e-2d6f4a9e0c71';

export const CALLTOOLS_HTML_500 =
  '<!DOCTYPE html>\n<html lang="en"><head><title>Server Error (500)</title></head><body><h1>Server Error (500)</h1><p></p></body></html>\n';

/** The value a field holds before anyone writes it: the document's default, else null / blank / 0. */
function defaultOf(k: string, f: FieldSpec): unknown {
  if (k === 'status') return 'new';
  if (f.nullable) return f.type === 'intlist' ? [] : null;
  return f.type === 'string' ? '' : f.type === 'integer' ? 0 : f.type === 'boolean' ? false : f.type === 'intlist' ? [] : null;
}

export class CallToolsStore {
  readonly contacts = new IndexedMap<number, Json>();
  private nextId = 1000;
  private nextSubId = 1;
  constructor(readonly clock: SimClock) {}

  private stamp(): string {
    return this.clock.now().toISOString().replace('Z', '000Z'); // DRF: microseconds
  }

  create(body: Json): Json {
    const id = this.nextId++;
    const now = this.stamp();
    const c: Json = { id, account_id: 7, uuid: randomUUID(), system_disposition: null };
    for (const [k, f] of Object.entries(CALLTOOLS_SCHEMA)) if (!DELTAS.has(k)) c[k] = defaultOf(k, f);
    Object.assign(c, {
      next_agent_script: null,
      next_sms_template: null,
      phone_numbers: [],
      email_addresses: [],
      user_queue_id: null,
      last_call_uuid: null,
      created_on: now,
      created_by: API_USER,
      modified_on: now,
      modified_by: API_USER,
      message: null,
      duplicate_action: null,
      duplicate_contacts: [],
    });
    this.contacts.set(id, c);
    this.apply(c, body);
    c.modified_on = now;
    return c;
  }

  /** Put a record in as it stands (tests: shapes the API would not make by itself, but the document allows). */
  put(c: Json): Json {
    const id = c.id as number;
    this.contacts.set(id, c);
    this.nextId = Math.max(this.nextId, id + 1);
    for (const sub of [...((c.phone_numbers as Json[] | undefined) ?? []), ...((c.email_addresses as Json[] | undefined) ?? [])])
      if (typeof sub.id === 'number') this.nextSubId = Math.max(this.nextSubId, sub.id + 1);
    return c;
  }

  /**
   * Apply writable fields. A flat phone/email field is stored as sent and replaces the nested
   * record it feeds (the one carrying its contact_field id); a blank one removes it.
   */
  apply(c: Json, body: Json): void {
    const now = this.stamp();
    for (const [k, v] of Object.entries(body)) {
      if (k === 'home_phone_number' || k === 'mobile_phone_number') {
        const field = CALLTOOLS_CONTACT_FIELDS[k];
        const phones = ((c.phone_numbers as Json[] | undefined) ?? []).filter((p) => p.contact_field !== field);
        const d = digits(String(v ?? ''));
        if (d)
          phones.push({
            id: this.nextSubId++,
            account_id: 7,
            contact: c.id,
            destination: null,
            contact_field: field,
            e164_country_code: 1,
            phone_number: d,
            area_code: d.slice(0, 3),
            do_not_contact: false,
            is_fdnc: false,
            is_mobile: k === 'mobile_phone_number',
            time_zone: null,
            created_on: now,
            created_by: API_USER,
            modified_on: now,
            modified_by: API_USER,
          });
        c.phone_numbers = phones;
        c[k] = v;
      } else if (k === 'personal_email_address') {
        const field = CALLTOOLS_CONTACT_FIELDS[k];
        const emails = ((c.email_addresses as Json[] | undefined) ?? []).filter((e) => e.contact_field !== field);
        if (String(v ?? '').trim())
          emails.push({
            id: this.nextSubId++,
            account_id: 7,
            contact: c.id,
            contact_field: field,
            email: String(v).trim(),
            do_not_contact: false,
            created_on: now,
            created_by: API_USER,
            modified_on: now,
            modified_by: API_USER,
          });
        c.email_addresses = emails;
        c[k] = v;
      } else if (k === 'add_tags') c.tags = [...new Set([...((c.tags as number[] | null) ?? []), ...(v as number[])])];
      else if (k === 'remove_tags') c.tags = ((c.tags as number[] | null) ?? []).filter((t) => !(v as number[]).includes(t));
      else if (k === 'add_buckets')
        c.buckets =
          body.remove_from_other_buckets_on_add === true
            ? [...(v as number[])]
            : [...new Set([...((c.buckets as number[] | null) ?? []), ...(v as number[])])];
      else if (k === 'remove_buckets') c.buckets = ((c.buckets as number[] | null) ?? []).filter((t) => !(v as number[]).includes(t));
      else if (k === 'remove_from_other_buckets_on_add') continue;
      else c[k] = v;
    }
    c.modified_on = now;
    c.modified_by = API_USER;
  }

  findByPhone(phone: string): Json | undefined {
    const d = digits(phone);
    if (!d) return undefined;
    for (const c of this.contacts.values())
      if (((c.phone_numbers as Json[] | undefined) ?? []).some((p) => digits(String(p.phone_number)) === d)) return c;
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

const UUID_RE = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;
// DRF's DateTimeField takes ISO 8601; docs/vendors/calltools.md gives the input form YYYY-MM-DD[ HH:MM:SS].
const DATETIME_RE = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

/** DRF's field errors for a body, by the document's types; null when it may go. */
function validate(body: Json): Record<string, string[]> | null {
  const errors: Record<string, string[]> = {};
  for (const [k, v] of Object.entries(body)) {
    const f = CALLTOOLS_SCHEMA[k];
    if (!f) continue;
    const err = (m: string) => void (errors[k] = [m]);
    if (v === null) {
      if (!f.nullable) err('This field may not be null.');
      continue;
    }
    if (f.type === 'string') {
      if (typeof v !== 'string' && typeof v !== 'number') err('Not a valid string.');
      else if (f.choices && !f.choices.includes(String(v)) && !(String(v) === '' && f.nullable))
        err(`"${String(v)}" is not a valid choice.`);
      else if (String(v).trim() === '' && f.min) err('This field may not be blank.');
      else if (f.max !== undefined && String(v).length > f.max) err(`Ensure this field has no more than ${f.max} characters.`);
    } else if (f.type === 'integer') {
      if (!(typeof v === 'number' && Number.isInteger(v)) && !(typeof v === 'string' && /^-?\d+$/.test(v)))
        err('A valid integer is required.');
    } else if (f.type === 'boolean') {
      if (typeof v !== 'boolean' && !['true', 'false', '1', '0', 1, 0].includes(v as string)) err('Must be a valid boolean.');
    } else if (f.type === 'date') {
      if (typeof v !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(v) || Number.isNaN(Date.parse(v)))
        err('Date has wrong format. Use one of these formats instead: YYYY-MM-DD.');
    } else if (f.type === 'datetime') {
      if (typeof v !== 'string' || !DATETIME_RE.test(v) || Number.isNaN(Date.parse(v.replace(' ', 'T'))))
        err('Datetime has wrong format. Use one of these formats instead: YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z].');
    } else if (f.type === 'uuid') {
      if (typeof v !== 'string' || !UUID_RE.test(v)) err('Must be a valid UUID.');
    } else if (f.type === 'intlist') {
      if (!Array.isArray(v)) err(`Expected a list of items but got type "${typeof v === 'string' ? 'str' : typeof v}".`);
      else if (v.some((x) => !Number.isInteger(x))) err('A valid integer is required.');
    }
  }
  return Object.keys(errors).length ? errors : null;
}

export interface CallToolsSandbox {
  server: SandboxServer;
  baseUrl: string;
  credentials: CallToolsSandboxCredentials;
  seeded: { key: string; remoteId: string }[];
  store: CallToolsStore;
}

export async function startCallToolsSandbox(
  opts: { faults?: Faults; seed?: number; contacts?: SeedContact[] } = {},
): Promise<CallToolsSandbox> {
  const clock = new SimClock();
  const store = new CallToolsStore(clock);
  const token = createHash('sha1')
    .update(`calltools-${opts.seed ?? 1}`)
    .digest('hex'); // 40 hex, like a real key
  const rng = createRng(opts.seed ?? 1);
  const seeded = (opts.contacts ?? []).map(({ key, contact, updatedAgoMs }) => {
    // The population may give a person more numbers than CallTools' two phone fields and one
    // email field hold; seed what a CallTools user could have typed.
    const c = clock.at(updatedAgoMs ?? 0, () =>
      store.create(
        canonicalToCallTools(
          {
            ...contact,
            ...(contact.phones ? { phones: contact.phones.slice(0, 2) } : {}),
            ...(contact.emails ? { emails: contact.emails.slice(0, 1) } : {}),
          },
          { forCreate: true },
        ),
      ),
    );
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
      if (!b || typeof b !== 'object' || Array.isArray(b))
        return { error: { status: 400, body: { non_field_errors: ['Invalid data. Expected a dictionary, but got list.'] } } };
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
      // DRF PageNumberPagination: a page_size that is not a positive integer falls back to the
      // default (25), one above the maximum is cut to it (250); a page that is not a number, is
      // below 1 or past the last page is 404 {"detail":"Invalid page."} (page 1 of an empty list
      // is an empty page); "last" is the last page.
      const sizeParam = req.query.get('page_size') ?? '';
      const size = /^\d+$/.test(sizeParam) && Number(sizeParam) > 0 ? Math.min(250, Number(sizeParam)) : 25;
      let all = store.contacts.ordered('id', (a, b) => (a.id as number) - (b.id as number));
      const fn = req.query.get('first_name');
      if (fn) all = all.filter((c) => String(c.first_name ?? '').toLowerCase() === fn.toLowerCase());
      const pages = Math.max(1, Math.ceil(all.length / size));
      const pageParam = req.query.get('page') ?? '1';
      const page = pageParam === 'last' ? pages : /^\d+$/.test(pageParam) ? Number(pageParam) : NaN;
      if (!(page >= 1 && page <= pages)) return { status: 404, body: { detail: 'Invalid page.' } };
      const base = `http://${req.headers.host}/api/contacts/`;
      const link = (p: number) => `${base}?page=${p}&page_size=${size}`;
      return {
        status: 200,
        body: {
          count: all.length,
          next: page < pages ? link(page + 1) : null,
          previous: page > 1 ? link(page - 1) : null,
          results: all.slice((page - 1) * size, page * size),
        },
      };
    })
    .on('POST', '/api/contacts/', (req) => {
      const denied = auth(req);
      if (denied) return denied;
      const b = parseBody(req);
      if ('error' in b) return b.error;
      const body = writable(b.body);
      const errors = validate(body);
      if (errors) return { status: 400, body: errors };
      // Duplicate mode "Overwrite": the phone is matched and the fields sent overwrite, blanks
      // included (docs/vendors/calltools.md: "Blank fields overwrite existing values").
      const match = [body.mobile_phone_number, body.home_phone_number]
        .map((p) => (p ? store.findByPhone(String(p)) : undefined))
        .find(Boolean);
      if (match) {
        store.apply(match, body);
        return { status: 200, body: { duplicate_contacts: [match.id], duplicate_action: 'MERGE' } };
      }
      return { status: 201, body: store.create(body) };
    })
    .on('GET', '/api/contacts/:id/', (req) => {
      const denied = auth(req);
      if (denied) return denied;
      return getContact(req.params.id!) ? { status: 200, body: getContact(req.params.id!)! } : notFound;
    })
    .on('PATCH', '/api/contacts/:id/', (req) => update(req))
    .on('PUT', '/api/contacts/:id/', (req) => update(req))
    .on('DELETE', '/api/contacts/:id/', (req) => {
      const denied = auth(req);
      if (denied) return denied;
      const c = getContact(req.params.id!);
      if (!c) return notFound;
      store.contacts.delete(c.id as number);
      return { status: 204 };
    });

  // PUT as PATCH: the document marks no top-level field required, and DRF's full update leaves
  // an omitted optional field as it is (it is absent from validated_data), so the two agree.
  function update(req: SandboxRequest): SandboxResponse {
    const denied = auth(req);
    if (denied) return denied;
    const c = getContact(req.params.id!);
    if (!c) return notFound;
    const b = parseBody(req);
    if ('error' in b) return b.error;
    const body = writable(b.body);
    const errors = validate(body);
    if (errors) return { status: 400, body: errors };
    store.apply(c, body);
    return { status: 200, body: c };
  }

  const server = await startSandboxServer({
    router,
    seed: opts.seed,
    faults: opts.faults,
    hooks: {
      tooMany: (s) => ({
        status: 429,
        headers: { 'Retry-After': String(s) },
        body: { detail: `Request was throttled. Expected available in ${s} seconds.` },
      }),
      serverError: () => ({ status: 500, headers: { 'content-type': 'text/html; charset=utf-8' }, body: CALLTOOLS_HTML_500 }),
    },
    notFound: () => ({
      status: 404,
      headers: { 'content-type': 'text/html; charset=utf-8' },
      body: '<h1>Not Found</h1><p>The requested resource was not found on this server.</p>',
    }),
  });
  return { server, baseUrl: server.baseUrl, credentials: { token }, seeded, store };
}
