// LiveVox simulator (shared/vendors/docs/livevox-contacts.txt, README §3): session login with
// LV-Access, LV-Session on every call (401 once expired), count/offset lists following `next`
// (no leading slash), read/create/update/delete by account, 202 "Contact already exists!",
// 404 with an empty body for a missing update/delete, search results padded to ten phone
// ordinals, and the bulk CSV export by startDate whose header uses display labels.
import { createHash, randomBytes } from 'node:crypto';
import { SimClock } from '../clock';
import type { Faults } from '../faults';
import type { SeedContact } from '../population-types';
import { createRng } from '../rng';
import { Router, startSandboxServer, type SandboxRequest, type SandboxResponse, type SandboxServer } from '../server';
import { canonicalToLiveVox } from '../../vendors/livevox/mapping';

export type LiveVoxSandboxCredentials = { accessToken: string; clientName: string; userName: string; password: string };
type Json = Record<string, unknown>;

const EXPORT_LABELS: Record<string, string> = { account: 'Account', modifyDate: 'Modify Date', dueDate: 'Account Due Date', firstName: 'First Name', lastName: 'Last Name' };

export class LiveVoxStore {
  readonly contacts = new Map<string, Json>();
  /** sessionId -> last use (ms, simulator clock); sessions idle for 2 h expire. */
  readonly sessions = new Map<string, number>();
  private nextId = 1_500_000_000_000;
  constructor(readonly clock: SimClock) {}

  create(body: Json): Json {
    const now = this.clock.now().getTime();
    const c: Json = {
      id: this.nextId++, person: { firstName: null, lastName: null, dateOfBirth: null, email: null, ssn: null, zipCode: null }, guarantor: { firstName: null, lastName: null },
      phone: [], customFields: [{ field: 'COL1', value: 'Gold' }], active: true, balance: 0, accountBlock: 'NONE', address1: null, address2: null, city: null, state: null, country: null,
      amountToSpeak: 0, dueDate: 0, groupId: 0, callAttemptsToday: 0, callAttemptsTotal: 0, initialLoad: now, lastLoad: null, createDate: now, modifyDate: now,
    };
    this.apply(c, body);
    this.contacts.set(String(c.account), c);
    return c;
  }

  apply(c: Json, body: Json): void {
    for (const [k, v] of Object.entries(body)) {
      if (['id', 'createDate', 'modifyDate', 'createdDate', 'modifiedDate'].includes(k)) continue;
      if (k === 'person' || k === 'guarantor') c[k] = { ...((c[k] as Json) ?? {}), ...(v as Json) };
      else if (k === 'groupId') c[k] = Number(v) || 0; // a string in requests, a number in responses
      else if (k === 'phone') c.phone = (v as Json[]).map((p) => ({ ...p, ordinal: Number(p.ordinal) }));
      else c[k] = v;
    }
    c.modifyDate = this.clock.now().getTime();
  }

  touch(account: string, body: Json): Json {
    const c = this.contacts.get(account);
    if (!c) throw new Error(`no contact ${account}`);
    this.apply(c, body);
    return c;
  }

  expireSessions(): void {
    this.sessions.clear();
  }
}

/** The read/search shape: createdDate/modifiedDate instead of createDate/modifyDate. */
function asRead(c: Json): Json {
  const { createDate, modifyDate, id: _id, ...rest } = c;
  return { ...rest, createdDate: createDate, modifiedDate: modifyDate };
}

function padPhones(c: Json): Json {
  const byOrdinal = new Map((c.phone as Json[]).map((p) => [Number(p.ordinal), p]));
  const phone = Array.from({ length: 10 }, (_, i) => ({ smsConsent: false, cellConsent: false, ...(byOrdinal.get(i + 1) ?? {}), ordinal: i + 1, position: i + 1, dnd: false, dndDaily: false, callAttemptsTotal: 0, callAttemptsToday: 0 }));
  return { ...c, phone };
}

