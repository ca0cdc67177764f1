// MPDX connector (docs/vendors/mpdx.md): JWT bearer auth (or a CAS ticket exchanged for one), JSON:API
// with application/vnd.api+json, page/per_page paging, incremental pulls by
// filter[updated_at] ranges with a lookback, and every update carrying the stored
// updated_in_db_at of the sub-resource it touches. A stale token comes back as 409; the
// connector reports it as a `conflict` naming the resource and the server's current value,
// and sends `overwrite: true` only when the caller says a person chose "keep mine".
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { CanonicalContact } from '../../../../shared/domain';
import { checkBaseUrl, joinUrl } from '../base-url';
import {
  transportOf,
  type Connector,
  type ConnectorOptions,
  type CreateOptions,
  type CreateProgress,
  type RemoteRecord,
  type WriteResult,
  type CreatePreview,
} from '../connector';
import { emailKey, hasStrongEvidence, strongMatch } from '../evidence';
import { VendorError } from '../errors';
import { PagingGuard, resolveLimits } from '../limits';
import { classifyStatus, httpRequest, parseJson, type HttpResponse } from '../http';
import { nodeFetch } from '../node-http-client';
import { sharedSignIn } from '../sign-in';
import { withRetry, type RetryOptions } from '../retry';
import { assertFields } from '../field-rules';
import { mpdxLocation, planChildren, type ChildIo } from './children';
import { lazyRecord } from '../lazy-record';
import { mapLimit } from '../map-limit';
import {
  addressAttrs,
  contactAttrs,
  isSourceLocked,
  mpdxNumber,
  phoneKey,
  MPDX_FIELDS,
  mpdxRemoteId,
  mpdxToCanonical,
  mpdxVersions,
  newestUpdate,
  personAttrs,
  primaryAddress,
  validateMpdx,
  type JsonApiResource,
  type MpdxBundle,
} from './mapping';

export const MPDX_DEFAULT_BASE_URL = 'https://api.mpdx.org';
export const mpdxCredentialsSchema = z
  .object({
    // MPDX's JWT (HS256, from /user/authenticate) is header.payload.signature in base64url.
    jwt: z
      .string()
      .regex(
        /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/,
        'a JSON web token is three base64url parts joined by dots (header.payload.signature)',
      )
      .optional(),
    casTicket: z
      .string()
      .regex(/^\S{3,}$/, 'a CAS ticket is one word (e.g. ST-…), without spaces')
      .optional(),
    accountListId: z.string().optional(),
  })
  .refine((c) => c.jwt || c.casTicket, 'MPDX needs "jwt" (a JSON web token) or "casTicket" (a CAS ticket), or both');
export type MpdxCredentials = z.infer<typeof mpdxCredentialsSchema>;

const NAME = 'MPDX';
const JSONAPI = 'application/vnd.api+json';
const INCLUDE = 'people,addresses,people.phone_numbers,people.email_addresses';
/** Incremental pulls look back this far: MPDX compares whole seconds and clocks drift. */
export const MPDX_LOOKBACK_MS = 5 * 60 * 1000;
const FAR_FUTURE = '9999-12-31T23:59:59Z';
/** Contacts read side by side in an incremental pull (MPDX cannot list contacts by id). */
const READ_CONCURRENCY = 4;
/**
 * Where a create marks its contact until the contact's id is stored, so an attempt whose answer
 * was lost can be found by it. MPDX keeps no external id on contacts and documents no search
 * but filter[updated_at]; Concord maps name, notes, tags and time zone, so those are never
 * used. `church_name` is a plain text field Concord does not sync; the marker sits there only
 * between the contact POST and the next request, which clears it.
 */
const MARKER_FIELD = 'church_name';
export const markerFor = (idempotencyKey: string): string =>
  `concord:${createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 16)}`;
const ADDRESS_KEYS = ['street', 'city', 'state', 'postal_code', 'country'] as const;
/** Digits of a number as MPDX stores it (E.164, `;ext=` suffix dropped; a bare 10-digit number is US). */
const mpdxDigits = (n: unknown): string => {
  const d = String(n ?? '')
    .split(';')[0]!
    .replace(/\D/g, '');
  return d.length === 10 ? `1${d}` : d;
};
const isoSecond = (d: Date): string => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

export interface MpdxConnector extends Connector {
  /** MPDX's own contact merge (POST /contacts/merges): the loser is destroyed. */
  mergeContacts(winnerContactId: string, loserContactId: string): Promise<void>;
}

export interface MpdxOptions extends ConnectorOptions<MpdxCredentials> {
  pageSize?: number;
}

type Doc = {
  data?: unknown;
  included?: JsonApiResource[];
  errors?: { status?: string; title?: string; detail?: string; source?: { pointer?: string }; meta?: { updated_in_db_at?: string } }[];
  meta?: { pagination?: { total_pages?: unknown; total_count?: unknown } };
};

/** What a list page says of itself, for the paging guard: its ids, whether more follow, the stated totals. */
function pageFacts(
  d: Doc,
  page: number,
  ids: string[],
): { at: string; ids: string[]; more: boolean; statedPages?: number; statedTotal?: number } {
  const p = d.meta?.pagination;
  const pages = Number(p?.total_pages ?? 1);
  const total = Number(p?.total_count);
  return {
    at: String(page),
    ids,
    more: page < pages,
    statedPages: Number.isFinite(pages) ? pages : undefined,
    statedTotal: Number.isFinite(total) ? total : undefined,
  };
}

