// MPDX simulator (docs/vendors/mpdx.md, the CruGlobal/mpdx_api behaviour): JSON:API with the
// application/vnd.api+json content type (415/406 otherwise), JWT auth (401 body as MPDX),
// page/per_page paging echoed as strings, filter[updated_at] ranges, and optimistic
// concurrency exactly as ApplicationRecord does it: updated_in_db_at must equal the stored
// updated_at in whole seconds or the answer is 409 (missing token: two errors); overwrite
// "true" skips the check. Contacts merge through /contacts/merges.
import { createHash } from 'node:crypto';
import { SimClock } from '../clock';
import type { Faults } from '../faults';
import type { SeedContact } from '../population-types';
import { Router, startSandboxServer, type SandboxRequest, type SandboxResponse, type SandboxServer } from '../server';
import { createRng, uuidStream } from '../rng';
import { signJwt, verifyJwt } from './jwt';
import { ACCOUNT_LIST_ID, isoSecond, MpdxStore, type Attrs, type MpdxType, type Row } from './store';
import { seedMpdx } from './seed';

// The sandbox hands out a JWT and the CAS ticket it came from, so the connector can show its
// re-authentication (real CAS tickets are single-use; the sandbox accepts its one ticket again).
export type MpdxSandboxCredentials = { jwt: string; casTicket: string };
const JSONAPI = 'application/vnd.api+json';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MODEL: Record<MpdxType, string> = {
  contacts: 'Contact',
  people: 'Person',
  phone_numbers: 'PhoneNumber',
  email_addresses: 'EmailAddress',
  addresses: 'Address',
};
const ADDRESS_LOCATIONS = ['Home', 'Business', 'Mailing', 'Seasonal', 'Other', 'Temporary', 'Rep Address'];
const CONTACT_STATUSES = [
  'Never Contacted',
  'Ask in Future',
  'Cultivate Relationship',
  'Contact for Appointment',
  'Appointment Scheduled',
  'Call for Decision',
  'Partner - Financial',
  'Partner - Special',
  'Partner - Pray',
  'Not Interested',
  'Unresponsive',
  'Never Ask',
  'Research Abandoned',
  'Expired Referral',
];

const EDITABLE_SOURCES = ['MPDX', 'TntImport', 'manual'];
const LOCKED_FIELDS: Partial<Record<MpdxType, string[]>> = {
  phone_numbers: ['number', 'location'],
  email_addresses: ['email', 'location'],
  addresses: ['street', 'city', 'state', 'postal_code', 'country', 'location'],
};
/**
 * Attribute types from the vendor's mpdx-phones.txt (phones) and docs/vendors/mpdx.md (emails, addresses take
 * the same kinds). The document types `number` as "number", but MPDX stores E.164 with a
 * `;ext=` suffix, which no JSON number can hold: a string or a number is taken and served as
 * a string. `country_code` is a number (a numeric string is taken, as Rails casts it).
 * Booleans must be JSON booleans; null is taken for every attribute ("Required: No").
 */
const TYPES: Partial<Record<MpdxType, Record<string, 'boolean' | 'string' | 'number' | 'date' | 'text-or-number'>>> = {
  phone_numbers: {
    country_code: 'number',
    created_at: 'date',
    historic: 'boolean',
    location: 'string',
    number: 'text-or-number',
    primary: 'boolean',
    source: 'string',
    updated_at: 'date',
    updated_in_db_at: 'date',
    valid_values: 'boolean',
    overwrite: 'boolean',
  },
  email_addresses: {
    email: 'string',
    location: 'string',
    primary: 'boolean',
    historic: 'boolean',
    source: 'string',
    valid_values: 'boolean',
    created_at: 'date',
    updated_at: 'date',
    updated_in_db_at: 'date',
    overwrite: 'boolean',
  },
  addresses: {
    historic: 'boolean',
    seasonal: 'boolean',
    primary_mailing_address: 'boolean',
    valid_values: 'boolean',
    location: 'string',
    source: 'string',
    overwrite: 'boolean',
  },
};
function typeErrors(type: MpdxType, a: Attrs): ErrorEntry[] {
  const want = TYPES[type] ?? {};
  const bad = Object.entries(a).filter(([k, v]) => {
    const t = want[k];
    if (!t || v === null || v === undefined) return false;
    // overwrite: the README's "stringifies to true" check runs before validation; "true" is fine.
    if (k === 'overwrite') return typeof v !== 'boolean' && typeof v !== 'string';
    // updated_in_db_at is parsed by the concurrency check itself (garbage there is its own 500).
    if (t === 'date') return k !== 'updated_in_db_at' && (typeof v !== 'string' || Number.isNaN(Date.parse(v)));
    if (t === 'boolean') return typeof v !== 'boolean';
    if (t === 'string') return typeof v !== 'string';
    if (t === 'number') return !(typeof v === 'number' || (typeof v === 'string' && /^\+?\d+$/.test(v.trim())));
    return typeof v !== 'string' && typeof v !== 'number';
  });
  return bad.map(([k]) => ({
    status: '400',
    source: { pointer: `/data/attributes/${k}` },
    title: `is not a valid ${want[k] === 'text-or-number' ? 'number' : want[k]}`,
    detail: `${k.replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase())} is not a valid ${want[k] === 'text-or-number' ? 'number' : want[k]}`,
  }));
}

