// LiveVox connector (docs/vendors/livevox.md): log in with LV-Access + user credentials for a session id,
// send LV-Session on every call and log in again once when the session has expired; list with
// count/offset (≤1000) following `next`; incremental pulls through the bulk CSV export by
// startDate (with a lookback window) and a read per changed account; 202 "already
// exists" on create; PUT the whole rebuilt contact, or many through the bulk PUT (bulk.ts);
// epoch-ms dates; padded phone slots dropped.
import { createHash } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import { z } from 'zod';
import type { CanonicalContact } from '../../../../shared/domain';
import { checkBaseUrl, joinUrl } from '../base-url';
import { transportOf, type Connector, type ConnectorOptions, type RemoteRecord, type CreateNeed } from '../connector';
import { VendorError } from '../errors';
import { PagingGuard, refused, resolveLimits } from '../limits';
import { classifyStatus, httpRequest, parseJson, type HttpResponse } from '../http';
import { nodeFetch } from '../node-http-client';
import { readIfThere } from '../evidence';
import { sharedSignIn } from '../sign-in';
import { withRetry } from '../retry';
import { assertFields } from '../field-rules';
import {
  canonicalToLiveVox,
  LIVEVOX_FIELDS,
  liveVoxCreateBody,
  liveVoxDnd,
  liveVoxToCanonical,
  realPhones,
  validateLiveVox,
  type LiveVoxJson,
} from './mapping';
import { lazyRecord } from '../lazy-record';
import { mapLimit } from '../map-limit';
import { accountsSearch, LIVEVOX_BATCH, LIVEVOX_SEARCH_CAP, searchAsRead } from './bulk';

export const LIVEVOX_DEFAULT_BASE_URL = 'https://api.livevox.com';
export const liveVoxCredentialsSchema = z.object({
  accessToken: z.string().min(1, 'the LV-Access API token is missing'),
  clientName: z.string().min(1, 'the client name is missing'),
  userName: z.string().min(1, 'the user name is missing'),
  password: z.string().min(1, 'the password is missing'),
});
export type LiveVoxCredentials = z.infer<typeof liveVoxCredentialsSchema>;

const NAME = 'LiveVox';
/** Incremental pulls start this far before the last change seen, against clock skew and same-ms writes. */
export const LIVEVOX_LOOKBACK_MS = 10 * 60 * 1000;
const READS_PER_PAGE = 100;
/**
 * Changed accounts read side by side in an incremental pull. LiveVox states no rate limit
 * (docs/vendors/livevox.md); the push already sends up to 16 at once (push-lanes.ts), and a
 * 429 is retried after its Retry-After as any request is.
 */
const READ_CONCURRENCY = 8;

export interface LiveVoxOptions extends ConnectorOptions<LiveVoxCredentials> {
  pageSize?: number;
}

/** The LiveVox account key Concord gives a contact it creates: derived from the idempotency key. */
export const accountKeyFor = (idempotencyKey: string): string =>
  `CONCORD-${createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 12).toUpperCase()}`;