export function createMpdxConnector(opts: MpdxOptions): MpdxConnector {
  const base = checkBaseUrl(opts.baseUrl || MPDX_DEFAULT_BASE_URL).toString();
  const creds = mpdxCredentialsSchema.parse(opts.credentials);
  const fetchImpl = opts.fetch ?? nodeFetch;
  const net = transportOf(opts, NAME);
  const limits = resolveLimits(opts.limits);
  const region = opts.defaultRegion ?? 'US';
  const perPage = opts.pageSize ?? Number(opts.settings?.pageSize ?? 100);
  const now = opts.now ?? (() => new Date());
  let jwt = creds.jwt ?? null;
  let accountListId = creds.accountListId ?? (opts.settings?.accountListId as string | undefined) ?? null;

  const authenticate = sharedSignIn(signInAuthenticate);
  async function signInAuthenticate(): Promise<string> {
    if (!creds.casTicket)
      throw new VendorError({
        kind: 'auth',
        message: `${NAME} refused the token and there is no CAS ticket to get a new one; sign in again`,
      });
    const res = await httpRequest(fetchImpl, {
      ...net,
      method: 'POST',
      url: joinUrl(base, '/api/v2/user/authenticate'),
      headers: { 'Content-Type': JSONAPI, Accept: JSONAPI },
      body: JSON.stringify({ data: { type: 'authenticate', attributes: { cas_ticket: creds.casTicket } } }),
    });
    if (res.status !== 200)
      throw new VendorError({
        kind: res.status >= 500 ? 'transient' : 'auth',
        status: res.status,
        message: `${NAME} refused the CAS ticket (HTTP ${res.status})`,
      });
    const token = parseJson<{ data?: { attributes?: { json_web_token?: unknown } } }>(res, NAME)?.data?.attributes?.json_web_token;
    if (typeof token !== 'string') throw new VendorError({ kind: 'malformed', message: `${NAME} sent no json_web_token` });
    jwt = token;
    return token;
  }

  async function call(
    method: string,
    path: string,
    body?: unknown,
    ok: number[] = [200],
    resource?: string,
    retry: RetryOptions | undefined = opts.retry,
  ): Promise<Doc> {
    return withRetry(async () => {
      let res: HttpResponse | null = null;
      for (let attempt = 0; attempt < 2; attempt++) {
        const token = jwt ?? (await authenticate());
        res = await httpRequest(fetchImpl, {
          ...net,
          method,
          url: joinUrl(base, path),
          headers: { Authorization: `Bearer ${token}`, Accept: JSONAPI, ...(body ? { 'Content-Type': JSONAPI } : {}) },
          body: body ? JSON.stringify(body) : undefined,
        });
        if (res.status !== 401 || !creds.casTicket) break;
        jwt = null; // no refresh in MPDX: exchange the ticket again, once
      }
      const r = res!;
      if (ok.includes(r.status)) return r.status === 204 || !r.text ? {} : (parseJson<Doc>(r, NAME) ?? {});
      const d = safeJson(r.text) as Doc | null;
      const errs = d?.errors ?? [];
      if (r.status === 409) {
        const stale = errs.find((e) => e.source?.pointer === '/data/attributes/updated_in_db_at');
        if (stale) {
          return Promise.reject(
            new VendorError({
              kind: 'conflict',
              status: 409,
              resource,
              currentVersion: stale.meta?.updated_in_db_at,
              message: `${NAME} ${resource ?? 'record'} changed since it was read (${stale.title})`,
              fieldErrors: fieldErrorsOf(errs),
            }),
          );
        }
        return Promise.reject(
          new VendorError({
            kind: 'validation',
            status: 409,
            resource,
            message: `${NAME} refused the change: ${errs.map((e) => e.detail ?? e.title).join('; ')}`,
          }),
        );
      }
      if (r.status === 400) {
        return Promise.reject(
          new VendorError({
            kind: 'validation',
            status: 400,
            resource,
            fieldErrors: fieldErrorsOf(errs),
            message: `${NAME} refused the change: ${errs.map((e) => e.detail ?? e.title).join('; ') || 'HTTP 400'}`,
          }),
        );
      }
      if (r.status === 404)
        return Promise.reject(
          new VendorError({ kind: 'not_found', status: 404, resource, message: errs[0]?.detail ?? `${NAME}: not found` }),
        );
      if (r.status === 415 || r.status === 406)
        return Promise.reject(
          new VendorError({ kind: 'malformed', status: r.status, message: `${NAME} refused the request format (HTTP ${r.status})` }),
        );
      return Promise.reject(
        classifyStatus(r, NAME) ??
          new VendorError({
            kind: 'malformed',
            status: r.status,
            message: `${NAME} answered HTTP ${r.status} unexpectedly`,
            bodyExcerpt: r.text.slice(0, 300),
          }),
      );
    }, retry);
  }

  const asList = (d: Doc): JsonApiResource[] => {
    if (!Array.isArray(d.data)) throw new VendorError({ kind: 'malformed', message: `${NAME} sent a list without "data"` });
    return d.data as JsonApiResource[];
  };
  const asOne = (d: Doc): JsonApiResource => {
    const r = d.data as JsonApiResource | undefined;
    if (!r || typeof r !== 'object' || typeof r.id !== 'string')
      throw new VendorError({ kind: 'malformed', message: `${NAME} sent a resource without an id` });
    return r;
  };

  /** Person bundles from a contacts page with its `included` resources. */
  function bundlesOf(d: Doc): MpdxBundle[] {
    const byId = new Map((d.included ?? []).map((r) => [`${r.type}:${r.id}`, r]));
    const rel = (r: JsonApiResource, name: string, type: string): JsonApiResource[] => {
      const data = r.relationships?.[name]?.data;
      return (Array.isArray(data) ? data : []).map((x) => byId.get(`${type}:${x.id}`)).filter((x): x is JsonApiResource => !!x);
    };
    const out: MpdxBundle[] = [];
    for (const contact of asList(d)) {
      const addresses = rel(contact, 'addresses', 'addresses');
      for (const person of rel(contact, 'people', 'people')) {
        out.push({
          contact,
          person,
          addresses,
          phones: rel(person, 'phone_numbers', 'phone_numbers'),
          emails: rel(person, 'email_addresses', 'email_addresses'),
        });
      }
    }
    return out;
  }

  async function readBundle(remoteId: string): Promise<MpdxBundle> {
    const [cid, pid] = splitId(remoteId);
    // Five independent reads, sent side by side.
    const [contact, person, phones, emails, addresses] = await Promise.all([
      call('GET', `/api/v2/contacts/${cid}`, undefined, [200], 'contact').then(asOne),
      call('GET', `/api/v2/contacts/${cid}/people/${pid}`, undefined, [200], 'person').then(asOne),
      call('GET', `/api/v2/contacts/${cid}/people/${pid}/phones?per_page=100`).then(asList),
      call('GET', `/api/v2/contacts/${cid}/people/${pid}/email_addresses?per_page=100`).then(asList),
      call('GET', `/api/v2/contacts/${cid}/addresses?per_page=100`).then(asList),
    ]);
    return { contact, person, phones, emails, addresses };
  }

  async function contactBundles(cid: string): Promise<MpdxBundle[]> {
    const people = asList(await call('GET', `/api/v2/contacts/${cid}/people?per_page=100`));
    return Promise.all(people.map((p) => readBundle(`${cid}/${p.id}`)));
  }

  const toRecord = (b: MpdxBundle): RemoteRecord => lazyRecord(mpdxRemoteId(b), b, mpdxVersions(b), () => mpdxToCanonical(b, region));

  const write = (
    type: string,
    id: string | undefined,
    attributes: Record<string, unknown>,
    token: string | undefined,
    overwrite: boolean,
  ) => ({
    data: {
      type,
      ...(id ? { id } : {}),
      attributes: { ...attributes, ...(token !== undefined ? { updated_in_db_at: token } : {}), ...(overwrite ? { overwrite: true } : {}) },
    },
  });

  /** A child's requests: PUTs carry its own token; a POST is sent once (a lost answer is looked for, not re-sent). */
  const childIo = (path: string, type: string, key: string, overwrite: boolean): ChildIo => ({
    put: async (id, attrs, token) => {
      try {
        await call('PUT', `${path}/${id}`, write(type, id, attrs, token, overwrite), [200], `${key}:${id}`);
      } catch (e) {
        // Another user removed it (MPDX hard-deletes phones and emails): retiring it is done;
        // changing it is a conflict for the person, never a silent re-create.
        if (!(e instanceof VendorError && e.kind === 'not_found')) throw e;
        if (attrs.historic === true) return;
        throw new VendorError({
          kind: 'conflict',
          status: 404,
          resource: `${key}:${id}`,
          message: `${NAME} ${key} was removed by someone else since it was read`,
        });
      }
    },
    post: async (attrs) => void (await call('POST', path, write(type, undefined, attrs, undefined, false), [201], key, ONCE)),
    list: async () => asList(await call('GET', `${path}?per_page=100`)),
  });

  /**
   * The shown address: changed with its token, retired (historic) when the person removed it
   * (MPDX keeps its history; a DELETE would hide it for good), or added once: an address
   * already there with the same parts (an earlier attempt's POST) is not posted again.
   */
  async function writeAddress(
    cid: string,
    address: CanonicalContact['address'] | null,
    current: JsonApiResource | undefined,
    v: Record<string, string>,
    overwrite: boolean,
  ): Promise<void> {
    const path = `/api/v2/contacts/${cid}/addresses`;
    if (address && current) {
      await call(
        'PUT',
        `${path}/${current.id}`,
        write('addresses', current.id, addressAttrs(address), v[`address:${current.id}`], overwrite),
        [200],
        `address:${current.id}`,
      );
    } else if (address) {
      const attrs = addressAttrs(address);
      const there = asList(await call('GET', `${path}?per_page=100`)).find(
        (r) =>
          r.attributes.deleted !== true &&
          r.attributes.historic !== true &&
          ADDRESS_KEYS.every((f) => (r.attributes[f] ?? null) === (attrs[f] ?? null)),
      );
      if (!there)
        await call(
          'POST',
          path,
          write('addresses', undefined, { ...attrs, location: 'Home', primary_mailing_address: true }, undefined, false),
          [201],
          'address',
          ONCE,
        );
    } else if (current) {
      const retire = { historic: true, ...(current.attributes.primary_mailing_address === true ? { primary_mailing_address: false } : {}) };
      await childIo(path, 'addresses', 'address', overwrite).put(
        current.id,
        retire,
        v[`address:${current.id}`] ?? String(current.attributes.updated_in_db_at ?? ''),
      );
    }
  }

  /** Ids of the contacts MPDX tombstoned since `from` (GET /api/v2/deleted_records, every page). */
  async function deletedContacts(from: string): Promise<string[]> {
    const out: string[] = [];
    const guard = new PagingGuard(NAME, { pageSize: perPage, limits, what: 'deleted records' });
    for (let page = 1; ; page++) {
      const d = await call(
        'GET',
        `/api/v2/deleted_records?filter[since_date]=${encodeURIComponent(from)}&filter[types]=Contact&page=${page}&per_page=${perPage}`,
      );
      guard.page(
        pageFacts(
          d,
          page,
          asList(d).map((r) => r.id),
        ),
      );
      for (const r of asList(d)) {
        const a = r.attributes ?? {};
        if (String(a.deletable_type ?? 'Contact') === 'Contact' && typeof a.deletable_id === 'string') out.push(a.deletable_id);
      }
      if (page >= Number(d.meta?.pagination?.total_pages ?? 1)) return out;
    }
  }

  async function ensureAccountList(): Promise<string> {
    if (accountListId) return accountListId;
    const page = asList(await call('GET', '/api/v2/contacts?per_page=1'));
    const rel = page[0]?.relationships?.account_list?.data as { id?: string } | undefined;
    if (!rel?.id)
      throw new VendorError({
        kind: 'validation',
        message: `${NAME}: set the account list to create contacts in (no contact to learn it from)`,
      });
    accountListId = rel.id;
    return rel.id;
  }

  async function getOrNull(path: string, resource: string): Promise<JsonApiResource | null> {
    try {
      return asOne(await call('GET', path, undefined, [200], resource));
    } catch (e) {
      if (e instanceof VendorError && e.kind === 'not_found') return null;
      throw e;
    }
  }

  async function listOrNull(path: string): Promise<JsonApiResource[] | null> {
    try {
      return asList(await call('GET', path, undefined, [200], 'contact'));
    } catch (e) {
      if (e instanceof VendorError && e.kind === 'not_found') return null;
      throw e;
    }
  }

  /** Our marked contact among those touched since the attempt started (minus the clock-skew lookback). */
  async function findMarked(marker: string, started: string): Promise<{ contact: JsonApiResource; bundle: MpdxBundle | null } | null> {
    const t = Date.parse(started);
    if (!Number.isFinite(t)) return null;
    const range = `filter[updated_at]=${encodeURIComponent(`${isoSecond(new Date(Math.max(0, t - MPDX_LOOKBACK_MS)))}..${FAR_FUTURE}`)}`;
    const guard = new PagingGuard(NAME, { pageSize: perPage, limits });
    for (let page = 1; ; page++) {
      const d = await call('GET', `/api/v2/contacts?include=${INCLUDE}&${range}&page=${page}&per_page=${perPage}&sort=-created_at`);
      guard.page(
        pageFacts(
          d,
          page,
          asList(d).map((r) => r.id),
        ),
      );
      const contact = asList(d).find((k) => k.attributes[MARKER_FIELD] === marker);
      if (contact) return { contact, bundle: bundlesOf(d).find((b) => b.contact.id === contact.id) ?? null };
      if (page >= Number(d.meta?.pagination?.total_pages ?? 1)) return null;
    }
  }

  /** Newest first, stopping at the first person sharing an exact email or phone. */
  async function scanForEvidence(contact: CanonicalContact): Promise<MpdxBundle | null> {
    if (!hasStrongEvidence(contact)) return null; // a name alone proves nothing: send again
    const guard = new PagingGuard(NAME, { pageSize: perPage, limits });
    for (let page = 1; ; page++) {
      const d = await call('GET', `/api/v2/contacts?include=${INCLUDE}&page=${page}&per_page=${perPage}&sort=-created_at`);
      guard.page(
        pageFacts(
          d,
          page,
          asList(d).map((r) => r.id),
        ),
      );
      const hit = bundlesOf(d).find((b) => strongMatch(contact, mpdxToCanonical(b, region)));
      if (hit) return hit;
      if (page >= Number(d.meta?.pagination?.total_pages ?? 1)) return null;
    }
  }

  /** The saga itself; `progress` is shared with the retries of create. */
  // Saga POSTs are sent once per run; create retries the whole saga, which looks first.
  const ONCE: RetryOptions = { ...opts.retry, maxRetries: 0 };
  async function createSteps(contact: CanonicalContact, progress: CreateProgress, options?: CreateOptions): Promise<WriteResult> {
    const step = async (name: string, id: string): Promise<void> => {
      progress[name] = id;
      await options?.onStep?.({ ...progress });
    };
    const marker = options?.idempotencyKey ? markerFor(options.idempotencyKey) : null;

    // 1. The contact: the stored id, else our marked contact from an attempt whose answer was lost, else a new one.
    let k: JsonApiResource | null = progress.contact ? await getOrNull(`/api/v2/contacts/${progress.contact}`, 'contact') : null;
    if (progress.contact && !k) {
      // Deleted on the server since (with all it held): start over.
      for (const key of Object.keys(progress)) delete progress[key];
    }
    if (!k && marker && progress.started) k = (await findMarked(marker, progress.started))?.contact ?? null;
    const oldContact = !!k;
    if (!k) {
      if (marker && !progress.started) await step('started', isoSecond(now()));
      const list = await ensureAccountList();
      const name = [contact.familyName, contact.givenName].filter(Boolean).join(', ') || contact.fullName || contact.company || 'Unnamed';
      const attributes = { name, ...contactAttrs(contact), ...(marker ? { [MARKER_FIELD]: marker } : {}) };
      k = asOne(
        await call(
          'POST',
          '/api/v2/contacts',
          { data: { type: 'contacts', attributes, relationships: { account_list: { data: { type: 'account_lists', id: list } } } } },
          [201],
          'contact',
          ONCE,
        ),
      );
    }
    const cid = k.id;
    if (progress.contact !== cid) await step('contact', cid);
    // The marker has done its job once the contact id is stored: take it off again.
    if (marker && k.attributes[MARKER_FIELD] === marker) {
      await call(
        'PUT',
        `/api/v2/contacts/${cid}`,
        write('contacts', cid, { [MARKER_FIELD]: null }, String(k.attributes.updated_in_db_at ?? ''), false),
        [200],
        'contact',
      );
    }

    // 2. The person: the stored id, else the one an unheard attempt put under our contact, else a new one.
    let pid = progress.person ?? null;
    if (!pid && oldContact)
      pid = asList(await call('GET', `/api/v2/contacts/${cid}/people?per_page=100`, undefined, [200], 'contact'))[0]?.id ?? null;
    const oldPerson = !!pid;
    if (!pid) {
      const given = contact.givenName ?? contact.fullName ?? String(k.attributes.name ?? 'Unnamed');
      pid = asOne(
        await call(
          'POST',
          `/api/v2/contacts/${cid}/people`,
          write('people', undefined, { first_name: given, ...personAttrs({ ...contact, givenName: given }) }, undefined, false),
          [201],
          'person',
          ONCE,
        ),
      ).id;
    }
    if (progress.person !== pid) await step('person', pid);

    // 3. Children. Under a person or contact from an earlier attempt, one that already holds
    // the same value is adopted instead of being sent again (no second copy, none lost).
    const base = `/api/v2/contacts/${cid}/people/${pid}`;
    const claimed = new Set(Object.values(progress));
    const adopt = async (path: string, same: (r: JsonApiResource) => boolean): Promise<string | null> => {
      const hit = asList(await call('GET', `${path}?per_page=100`)).find(
        (r) => !claimed.has(r.id) && r.attributes.deleted !== true && same(r),
      );
      return hit?.id ?? null;
    };
    const child = async (
      name: string,
      path: string,
      type: string,
      attrs: Record<string, unknown>,
      old: boolean,
      same: (r: JsonApiResource) => boolean,
    ): Promise<void> => {
      if (progress[name]) return;
      const id =
        (old ? await adopt(path, same) : null) ??
        asOne(await call('POST', path, write(type, undefined, attrs, undefined, false), [201], name.split(':')[0], ONCE)).id;
      claimed.add(id);
      await step(name, id);
    };
    for (const [i, ph] of (contact.phones ?? []).entries()) {
      const number = mpdxNumber(ph, region);
      await child(
        `phone:${i}`,
        `${base}/phones`,
        'phone_numbers',
        { number, location: ph.mobile ? 'mobile' : (mpdxLocation(ph.label) ?? 'home'), primary: i === primaryIndex(contact.phones!) },
        oldPerson,
        (r) => phoneKey(r.attributes.number) === phoneKey(number),
      );
    }
    for (const [i, e] of (contact.emails ?? []).entries()) {
      await child(
        `email:${i}`,
        `${base}/email_addresses`,
        'email_addresses',
        { email: e.address, location: mpdxLocation(e.label) ?? 'home', primary: i === primaryIndex(contact.emails!) },
        oldPerson,
        (r) => emailKey(String(r.attributes.email ?? '')) === emailKey(e.address),
      );
    }
    if (contact.address) {
      const attrs = addressAttrs(contact.address);
      await child(
        'address',
        `/api/v2/contacts/${cid}/addresses`,
        'addresses',
        { ...attrs, location: 'Home', primary_mailing_address: true },
        oldContact,
        (r) => ADDRESS_KEYS.every((f) => (r.attributes[f] ?? null) === (attrs[f] ?? null)),
      );
    }
    const remoteId = `${cid}/${pid}`;
    return { remoteId, record: await connector.read(remoteId) };
  }

  const connector: MpdxConnector = {
    vendor: 'mpdx',
    fields: MPDX_FIELDS,
    checksVersions: true,
    recordKey: (remoteId) => remoteId.split('/')[1] ?? remoteId,

    // Cursors: "full:<page>:<newest ms>" during a full scan, "since:<newest ms>" afterwards.
    async *pull(cursor, options) {
      // Incremental: "since:<ms>" to start, "inc:<since>:<c|p>:<page>:<newest>" to resume. Each
      // page is yielded (and committed) by itself, so a failure keeps the pages before it.
      const inc = !options?.full && cursor ? /^inc:(\d+):([cp]):(\d+):(\d+)$/.exec(cursor) : null;
      const since = inc ? Number(inc[1]) : !options?.full && cursor?.startsWith('since:') ? Number(cursor.slice(6)) : null;
      if (since !== null && Number.isFinite(since)) {
        const from = new Date(Math.max(0, since - MPDX_LOOKBACK_MS)).toISOString().replace(/\.\d{3}Z$/, 'Z');
        const range = `filter[updated_at]=${encodeURIComponent(`${from}..${FAR_FUTURE}`)}`;
        const contactIds = new Set<string>(); // read in this run already (a resumed run may re-read a few)
        let newest = inc ? Number(inc[4]) : since;
        const next = (phase: 'c' | 'p', page: number) => `inc:${since}:${phase}:${page}:${newest}`;
        // Contacts deleted or merged away since (MPDX tombstones contacts; people, phones and
        // emails have none, so only the daily full scan sees those). Read first, so a person
        // a merge moved is re-keyed as it arrives under the winner, not stored twice.
        if (!inc) {
          const deletedGroups = await deletedContacts(from);
          // The cursor stays where it was: a pull stopped after this page reads the tombstones again.
          if (deletedGroups.length) yield { records: [], deletedGroups, nextCursor: cursor, fullScan: false };
        }
        // Contacts that changed (their own edits and address saves) come with everything included…
        if (!inc || inc[2] === 'c') {
          const guard = new PagingGuard(NAME, { pageSize: perPage, limits, knownRecords: options?.knownRecords });
          for (let page = inc ? Number(inc[3]) : 1; ; page++) {
            const d = await call('GET', `/api/v2/contacts?include=${INCLUDE}&${range}&page=${page}&per_page=${perPage}&sort=updated_at`);
            guard.page(
              pageFacts(
                d,
                page,
                asList(d).map((r) => r.id),
              ),
            );
            const records: RemoteRecord[] = [];
            for (const b of bundlesOf(d)) {
              contactIds.add(b.contact.id);
              records.push(toRecord(b));
              newest = Math.max(newest, newestUpdate(b));
            }
            const last = page >= Number(d.meta?.pagination?.total_pages ?? 1);
            yield { records, nextCursor: last ? next('p', 1) : next('c', page + 1), fullScan: false };
            if (last) break;
          }
        }
        // …people that changed (a phone or email save touches only the person) are read by contact.
        const guard = new PagingGuard(NAME, { pageSize: perPage, limits, knownRecords: options?.knownRecords, what: 'people' });
        for (let page = inc?.[2] === 'p' ? Number(inc[3]) : 1; ; page++) {
          const d = await call('GET', `/api/v2/contacts/people?${range}&page=${page}&per_page=${perPage}&sort=updated_at`);
          guard.page(
            pageFacts(
              d,
              page,
              asList(d).map((r) => r.id),
            ),
          );
          const records: RemoteRecord[] = [];
          const cids: string[] = [];
          for (const p of asList(d)) {
            const cid = Array.isArray(p.attributes.parent_contacts) ? String(p.attributes.parent_contacts[0] ?? '') : '';
            if (cid && !contactIds.has(cid)) {
              contactIds.add(cid);
              cids.push(cid);
            }
          }
          // MPDX has no filter by id: each contact is read by itself, a few at a time.
          for (const bundles of await mapLimit(cids, READ_CONCURRENCY, contactBundles)) {
            for (const b of bundles) {
              records.push(toRecord(b));
              newest = Math.max(newest, newestUpdate(b));
            }
          }
          const last = page >= Number(d.meta?.pagination?.total_pages ?? 1);
          yield {
            records,
            nextCursor: last ? null : next('p', page + 1),
            fullScan: false,
            checkpoint: last ? `since:${newest}` : undefined,
          };
          if (last) return;
        }
      }
      const m = !options?.full && cursor ? /^full:(\d+):(\d+)$/.exec(cursor) : null;
      let page = m ? Number(m[1]) : 1;
      let newest = m ? Number(m[2]) : 0;
      // Proof of progress: new contacts on every page, within the pages and count MPDX states.
      const guard = new PagingGuard(NAME, { pageSize: perPage, limits, knownRecords: options?.knownRecords });
      for (;;) {
        const d = await call('GET', `/api/v2/contacts?include=${INCLUDE}&page=${page}&per_page=${perPage}&sort=created_at`);
        guard.page(
          pageFacts(
            d,
            page,
            asList(d).map((r) => r.id),
          ),
        );
        const bundles = bundlesOf(d);
        for (const b of bundles) newest = Math.max(newest, newestUpdate(b));
        const last = page >= Number(d.meta?.pagination?.total_pages ?? 1);
        yield {
          records: bundles.map(toRecord),
          nextCursor: last ? null : `full:${page + 1}:${newest}`,
          fullScan: true,
          checkpoint: last ? `since:${newest}` : undefined,
        };
        if (last) return;
        page++;
      }
    },

    async read(remoteId) {
      return toRecord(await readBundle(remoteId));
    },

    // A saga (connector.ts): `started` is stored before the first request, then each step's id
    // (`contact`, `person`, `phone:<i>`, `email:<i>`, `address`) as soon as it is known. Given
    // the progress of an interrupted attempt it resumes: stored ids are re-used, and a step that
    // may have landed unheard is looked up under our own contact/person before it is sent again.
    // The saga's requests, built from the same attributes createSteps sends; ids MPDX assigns on
    // the way are placeholders. The account list is the account's own (or learnt from a contact).
    previewCreate(contact) {
      const name = [contact.familyName, contact.givenName].filter(Boolean).join(', ') || contact.fullName || contact.company || 'Unnamed';
      const given = contact.givenName ?? contact.fullName ?? name;
      const base = '/api/v2/contacts/{contact}/people/{person}';
      const requests: CreatePreview['requests'] = [
        // The create's marker goes out with the contact and is taken off at once (MARKER_FIELD): shown, since it reaches MPDX.
        {
          method: 'POST',
          path: '/api/v2/contacts',
          body: {
            data: {
              type: 'contacts',
              attributes: { name, ...contactAttrs(contact), [MARKER_FIELD]: '{concord marker}' },
              relationships: { account_list: { data: { type: 'account_lists', id: accountListId ?? '{account list}' } } },
            },
          },
        },
        {
          method: 'PUT',
          path: '/api/v2/contacts/{contact}',
          body: write('contacts', '{contact}', { [MARKER_FIELD]: null }, '{updated_in_db_at}', false),
        },
        {
          method: 'POST',
          path: '/api/v2/contacts/{contact}/people',
          body: write('people', undefined, { first_name: given, ...personAttrs({ ...contact, givenName: given }) }, undefined, false),
        },
        ...(contact.phones ?? []).map((ph, i) => ({
          method: 'POST',
          path: `${base}/phones`,
          body: write(
            'phone_numbers',
            undefined,
            {
              number: mpdxNumber(ph, region),
              location: ph.mobile ? 'mobile' : (mpdxLocation(ph.label) ?? 'home'),
              primary: i === primaryIndex(contact.phones!),
            },
            undefined,
            false,
          ),
        })),
        ...(contact.emails ?? []).map((e, i) => ({
          method: 'POST',
          path: `${base}/email_addresses`,
          body: write(
            'email_addresses',
            undefined,
            { email: e.address, location: mpdxLocation(e.label) ?? 'home', primary: i === primaryIndex(contact.emails!) },
            undefined,
            false,
          ),
        })),
        ...(contact.address
          ? [
              {
                method: 'POST',
                path: '/api/v2/contacts/{contact}/addresses',
                body: write(
                  'addresses',
                  undefined,
                  { ...addressAttrs(contact.address), location: 'Home', primary_mailing_address: true },
                  undefined,
                  false,
                ),
              },
            ]
          : []),
      ];
      // MPDX requires a contact name and a person first name: never "Unnamed" for a person's add.
      return {
        requests,
        needs:
          contact.familyName || contact.givenName || contact.fullName || contact.company
            ? []
            : [{ key: 'name', label: 'Name', why: `${NAME} requires a name on every contact and person`, field: 'fullName' }],
      };
    },

    async create(contact: CanonicalContact, options?: CreateOptions): Promise<WriteResult> {
      assertValid(contact);
      const progress: CreateProgress = { ...(options?.progress ?? {}) };
      // A POST whose answer was a timeout or a 5xx may have landed: it is never re-sent blindly.
      // The whole saga is retried instead, from its progress, looking before each step it redoes.
      return withRetry(() => createSteps(contact, progress, options), opts.retry, { repeatable: true });
    },

    // Strong evidence only: the stored step ids, else our marker on a contact touched since the
    // attempt started. A saga record missing some value the create was to add is not returned:
    // null makes sync resume the saga with its progress, which adds what is missing. With no
    // progress at all (an attempt from before sagas) an exact email or phone on a person,
    // newest contacts first; with neither, null (a same-name person is not evidence).
    async findCreated(contact, { idempotencyKey, progress }) {
      let bundle: MpdxBundle | null = null;
      if (progress?.contact) {
        const people = await listOrNull(`/api/v2/contacts/${progress.contact}/people?per_page=100`);
        const pid = progress.person && people?.some((p) => p.id === progress.person) ? progress.person : people?.[0]?.id;
        if (pid) bundle = await readBundle(`${progress.contact}/${pid}`);
      } else if (progress?.started) {
        bundle = (await findMarked(markerFor(idempotencyKey), progress.started))?.bundle ?? null;
      } else {
        const hit = await scanForEvidence(contact);
        return hit ? toRecord(hit) : null;
      }
      return bundle && holdsEverything(bundle, contact) ? toRecord(bundle) : null;
    },

    async update(remoteId, patch, ctx) {
      assertValid(patch);
      const [cid, pid] = splitId(remoteId);
      const raw = ctx.raw as MpdxBundle | undefined;
      const bundle = raw?.contact && raw.person ? raw : await readBundle(remoteId);
      const v = { ...mpdxVersions(bundle), ...ctx.versions };
      const overwrite = ctx.overwrite === true;
      // Every refusal MPDX would give for a source-locked resource is found before any request.
      const current = primaryAddress(bundle);
      if (patch.address && current && isSourceLocked(current)) {
        throw new VendorError({
          kind: 'validation',
          resource: `address:${current.id}`,
          fieldErrors: { address: ['this address cannot be changed'] },
          message: `${NAME} cannot change this address: its source is ${String(current.attributes.source)}, and MPDX lets only MPDX, TntImport or manual addresses change`,
        });
      }
      const base = `/api/v2/contacts/${cid}/people/${pid}`;
      const phones =
        'phones' in patch
          ? planChildren(
              bundle.phones,
              patch.phones ?? [],
              v,
              { key: 'phone', attr: 'number', of: (x) => mpdxNumber(x, region), same: phoneKey },
              childIo(`${base}/phones`, 'phone_numbers', 'phone', overwrite),
            )
          : null;
      const emails =
        'emails' in patch
          ? planChildren(
              bundle.emails,
              patch.emails ?? [],
              v,
              {
                key: 'email',
                attr: 'email',
                of: (x) => x.address.trim().toLowerCase(),
                same: (e) =>
                  String(e ?? '')
                    .trim()
                    .toLowerCase(),
              },
              childIo(`${base}/email_addresses`, 'email_addresses', 'email', overwrite),
            )
          : null;
      // Contact first, person second, children last: child saves touch their parent's token.
      const ca = contactAttrs(patch);
      let contact = bundle.contact;
      let person = bundle.person;
      if (Object.keys(ca).length)
        contact = asOne(await call('PUT', `/api/v2/contacts/${cid}`, write('contacts', cid, ca, v.contact, overwrite), [200], 'contact'));
      const pa = personAttrs(patch);
      if (Object.keys(pa).length)
        person = asOne(
          await call('PUT', `/api/v2/contacts/${cid}/people/${pid}`, write('people', pid, pa, v.person, overwrite), [200], 'person'),
        );
      if ('address' in patch) await writeAddress(cid, patch.address ?? null, current, v, overwrite);
      await phones?.();
      await emails?.();
      // The answers to PUT contact and PUT person carry them as saved, and a person edit does
      // not touch its contact (docs/vendors/mpdx.md, "What moves a token"): with no child
      // written, the record is the bundle with those answers, and no read is needed. A child
      // save moves its parent's token, so then the record is read again.
      const children = 'address' in patch || phones !== null || emails !== null;
      return { remoteId, record: children ? await connector.read(remoteId) : toRecord({ ...bundle, contact, person }) };
    },

    async delete(remoteId) {
      const [cid, pid] = splitId(remoteId);
      const people = asList(await call('GET', `/api/v2/contacts/${cid}/people?per_page=100`, undefined, [200], 'contact'));
      if (!people.some((p) => p.id === pid)) throw new VendorError({ kind: 'not_found', message: `${NAME}: person not found` });
      // A Concord record is one MPDX *person*, so a delete removes that person only, even the
      // last one: the contact holds what Concord never showed (historic and other addresses,
      // pledges, donations, tasks, the people of its other records…), and MPDX tombstones
      // contacts but hard-deletes people, so a contact delete could not be undone either.
      await call('DELETE', `/api/v2/contacts/${cid}/people/${pid}`, undefined, [204], 'person');
    },

    async mergeContacts(winner, loser) {
      await call(
        'POST',
        '/api/v2/contacts/merges',
        {
          data: {
            type: 'contacts_merges',
            relationships: { winner: { data: { type: 'contacts', id: winner } }, loser: { data: { type: 'contacts', id: loser } } },
          },
        },
        [200],
        'contact',
      );
    },

    async mergeRecords(winner, loser) {
      const [wc] = splitId(winner);
      const [lc, lp] = splitId(loser);
      // One MPDX contact can hold several people: merging the contacts moves the loser's
      // person (with its phones and emails) under the winner; nothing a person typed is lost.
      if (wc !== lc) await connector.mergeContacts(wc, lc);
      return { loserRemoteId: `${wc}/${lp}` };
    },

    async testConnection() {
      const d = await call('GET', '/api/v2/contacts?per_page=1');
      asList(d);
      return { ok: true as const, detail: `Connected to ${NAME}` };
    },

    validate: (patch) => validateMpdx(patch, { region }),
  };

  function assertValid(c: Partial<CanonicalContact>): void {
    assertFields(validateMpdx(c, { region }));
  }
  return connector;
}

