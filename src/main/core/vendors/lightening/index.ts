// Lightening connector (docs/vendors/lightening.md): `Authorization` header with a static token; an unpaged
// list per customer id; update is POST /contact/{id}; delete is GET /contact/{id}/delete.
// Every answer is HTTP 200 with result:true|false — failures are read from `error`, `errors`
// and `msg`, and a successful delete says result:false with "successfully deleted".
import { z } from 'zod';
import type { CanonicalContact } from '../../../../shared/domain';
import { checkBaseUrl, joinUrl } from '../base-url';
import { transportOf, type Connector, type ConnectorOptions, type CreateOptions, type RemoteRecord, type CreateNeed } from '../connector';
import { createOnce, hasStrongEvidence, readIfThere, strongMatch } from '../evidence';
import { VendorError } from '../errors';
import { classifyStatus, httpRequest, parseJson, type HttpResponse } from '../http';
import { nodeFetch } from '../node-http-client';
import { withRetry, type RetryOptions } from '../retry';
import { assertFields } from '../field-rules';
import {
  canonicalToLightening,
  LIGHTENING_FIELDS,
  lighteningToCanonical,
  lighteningUpdateBody,
  validateLightening,
  type LighteningJson,
} from './mapping';
import { lazyRecord } from '../lazy-record';
import { readListPage, rememberOf, withSentText } from '../same-page';

export const LIGHTENING_DEFAULT_BASE_URL = 'https://api.lightening.co';
// The Login/Auth page is not in the vendor corpus: Concord stores the token the account was
// issued and sends it verbatim in `Authorization`.
export const lighteningCredentialsSchema = z.object({ token: z.string().min(8, 'the Lightening API token is missing') });
export type LighteningCredentials = z.infer<typeof lighteningCredentialsSchema>;

const NAME = 'Lightening';

interface Envelope {
  result?: unknown;
  msg?: unknown;
  error?: unknown;
  errors?: unknown;
  id?: unknown;
  entities?: unknown;
  [k: string]: unknown;
}

export type LighteningOptions = ConnectorOptions<LighteningCredentials>;