type ErrorEntry = { status: string; source?: { pointer: string }; title: string; detail: string; meta?: Record<string, unknown> };
const doc = (status: number, body: unknown): SandboxResponse => ({ status, headers: { 'content-type': JSONAPI }, body: body as object });
const errors = (status: number, list: ErrorEntry[]): SandboxResponse => doc(status, { errors: list });
const notFound = (type: MpdxType, id: string): SandboxResponse =>
  errors(404, [{ status: '404', title: 'Not Found', detail: `Couldn't find ${MODEL[type]} with 'id'=${id}` }]);

export function serialize(store: MpdxStore, r: Row): Record<string, unknown> {
  const attributes: Record<string, unknown> = {
    ...r.attrs,
    created_at: isoSecond(r.createdAt),
    updated_at: isoSecond(r.updatedAt),
    updated_in_db_at: isoSecond(r.updatedAt),
  };
  if (r.type === 'people') attributes.parent_contacts = r.contactId ? [r.contactId] : [];
  const relationships: Record<string, unknown> = {};
  if (r.type === 'contacts') {
    relationships.account_list = { data: { id: ACCOUNT_LIST_ID, type: 'account_lists' } };
    relationships.people = { data: store.childrenOf('people', { contactId: r.id }).map((p) => ({ id: p.id, type: 'people' })) };
    relationships.addresses = { data: store.childrenOf('addresses', { contactId: r.id }).map((a) => ({ id: a.id, type: 'addresses' })) };
  }
  if (r.type === 'people') {
    relationships.phone_numbers = {
      data: store.childrenOf('phone_numbers', { personId: r.id }).map((p) => ({ id: p.id, type: 'phone_numbers' })),
    };
    relationships.email_addresses = {
      data: store.childrenOf('email_addresses', { personId: r.id }).map((p) => ({ id: p.id, type: 'email_addresses' })),
    };
  }
  return { id: r.id, type: r.type, attributes, ...(Object.keys(relationships).length ? { relationships } : {}) };
}

/** ApplicationRecord's check, to the letter. Returns the 409 entries, [] when the write may go ahead. */
export function concurrencyErrors(row: Row, attrs: Attrs): ErrorEntry[] | 'unparseable' {
  if (String(attrs.overwrite) === 'true') return [];
  const current = isoSecond(row.updatedAt);
  const pointer = { pointer: '/data/attributes/updated_in_db_at' };
  const out: ErrorEntry[] = [];
  const sent = attrs.updated_in_db_at;
  if (!('updated_in_db_at' in attrs)) {
    out.push({
      status: '409',
      source: pointer,
      title: 'has to be sent in the list of attributes in order to update resource',
      detail: 'Updated in db at has to be sent in the list of attributes in order to update resource',
      meta: { updated_in_db_at: current },
    });
  }
  let sentSec = 0; // nil.to_i
  if (sent !== undefined) {
    const t = typeof sent === 'string' && sent.trim() ? Date.parse(sent) : NaN;
    if (Number.isNaN(t)) return 'unparseable'; // Time.parse raises: an unrescued 500 (inferred)
    sentSec = Math.floor(t / 1000);
  }
  if (sentSec !== Math.floor(row.updatedAt / 1000)) {
    out.push({
      status: '409',
      source: pointer,
      title: `is not equal to the current value in the database (${current})`,
      detail: `Updated in db at is not equal to the current value in the database (${current})`,
      meta: { updated_in_db_at: current },
    });
  }
  return out;
}

