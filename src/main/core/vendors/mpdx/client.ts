// The MPDX HTTP client: JWT bearer auth (or a CAS ticket exchanged for one), JSON:API with
// application/vnd.api+json, and the answers MPDX gives turned into VendorErrors (a stale
// updated_in_db_at is a `conflict` naming the resource and the server's current value).
import { z } from 'zod';
import { checkBaseUrl, joinUrl } from '../base-url';
import { transportOf, type ConnectorOptions } from '../connector';
import { VendorError } from '../errors';
import { resolveLimits, type VendorLimits } from '../limits';
import { classifyStatus, httpRequest, parseJson, type HttpResponse } from '../http';
import { nodeFetch } from '../node-http-client';
import { sharedSignIn } from '../sign-in';
import { withRetry, type RetryOptions } from '../retry';
import type { JsonApiResource } from './mapping';

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

export const NAME = 'MPDX';
const JSONAPI = 'application/vnd.api+json';
/** The parts of an address compared to tell whether MPDX already holds it. */
export const ADDRESS_KEYS = ['street', 'city', 'state', 'postal_code', 'country'] as const;

export interface MpdxOptions extends ConnectorOptions<MpdxCredentials> {
  pageSize?: number;
}

export type Doc = {
  data?: unknown;
  included?: JsonApiResource[];
  errors?: { status?: string; title?: string; detail?: string; source?: { pointer?: string }; meta?: { updated_in_db_at?: string } }[];
  meta?: { pagination?: { total_pages?: unknown; total_count?: unknown } };
};

/** One request to MPDX: `ok` are the statuses that are an answer, `resource` names what a refusal is about. */
export type MpdxCall = (
  method: string,
  path: string,
  body?: unknown,
  ok?: number[],
  resource?: string,
  retry?: RetryOptions | undefined,
) => Promise<Doc>;

/** What the connector's parts share: the guarded `call` and the settings the connector was made with. */
export interface MpdxClient {
  call: MpdxCall;
  region: string;
  perPage: number;
  limits: VendorLimits;
  now: () => Date;
  /** Saga POSTs are sent once per run; create retries the whole saga, which looks first. */
  once: RetryOptions;
  /** The account list new contacts go in: the account's own, else learnt from a contact (create.ts). */
  accountListId: string | null;
}

export function createMpdxClient(opts: MpdxOptions): MpdxClient {
  const base = checkBaseUrl(opts.baseUrl || MPDX_DEFAULT_BASE_URL).toString();
  const creds = mpdxCredentialsSchema.parse(opts.credentials);
  const fetchImpl = opts.fetch ?? nodeFetch;
  const net = transportOf(opts, NAME);
  const limits = resolveLimits(opts.limits);
  const region = opts.defaultRegion ?? 'US';
  const perPage = opts.pageSize ?? Number(opts.settings?.pageSize ?? 100);
  const now = opts.now ?? (() => new Date());
  let jwt = creds.jwt ?? null;

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

  return {
    call,
    region,
    perPage,
    limits,
    now,
    once: { ...opts.retry, maxRetries: 0 },
    accountListId: creds.accountListId ?? (opts.settings?.accountListId as string | undefined) ?? null,
  };
}

export const asList = (d: Doc): JsonApiResource[] => {
  if (!Array.isArray(d.data)) throw new VendorError({ kind: 'malformed', message: `${NAME} sent a list without "data"` });
  return d.data as JsonApiResource[];
};
export const asOne = (d: Doc): JsonApiResource => {
  const r = d.data as JsonApiResource | undefined;
  if (!r || typeof r !== 'object' || typeof r.id !== 'string')
    throw new VendorError({ kind: 'malformed', message: `${NAME} sent a resource without an id` });
  return r;
};

/** The JSON:API body of a write: the resource's attributes, its token, and `overwrite` only when asked. */
export const write = (
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