function usDate(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getUTCMonth() + 1)}/${p(d.getUTCDate())}/${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`;
}

function parseLvDate(v: unknown): number | null {
  if (v === undefined || v === null || v === '') return null;
  if (typeof v === 'number') return v;
  if (/^\d+$/.test(String(v))) return Number(v);
  const t = Date.parse(`${String(v)}T00:00:00Z`);
  return Number.isNaN(t) ? NaN : t;
}

function validate(c: Json): string | null {
  for (const p of (c.phone as Json[] | undefined) ?? []) {
    const o = Number(p.ordinal);
    if (!Number.isInteger(o) || o < 1 || o > 10) return `Invalid phone ordinal ${String(p.ordinal)}: must be 1-10`;
  }
  const person = (c.person ?? {}) as Json;
  if (person.email && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(String(person.email))) return 'Invalid email address';
  if (typeof c.account === 'string' && c.account.length > 255) return 'Account must be at most 255 characters';
  return null;
}

export interface LiveVoxSandbox {
  server: SandboxServer;
  baseUrl: string;
  credentials: LiveVoxSandboxCredentials;
  seeded: { key: string; remoteId: string }[];
  store: LiveVoxStore;
}

export async function startLiveVoxSandbox(opts: { faults?: Faults; seed?: number; contacts?: SeedContact[] } = {}): Promise<LiveVoxSandbox> {
  const clock = new SimClock();
  const store = new LiveVoxStore(clock);
  const h = createHash('sha256').update(`livevox-${opts.seed ?? 1}`).digest('hex');
  const credentials: LiveVoxSandboxCredentials = { accessToken: `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`, clientName: 'ConcordSandbox', userName: 'concord.api', password: h.slice(32, 48) };
  const rng = createRng(opts.seed ?? 3);
  const faultRng = createRng((opts.seed ?? 3) + 7);
  let sessionId: string | null = null;
  const seeded = (opts.contacts ?? []).map(({ key, contact }, i) => {
    const account = `LV${String(100000 + i)}`;
    store.create({ ...canonicalToLiveVox(contact, {}), account, balance: Math.round(rng.next() * 50000) / 100 });
    return { key, remoteId: account };
  });

  const err = (status: number, code: number, message: string): SandboxResponse => ({ status, body: { code, message } });
  const session = (req: SandboxRequest): SandboxResponse | null => {
    const sid = req.headers['lv-session'];
    const last = typeof sid === 'string' ? store.sessions.get(sid) : undefined;
    const now = clock.now().getTime();
    if (last === undefined || now - last > 2 * 3600_000 || faultRng.chance(server.faults.expireRate)) {
      if (typeof sid === 'string') store.sessions.delete(sid);
      return err(401, 401, 'Session is invalid or has expired');
    }
    store.sessions.set(sid as string, now); // rolling expiry
    return null;
  };
  const json = (req: SandboxRequest): Json | null => {
    try {
      const b = JSON.parse(req.body) as unknown;
      return b && typeof b === 'object' && !Array.isArray(b) ? (b as Json) : null;
    } catch {
      return null;
    }
  };
  const login = (req: SandboxRequest): SandboxResponse => {
    const b = json(req);
    if (req.headers['lv-access'] !== credentials.accessToken) return err(403, 403, 'Invalid or missing LV-Access token');
    if (!b || b.clientName !== credentials.clientName || b.userName !== credentials.userName || b.password !== credentials.password) return err(401, 401, 'Invalid credentials');
    // The same user and token get back the same session id while it lives.
    if (!sessionId || !store.sessions.has(sessionId)) sessionId = randomBytes(16).toString('hex');
    store.sessions.set(sessionId, clock.now().getTime());
    return { status: 200, body: { sessionId, userId: 7001, clientId: 4242, daysUntilPasswordExpires: 42 } };
  };

  const router = new Router()
    .on('POST', '/session/login', login)
    .on('POST', '/session/v5.0/login', login)
    .on('GET', '/contact/contacts', (req) => {
      const denied = session(req);
      if (denied) return denied;
      const count = Number(req.query.get('count'));
      const offset = Number(req.query.get('offset'));
      if (!req.query.has('count') || !req.query.has('offset') || !Number.isInteger(count) || !Number.isInteger(offset) || count < 1 || offset < 0) return err(400, 400, 'count and offset are required');
      if (count > 1000) return err(400, 400, 'count must not exceed 1000');
      const all = [...store.contacts.values()];
      const page = all.slice(offset, offset + count).map(({ id: _id, ...c }) => c);
      return { status: 200, body: { listContactDetails: page, ...(offset + count < all.length ? { next: `contact/contacts?offset=${offset + count}&count=${count}` } : {}) } };
    })
    .on('POST', '/contact/contacts/search', (req) => {
      const denied = session(req);
      if (denied) return denied;
      const b = json(req);
      const s = (b?.search ?? {}) as Json;
      const count = Math.min(1000, Number(req.query.get('count') ?? 100));
      const offset = Number(req.query.get('offset') ?? 0);
      const value = (c: Json): string => String(s.field === 'account' ? c.account : ((c.person as Json)?.[String(s.field)] ?? ''));
      const hits = [...store.contacts.values()].filter((c) => (s.condition === 'EQUALS' ? value(c) === String(s.criteria) : value(c).startsWith(String(s.criteria ?? ''))));
      const page = hits.slice(offset, offset + count).map((c) => padPhones(asRead(c)));
      return { status: 200, body: { findMatchingContactsDetails: page.map((c, i) => ({ id: (hits[offset + i] as Json).id, ...c })), ...(offset + count < hits.length ? { next: `/contact/contacts/search?offset=${offset + count}` } : {}) } };
    })
    .on('GET', '/contact/contacts/:account', (req) => {
      const denied = session(req);
      if (denied) return denied;
      const c = store.contacts.get(req.params.account!);
      if (!c) return err(404, 203, 'No Record Found');
      const { account: _a, ...rest } = asRead(c);
      return { status: 200, body: { readContactDetails: { ...rest, account: c.account } } };
    })
    .on('POST', '/contact/contacts/', (req) => {
      const denied = session(req);
      if (denied) return denied;
      const b = json(req);
      const details = b?.createContactDetails as Json | undefined;
      if (!details || typeof details.account !== 'string' || !details.account) return err(400, 400, 'createContactDetails.account is required');
      if (store.contacts.has(details.account)) return err(202, 202, 'Contact already exists!');
      const problem = validate(details);
      if (problem) return err(400, 400, problem);
      const c = store.create(details);
      return { status: 201, body: { id: String(c.id) } };
    })
    .on('POST', '/contact/contacts/bulk', (req) => {
      const denied = session(req);
      if (denied) return denied;
      const b = json(req);
      if (!b) return err(400, 400, 'Invalid request body');
      if (Array.isArray(b.createContactDetails)) {
        let created = 0;
        for (const d of b.createContactDetails as Json[]) {
          if (typeof d.account !== 'string' || store.contacts.has(d.account)) continue;
          store.create(d);
          created++;
        }
        return { status: 201, body: { message: `Successfully created contacts ${created}` } };
      }
      const fields = Array.isArray(b.exportableFields) ? (b.exportableFields as string[]) : null;
      if (!fields?.length) return err(400, 400, 'exportableFields is required');
      const start = parseLvDate(b.startDate);
      const end = parseLvDate(b.endDate);
      if (Number.isNaN(start) || Number.isNaN(end)) return err(400, 400, 'startDate/endDate must be CCYY-MM-DD or epoch milliseconds');
      const rows = [...store.contacts.values()].filter((c) => (start === null || (c.modifyDate as number) >= start) && (end === null || (c.modifyDate as number) <= end + (typeof b.endDate === 'string' && !/^\d+$/.test(b.endDate) ? 86_399_999 : 0)));
      const cell = (c: Json, f: string): string => {
        const v = f === 'modifyDate' || f === 'dueDate' ? (c[f] ? usDate(c[f] as number) : '') : String(c[f] ?? (c.person as Json)?.[f] ?? '');
        return /[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
      };
      const csv = [fields.map((f) => EXPORT_LABELS[f] ?? f).join(','), ...rows.map((c) => fields.map((f) => cell(c, f)).join(','))].join('\n') + '\n';
      return { status: 200, headers: { 'content-type': 'text/csv' }, body: csv };
    })
    .on('PUT', '/contact/contacts/:account', (req) => {
      const denied = session(req);
      if (denied) return denied;
      const c = store.contacts.get(req.params.account!);
      if (!c) return { status: 404 }; // empty body, as documented
      const details = json(req)?.updateContactDetails as Json | undefined;
      if (!details) return err(400, 400, 'updateContactDetails is required');
      const problem = validate({ ...c, ...details });
      if (problem) return err(400, 400, problem);
      store.apply(c, details);
      return { status: 204 };
    })
    .on('DELETE', '/contact/contacts/:account', (req) => {
      const denied = session(req);
      if (denied) return denied;
      return store.contacts.delete(req.params.account!) ? { status: 204 } : { status: 404 };
    });

  // Assigned below; the session check reads its faults.
  // eslint-disable-next-line prefer-const
  let server: SandboxServer;
  server = await startSandboxServer({
    router,
    seed: opts.seed,
    faults: opts.faults,
    hooks: {
      tooMany: (s) => ({ status: 429, headers: { 'Retry-After': String(s) }, body: { code: 429, message: 'Too many requests' } }),
      serverError: () => ({ status: 503, body: { code: 503, message: 'Service temporarily unavailable' } }),
      exempt: (req) => req.path.startsWith('/session/'),
    },
    notFound: () => ({ status: 404, body: { code: 404, message: 'Resource not found' } }),
  });
  return { server, baseUrl: server.baseUrl, credentials, seeded, store };
}