export function createLiveVoxConnector(opts: LiveVoxOptions): Connector {
  const base = checkBaseUrl(opts.baseUrl || LIVEVOX_DEFAULT_BASE_URL).toString();
  const creds = liveVoxCredentialsSchema.parse(opts.credentials);
  const fetchImpl = opts.fetch ?? nodeFetch;
  const net = transportOf(opts, NAME);
  const limits = resolveLimits(opts.limits);
  const region = opts.defaultRegion ?? 'US';
  const pageSize = Math.min(1000, opts.pageSize ?? Number(opts.settings?.pageSize ?? 1000));
  let session: string | null = null;

  const login = sharedSignIn(signInLogin);
  async function signInLogin(): Promise<string> {
    const res = await httpRequest(fetchImpl, {
      ...net,
      method: 'POST',
      url: joinUrl(base, '/session/login'),
      headers: { 'LV-Access': creds.accessToken, 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({ clientName: creds.clientName, userName: creds.userName, password: creds.password, agent: false }),
    });
    if (res.status === 401 || res.status === 403 || res.status === 400) {
      throw new VendorError({
        kind: 'auth',
        status: res.status,
        message: `${NAME} refused the login: ${lvMessage(res) ?? `HTTP ${res.status}`}`,
      });
    }
    if (res.status !== 200)
      throw (
        classifyStatus(res, NAME) ??
        new VendorError({ kind: 'malformed', status: res.status, message: `${NAME} login answered HTTP ${res.status}` })
      );
    const j = parseJson<{ sessionId?: unknown }>(res, NAME);
    if (typeof j?.sessionId !== 'string') throw new VendorError({ kind: 'malformed', message: `${NAME} login sent no sessionId` });
    session = j.sessionId;
    return session;
  }

  // `once`: a request never repeated when it may have landed (the bulk PUT: sync re-reads instead).
  async function call(method: string, path: string, body?: unknown, ok: number[] = [200], once = false): Promise<HttpResponse> {
    return withRetry(
      async () => {
        let res: HttpResponse | null = null;
        for (let attempt = 0; attempt < 2; attempt++) {
          const sid = session ?? (await login());
          res = await httpRequest(fetchImpl, {
            ...net,
            method,
            url: joinUrl(base, path),
            headers: {
              'LV-Access': creds.accessToken,
              'LV-Session': sid,
              Accept: 'application/json',
              ...(body ? { 'Content-Type': 'application/json' } : {}),
            },
            body: body ? JSON.stringify(body) : undefined,
          });
          if (res.status !== 401) break;
          session = null; // expired (2 h idle, or a password change): log in once more
        }
        if (ok.includes(res!.status)) return res!;
        if (res!.status === 400 || res!.status === 422) {
          throw new VendorError({
            kind: 'validation',
            status: res!.status,
            message: `${NAME} refused the change: ${lvMessage(res!) ?? `HTTP ${res!.status}`}`,
          });
        }
        if (res!.status === 404) throw new VendorError({ kind: 'not_found', status: 404, message: `${NAME}: contact not found` });
        throw (
          classifyStatus(res!, NAME) ??
          new VendorError({
            kind: 'malformed',
            status: res!.status,
            message: `${NAME} answered HTTP ${res!.status} unexpectedly`,
            bodyExcerpt: res!.text.slice(0, 300),
          })
        );
      },
      opts.retry,
      { once },
    );
  }

  function toRecord(j: LiveVoxJson): RemoteRecord {
    if (typeof j.account !== 'string' || !j.account)
      throw new VendorError({ kind: 'malformed', message: `${NAME} sent a contact without an account` });
    const modified = j.modifiedDate ?? j.modifyDate; // the name differs by endpoint
    return lazyRecord(j.account, j, modified != null ? { modifyDate: String(modified) } : {}, () => liveVoxToCanonical(j, region));
  }

  async function readRaw(account: string): Promise<LiveVoxJson> {
    const res = await call('GET', `/contact/contacts/${encodeURIComponent(account)}`);
    const j = parseJson<{ readContactDetails?: LiveVoxJson }>(res, NAME);
    if (!j?.readContactDetails || typeof j.readContactDetails !== 'object')
      throw new VendorError({ kind: 'malformed', message: `${NAME} sent a read without readContactDetails` });
    return { account, ...j.readContactDetails };
  }

  /** Many accounts read by search, 1000 a request (its cap): an OR of `account EQUALS` conditions. Absent: not there. */
  async function searchAccounts(remoteIds: readonly string[]): Promise<Map<string, RemoteRecord>> {
    const found = new Map<string, RemoteRecord>();
    const wanted = [...new Set(remoteIds)];
    for (let i = 0; i < wanted.length; i += LIVEVOX_SEARCH_CAP) {
      const chunk = wanted.slice(i, i + LIVEVOX_SEARCH_CAP);
      const want = new Set(chunk);
      const res = await call('POST', `/contact/contacts/search?count=${chunk.length}&offset=0`, { search: accountsSearch(chunk) });
      const j = parseJson<{ findMatchingContactsDetails?: unknown }>(res, NAME);
      if (!j || !Array.isArray(j.findMatchingContactsDetails))
        throw new VendorError({
          kind: 'malformed',
          message: `${NAME} sent a search answer without findMatchingContactsDetails`,
          bodyExcerpt: res.text.slice(0, 300),
        });
      for (const hit of j.findMatchingContactsDetails as LiveVoxJson[]) {
        // EQUALS is exact; anything else the vendor sends is not what was asked for.
        if (hit && typeof hit.account === 'string' && want.has(hit.account)) found.set(hit.account, toRecord(searchAsRead(hit)));
      }
    }
    return found;
  }

  /** Accounts whose modifyDate is on or after `since` (epoch ms), from the bulk CSV export. */
  async function changedSince(since: number): Promise<string[]> {
    const res = await call('POST', '/contact/contacts/bulk', { startDate: since, exportableFields: ['account', 'modifyDate'] });
    let rows: string[][];
    try {
      rows = parse(res.text, { relax_column_count: true, skip_empty_lines: true, bom: true }) as string[][];
    } catch (e) {
      throw new VendorError({
        kind: 'malformed',
        message: `${NAME} sent an export that is not CSV`,
        bodyExcerpt: res.text.slice(0, 300),
        cause: e,
      });
    }
    const [header, ...data] = rows;
    // The header row uses display labels ("Account", "Modify Date"), not field keys.
    const col = (header ?? []).findIndex((h) => h.trim().toLowerCase() === 'account');
    if (col < 0)
      throw new VendorError({ kind: 'malformed', message: `${NAME} export has no Account column`, bodyExcerpt: res.text.slice(0, 300) });
    return data.map((r) => r[col]?.trim() ?? '').filter(Boolean);
  }

  const maxModified = (records: RemoteRecord[], floor: number): number =>
    records.reduce((m, r) => Math.max(m, Number(r.versions.modifyDate ?? 0) || 0), floor);

  const connector: Connector = {
    vendor: 'livevox',
    fields: LIVEVOX_FIELDS,

    // Cursor forms: "full:<offset>:<maxModified>" mid full scan; "since:<ms>" for the next
    // incremental pull. `full` (or no cursor) scans everything, which is how deletions show.
    async *pull(cursor, options) {
      const since = !options?.full && cursor?.startsWith('since:') ? Number(cursor.slice(6)) : null;
      if (since !== null && Number.isFinite(since)) {
        // Each account is read by itself, so the export's list is capped as a pull is (limits.ts), and read once.
        const accounts = [...new Set(await changedSince(Math.max(0, since - LIVEVOX_LOOKBACK_MS)))];
        const cap = Math.max(limits.pullRecordFloor, limits.pullRecordFactor * (options?.knownRecords ?? 0));
        if (accounts.length > cap)
          throw refused(
            `${NAME} listed ${accounts.length.toLocaleString('en')} changed contacts, more than the ${cap.toLocaleString('en')} a pull may read — refused; the next sync reads everything from the first page`,
            { restartPull: true },
          );
        let newest = since;
        for (let i = 0; i < accounts.length || i === 0; i += READS_PER_PAGE) {
          const batch = accounts.slice(i, i + READS_PER_PAGE);
          // Read account by account, not by search: a search answer differs from a read in shape
          // (no nulls, consents on every number), and a record read in another shape than the
          // copy held would count as changed at every pull. So the pull after a batch push reads
          // each account the batch wrote (its read back was a search), a few side by side.
          const read = await mapLimit(batch, READ_CONCURRENCY, async (account) => {
            try {
              return toRecord(await readRaw(account));
            } catch (e) {
              if (!(e instanceof VendorError && e.kind === 'not_found')) throw e; // deleted since the export
              return null;
            }
          });
          const records = read.filter((x): x is RemoteRecord => x !== null);
          newest = maxModified(records, newest);
          const last = i + READS_PER_PAGE >= accounts.length;
          // Until the last batch is stored the cursor stays put: a resumed pull redoes it (idempotent).
          yield { records, nextCursor: last ? null : cursor, fullScan: false, checkpoint: `since:${newest}` };
          if (last) return;
        }
        return;
      }
      const m = !options?.full && cursor?.startsWith('full:') ? /^full:(\d+):(\d+)$/.exec(cursor) : null;
      let offset = m ? Number(m[1]) : 0;
      let newest = m ? Number(m[2]) : 0;
      // LiveVox states no total: the guard caps the pull at a multiple of what the store holds.
      const guard = new PagingGuard(NAME, { pageSize, limits, knownRecords: options?.knownRecords });
      for (;;) {
        const res = await call('GET', `/contact/contacts?count=${pageSize}&offset=${offset}`);
        const j = parseJson<{ listContactDetails?: unknown; next?: unknown }>(res, NAME);
        if (!j || !Array.isArray(j.listContactDetails))
          throw new VendorError({
            kind: 'malformed',
            message: `${NAME} sent a list without listContactDetails`,
            bodyExcerpt: res.text.slice(0, 300),
          });
        const records = (j.listContactDetails as LiveVoxJson[]).map(toRecord);
        newest = maxModified(records, newest);
        const next = typeof j.next === 'string' && j.next.trim() ? j.next.trim() : null;
        guard.page({ at: `offset ${offset}`, next, ids: records.map((r) => r.remoteId), more: next !== null });
        if (next) {
          // `next` has no leading slash; its offset is where the following page starts.
          const to = Number(new URL(next.replace(/^\/?/, '/'), 'http://x').searchParams.get('offset') ?? offset + pageSize);
          // An offset that does not move forward would read the same records for ever.
          if (!Number.isSafeInteger(to) || to <= offset) {
            throw refused(
              `${NAME} sent a next link back to offset ${to} from offset ${offset} — paging stopped; what came before is kept, and the next sync starts from the first page`,
              { restartPull: true },
            );
          }
          offset = to;
          yield { records, nextCursor: `full:${offset}:${newest}`, fullScan: true };
        } else {
          yield { records, nextCursor: null, fullScan: true, checkpoint: `since:${newest}` };
          return;
        }
      }
    },

    async read(remoteId) {
      return toRecord(await readRaw(remoteId));
    },

    // The account key is derived from the idempotency key, so it is the marker: one exact read.
    async findCreated(_contact, { idempotencyKey, values }) {
      // The key the create used: the person's, else the one derived from the idempotency key.
      return readIfThere(connector, values?.account?.trim() || accountKeyFor(idempotencyKey));
    },

    previewCreate(contact, values) {
      // Every LiveVox contact lives under an "account" key the client chooses (it is the id in
      // every path): a person adding someone names it; it is not made up for them.
      const account = values.account?.trim();
      const needs: CreateNeed[] = [
        {
          key: 'account',
          label: 'LiveVox account key',
          why: `${NAME} files every contact under an account key your organisation chooses (up to 255 characters)`,
          becomesId: true,
          ...(account ? { value: account } : {}),
        },
      ];
      return {
        requests: [
          {
            method: 'POST',
            path: '/contact/contacts/',
            body: { createContactDetails: { ...liveVoxCreateBody(contact, region), account: account || '{account}', active: true } },
          },
        ],
        needs,
      };
    },

    async create(contact: CanonicalContact, options) {
      assertValid(contact);
      // The account key: the one a person gave, else ours to choose — derived from the idempotency
      // key, so a retried create lands on the same contact, which LiveVox then reports as
      // "already exists" (202).
      const account = options?.values?.account?.trim() || accountKeyFor(options?.idempotencyKey ?? `${Date.now()}-${Math.random()}`);
      const body = { ...liveVoxCreateBody(contact, region), account, active: true };
      // Re-sending is safe here (the same key answers 202 "already exists"), so a lost answer is retried.
      let mayHaveLanded = false;
      const res = await withRetry(
        async () => {
          try {
            return await call('POST', '/contact/contacts/', { createContactDetails: body }, [201, 202]);
          } catch (e) {
            mayHaveLanded ||= !(e instanceof VendorError) || e.maybeApplied;
            throw e;
          }
        },
        opts.retry,
        { repeatable: true },
      );
      // 202 to the first POST that could have landed: the key was someone else's contact
      // already. It is not ours: no step is stored, and sync asks a person (a conflict).
      if (res.status === 202 && !mayHaveLanded) return { remoteId: account, record: await connector.read(account), alreadyExisted: true };
      await options?.onStep?.({ record: account });
      return { remoteId: account, record: await connector.read(account) };
    },

    async update(remoteId, patch, ctx) {
      const raw = ctx.raw && typeof ctx.raw === 'object' ? (ctx.raw as LiveVoxJson) : await readRaw(remoteId);
      assertValid(patch, raw);
      // The body is rebuilt from the raw copy, so its blocks and consents go back as they were.
      const { account: _a, ...body } = canonicalToLiveVox(patch, raw, region);
      const { doNotContact: _d, ...fields } = patch;
      // 204, sometimes with a body (documented for the bulk form): the body is ignored.
      if (Object.keys(fields).length)
        await call('PUT', `/contact/contacts/${encodeURIComponent(remoteId)}`, { updateContactDetails: body }, [200, 204]);
      // Blocking goes through the documented DND route, after the numbers are in their slots.
      const dnd = liveVoxDnd(patch, raw, Array.isArray(body.phone) ? (body.phone as LiveVoxJson[]) : realPhones(raw), region);
      if (dnd) await call('PUT', `/contact/contacts/${encodeURIComponent(remoteId)}/dnd`, dnd, [200, 204]);
      return { remoteId, record: await connector.read(remoteId) };
    },

    batchSize: LIVEVOX_BATCH,

    readMany: searchAccounts,

    async updateMany(items, beforeSend) {
      const refused = new Map<string, VendorError>();
      const alone: string[] = [];
      const bodies: LiveVoxJson[] = [];
      for (const { remoteId, patch, context } of items) {
        try {
          const raw = context.raw && typeof context.raw === 'object' ? (context.raw as LiveVoxJson) : {};
          assertValid(patch, raw);
          const { account: _a, ...body } = canonicalToLiveVox(patch, raw, region);
          const { doNotContact: _d, ...fields } = patch;
          // A block goes through the DND route, which has no bulk form for a whole contact: alone.
          const sent = Array.isArray(body.phone) ? (body.phone as LiveVoxJson[]) : realPhones(raw);
          if (!Object.keys(fields).length || liveVoxDnd(patch, raw, sent, region)) alone.push(remoteId);
          else bodies.push({ ...body, account: remoteId }); // the account names each item (the document's example)
        } catch (e) {
          if (!(e instanceof VendorError && e.kind === 'validation')) throw e;
          refused.set(remoteId, e);
        }
      }
      if (!bodies.length) return { refused, alone };
      beforeSend(bodies.map((b) => String(b.account)));
      // "204" with {message: "Successfully updated contacts n"}: a count, nothing per item.
      await call('PUT', '/contact/contacts/bulk', { updateContactDetails: bodies }, [200, 204], true);
      return { refused, alone };
    },

    async delete(remoteId) {
      await call('DELETE', `/contact/contacts/${encodeURIComponent(remoteId)}`, undefined, [204, 200]);
    },

    async testConnection() {
      const res = await call('GET', '/contact/contacts?count=1&offset=0');
      parseJson(res, NAME);
      return { ok: true as const, detail: `Connected to ${NAME} as ${creds.userName}@${creds.clientName}` };
    },

    validate: (patch) => validateLiveVox(patch, { region }),
  };

  function assertValid(c: Partial<CanonicalContact>, raw?: LiveVoxJson): void {
    assertFields(validateLiveVox(c, { region, raw }));
  }
  return connector;
}

function lvMessage(res: HttpResponse): string | null {
  try {
    const j = JSON.parse(res.text) as { message?: unknown };
    return typeof j?.message === 'string' ? j.message : null;
  } catch {
    return null;
  }
}
