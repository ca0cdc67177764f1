// LiveVox simulator (the vendor's livevox-contacts.txt, docs/vendors/livevox.md): session login with
// LV-Access, LV-Session on every call (401 once expired), count/offset lists following `next`
// (no leading slash), read/create/update/delete by account, 202 "Contact already exists!",
// 404 with an empty body for a missing update/delete, search results padded to ten phone
// ordinals, and the bulk CSV export by startDate whose header uses display labels.
import { IndexedMap } from '../indexed-map';
import { createHash, randomBytes } from 'node:crypto';
import { SimClock } from '../clock';
import type { Faults } from '../faults';
import type { SeedContact } from '../population-types';
import { createRng } from '../rng';
import { Router, startSandboxServer, type SandboxRequest, type SandboxResponse, type SandboxServer } from '../server';
import { liveVoxCreateBody } from '../../vendors/livevox/mapping';
import { dndAction, seedBlocksAndConsents } from './blocks';

export type LiveVoxSandboxCredentials = { accessToken: string; clientName: string; userName: string; password: string };
type Json = Record<string, unknown>;

// Export columns are headed by display labels; the document shows "Account" and "Account Due Date".
const EXPORT_LABELS: Record<string, string> = {
  account: 'Account',
  modifyDate: 'Modify Date',
  dueDate: 'Account Due Date',
  firstName: 'First Name',
  lastName: 'Last Name',
  email: 'Email',
  zipCode: 'Zip Code',
  address1: 'Address 1',
  address2: 'Address 2',
  city: 'City',
  state: 'State',
  balance: 'Balance',
  ...Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`phone${i + 1}`, `Phone ${i + 1}`])),
};
/** What `allFields` expands to (the document names the key, not its columns). */
const ALL_FIELDS = [
  'account',
  'firstName',
  'lastName',
  'email',
  'zipCode',
  'address1',
  'address2',
  'city',
  'state',
  'balance',
  'dueDate',
  'modifyDate',
  ...Array.from({ length: 10 }, (_, i) => `phone${i + 1}`),
];

export class LiveVoxStore {
  readonly contacts = new IndexedMap<string, Json>();
  /** sessionId -> last use (ms, simulator clock); sessions idle for 2 h expire. */
  readonly sessions = new Map<string, number>();
  /** The client's custom-field labels (COL1–COL100), as "List Custom Field" answers them. */
  readonly customFieldLabels = new Map<string, { label: string; dataType: 'STRING' | 'NUMBER' | 'LIST'; listValues?: string[] }>([
    ['COL1', { label: 'Tier', dataType: 'STRING' }],
    ['COL8', { label: 'Phone 1 Status Description', dataType: 'STRING' }],
    ['COL9', { label: 'Company', dataType: 'STRING' }],
    ['COL24', { label: 'Score Type', dataType: 'NUMBER' }],
    ['COL30', { label: 'Test', dataType: 'LIST', listValues: ['blue', 'green', 'red'] }],
  ]);
  private nextId = 1_500_000_000_000;
  constructor(readonly clock: SimClock) {}

  create(body: Json): Json {
    const now = this.clock.now().getTime();
    const c: Json = {
      id: this.nextId++,
      person: { firstName: null, lastName: null, dateOfBirth: null, email: null, ssn: null, zipCode: null },
      guarantor: { firstName: null, lastName: null },
      phone: [],
      customFields: [{ field: 'COL1', value: 'Gold' }],
      active: true,
      balance: 0,
      accountBlock: 'NONE',
      address1: null,
      address2: null,
      city: null,
      state: null,
      country: null,
      amountToSpeak: 0,
      dueDate: 0,
      groupId: 0,
      callAttemptsToday: 0,
      callAttemptsTotal: 0,
      initialLoad: now,
      lastLoad: null,
      createDate: now,
      modifyDate: now,
    };
    this.apply(c, body);
    this.contacts.set(String(c.account), c);
    return c;
  }