/** First index in `rows` (ordered so that `past` turns true once and stays) where `past` holds. */
function firstIndex(rows: readonly Row[], past: (r: Row) => boolean): number {
  let lo = 0;
  let hi = rows.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (past(rows[mid]!)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** One side of a filter[updated_at] value as [first ms, last ms]: a day, or a time to the second. */
function pointOf(s: string): [number, number] | null {
  if (/^\d{4}-\d{2}-\d{2}$/.test(s)) return [Date.parse(`${s}T00:00:00Z`), Date.parse(`${s}T00:00:00Z`) + 86_399_999];
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}-\d{2}:\d{2}$/.test(s)) return pointOf(s.slice(0, 10)); // a -hh:mm offset falls back to the whole day
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|\+\d{2}:\d{2})$/.test(s)) return [Date.parse(s), Date.parse(s) + 999];
  return null;
}

/** filter[updated_at] as bounds in ms: `from` inclusive, `to` inclusive (A..B, one point) or exclusive (A...B). */
export function updatedAtRange(value: string): { from: number; to: number; endExclusive: boolean } | null {
  const m = /^(.+?)(\.\.\.?)(.+)$/.exec(value);
  if (m) {
    const a = pointOf(m[1]!);
    const b = pointOf(m[3]!);
    if (!a || !b) return null;
    return m[2] === '...' ? { from: a[0], to: b[0], endExclusive: true } : { from: a[0], to: b[1], endExclusive: false };
  }
  const p = pointOf(value);
  return p ? { from: p[0], to: p[1], endExclusive: false } : null;
}

