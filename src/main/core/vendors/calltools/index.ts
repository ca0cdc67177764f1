// CallTools connector (docs/vendors/calltools.md): `Authorization: Token <40-hex>`, DRF paging (page/page_size,
// up to 250), PATCH with only the changed flat fields, POST upsert that may answer
// duplicate_action "MERGE", HTML bodies on 5xx. No change filter: every pull is a full scan,
// and modified_on is the version token the sync engine compares before writing.
import { z } from 'zod';
import type { CanonicalContact } from '../../../../shared/domain';
import { checkBaseUrl, joinUrl } from '../base-url';
import {
  transportOf,
  type Connector,
  type ConnectorOptions,
  type CreateOptions,
  type PullPage,
  type RemoteRecord,
  type WriteResult,
  type CreateNeed,
} from '../connector';
import { createOnce, hasStrongEvidence, readIfThere, strongMatch } from '../evidence';
import { VendorError } from '../errors';
import { PagingGuard, resolveLimits } from '../limits';
import { classifyStatus, httpRequest, parseJson, type HttpResponse } from '../http';
import { nodeFetch } from '../node-http-client';
import { withRetry, type RetryOptions } from '../retry';
import { assertFields } from '../field-rules';
import { CALLTOOLS_FIELDS, callToolsToCanonical, canonicalToCallTools, validateCallTools, type CallToolsJson } from './mapping';
import { lazyRecord } from '../lazy-record';
import { readListPage, rememberOf, withSentText } from '../same-page';

export const CALLTOOLS_DEFAULT_BASE_URL = 'https://app.calltools.io';
export const callToolsCredentialsSchema = z.object({
  token: z.string().regex(/^[0-9a-f]{40}$/i, 'a CallTools API token is 40 hexadecimal characters'),
});
export type CallToolsCredentials = z.infer<typeof callToolsCredentialsSchema>;

const NAME = 'CallTools';

export interface CallToolsOptions extends ConnectorOptions<CallToolsCredentials> {
  pageSize?: number;
}