  apply(c: Json, body: Json): void {
    for (const [k, v] of Object.entries(body)) {
      if (['id', 'createDate', 'modifyDate', 'createdDate', 'modifiedDate'].includes(k)) continue;
      if (k === 'person' || k === 'guarantor') c[k] = { ...((c[k] as Json) ?? {}), ...(v as Json) };
      else if (k === 'groupId')
        c[k] = v === null ? null : Number(v) || 0; // a string in requests, a number in responses
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
  // Empty slots look like the document's (no `phone` key); a stored entry keeps its own flags.
  const phone = Array.from({ length: 10 }, (_, i) => ({
    smsConsent: false,
    cellConsent: false,
    dnd: false,
    dndDaily: false,
    callAttemptsTotal: 0,
    callAttemptsToday: 0,
    ...(byOrdinal.get(i + 1) ?? {}),
    ordinal: i + 1,
    position: i + 1,
  }));
  return { ...c, phone };
}

function usDate(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getUTCMonth() + 1)}/${p(d.getUTCDate())}/${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`;
}

/** Dates (dueDate) export as MM/DD/YYYY, as the document's "Account Due Date" column shows. */
function usDay(ms: number): string {
  return usDate(ms).slice(0, 10);
}

function parseLvDate(v: unknown): number | null {
  if (v === undefined || v === null || v === '') return null;
  if (typeof v === 'number') return v;
  if (/^\d+$/.test(String(v))) return Number(v);
  const t = Date.parse(`${String(v)}T00:00:00Z`);
  return Number.isNaN(t) ? NaN : t;
}

/**
 * The DND update: each entry acts on the phoneBlock of the phone at its ordinal and sets its
 * consents as sent (an empty slot with a number given gets that number); accountBlock acts on
 * the contact's. How an action combines with the current block is the document's lost table,
 * read as blocks.ts says (DAILY on PERMANENT is BOTH, PERMANENT_OFF on BOTH leaves DAILY…).
 */
function applyDnd(c: Json, d: Json, now: number): string | null {
  const entries = Array.isArray(d.updateContactDND) ? (d.updateContactDND as Json[]) : [];
  const next = [...((c.phone as Json[]) ?? [])].map((p) => ({ ...p }));
  for (const e of entries) {
    const o = Number(e.ordinal);
    if (!Number.isInteger(o) || o < 1 || o > 10) return `Invalid phone ordinal ${String(e.ordinal)}: must be 1-10`;
    let slot = next.find((p) => Number(p.ordinal) === o);
    if (!slot) {
      if (typeof e.phone !== 'string' || !e.phone) continue;
      slot = { phone: e.phone, ordinal: o };
      next.push(slot);
    }
    if (e.phoneBlock !== undefined) {
      const problem = validate({ phone: [{ ordinal: o, phoneBlock: e.phoneBlock }] });
      if (problem) return problem;
      slot.phoneBlock = dndAction(slot.phoneBlock, e.phoneBlock);
    }
    for (const k of ['smsConsent', 'cellConsent'] as const) if (e[k] !== undefined) slot[k] = e[k];
  }
  const problem = validate({ ...c, phone: next, ...(d.accountBlock !== undefined ? { accountBlock: d.accountBlock } : {}) });
  if (problem) return problem;
  c.phone = next;
  if (d.accountBlock !== undefined) c.accountBlock = dndAction(c.accountBlock, d.accountBlock);
  c.modifyDate = now;
  return null;
}

function validate(c: Json): string | null {
  for (const p of (c.phone as Json[] | undefined) ?? []) {
    const o = Number(p.ordinal);
    if (!Number.isInteger(o) || o < 1 || o > 10) return `Invalid phone ordinal ${String(p.ordinal)}: must be 1-10`;
  }
  const BLOCKS = ['NONE', 'DAILY', 'PERMANENT', 'BOTH', 'DAILY_OFF', 'PERMANENT_OFF'];
  for (const p of (c.phone as Json[] | undefined) ?? []) {
    if (p.phoneBlock != null && !BLOCKS.includes(String(p.phoneBlock))) return `Invalid phoneBlock ${String(p.phoneBlock)}`;
  }
  if (c.accountBlock != null && !BLOCKS.includes(String(c.accountBlock))) return `Invalid accountBlock ${String(c.accountBlock)}`;
  for (const f of Array.isArray(c.customFields) ? (c.customFields as Json[]) : []) {
    if (!/^COL([1-9]\d?|100)$/.test(String(f.field))) return `Invalid custom field ${String(f.field)}: must be COL1-COL100`;
  }
  const person = (c.person ?? {}) as Json;
  if (person.email && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(String(person.email))) return 'Invalid email address';
  if (typeof c.account === 'string' && c.account.length > 255) return 'Account must be at most 255 characters';
  return null;
}

/**
 * The value a search or sort names. The document's examples use lower-case keys ("account",
 * "postalcode", "paymentbalance"); we read them case-insensitively against the contact's own
 * keys, person keys, and those aliases (its field list is not in the document we have).
 */
const ALIASES: Record<string, (c: Json) => unknown> = {
  postalcode: (c) => (c.person as Json | undefined)?.zipCode,
  zipcode: (c) => (c.person as Json | undefined)?.zipCode,
  paymentbalance: (c) => c.balance,
  phone: (c) => ((c.phone as Json[] | undefined) ?? []).map((p) => p.phone).filter(Boolean),
};
function fieldValue(c: Json, field: string): unknown {
  const f = field.toLowerCase();
  if (ALIASES[f]) return ALIASES[f](c);
  const person = (c.person ?? {}) as Json;
  const key = Object.keys(c).find((k) => k.toLowerCase() === f);
  if (key && key !== 'person') return c[key];
  const pk = Object.keys(person).find((k) => k.toLowerCase() === f);
  if (pk) return person[pk];
  const cf = (Array.isArray(c.customFields) ? (c.customFields as Json[]) : []).find((x) => String(x.field).toLowerCase() === f);
  return cf?.value;
}

function compare(a: unknown, b: unknown): number {
  const na = Number(a);
  const nb = Number(b);
  if (a !== null && b !== null && a !== '' && b !== '' && Number.isFinite(na) && Number.isFinite(nb)) return na - nb;
  return String(a ?? '').localeCompare(String(b ?? ''));
}

const CONDITIONS: Record<string, (v: string, criteria: string, cmp: number) => boolean> = {
  EQUALS: (v, c) => v === c,
  STARTS_WITH: (v, c) => v.startsWith(c),
  ENDS_WITH: (v, c) => v.endsWith(c),
  CONTAINS: (v, c) => v.includes(c),
  LESS: (_v, _c, cmp) => cmp < 0,
  GREATER: (_v, _c, cmp) => cmp > 0,
  GREATER_EQUAL: (_v, _c, cmp) => cmp >= 0,
};

/** A search tree: a rule {rule: AND|OR, left, right} or a condition {field, criteria, condition}. */
function searchTest(node: Json): (c: Json) => boolean {
  if ('rule' in node) {
    const rule = String(node.rule).toUpperCase();
    if (rule !== 'AND' && rule !== 'OR') throw new Error(`Invalid rule ${String(node.rule)}: must be AND or OR`);
    if (!node.left || !node.right || typeof node.left !== 'object' || typeof node.right !== 'object')
      throw new Error('A rule needs left and right');
    const l = searchTest(node.left as Json);
    const r = searchTest(node.right as Json);
    return rule === 'AND' ? (c) => l(c) && r(c) : (c) => l(c) || r(c);
  }
  const op = CONDITIONS[String(node.condition).toUpperCase()];
  if (!op) throw new Error(`Invalid condition ${String(node.condition)}`);
  if (typeof node.field !== 'string' || !node.field) throw new Error('A condition needs a field');
  const criteria = String(node.criteria ?? '');
  return (c) => {
    const v = fieldValue(c, node.field as string);
    const values = Array.isArray(v) ? v : [v];
    return values.some((x) => x != null && op(String(x), criteria, compare(x, criteria)));
  };
}

export interface LiveVoxSandbox {
  server: SandboxServer;
  baseUrl: string;
  credentials: LiveVoxSandboxCredentials;
  seeded: { key: string; remoteId: string }[];
  store: LiveVoxStore;
}

export async function startLiveVoxSandbox(
  opts: { faults?: Faults; seed?: number; contacts?: SeedContact[] } = {},
): Promise<LiveVoxSandbox> {
  const clock = new SimClock();
  const store = new LiveVoxStore(clock);
  const h = createHash('sha256')
    .update(`livevox-${opts.seed ?? 1}`)
    .digest('hex');
  const credentials: LiveVoxSandboxCredentials = {
    accessToken: `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`,
    clientName: 'ConcordSandbox',
    userName: 'concord.api',
    password: h.slice(32, 48),
  };
  const rng = createRng(opts.seed ?? 3);
  const blockRng = createRng((opts.seed ?? 3) + 11); // its own stream, so the other seeded values stay as they were
  const faultRng = createRng((opts.seed ?? 3) + 7);
  let sessionId: string | null = null;
  const seeded = (opts.contacts ?? []).map(({ key, contact, updatedAgoMs }, i) => {
    const account = `LV${String(100000 + i)}`;
    const balance = Math.round(rng.next() * 50000) / 100;
    clock.at(updatedAgoMs ?? 0, () => store.create(seedBlocksAndConsents(blockRng, { ...liveVoxCreateBody(contact), account, balance })));
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
    if (!b || b.clientName !== credentials.clientName || b.userName !== credentials.userName || b.password !== credentials.password)
      return err(401, 401, 'Invalid credentials');
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
      if (
        !req.query.has('count') ||
        !req.query.has('offset') ||
        !Number.isInteger(count) ||
        !Number.isInteger(offset) ||
        count < 1 ||
        offset < 0
      )
        return err(400, 400, 'count and offset are required');
      if (count > 1000) return err(400, 400, 'count must not exceed 1000');
      const all = store.contacts.ordered();
      const page = all.slice(offset, offset + count).map(({ id: _id, ...c }) => c);
      return {
        status: 200,
        body: {
          listContactDetails: page,
          ...(offset + count < all.length ? { next: `contact/contacts?offset=${offset + count}&count=${count}` } : {}),
        },
      };
    })
    .on('POST', '/contact/contacts/search', (req) => {
      const denied = session(req);
      if (denied) return denied;
      const b = json(req);
      const count = Number(req.query.get('count'));
      const offset = Number(req.query.get('offset'));
      // Both are documented as mandatory here too.
      if (
        !req.query.has('count') ||
        !req.query.has('offset') ||
        !Number.isInteger(count) ||
        !Number.isInteger(offset) ||
        count < 1 ||
        offset < 0
      )
        return err(400, 400, 'count and offset are required');
      if (count > 1000) return err(400, 400, 'count must not exceed 1000');
      if (!b?.search || typeof b.search !== 'object') return err(400, 400, 'search is required');
      let test: (c: Json) => boolean;
      try {
        test = searchTest(b.search as Json);
      } catch (e) {
        return err(400, 400, (e as Error).message);
      }
      const hits = [...store.contacts.values()].filter(test);
      for (const s of [...(Array.isArray(b.sort) ? (b.sort as Json[]) : [])].reverse()) {
        const dir = String(s.order ?? 'ASC').toUpperCase() === 'DESC' ? -1 : 1;
        hits.sort((x, y) => dir * compare(fieldValue(x, String(s.field)), fieldValue(y, String(s.field))));
      }
      const page = hits.slice(offset, offset + count).map((c) => {
        const zip = (c.person as Json | undefined)?.zipCode;
        // Search answers carry the internal id and a top-level postalCode beside person.zipCode.
        return { id: c.id, ...padPhones(asRead(c)), ...(zip != null ? { postalCode: zip } : {}) };
      });
      // The document's `next` here has a leading slash (the list's has none).
      return {
        status: 200,
        body: {
          findMatchingContactsDetails: page,
          ...(offset + count < hits.length ? { next: `/contact/contacts/search?offset=${offset + count}&count=${count}` } : {}),
        },
      };
    })
    .on('PUT', '/contact/contacts/bulk', (req) => {
      const denied = session(req);
      if (denied) return denied;
      const list = json(req)?.updateContactDetails;
      if (!Array.isArray(list)) return err(400, 400, 'updateContactDetails is required');
      let updated = 0;
      for (const d of list as Json[]) {
        const c = typeof d?.account === 'string' ? store.contacts.get(d.account) : undefined;
        if (!c || validate({ ...c, ...d })) continue; // missing or invalid ones are not counted
        const { account: _a, ...rest } = d;
        store.apply(c, rest);
        updated++;
      }
      // Documented as "204" with a message body; see README.md for what HTTP lets through.
      return { status: 204, body: { message: `Successfully updated contacts ${updated}` } };
    })
    .on('POST', '/contact/contacts/dnd', (req) => {
      const denied = session(req);
      if (denied) return denied;
      const list = json(req)?.contactDnd;
      if (!Array.isArray(list)) return err(400, 400, 'contactDnd is required');
      let updated = 0;
      for (const d of list as Json[]) {
        const c = typeof d?.account === 'string' ? store.contacts.get(d.account) : undefined;
        if (!c) continue; // a missing account is not an error: it is just not counted
        const problem = applyDnd(c, d, clock.now().getTime());
        if (problem) return err(400, 400, problem);
        updated++;
      }
      return { status: 200, body: { updated } };
    })
    .on('PUT', '/contact/contacts/:account/dnd', (req) => {
      const denied = session(req);
      if (denied) return denied;
      const c = store.contacts.get(req.params.account!);
      if (!c) return err(404, 203, 'No Record Found');
      const problem = applyDnd(c, json(req) ?? {}, clock.now().getTime());
      if (problem) return err(400, 400, problem);
      return { status: 204 };
    })
    .on('GET', '/contact/contacts/customFields', (req) => {
      const denied = session(req);
      if (denied) return denied;
      return {
        status: 200,
        body: { customFields: [...store.customFieldLabels].map(([field, f]) => ({ field, label: f.label, dataType: f.dataType })) },
      };
    })
    .on('GET', '/contact/contacts/customFields/:field', (req) => {
      const denied = session(req);
      if (denied) return denied;
      const f = store.customFieldLabels.get(req.params.field!);
      if (!f) return err(404, 203, 'No Record Found');
      return {
        status: 200,
        body: { ...(f.listValues ? { listValues: f.listValues } : {}), field: req.params.field, label: f.label, dataType: f.dataType },
      };
    })
    .on('PUT', '/contact/contacts/customFields', (req) => {
      const denied = session(req);
      if (denied) return denied;
      const list = json(req)?.customFields;
      if (!Array.isArray(list) || !list.length) return err(400, 400, 'customFields is required');
      for (const f of list as Json[])
        if (!/^COL([1-9]\d?|100)$/.test(String(f.field)) || typeof f.label !== 'string')
          return err(400, 400, `Invalid custom field ${String(f.field)}`);
      for (const f of list as Json[])
        store.customFieldLabels.set(String(f.field), {
          dataType: 'STRING',
          ...store.customFieldLabels.get(String(f.field)),
          label: String(f.label),
        });
      return { status: 204 };
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
      if (!details || typeof details.account !== 'string' || !details.account)
        return err(400, 400, 'createContactDetails.account is required');
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
        // The document: 200 OK, and its example's message reads "updated" even for a create.
        return { status: 200, body: { message: `Successfully updated contacts ${created}` } };
      }
      const asked = Array.isArray(b.exportableFields) ? (b.exportableFields as string[]) : null;
      const fields = asked?.flatMap((f) => (f === 'allFields' ? ALL_FIELDS : [f])) ?? null;
      if (!fields?.length) return err(400, 400, 'exportableFields is required');
      const start = parseLvDate(b.startDate);
      const end = parseLvDate(b.endDate);
      if (Number.isNaN(start) || Number.isNaN(end)) return err(400, 400, 'startDate/endDate must be CCYY-MM-DD or epoch milliseconds');
      const rows = [...store.contacts.values()].filter(
        (c) =>
          (start === null || (c.modifyDate as number) >= start) &&
          (end === null || (c.modifyDate as number) <= end + (typeof b.endDate === 'string' && !/^\d+$/.test(b.endDate) ? 86_399_999 : 0)),
      );
      const cell = (c: Json, f: string): string => {
        const ph = /^phone(\d+)$/.exec(f);
        const col = /^COL\d+$/.test(f) ? ((c.customFields as Json[] | null) ?? []).find((x) => x.field === f) : undefined;
        const v =
          f === 'modifyDate'
            ? c[f]
              ? usDate(c[f] as number)
              : ''
            : f === 'dueDate'
              ? c[f]
                ? usDay(c[f] as number)
                : ''
              : ph
                ? String(((c.phone as Json[]) ?? []).find((p) => Number(p.ordinal) === Number(ph[1]))?.phone ?? '')
                : /^COL\d+$/.test(f)
                  ? String(col?.value ?? '')
                  : String(c[f] ?? (c.person as Json)?.[f] ?? '');
        return /[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
      };
      const label = (f: string): string => EXPORT_LABELS[f] ?? store.customFieldLabels.get(f)?.label ?? f;
      const csv =
        [
          fields
            .map((f) => {
              const l = label(f);
              return /[",\n]/.test(l) ? `"${l.replace(/"/g, '""')}"` : l;
            })
            .join(','),
          ...rows.map((c) => fields.map((f) => cell(c, f)).join(',')),
        ].join('\n') + '\n';
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