/** filter[updated_at]: day, exact time, A..B inclusive, A...B end-exclusive (docs/vendors/mpdx.md). */
export function updatedAtFilter(value: string): ((ms: number) => boolean) | null {
  const r = updatedAtRange(value);
  return r ? (t) => t >= r.from && (r.endExclusive ? t < r.to : t <= r.to) : null;
}

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
  const body = (
    req: SandboxRequest,
  ): { data?: { id?: string; type?: string; attributes?: Attrs; relationships?: Record<string, { data?: { id?: string } }> } } | null => {
    try {
      return JSON.parse(req.body) as never;
    } catch {
      return null;
    }
  };

  /**
   * One page of a collection: a whole type (served from the store's ordered index, so a page
   * costs what it holds) or a contact's or person's few children (sorted here).
   */
  function page(req: SandboxRequest, of: MpdxType | Row[]): SandboxResponse {
    const sort = req.query.get('sort') ?? 'created_at';
    const key = sort.replace(/^-/, '');
    const dir = sort.startsWith('-') ? -1 : 1;
    if (!['created_at', 'updated_at', 'name'].includes(key))
      return errors(400, [{ status: '400', title: 'Bad Request', detail: `Sorting by ${key} is not supported` }]);
    const f = req.query.get('filter[updated_at]');
    const test = f !== null ? updatedAtFilter(f) : null;
    if (f !== null && !test)
      return errors(400, [
        {
          status: '400',
          title: 'Bad Request',
          detail:
            "Wrong format of date range for filter 'updated_at', should follow 'YYYY-MM-DDTHH:MM:SSZ..YYYY-MM-DDTHH:MM:SSZ' for datetime range",
        },
      ]);
    const p = Number(req.query.get('page') ?? '1');
    const per = Number(req.query.get('per_page') ?? '25');
    let rows: readonly Row[];
    const from = (p - 1) * per;
    let total: number;
    if (typeof of === 'string' && key !== 'name' && dir > 0) {
      rows = store.inOrder(of, key as 'created_at' | 'updated_at');
      total = rows.length;
      const range = f !== null && key === 'updated_at' ? updatedAtRange(f) : null;
      if (range) {
        // The filter is a range of updated_at: two binary searches on the index.
        const lo = firstIndex(rows, (r) => r.updatedAt >= range.from);
        const hi = firstIndex(rows, (r) => (range.endExclusive ? r.updatedAt >= range.to : r.updatedAt > range.to));
        rows = rows.slice(lo, Math.max(lo, hi));
        total = rows.length;
      } else if (test) {
        rows = rows.filter((r) => test(r.updatedAt));
        total = rows.length;
      }
    } else {
      const list = typeof of === 'string' ? store.list(of) : [...of];
      list.sort(
        (a, b) =>
          dir *
            (key === 'updated_at'
              ? a.updatedAt - b.updatedAt
              : key === 'name'
                ? String(a.attrs.name).localeCompare(String(b.attrs.name))
                : a.createdAt - b.createdAt) || a.id.localeCompare(b.id),
      );
      rows = test ? list.filter((r) => test(r.updatedAt)) : list;
      total = rows.length;
    }
    const slice = rows.slice(from, from + per);
    const included: Record<string, unknown>[] = [];
    const inc = (req.query.get('include') ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    for (const r of slice) {
      if (r.type !== 'contacts') continue;
      const people = store.childrenOf('people', { contactId: r.id });
      if (inc.includes('people')) included.push(...people.map((x) => serialize(store, x)));
      if (inc.includes('addresses')) included.push(...store.childrenOf('addresses', { contactId: r.id }).map((x) => serialize(store, x)));
      for (const person of people) {
        if (inc.includes('people.phone_numbers'))
          included.push(...store.childrenOf('phone_numbers', { personId: person.id }).map((x) => serialize(store, x)));
        if (inc.includes('people.email_addresses'))
          included.push(...store.childrenOf('email_addresses', { personId: person.id }).map((x) => serialize(store, x)));
      }
    }
    return doc(200, {
      data: slice.map((r) => serialize(store, r)),
      ...(included.length ? { included } : {}),
      meta: {
        pagination: {
          page: req.query.has('page') ? String(p) : 1,
          per_page: req.query.has('per_page') ? String(per) : 25,
          total_count: total,
          total_pages: Math.max(1, Math.ceil(total / per)),
        },
        sort,
        filter: f !== null ? { updated_at: f } : {},
      },
    });
  }

  /** Update with the concurrency check; `validate` returns 400 entries for bad attributes. */
  function update(
    req: SandboxRequest,
    row: Row | undefined,
    type: MpdxType,
    id: string,
    validate: (a: Attrs) => ErrorEntry[] = () => [],
  ): SandboxResponse {
    if (!row) return notFound(type, id);
    const b = body(req);
    if (!b?.data || b.data.type !== type)
      return errors(409, [{ status: '409', title: 'Conflict', detail: `Resource type must be ${type}` }]);
    if (b.data.id !== undefined && b.data.id !== id)
      return errors(409, [{ status: '409', title: 'Conflict', detail: 'Resource id does not match the URL' }]);
    const attrs = { ...(b.data.attributes ?? {}) };
    for (const k of Object.keys(attrs))
      if (k === 'id' || /_id$/.test(k))
        return errors(409, [{ status: '409', title: 'Conflict', detail: `${k} is not allowed in attributes` }]);
    const conflict = concurrencyErrors(row, attrs);
    if (conflict === 'unparseable')
      return { status: 500, headers: { 'content-type': 'text/html' }, body: "<h1>We're sorry, but something went wrong.</h1>" };
    const invalid = validate(attrs);
    // Other validation errors ride along in the same 409 when the token is stale.
    if (conflict.length) return errors(409, [...conflict, ...invalid.map((e) => ({ ...e, status: '409' }))]);
    if (invalid.length) return errors(400, invalid);
    const { updated_in_db_at: _t, overwrite: _o, created_at: _c, updated_at: _u, ...rest } = attrs;
    const next = normalise(type, rest);
    const locked = sourceLocked(row, next);
    if (locked.length) return errors(400, locked);
    store.update(row, next);
    onePrimary(row);
    return doc(200, { data: serialize(store, row) });
  }

  /**
   * docs/vendors/mpdx.md: when `source` is not MPDX, TntImport or manual, a change to the number, email,
   * location or address fields fails. "Change" read as: a value different from the stored
   * one (sending the stored value again is no change). `primary` and `historic` stay open.
   */
  function sourceLocked(row: Row, next: Attrs): ErrorEntry[] {
    const fields = LOCKED_FIELDS[row.type];
    if (!fields || EDITABLE_SOURCES.includes(String(row.attrs.source ?? 'MPDX'))) return [];
    return fields
      .filter((f) => f in next && JSON.stringify(next[f] ?? null) !== JSON.stringify(row.attrs[f] ?? null))
      .map((f) => ({
        status: '400',
        source: { pointer: `/data/attributes/${f}` },
        title: 'cannot be changed because the source is not MPDX or TntImport',
        detail: `${f.replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase())} cannot be changed because the source is not MPDX or TntImport`,
      }));
  }

  /**
   * The document: "Ultimately there should only be one of these" primary numbers per owner.
   * A saved primary clears the flag on the owner's other phones (emails) with update_column,
   * so their updated_at does not move (docs/vendors/mpdx.md#optimistic-concurrency, HasPrimary). No primary is ever invented.
   */
  function onePrimary(row: Row): void {
    if ((row.type !== 'phone_numbers' && row.type !== 'email_addresses') || row.attrs.primary !== true) return;
    for (const r of store.childrenOf(row.type, { personId: row.personId! }).filter((x) => x.id !== row.id && x.attrs.primary === true))
      r.attrs.primary = false;
  }

  function create(
    req: SandboxRequest,
    type: MpdxType,
    parent: { contactId?: string; personId?: string },
    validate: (a: Attrs) => ErrorEntry[] = () => [],
  ): SandboxResponse {
    const b = body(req);
    if (!b?.data || b.data.type !== type)
      return errors(409, [{ status: '409', title: 'Conflict', detail: `Resource type must be ${type}` }]);
    const attrs = { ...(b.data.attributes ?? {}) };
    const invalid = validate(attrs);
    if (invalid.length) return errors(400, invalid);
    const { updated_in_db_at: _t, overwrite: _o, created_at: _c, updated_at: _u, ...rest } = attrs;
    const row = store.insert(type, defaults(type, normalise(type, rest)), parent);
    onePrimary(row);
    return doc(201, { data: serialize(store, row) });
  }

  const v400 = (field: string, title: string): ErrorEntry => ({
    status: '400',
    source: { pointer: `/data/attributes/${field}` },
    title,
    detail: `${field.replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase())} ${title}`,
  });
  const personRules = (a: Attrs): ErrorEntry[] =>
    'first_name' in a && !String(a.first_name ?? '').trim() ? [v400('first_name', "can't be blank")] : [];
  const contactRules = (a: Attrs): ErrorEntry[] => [
    ...('name' in a && !String(a.name ?? '').trim() ? [v400('name', "can't be blank")] : []),
    ...('status' in a && a.status !== null && !CONTACT_STATUSES.includes(String(a.status))
      ? [v400('status', 'is not included in the list')]
      : []),
  ];
  const phoneRules = (a: Attrs): ErrorEntry[] => [
    ...typeErrors('phone_numbers', a),
    ...('number' in a && !String(a.number ?? '').trim() ? [v400('number', "can't be blank")] : []),
  ];
  const emailRules =
    (personId: string, selfId?: string) =>
    (a: Attrs): ErrorEntry[] => {
      const typed = typeErrors('email_addresses', a);
      if (typed.length) return typed;
      if (!('email' in a)) return [];
      const e = String(a.email ?? '')
        .trim()
        .toLowerCase();
      if (!e) return [v400('email', "can't be blank")];
      if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(e)) return [v400('email', 'is invalid')];
      const taken = store
        .childrenOf('email_addresses', { personId })
        .filter((x) => x.id !== selfId && String(x.attrs.email).toLowerCase() === e && x.attrs.source === (a.source ?? 'MPDX'));
      return taken.length ? [v400('email', 'has already been taken')] : [];
    };
  const addressRules = (a: Attrs): ErrorEntry[] =>
    typeErrors('addresses', a).length
      ? typeErrors('addresses', a)
      : 'location' in a && a.location !== null && !ADDRESS_LOCATIONS.includes(String(a.location))
        ? [v400('location', 'is not included in the list')]
        : [];

  const contactOf = (req: SandboxRequest): Row | undefined =>
    UUID.test(req.params.cid!) ? store.get('contacts', req.params.cid!) : undefined;
  const personOf = (req: SandboxRequest): Row | undefined => {
    const c = contactOf(req);
    const p = UUID.test(req.params.pid!) ? store.get('people', req.params.pid!) : undefined;
    return c && p && p.contactId === c.id ? p : undefined;
  };
  const child = (type: MpdxType, req: SandboxRequest, parent: Row | undefined): Row | undefined => {
    const r = UUID.test(req.params.id!) ? store.get(type, req.params.id!) : undefined;
    return r && parent && (r.personId === parent.id || r.contactId === parent.id) ? r : undefined;
  };
  const guarded = (h: (req: SandboxRequest) => SandboxResponse) => (req: SandboxRequest) => gate(req) ?? h(req);

  const router = new Router()
    .on('POST', '/api/v2/user/authenticate', (req) => {
      const b = body(req) as { data?: { attributes?: { cas_ticket?: string } } } | null;
      if (b?.data?.attributes?.cas_ticket !== casTicket) return unauthorized;
      return doc(200, { data: { id: null, type: 'authenticate', attributes: { json_web_token: issue() } } });
    })
    .on(
      'GET',
      '/api/v2/contacts',
      guarded((req) => page(req, 'contacts')),
    )
    .on(
      'POST',
      '/api/v2/contacts',
      guarded((req) => {
        const b = body(req);
        if (!b?.data?.relationships?.account_list?.data?.id) return errors(400, [v400('account_list', 'must exist')]);
        return create(req, 'contacts', {}, (a) => [
          ...(!String(a.name ?? '').trim() ? [v400('name', "can't be blank")] : []),
          ...contactRules(a),
        ]);
      }),
    )
    .on(
      'GET',
      '/api/v2/contacts/people',
      guarded((req) => page(req, 'people')),
    )
    .on(
      'POST',
      '/api/v2/contacts/merges',
      guarded((req) => {
        const b = body(req);
        const winner = store.get('contacts', String(b?.data?.relationships?.winner?.data?.id ?? ''));
        const loser = store.get('contacts', String(b?.data?.relationships?.loser?.data?.id ?? ''));
        if (!winner || !loser) return notFound('contacts', String(b?.data?.relationships?.winner?.data?.id ?? ''));
        for (const r of store.childrenOf('people', { contactId: loser.id })) store.reparent(r, winner.id);
        for (const r of store.childrenOf('addresses', { contactId: loser.id })) store.reparent(r, winner.id);
        store.remove(loser);
        store.update(winner, {});
        return doc(200, { data: serialize(store, winner) });
      }),
    )
    .on(
      'GET',
      '/api/v2/deleted_records',
      guarded((req) => {
        // docs/vendors/mpdx.md: filter[since_date], filter[types] (Contact,Task,Donation), paged like every list.
        const since = Date.parse(req.query.get('filter[since_date]') ?? '1970-01-01T00:00:00Z');
        if (!Number.isFinite(since))
          return errors(400, [{ status: '400', title: 'Bad Request', detail: "Wrong format of date for filter 'since_date'" }]);
        const types = (req.query.get('filter[types]') ?? '')
          .split(',')
          .map((t) => t.trim())
          .filter(Boolean);
        const all = store.deletedRecords.filter((d) => d.deletedAt >= since && (!types.length || types.includes(d.type)));
        const p = Math.max(1, Number(req.query.get('page') ?? '1') || 1);
        const per = Math.max(1, Number(req.query.get('per_page') ?? '25') || 25);
        const data = all.slice((p - 1) * per, p * per).map((d) => ({
          id: d.id,
          type: 'deleted_records',
          attributes: { deletable_id: d.id, deletable_type: d.type, deleted_at: isoSecond(d.deletedAt) },
        }));
        return doc(200, {
          data,
          meta: {
            pagination: {
              page: String(p),
              per_page: String(per),
              total_count: all.length,
              total_pages: Math.max(1, Math.ceil(all.length / per)),
            },
          },
        });
      }),
    )
    .on(
      'GET',
      '/api/v2/contacts/:cid',
      guarded((req) => (contactOf(req) ? doc(200, { data: serialize(store, contactOf(req)!) }) : notFound('contacts', req.params.cid!))),
    )
    .on(
      'PUT',
      '/api/v2/contacts/:cid',
      guarded((req) => update(req, contactOf(req), 'contacts', req.params.cid!, contactRules)),
    )
    .on(
      'PATCH',
      '/api/v2/contacts/:cid',
      guarded((req) => update(req, contactOf(req), 'contacts', req.params.cid!, contactRules)),
    )
    .on(
      'DELETE',
      '/api/v2/contacts/:cid',
      guarded((req) => (contactOf(req) ? (store.remove(contactOf(req)!), { status: 204 }) : notFound('contacts', req.params.cid!))),
    )
    .on(
      'GET',
      '/api/v2/contacts/:cid/people',
      guarded((req) =>
        contactOf(req) ? page(req, store.childrenOf('people', { contactId: req.params.cid! })) : notFound('contacts', req.params.cid!),
      ),
    )
    .on(
      'POST',
      '/api/v2/contacts/:cid/people',
      guarded((req) =>
        contactOf(req)
          ? create(req, 'people', { contactId: req.params.cid }, (a) =>
              !String(a.first_name ?? '').trim() ? [v400('first_name', "can't be blank")] : [],
            )
          : notFound('contacts', req.params.cid!),
      ),
    )
    .on(
      'GET',
      '/api/v2/contacts/:cid/people/:pid',
      guarded((req) => (personOf(req) ? doc(200, { data: serialize(store, personOf(req)!) }) : notFound('people', req.params.pid!))),
    )
    .on(
      'PUT',
      '/api/v2/contacts/:cid/people/:pid',
      guarded((req) => update(req, personOf(req), 'people', req.params.pid!, personRules)),
    )
    .on(
      'PATCH',
      '/api/v2/contacts/:cid/people/:pid',
      guarded((req) => update(req, personOf(req), 'people', req.params.pid!, personRules)),
    )
    .on(
      'DELETE',
      '/api/v2/contacts/:cid/people/:pid',
      guarded((req) => (personOf(req) ? (store.remove(personOf(req)!), { status: 204 }) : notFound('people', req.params.pid!))),
    );

  for (const [path, type] of [
    ['phones', 'phone_numbers'],
    ['email_addresses', 'email_addresses'],
  ] as const) {
    const base = `/api/v2/contacts/:cid/people/:pid/${path}`;
    router
      .on(
        'GET',
        base,
        guarded((req) =>
          personOf(req) ? page(req, store.childrenOf(type, { personId: req.params.pid! })) : notFound('people', req.params.pid!),
        ),
      )
      .on(
        'POST',
        base,
        guarded((req) =>
          personOf(req)
            ? create(
                req,
                type,
                { personId: req.params.pid, contactId: req.params.cid },
                type === 'phone_numbers'
                  ? (a) => [...typeErrors(type, a), ...(!String(a.number ?? '').trim() ? [v400('number', "can't be blank")] : [])]
                  : (a) => [...(!('email' in a) ? [v400('email', "can't be blank")] : []), ...emailRules(req.params.pid!)(a)],
              )
            : notFound('people', req.params.pid!),
        ),
      )
      .on(
        'GET',
        `${base}/:id`,
        guarded((req) => {
          const r = child(type, req, personOf(req));
          return r ? doc(200, { data: serialize(store, r) }) : notFound(type, req.params.id!);
        }),
      )
      .on(
        'PUT',
        `${base}/:id`,
        guarded((req) =>
          update(
            req,
            child(type, req, personOf(req)),
            type,
            req.params.id!,
            type === 'phone_numbers' ? phoneRules : emailRules(req.params.pid!, req.params.id),
          ),
        ),
      )
      .on(
        'PATCH',
        `${base}/:id`,
        guarded((req) =>
          update(
            req,
            child(type, req, personOf(req)),
            type,
            req.params.id!,
            type === 'phone_numbers' ? phoneRules : emailRules(req.params.pid!, req.params.id),
          ),
        ),
      )
      .on(
        'DELETE',
        `${base}/:id`,
        guarded((req) => {
          const r = child(type, req, personOf(req));
          if (!r) return notFound(type, req.params.id!);
          store.remove(r);
          return { status: 204 };
        }),
      );
  }
  router
    .on(
      'GET',
      '/api/v2/contacts/:cid/addresses',
      guarded((req) =>
        contactOf(req) ? page(req, store.childrenOf('addresses', { contactId: req.params.cid! })) : notFound('contacts', req.params.cid!),
      ),
    )
    .on(
      'POST',
      '/api/v2/contacts/:cid/addresses',
      guarded((req) =>
        contactOf(req) ? create(req, 'addresses', { contactId: req.params.cid }, addressRules) : notFound('contacts', req.params.cid!),
      ),
    )
    .on(
      'PUT',
      '/api/v2/contacts/:cid/addresses/:id',
      guarded((req) => update(req, child('addresses', req, contactOf(req)), 'addresses', req.params.id!, addressRules)),
    )
    .on(
      'PATCH',
      '/api/v2/contacts/:cid/addresses/:id',
      guarded((req) => update(req, child('addresses', req, contactOf(req)), 'addresses', req.params.id!, addressRules)),
    )
    .on(
      'DELETE',
      '/api/v2/contacts/:cid/addresses/:id',
      guarded((req) => {
        const r = child('addresses', req, contactOf(req));
        if (!r) return notFound('addresses', req.params.id!);
        store.remove(r);
        return { status: 204 };
      }),
    );

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