export function createLighteningConnector(opts: LighteningOptions): Connector {
  const base = checkBaseUrl(opts.baseUrl || LIGHTENING_DEFAULT_BASE_URL).toString();
  const creds = lighteningCredentialsSchema.parse(opts.credentials);
  const fetchImpl = opts.fetch ?? nodeFetch;
  const net = transportOf(opts, NAME);
  const region = opts.defaultRegion ?? 'US';
  const configuredCustomers = Array.isArray(opts.settings?.customerIds) ? (opts.settings.customerIds as unknown[]).map(String) : null;

  /** One request; the envelope's own verdict decides success. */
  async function call(
    method: 'GET' | 'POST',
    path: string,
    body?: Record<string, unknown>,
    retry: RetryOptions | undefined = opts.retry,
  ): Promise<Envelope> {
    return envelopeOf(await send(method, path, body, retry));
  }

  /** The answer as it came (status checked), before its body is read as an envelope. */
  async function send(
    method: 'GET' | 'POST',
    path: string,
    body?: Record<string, unknown>,
    retry: RetryOptions | undefined = opts.retry,
  ): Promise<HttpResponse> {
    return withRetry(async () => {
      const res = await httpRequest(fetchImpl, {
        ...net,
        method,
        url: joinUrl(base, path),
        headers: { Authorization: creds.token, Accept: 'application/json', ...(body ? { 'Content-Type': 'application/json' } : {}) },
        body: body ? JSON.stringify(body) : undefined,
      });
      // Lightening itself always answers 200; other statuses come from a proxy in front of it.
      if (res.status !== 200)
        throw (
          classifyStatus(res, NAME) ??
          new VendorError({
            kind: 'malformed',
            status: res.status,
            message: `${NAME} answered HTTP ${res.status}`,
            bodyExcerpt: res.text.slice(0, 300),
          })
        );
      return res;
    }, retry);
  }

  /** The reply as Lightening's envelope; `parsed` when the page was read already (same-page.ts). */
  function envelopeOf(res: HttpResponse, parsed: unknown = parseJson<unknown>(res, NAME)): Envelope {
    if (!parsed || typeof parsed !== 'object' || !('result' in parsed))
      throw new VendorError({ kind: 'malformed', message: `${NAME} sent a reply without "result"`, bodyExcerpt: res.text.slice(0, 300) });
    return parsed as Envelope;
  }

  function failure(j: Envelope, action: string): VendorError {
    const msg = typeof j.msg === 'string' ? j.msg : '';
    const error = typeof j.error === 'string' ? j.error : '';
    if (/not found/i.test(msg) || /not found/i.test(error))
      return new VendorError({ kind: 'not_found', message: `${NAME}: contact not found` });
    if (/unauthori|token|auth/i.test(error)) return new VendorError({ kind: 'auth', message: `${NAME} refused the credentials: ${error}` });
    if (j.errors && typeof j.errors === 'object') {
      const fieldErrors = Object.fromEntries(
        Object.entries(j.errors as Record<string, unknown>).map(([k, v]) => [k, Array.isArray(v) ? v.map(String) : [String(v)]]),
      );
      return new VendorError({
        kind: 'validation',
        fieldErrors,
        message: `${NAME} refused to ${action}: ${Object.entries(fieldErrors)
          .map(([k, v]) => `${k}: ${v.join(' ')}`)
          .join('; ')}`,
      });
    }
    return new VendorError({ kind: 'validation', message: `${NAME} refused to ${action}: ${error || msg || 'no reason given'}` });
  }

  function toRecord(j: LighteningJson): RemoteRecord {
    if (j.id === undefined || j.id === null || j.id === '')
      throw new VendorError({ kind: 'malformed', message: `${NAME} sent a contact without an id` });
    return lazyRecord(String(j.id), j, typeof j.updated_at === 'string' ? { updated_at: j.updated_at } : {}, () =>
      lighteningToCanonical(j, region),
    );
  }

  async function customerIds(): Promise<string[]> {
    if (configuredCustomers?.length) return configuredCustomers;
    // Not configured: every customer the token can see (the vendor's customer list).
    const j = await call('GET', '/customer');
    if (j.result !== true || !Array.isArray(j.entities)) throw failure(j, 'list customers');
    return (j.entities as { id?: unknown }[]).map((c) => String(c.id));
  }

  async function readRaw(remoteId: string): Promise<LighteningJson> {
    const j = await call('GET', `/contact/${encodeURIComponent(remoteId)}`);
    if (j.result !== true) throw failure(j, 'read the contact');
    // The single read answers {entity:{…}} or the entity itself (inferred; both are accepted).
    const entity = (j.entity && typeof j.entity === 'object' ? j.entity : j) as LighteningJson;
    const { result: _r, ...rest } = entity as Envelope;
    return rest;
  }

  const connector: Connector = {
    vendor: 'lightening',
    fields: LIGHTENING_FIELDS,

    async *pull(cursor, options) {
      // No paging and no change filter: one page per customer id; the cursor is the index of
      // the next customer to fetch, so a pull interrupted between customers resumes there.
      const ids = await customerIds();
      for (let i = cursor && /^\d+$/.test(cursor) ? Number(cursor) : 0; i < ids.length; i++) {
        const path = `/contact?customer_id[]=${encodeURIComponent(ids[i]!)}`;
        const res = await send('GET', path);
        const nextCursor = i + 1 < ids.length ? String(i + 1) : null;
        // Only what the store does not hold already is parsed (same-page.ts); the next customer
        // comes from the account's list, not from the page.
        const read = readListPage(options, path, res, 'entities', NAME);
        if (read.same) {
          yield { ...read.same, nextCursor };
          continue;
        }
        const j = envelopeOf(res, read.json);
        if (j.result !== true) throw failure(j, 'list contacts');
        if (!Array.isArray(j.entities))
          throw new VendorError({ kind: 'malformed', message: `${NAME} sent a contact list without "entities"` });
        const records = withSentText(read, (j.entities as LighteningJson[]).map(toRecord));
        yield {
          records,
          unchangedIds: read.unchangedIds,
          nextCursor,
          fullScan: true,
          checkpoint: null,
          source: read.source,
          remember: rememberOf(
            read,
            records.map((r) => r.remoteId),
          ),
        };
      }
    },

    async read(remoteId) {
      return toRecord(await readRaw(remoteId));
    },

    previewCreate(contact, values) {
      const body: Record<string, unknown> = Object.fromEntries(
        Object.entries(canonicalToLightening(contact, {})).filter(([, v]) => v !== ''),
      );
      const needs: CreateNeed[] = [];
      if (!body.name)
        needs.push({
          key: 'name',
          label: 'Name',
          why: `${NAME} requires a name on every contact (up to 64 characters)`,
          field: 'fullName',
        });
      // Contacts belong to a customer (the document lists them by customer_id[] and each entity
      // carries customer_id; its create field list omits it, so sending it is inferred): which
      // customer is the person's choice, or the account's only one — never the first one found.
      const given = values.customerId?.trim();
      const only = configuredCustomers?.length === 1 ? configuredCustomers[0]! : null;
      if (given) {
        body.customer_id = Number(given);
        needs.push({ key: 'customerId', label: 'Customer id', why: `${NAME} files every contact under a customer`, value: given });
      } else if (only) {
        body.customer_id = Number(only);
        needs.push({
          key: 'customerId',
          label: 'Customer id',
          why: `${NAME} files every contact under a customer`,
          from: 'the account setting "customerIds"',
          value: only,
        });
      } else
        needs.push({
          key: 'customerId',
          label: 'Customer id',
          why: `${NAME} files every contact under a customer; give the id of the customer this person belongs to${configuredCustomers?.length ? ` (this account: ${configuredCustomers.join(', ')})` : ''}`,
        });
      return {
        requests: [{ method: 'POST', path: '/contact', body: { ...body, customer_id: body.customer_id ?? '{customerId}' } }],
        needs,
      };
    },

    async create(contact: CanonicalContact, options?: CreateOptions) {
      assertValid(contact, {});
      const body = Object.fromEntries(Object.entries(canonicalToLightening(contact, {})).filter(([, v]) => v !== ''));
      const chosen = options?.values?.customerId?.trim();
      const ids = chosen ? [chosen] : await customerIds();
      if (ids[0]) body.customer_id = Number(ids[0]);
      const sent = await createOnce(
        () => call('POST', '/contact', body, { ...opts.retry, maxRetries: 0 }),
        () =>
          connector.findCreated(contact, { idempotencyKey: options?.idempotencyKey ?? '', values: options?.values, taken: options?.taken }),
        opts.retry,
      );
      if (sent.found) {
        await options?.onStep?.({ record: sent.found.remoteId });
        return { remoteId: sent.found.remoteId, record: sent.found };
      }
      const j = sent.answer;
      if (j.result !== true || j.id === undefined) throw failure(j, 'create the contact');
      const id = String(j.id);
      await options?.onStep?.({ record: id });
      return { remoteId: id, record: await connector.read(id) };
    },

    // Lightening keeps no idempotency key; customer_custom_identifier is the person's own
    // external ref in Concord, so it is not hijacked. Evidence: the stored id, else an exact
    // external ref, email or E.164 phone among the contacts of the customer creates go to (one
    // request: the list has no filter and no paging); none of those: null.
    async findCreated(contact, { progress, values, taken }) {
      const stored = await readIfThere(connector, progress?.record);
      if (stored) return stored;
      if (!hasStrongEvidence(contact)) return null;
      // Where the create went: the customer a person chose for it, else the account's first.
      const [customer] = values?.customerId?.trim() ? [values.customerId.trim()] : await customerIds();
      if (!customer) return null;
      const j = await call('GET', `/contact?customer_id[]=${encodeURIComponent(customer)}`);
      if (j.result !== true || !Array.isArray(j.entities)) throw failure(j, 'list contacts');
      return (j.entities as LighteningJson[]).map(toRecord).find((r) => !taken?.(r.remoteId) && strongMatch(contact, r.canonical)) ?? null;
    },

    async update(remoteId, patch, ctx) {
      const raw = ctx.raw && typeof ctx.raw === 'object' ? (ctx.raw as LighteningJson) : {};
      assertValid(patch, lighteningToCanonical(raw, region));
      // Only the fields the patch maps to, each slot kept; `name` (required on update) as the server holds it unless a name field changed.
      const j = await call('POST', `/contact/${encodeURIComponent(remoteId)}`, lighteningUpdateBody(patch, raw, region));
      if (j.result !== true) throw failure(j, 'update the contact');
      return { remoteId, record: await connector.read(remoteId) };
    },

    async delete(remoteId) {
      const j = await call('GET', `/contact/${encodeURIComponent(remoteId)}/delete`);
      // Quirk: success says result:false; only the message tells success from not-found.
      if (typeof j.msg === 'string' && /successfully deleted/i.test(j.msg)) return;
      throw failure(j, 'delete the contact');
    },

    async testConnection() {
      const ids = await customerIds();
      return { ok: true as const, detail: `Connected to ${NAME}: ${ids.length} customer${ids.length === 1 ? '' : 's'}` };
    },

    validate: (patch) => validateLightening(patch, { region }),
  };

  function assertValid(patch: Partial<CanonicalContact>, current: CanonicalContact): void {
    assertFields(validateLightening(patch, { region, current }));
  }
  return connector;
}
