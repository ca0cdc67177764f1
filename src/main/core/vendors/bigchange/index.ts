// BigChange connector (docs/vendors/bigchange.md): OAuth2 client credentials for a short-lived bearer token
// (refreshed before expiry and once on a 401), `Customer-Id` on every request, pages of
// pageNumber/pageSize (≤1000) read while pageItemCount >= pageSize, PATCH with only the
// changed fields (204), RFC 7807 problems with a 422 `errors` map. No timestamps: the version
// token is a content hash. No contact delete exists in the API. A create's group and default
// location are account settings (`groupId`, `defaultLocation`), never guessed.
import { z } from 'zod';
import type { CanonicalContact } from '../../../../shared/domain';
import { checkBaseUrl, joinUrl } from '../base-url';
import { transportOf, type Connector, type ConnectorOptions, type CreateOptions, type RemoteRecord, type CreateNeed } from '../connector';
import { createOnce, hasStrongEvidence, readIfThere, strongMatch } from '../evidence';
import { VendorError } from '../errors';
import { PagingGuard, resolveLimits } from '../limits';
import { classifyStatus, httpRequest, parseJson, type HttpResponse } from '../http';
import { nodeFetch } from '../node-http-client';
import { readListPage, rememberOf, withSentText } from '../same-page';
import { sharedSignIn } from '../sign-in';
import { withRetry, type RetryOptions } from '../retry';
import { assertFields } from '../field-rules';
import {
  BIGCHANGE_FIELDS,
  bigChangeContentHash,
  bigChangeToCanonical,
  canonicalToBigChange,
  validateBigChange,
  type BigChangeJson,
} from './mapping';

export const BIGCHANGE_DEFAULT_BASE_URL = 'https://api.bigchange.com';
export const bigChangeCredentialsSchema = z.object({
  clientId: z.string().min(1, 'the OAuth client id is missing'),
  clientSecret: z.string().min(1, 'the OAuth client secret is missing'),
  customerId: z
    .union(
      [z.string().regex(/^\d+$/, 'the customer id is a number'), z.number().int('the customer id is a number')],
      'the customer id is a number',
    )
    .transform(String),
});
export type BigChangeCredentials = z.input<typeof bigChangeCredentialsSchema>;

const NAME = 'BigChange';
const EXPIRY_MARGIN_MS = 30_000;

export interface BigChangeOptions extends ConnectorOptions<BigChangeCredentials> {
  pageSize?: number;
}