/** What MPDX stores for what was sent: emails downcased, phones to E.164 (US default). */
function normalise(type: MpdxType, a: Attrs): Attrs {
  const out = { ...a };
  if (type === 'email_addresses' && typeof out.email === 'string') out.email = out.email.trim().toLowerCase();
  if (type === 'phone_numbers' && typeof out.country_code === 'string') out.country_code = Number(out.country_code.replace('+', ''));
  if (type === 'phone_numbers' && typeof out.number === 'number') out.number = `+${out.number}`;
  if (type === 'phone_numbers' && typeof out.number === 'string') {
    const [num, ext] = out.number.split(/\s*(?:x|ext\.?|;ext=)\s*/i);
    const d = (num ?? '').replace(/\D/g, '');
    const e164 = (num ?? '').trim().startsWith('+')
      ? `+${d}`
      : d.length === 10
        ? `+1${d}`
        : d.length === 11 && d.startsWith('1')
          ? `+${d}`
          : `+${d}`;
    out.number = ext ? `${e164};ext=${ext}` : e164;
  }
  return out;
}

function defaults(type: MpdxType, a: Attrs): Attrs {
  const common = { source: 'MPDX', valid_values: true };
  switch (type) {
    case 'contacts':
      return {
        status: null,
        likely_to_give: null,
        send_newsletter: null,
        greeting: null,
        notes: null,
        tag_list: [],
        timezone: null,
        pledge_amount: null,
        pledge_currency: 'USD',
        church_name: null,
        no_appeals: false,
        deceased: false,
        ...a,
      };
    case 'people':
      return {
        first_name: null,
        middle_name: null,
        last_name: null,
        title: null,
        suffix: null,
        gender: null,
        marital_status: null,
        birthday_day: null,
        birthday_month: null,
        birthday_year: null,
        employer: null,
        occupation: null,
        deceased: false,
        optout_enewsletter: false,
        ...a,
      };
    case 'phone_numbers':
      // No defaults are documented for country_code or location: they stay empty until sent.
      return { country_code: null, location: null, primary: false, historic: false, ...common, ...a };
    case 'email_addresses':
      return { location: null, primary: false, historic: false, ...common, ...a };
    case 'addresses':
      return {
        street: null,
        city: null,
        state: null,
        postal_code: null,
        country: 'United States',
        region: null,
        metro_area: null,
        geo: null,
        location: 'Home',
        primary_mailing_address: true,
        historic: false,
        seasonal: false,
        remote_id: null,
        start_date: null,
        end_date: null,
        ...common,
        ...a,
      };
  }
}