export function createCallToolsConnector(opts: CallToolsOptions): Connector {
  const base = checkBaseUrl(opts.baseUrl || CALLTOOLS_DEFAULT_BASE_URL).toString();
  const creds = callToolsCredentialsSchema.parse(opts.credentials);
  const fetchImpl = opts.fetch ?? nodeFetch;
  const net = transportOf(opts, NAME);
  const limits = resolveLimits(opts.limits);
  // settings.pageSize lets an account (or a test) use smaller pages; CallTools caps at 250.
  const pageSize = Math.min(250, opts.pageSize ?? Number(opts.settings?.pageSize ?? 250));
  const region = opts.defaultRegion ?? 'US';

  async function call(
    method: string,
    path: string,
    body?: unknown,
    ok: number[] = [200],
    retry: RetryOptions | undefined = opts.retry,
  ): Promise<HttpResponse> {
    return withRetry(async () => {
      const url = /^https?:/.test(path) ? path : joinUrl(base, path);
      const res = await httpRequest(fetchImpl, {
        ...net,
        method,
        url,
        headers: {
          Authorization: `Token ${creds.token}`,
          Accept: 'application/json',
          ...(body ? { 'Content-Type': 'application/json' } : {}),
        },
        body: body ? JSON.stringify(body) : undefined,
      });
      if (ok.includes(res.status)) return res;
      if (res.status === 400) {
        const j = safeJson(res.text);
        const fieldErrors =
          j && typeof j === 'object'
            ? Object.fromEntries(Object.entries(j).map(([k, v]) => [k, Array.isArray(v) ? v.map(String) : [String(v)]]))
            : undefined;
        throw new VendorError({
          kind: 'validation',
          status: 400,
          fieldErrors,
          message: `${NAME} refused the change: ${
            fieldErrors
              ? Object.entries(fieldErrors)
                  .map(([k, v]) => `${k}: ${v.join(' ')}`)
                  .join('; ')
              : res.text.slice(0, 200)
          }`,
        });
      }
      throw (
        classifyStatus(res, NAME) ??
        new VendorError({
          kind: 'malformed',
          status: res.status,
          message: `${NAME} answered HTTP ${res.status} unexpectedly`,
          bodyExcerpt: res.text.slice(0, 300),
        })
      );
    }, retry);
  }

  function contactJson(res: HttpResponse): CallToolsJson {
    const j = parseJson<CallToolsJson>(res, NAME);
    if (!j || typeof j !== 'object' || typeof j.id !== 'number')
      throw new VendorError({
        kind: 'malformed',
        status: res.status,
        message: `${NAME} sent a contact without an id`,
        bodyExcerpt: res.text.slice(0, 300),
      });
    return j;
  }

  function toRecord(j: CallToolsJson): RemoteRecord {
    return lazyRecord(String(j.id), j, typeof j.modified_on === 'string' ? { modified_on: j.modified_on } : {}, () =>
      callToolsToCanonical(j, region),
    );
  }

  const connector: Connector = {
    vendor: 'calltools',
    // POST is an upsert: a contact with a phone CallTools already holds is merged into that one.
    createMergesOn: 'phones',
    fields: CALLTOOLS_FIELDS,

    async *pull(cursor, options) {
      // Cursor: the page number to fetch next. Full scan every time (no changed-since filter).
      let page = cursor && /^\d+$/.test(cursor) ? Number(cursor) : 1;
      // Once per pull: a page past the end (the vendor shrank since the cursor was stored, or
      // during this scan) starts the scan again from page 1 rather than failing every sync.
      let restarted = false;
      let restarting = false;
      const newGuard = () => new PagingGuard(NAME, { pageSize, limits, knownRecords: options?.knownRecords });
      let guard = newGuard();
      for (;;) {
        const path = `/api/contacts/?page=${page}&page_size=${pageSize}`;
        let res: HttpResponse;
        try {
          res = await call('GET', path);
        } catch (e) {
          if (page > 1 && !restarted && isInvalidPage(e)) {
            restarted = restarting = true;
            page = 1;
            guard = newGuard(); // the records of the pages before come again
            continue;
          }
          throw e;
        }
        const restart = restarting ? { restarted: true } : {};
        restarting = false;
        // Only what the store does not hold already is parsed (same-page.ts).
        const read = readListPage(options, path, res, 'results', NAME);
        if (read.same) {
          guard.page({ at: String(page), ids: read.same.unchangedIds ?? [], more: read.same.nextCursor !== null, remembered: true });
          yield { ...read.same, ...restart };
          if (read.same.nextCursor === null) return;
          page = Number(read.same.nextCursor);
          continue;
        }
        const j = read.json as { results?: unknown; next?: unknown; count?: unknown };
        if (!j || !Array.isArray(j.results))
          throw new VendorError({
            kind: 'malformed',
            status: res.status,
            message: `${NAME} sent a contact page without "results"`,
            bodyExcerpt: res.text.slice(0, 300),
          });
        const records = withSentText(
          read,
          (j.results as CallToolsJson[]).map((r) => {
            if (!r || typeof r.id !== 'number')
              throw new VendorError({ kind: 'malformed', message: `${NAME} sent a contact without an id on page ${page}` });
            return toRecord(r);
          }),
        );
        const next = typeof j.next === 'string' && j.next ? page + 1 : null;
        // Proof of progress: a new `next` every page, something new on it, within its own `count`.
        guard.page({
          at: String(page),
          next: typeof j.next === 'string' ? j.next : null,
          ids: [...read.unchangedIds, ...records.map((r) => r.remoteId)],
          more: next !== null,
          statedTotal: typeof j.count === 'number' ? j.count : undefined,
        });
        const out: PullPage = {
          ...restart,
          records,
          unchangedIds: read.unchangedIds,
          nextCursor: next === null ? null : String(next),
          fullScan: true,
          checkpoint: null,
          source: read.source,
          remember: rememberOf(
            read,
            records.map((r) => r.remoteId),
          ),
        };
        yield out;
        if (next === null) return;
        page = next;
      }
    },

    async read(remoteId) {
      return toRecord(contactJson(await call('GET', `/api/contacts/${encodeURIComponent(remoteId)}/`)));
    },

    previewCreate(contact) {
      // A phone number is required on every CallTools contact (phone_number, 1–20 digits).
      const needs: CreateNeed[] = contact.phones?.length
        ? []
        : [{ key: 'phone', label: 'Phone number', why: `${NAME} requires a phone number on every contact`, field: 'phones' }];
      return {
        requests: [{ method: 'POST', path: '/api/contacts/', body: canonicalToCallTools(contact, { forCreate: true, region }) }],
        needs,
      };
    },

    async create(contact: CanonicalContact, options?: CreateOptions): Promise<WriteResult> {
      assertValid(contact);
      const sent = await createOnce(
        () =>
          call('POST', '/api/contacts/', canonicalToCallTools(contact, { forCreate: true, region }), [200, 201], {
            ...opts.retry,
            maxRetries: 0,
          }),
        () => connector.findCreated(contact, { idempotencyKey: options?.idempotencyKey ?? '', taken: options?.taken }),
        opts.retry,
      );
      if (sent.found) {
        await options?.onStep?.({ record: sent.found.remoteId });
        return { remoteId: sent.found.remoteId, record: sent.found };
      }
      const res = sent.answer;
      const j = parseJson<CallToolsJson>(res, NAME);
      if (j?.duplicate_action === 'MERGE' && Array.isArray(j.duplicate_contacts) && j.duplicate_contacts.length) {
        // The upsert matched an existing contact by phone and merged into it: CallTools wrote
        // the values sent over that contact's. Whether it is this person is for a person to
        // say (sync raises a conflict), so no step is stored that would adopt it.
        const id = String(j.duplicate_contacts[0]);
        return { remoteId: id, record: await connector.read(id), alreadyExisted: true, mergedByVendor: true };
      }
      const rec = toRecord(contactJson(res));
      await options?.onStep?.({ record: rec.remoteId });
      return { remoteId: rec.remoteId, record: rec };
    },

    // CallTools keeps no idempotency key: custom fields exist but their schema is generated per
    // account, so none can be counted on. Evidence: the stored id, else an exact email or E.164
    // phone (also what its upsert dedupes on), narrowed by the documented exact first_name filter
    // when there is a first name; no email or phone: null (a name alone proves nothing).
    async findCreated(contact, { progress, taken }) {
      const stored = await readIfThere(connector, progress?.record);
      if (stored) return stored;
      if (!hasStrongEvidence(contact)) return null;
      const filter = contact.givenName?.trim() ? `&first_name=${encodeURIComponent(contact.givenName.trim())}` : '';
      const guard = new PagingGuard(NAME, { pageSize, limits });
      for (let page = 1; ; page++) {
        const res = await call('GET', `/api/contacts/?page=${page}&page_size=${pageSize}${filter}`);
        const j = parseJson<{ results?: unknown; next?: unknown; count?: unknown }>(res, NAME);
        if (!j || !Array.isArray(j.results))
          throw new VendorError({
            kind: 'malformed',
            status: res.status,
            message: `${NAME} sent a contact page without "results"`,
            bodyExcerpt: res.text.slice(0, 300),
          });
        const records = (j.results as CallToolsJson[]).map(toRecord);
        const hit = records.find((r) => !taken?.(r.remoteId) && strongMatch(contact, r.canonical));
        if (hit) return hit;
        const more = typeof j.next === 'string' && !!j.next;
        guard.page({
          at: String(page),
          next: more ? (j.next as string) : null,
          ids: records.map((r) => r.remoteId),
          more,
          statedTotal: typeof j.count === 'number' ? j.count : undefined,
        });
        if (!more) return null;
      }
    },

    async update(remoteId, patch, context) {
      assertValid(patch);
      // Phones and emails are placed against the record as last read (which slot holds what).
      const body = canonicalToCallTools(patch, { raw: context?.raw, region });
      if (!Object.keys(body).length) return { remoteId, record: await connector.read(remoteId) };
      const res = await call('PATCH', `/api/contacts/${encodeURIComponent(remoteId)}/`, body);
      return { remoteId, record: toRecord(contactJson(res)) };
    },

    async delete(remoteId) {
      await call('DELETE', `/api/contacts/${encodeURIComponent(remoteId)}/`, undefined, [204]);
    },

    async testConnection() {
      const res = await call('GET', '/api/contacts/?page=1&page_size=1');
      const j = parseJson<{ count?: unknown }>(res, NAME);
      return { ok: true as const, detail: `Connected to ${NAME}: ${typeof j?.count === 'number' ? j.count : '?'} contacts` };
    },

    validate: (patch) => validateCallTools(patch, { region }),
  };

  function assertValid(c: Partial<CanonicalContact>): void {
    assertFields(validateCallTools(c, { region }));
  }
  return connector;
}

/** DRF's answer to a page number past the last page: 404 {"detail":"Invalid page."}. */
function isInvalidPage(e: unknown): boolean {
  if (!(e instanceof VendorError) || e.kind !== 'not_found') return false;
  const j = safeJson(e.bodyExcerpt ?? '') as { detail?: unknown } | null;
  return typeof j?.detail === 'string' && /invalid page/i.test(j.detail);
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