export function createBigChangeConnector(opts: BigChangeOptions): Connector {
  const base = checkBaseUrl(opts.baseUrl || BIGCHANGE_DEFAULT_BASE_URL).toString();
  const creds = bigChangeCredentialsSchema.parse(opts.credentials);
  const fetchImpl = opts.fetch ?? nodeFetch;
  const net = transportOf(opts, NAME);
  const limits = resolveLimits(opts.limits);
  const now = opts.now ?? (() => new Date());
  const pageSize = Math.min(1000, opts.pageSize ?? Number(opts.settings?.pageSize ?? 1000));
  const region = opts.defaultRegion ?? String(opts.settings?.region ?? 'GB');
  // A create needs a group and a location (create model: both required). Neither is guessed:
  // they are account settings, and a create without them is refused naming the setting.
  const groupId = groupSetting(opts.settings?.groupId);
  const accountGroup = groupId;
  const defaultLocation = locationSetting(opts.settings?.defaultLocation);
  let token: { value: string; expiresAt: number } | null = null;

  const fetchToken = sharedSignIn(signInFetchToken);
  async function signInFetchToken(): Promise<string> {
    const res = await httpRequest(fetchImpl, {
      ...net,
      method: 'POST',
      url: joinUrl(base, '/auth/tokens'),
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: creds.clientId,
        client_secret: creds.clientSecret,
        scope: 'contacts:read contacts:write',
      }).toString(),
    });
    if (res.status === 400 || res.status === 401)
      throw new VendorError({ kind: 'auth', status: res.status, message: `${NAME} refused the client credentials` });
    if (res.status !== 200)
      throw (
        classifyStatus(res, NAME) ??
        new VendorError({ kind: 'malformed', status: res.status, message: `${NAME} token endpoint answered HTTP ${res.status}` })
      );
    const j = parseJson<{ access_token?: unknown; expires_in?: unknown }>(res, NAME);
    if (typeof j?.access_token !== 'string')
      throw new VendorError({ kind: 'malformed', message: `${NAME} sent a token response without access_token` });
    const ttl = typeof j.expires_in === 'number' ? j.expires_in * 1000 : 3_600_000;
    token = { value: j.access_token, expiresAt: now().getTime() + ttl };
    return token.value;
  }

  async function bearer(): Promise<string> {
    if (token && token.expiresAt - EXPIRY_MARGIN_MS > now().getTime()) return token.value;
    return fetchToken();
  }

  async function call(
    method: string,
    path: string,
    body?: unknown,
    ok: number[] = [200],
    retry: RetryOptions | undefined = opts.retry,
  ): Promise<HttpResponse> {
    return withRetry(async () => {
      let res: HttpResponse | null = null;
      for (let attempt = 0; attempt < 2; attempt++) {
        res = await httpRequest(fetchImpl, {
          ...net,
          method,
          url: joinUrl(base, `/v1${path}`),
          headers: {
            Authorization: `Bearer ${await bearer()}`,
            'Customer-Id': creds.customerId,
            Accept: 'application/json',
            ...(body ? { 'Content-Type': 'application/json' } : {}),
          },
          body: body ? JSON.stringify(body) : undefined,
        });
        if (res.status !== 401) break;
        token = null; // expired or revoked early: one fresh token, then give up
      }
      if (ok.includes(res!.status)) return res!;
      throw problem(res!);
    }, retry);
  }

  function problem(res: HttpResponse): VendorError {
    const p = safeJson(res.text) as { title?: unknown; detail?: unknown; errors?: unknown } | null;
    const title = [p?.title, p?.detail].filter((x) => typeof x === 'string' && x).join(': ');
    if (res.status === 422 || res.status === 400) {
      const fieldErrors =
        p?.errors && typeof p.errors === 'object'
          ? Object.fromEntries(
              Object.entries(p.errors as Record<string, unknown>).map(([k, v]) => [k, Array.isArray(v) ? v.map(String) : [String(v)]]),
            )
          : undefined;
      return new VendorError({
        kind: 'validation',
        status: res.status,
        fieldErrors,
        message: `${NAME} refused the change: ${
          fieldErrors
            ? Object.entries(fieldErrors)
                .map(([k, v]) => `${k}: ${v.join(' ')}`)
                .join('; ')
            : title || `HTTP ${res.status}`
        }`,
      });
    }
    const generic = classifyStatus(res, NAME);
    // A 403 with a business reason (out of credit) is already a refusal carrying its words.
    if (generic?.status === 403 && generic.kind === 'validation') return generic;
    if (generic)
      return title && generic.kind !== 'transient'
        ? new VendorError({ kind: generic.kind, status: res.status, retryAfterMs: generic.retryAfterMs, message: `${NAME}: ${title}` })
        : generic;
    return new VendorError({
      kind: 'malformed',
      status: res.status,
      message: `${NAME} answered HTTP ${res.status} unexpectedly`,
      bodyExcerpt: res.text.slice(0, 300),
    });
  }

  function toRecord(j: BigChangeJson): RemoteRecord {
    if (typeof j.id !== 'number' && typeof j.id !== 'string')
      throw new VendorError({ kind: 'malformed', message: `${NAME} sent a contact without an id` });
    return { remoteId: String(j.id), raw: j, canonical: bigChangeToCanonical(j), versions: { hash: bigChangeContentHash(j) } };
  }

  const connector: Connector = {
    vendor: 'bigchange',
    fields: BIGCHANGE_FIELDS,

    async *pull(cursor, options) {
      let page = cursor && /^\d+$/.test(cursor) ? Number(cursor) : 1;
      // BigChange states no total: a full page means "more", so the guard caps the pull at a
      // multiple of what the store holds, and stops at a page with nothing new on it.
      const guard = new PagingGuard(NAME, { pageSize, limits, knownRecords: options?.knownRecords });
      for (;;) {
        const path = `/contacts?pageNumber=${page}&pageSize=${pageSize}`;
        const res = await call('GET', path);
        // Only what the store does not hold already is parsed (same-page.ts).
        const read = readListPage(options, path, res, 'items', NAME);
        if (read.same) {
          guard.page({ at: String(page), ids: read.same.unchangedIds ?? [], more: read.same.nextCursor !== null, remembered: true });
          yield read.same;
          if (read.same.nextCursor === null) return;
          page = Number(read.same.nextCursor);
          continue;
        }
        const j = read.json as { items?: unknown; pageItemCount?: unknown };
        if (!j || !Array.isArray(j.items))
          throw new VendorError({ kind: 'malformed', message: `${NAME} sent a page without "items"`, bodyExcerpt: res.text.slice(0, 300) });
        const count = typeof j.pageItemCount === 'number' ? j.pageItemCount : j.items.length + read.unchangedIds.length;
        const more = count >= pageSize;
        const records = withSentText(read, (j.items as BigChangeJson[]).map(toRecord));
        guard.page({ at: String(page), ids: [...read.unchangedIds, ...records.map((r) => r.remoteId)], more });
        yield {
          records,
          unchangedIds: read.unchangedIds,
          nextCursor: more ? String(page + 1) : null,
          fullScan: true,
          checkpoint: null,
          source: read.source,
          remember: rememberOf(
            read,
            records.map((r) => r.remoteId),
          ),
        };
        if (!more) return;
        page++;
      }
    },

    async read(remoteId) {
      const res = await call('GET', `/contacts/${encodeURIComponent(remoteId)}`);
      const j = parseJson<BigChangeJson>(res, NAME);
      if (!j || typeof j !== 'object') throw new VendorError({ kind: 'malformed', message: `${NAME} sent an empty contact` });
      return toRecord(j);
    },

    previewCreate(contact, values) {
      const named = { ...contact, fullName: contact.fullName ?? contact.company ?? null };
      const fields = canonicalToBigChange(named);
      const needs: CreateNeed[] = [];
      // Asked for only when the name sent would be blank: a given and family name make one too.
      if (!String(fields.name ?? '').trim())
        needs.push({ key: 'name', label: 'Name', why: `${NAME} requires a name on every contact`, field: 'fullName' });
      const group = values.groupId?.trim() ? groupSetting(values.groupId.trim()) : groupId;
      if (group === null)
        needs.push({
          key: 'groupId',
          label: 'Contact group id',
          why: `${NAME} puts every new contact in a contact group (or set the account setting "groupId")`,
        });
      else if (values.groupId?.trim())
        needs.push({
          key: 'groupId',
          label: 'Contact group id',
          why: `${NAME} puts every new contact in a contact group`,
          value: String(group),
        });
      else
        needs.push({
          key: 'groupId',
          label: 'Contact group id',
          why: `${NAME} puts every new contact in a contact group`,
          from: 'the account setting "groupId"',
          value: String(group),
        });
      const given = values.location?.trim() ? locationSetting(values.location.trim()) : null;
      const location = contact.location ? { latitude: contact.location.lat, longitude: contact.location.lng } : (given ?? defaultLocation);
      if (location === null)
        needs.push({
          key: 'location',
          label: 'Location (latitude, longitude)',
          why: `${NAME} needs a location for every new contact (or set the account setting "defaultLocation")`,
        });
      else if (given)
        needs.push({
          key: 'location',
          label: 'Location (latitude, longitude)',
          why: `${NAME} needs a location for every new contact`,
          value: `${given.latitude}, ${given.longitude}`,
        });
      else if (!contact.location)
        needs.push({
          key: 'location',
          label: 'Location (latitude, longitude)',
          why: `${NAME} needs a location for every new contact`,
          from: 'the account setting "defaultLocation"',
          value: `${location.latitude}, ${location.longitude}`,
        });
      return {
        requests: [
          {
            method: 'POST',
            path: '/contacts',
            body: {
              ...Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== null)),
              groupId: group ?? '{groupId}',
              location: location ?? '{location}',
            },
          },
        ],
        needs,
      };
    },

    async create(contact: CanonicalContact, options?: CreateOptions) {
      const named = { ...contact, fullName: contact.fullName ?? contact.company ?? null };
      assertValid(named);
      const givenLocation = options?.values?.location?.trim() ? locationSetting(options.values.location.trim()) : null;
      const location = contact.location
        ? { latitude: contact.location.lat, longitude: contact.location.lng }
        : (givenLocation ?? defaultLocation);
      const groupId = options?.values?.groupId?.trim() ? groupSetting(options.values.groupId.trim()) : accountGroup;
      const missing = [
        ...(groupId === null
          ? [
              {
                field: 'groupId',
                message: `${NAME} needs a group for every new contact; set it with the account setting "groupId" (the id of a ${NAME} contact group)`,
              },
            ]
          : []),
        ...(location === null
          ? [
              {
                field: 'location',
                message: `${NAME} needs a location for every new contact; give the contact a location, or set it with the account setting "defaultLocation" ({"latitude": …, "longitude": …})`,
              },
            ]
          : []),
      ];
      assertFields(missing);
      // Every field of the new contact, with the name always present (it is required).
      const fields = canonicalToBigChange(named);
      const body: Record<string, unknown> = {
        ...Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== null)),
        groupId,
        location,
      };
      const sent = await createOnce(
        () => call('POST', '/contacts', body, [201], { ...opts.retry, maxRetries: 0 }),
        () => connector.findCreated(contact, { idempotencyKey: options?.idempotencyKey ?? '', taken: options?.taken }),
        opts.retry,
      );
      if (sent.found) {
        await options?.onStep?.({ record: sent.found.remoteId });
        return { remoteId: sent.found.remoteId, record: sent.found };
      }
      const res = sent.answer;
      const j = parseJson<{ id?: unknown }>(res, NAME);
      if (j?.id === undefined) throw new VendorError({ kind: 'malformed', message: `${NAME} created a contact but sent no id` });
      const id = String(j.id);
      await options?.onStep?.({ record: id });
      return { remoteId: id, record: await connector.read(id) };
    },

    // BigChange keeps no idempotency key: `reference` is the person's own external ref in
    // Concord (not hijacked) and custom fields need a per-account definition. Evidence: the
    // stored id, else an exact reference (the contact model has no email or phone), paging
    // until the first hit (no search is documented); none of those: null.
    async findCreated(contact, { progress, taken }) {
      const stored = await readIfThere(connector, progress?.record);
      if (stored) return stored;
      if (!hasStrongEvidence(contact)) return null;
      for await (const page of connector.pull(null)) {
        const hit = page.records.find((r) => !taken?.(r.remoteId) && strongMatch(contact, r.canonical));
        if (hit) return hit;
      }
      return null;
    },

    async update(remoteId, patch, ctx) {
      const current = ctx.raw && typeof ctx.raw === 'object' ? bigChangeToCanonical(ctx.raw as BigChangeJson) : {};
      assertValid(patch, current);
      const body = canonicalToBigChange(patch, current, { onlyChanged: true });
      if (!Object.keys(body).length) return { remoteId, record: await connector.read(remoteId) }; // BigChange refuses empty updates
      await call('PATCH', `/contacts/${encodeURIComponent(remoteId)}`, body, [204]);
      return { remoteId, record: await connector.read(remoteId) };
    },

    async delete() {
      throw new VendorError({ kind: 'validation', message: `${NAME} has no API to delete a contact; remove it in BigChange itself` });
    },

    async testConnection() {
      const res = await call('GET', '/contacts?pageNumber=1&pageSize=1');
      parseJson(res, NAME);
      return { ok: true as const, detail: `Connected to ${NAME} (customer ${creds.customerId})` };
    },

    validate: (patch) => validateBigChange(patch, { region }),
  };

  function assertValid(patch: Partial<CanonicalContact>, current?: CanonicalContact): void {
    assertFields(validateBigChange(patch, { region, current }));
  }
  return connector;
}

/** The `groupId` setting as BigChange's int64, or null when it is missing or not one. */
function groupSetting(v: unknown): number | null {
  const n = typeof v === 'string' && /^\d+$/.test(v.trim()) ? Number(v) : v;
  return typeof n === 'number' && Number.isSafeInteger(n) && n > 0 ? n : null;
}

/** The `defaultLocation` setting, or null when it is missing or not a place on Earth. */
function locationSetting(v: unknown): { latitude: number; longitude: number } | null {
  // Typed as "latitude, longitude" (the window's form, `--setting defaultLocation=51.5,-0.12`) or as the object.
  const typed = typeof v === 'string' ? /^\s*(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)\s*$/.exec(v) : null;
  const l = (typed ? { latitude: Number(typed[1]), longitude: Number(typed[2]) } : v) as
    { latitude?: unknown; longitude?: unknown } | null | undefined;
  if (!l || typeof l.latitude !== 'number' || typeof l.longitude !== 'number') return null;
  if (Math.abs(l.latitude) > 90 || Math.abs(l.longitude) > 180) return null;
  return { latitude: l.latitude, longitude: l.longitude };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