/** Every phone, email and the address the create was to add are on the person/contact. */
function holdsEverything(b: MpdxBundle, c: CanonicalContact): boolean {
  const phones = new Set(b.phones.map((r) => mpdxDigits(r.attributes.number)));
  const emails = new Set(b.emails.map((r) => emailKey(String(r.attributes.email ?? ''))));
  return (
    (c.phones ?? []).every((p) => phones.has(mpdxDigits(p.e164 ?? p.raw))) &&
    (c.emails ?? []).every((e) => emails.has(emailKey(e.address))) &&
    (!c.address || b.addresses.some((a) => a.attributes.deleted !== true))
  );
}

/** The one primary entry: the one marked, else the first (MPDX keeps a single primary). */
function primaryIndex(list: { primary?: boolean }[]): number {
  return Math.max(
    0,
    list.findIndex((x) => x.primary),
  );
}

function splitId(remoteId: string): [string, string] {
  const [cid, pid] = remoteId.split('/');
  if (!cid || !pid) throw new VendorError({ kind: 'not_found', message: `"${remoteId}" is not an MPDX contact/person id` });
  return [cid, pid];
}

function fieldErrorsOf(errs: NonNullable<Doc['errors']>): Record<string, string[]> | undefined {
  const out: Record<string, string[]> = {};
  for (const e of errs) {
    const field = e.source?.pointer?.split('/').pop();
    if (field) (out[field] ??= []).push(e.detail ?? e.title ?? '');
  }
  return Object.keys(out).length ? out : undefined;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
