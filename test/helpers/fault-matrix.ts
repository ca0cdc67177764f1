// The fault matrix, shared by test/integration/fault-matrix.test.ts and `npm run bench -- faults`:
// one sync that pushes an update (name, phone, email) and a create (phone, email, and for MPDX
// an address; MPDX creates are several requests), with one fault injected at one request index
// of that sync; then syncs until the outbox is empty (bounded) and counts, against the
// vendor's own truth, edits lost, duplicate records and changes stuck.
// No vitest import here: the bench runs this under plain tsx.
import { createCore, type Core } from '../../src/main/core';
import { createLogger, nullSink } from '../../src/main/core/log';
import { SANDBOX_STARTERS } from '../../src/main/core/sandbox';
import { NO_FAULTS } from '../../src/main/core/sandbox/faults';
import { generatePopulation } from '../../src/main/core/sandbox/population';
import type { SandboxServer } from '../../src/main/core/sandbox/server';
import { MemorySecretStore } from '../../src/main/core/secrets/memory-store';
import type { Connector, RemoteRecord } from '../../src/main/core/vendors/connector';
import { vendorDefinition } from '../../src/main/core/vendors/registry';
import type { CanonicalContact, Vendor } from '../../src/shared/domain';
import { tempDir } from './tmp';
import { FAST_RETRY } from './fast-retry';
import { nodeFetch } from '../../src/main/core/vendors/node-http-client';

const RETRY = FAST_RETRY;

export type MatrixFault = 'latency' | '429-storm' | '5xx' | 'drop-before' | 'drop-after' | 'truncate' | 'malformed' | 'expire';
export const MATRIX_FAULTS: readonly MatrixFault[] = [
  'latency',
  '429-storm',
  '5xx',
  'drop-before',
  'drop-after',
  'truncate',
  'malformed',
  'expire',
];
/** Vendors whose simulator expires sessions/tokens (expireRate); CallTools and Lightening use fixed API keys. */
export const EXPIRING: readonly Vendor[] = ['livevox', 'mpdx', 'bigchange'];

export interface CaseResult {
  vendor: Vendor;
  fault: MatrixFault | null;
  /** 1-based index, within the measured sync, of the request the fault hit. */
  index: number | null;
  /** Requests the simulator saw during the first (faulted) sync after the edits. */
  requests: number;
  /** The most writes (not reads, logins or searches) in flight at once during that sync. */
  peakWrites: number;
  syncs: number;
  /** Edited or created values not at the vendor. */
  lost: string[];
  /** Vendor records carrying the created person's email, beyond one; and sub-resources (phones, emails) held twice. */
  duplicates: number;
  /** Outbox entries left over, and records left in 'pushing'. */
  stuck: number;
  /** The created record ended up under a new person, not the one it was filed under (not a loss at the vendor). */
  split: number;
  detail?: string;
}

const NEW_PHONE = { e164: '+15035550142', raw: '+1 503 555 0142' }; // typed internationally: BigChange accounts are in GB
const NEW_EMAIL = 'fault.matrix.edit@example.org';
const CREATED: CanonicalContact = {
  givenName: 'Faulty',
  familyName: 'Matrixson',
  phones: [{ e164: '+12025550177', raw: '+1 202 555 0177' }],
  emails: [{ address: 'faulty.matrixson@example.org' }],
};
const CREATED_ADDRESS = { street1: '1 Fault Lane', city: 'Portland', region: 'OR', postalCode: '97201', country: 'US' };
// BigChange's contact model has no phone or email: its update changes the notes instead, and
// its create carries a reference (its strong evidence) in place of the phone and email.
const NEW_NOTES = 'fault matrix edit';
// MPDX's update also moves the address (a guarded PUT of a sub-resource of the contact).
const NEW_CITY = 'Faultville';
const CREATED_REF = 'FAULT-MATRIX-1';
const holdsContactDetails = (vendor: Vendor): boolean => (vendorDefinition(vendor)!.fields.write as readonly string[]).includes('emails');
const createdFor = (vendor: Vendor): CanonicalContact =>
  vendor === 'mpdx'
    ? { ...CREATED, address: CREATED_ADDRESS }
    : holdsContactDetails(vendor)
      ? CREATED
      : { givenName: CREATED.givenName, familyName: CREATED.familyName, externalRef: CREATED_REF };

/** Requests that read by POST or sign in: LiveVox's search, the logins (which the simulators exempt from faults). */
const READS_BY_POST = /\/session\/|\/user\/authenticate$|\/auth\/tokens$|\/search$/;

/** A request that writes at the vendor: not a read, a login, a LiveVox search or export (a POST to its bulk route). */
function isWrite(method: string, url: string): boolean {
  const path = new URL(url).pathname;
  if (method === 'GET' || READS_BY_POST.test(path)) return false;
  return !(method === 'POST' && path.endsWith('/contact/contacts/bulk'));
}

export interface CaseOptions {
  n?: number;
  seed?: number;
  maxSyncs?: number;
  /** That many more records get a new given name beside the update and the create (a LiveVox batch). */
  batch?: number;
  /**
   * Only updates, this many, each of another person, so the push pool (push-lanes.ts) has them in
   * flight at once; no create. LiveVox's also block the contact: a block goes through its own
   * route change by change, where plain updates would go in one bulk request.
   */
  parallel?: number;
}

/**
 * One case: a fresh simulator with `n` records and a fresh core; a clean first sync; the edits;
 * then the faulted sync and up to `maxSyncs - 1` more until the outbox is empty.
 */
export async function runCase(
  vendor: Vendor,
  fault: MatrixFault | null,
  index: number | null,
  opts: CaseOptions = {},
): Promise<CaseResult> {
  const n = opts.n ?? 4;
  const seed = opts.seed ?? 17;
  const contacts = generatePopulation({ seed, people: Math.max(60, n * 3) }).byVendor[vendor].slice(0, n);
  const sb = await SANDBOX_STARTERS[vendor]({ faults: { ...NO_FAULTS }, seed, contacts });
  const server: SandboxServer = sb.server;
  server.faults.retryAfterSec = 0; // a 429 storm is a storm of requests, not of seconds
  const tmp = tempDir();
  /** Set per case: what to do around the request the simulator will count as number `target`. */
  let target = -1;
  // Writes in flight, counted during the measured sync: the pool's real width.
  const writes = { measuring: false, now: 0, peak: 0 };
  // Wraps the core's own client: the faults hit the production transport.
  const fetchImpl: typeof fetch = async (url, init) => {
    const before = server.requestCount;
    const hit = before + 1 === target;
    if (hit && fault === 'expire') server.faults.expireRate = 1;
    const counted = writes.measuring && isWrite(init?.method ?? 'GET', String(url));
    if (counted) writes.peak = Math.max(writes.peak, ++writes.now);
    let res: Response;
    try {
      res = await nodeFetch(url, init);
    } finally {
      if (counted) writes.now--;
      if (hit && fault === 'expire') server.faults.expireRate = 0;
    }
    // Malformed: the vendor applied the request, a proxy in between answered 200 with an HTML page.
    if (hit && fault === 'malformed' && server.requestCount === target) {
      await res.text();
      return new Response('<html><body>Service temporarily unavailable</body></html>', {
        status: 200,
        headers: { 'content-type': 'text/html' },
      });
    }
    return res;
  };
  let core: Core | undefined;
  try {
    core = await createCore({
      dataDir: tmp.dir,
      secretStore: new MemorySecretStore(),
      log: createLogger(nullSink),
      fetch: fetchImpl,
      retry: RETRY,
      syncTuning: { roundDelayMs: 20 },
    });
    const acc = await core.accounts.add({
      kind: vendor,
      label: vendor,
      baseUrl: sb.baseUrl,
      credentials: sb.credentials as Record<string, unknown>,
      settings: sb.settings as Record<string, unknown> | undefined,
    });
    const def = vendorDefinition(vendor)!;
    const other: Connector = def.create({ baseUrl: sb.baseUrl, credentials: def.credentialsSchema.parse(sb.credentials), retry: RETRY });
    const first = await core.sync.sync();
    if (!first.accounts[0]?.complete)
      throw new Error(`${vendor}: the clean first sync did not complete: ${JSON.stringify(first.accounts[0]?.errors)}`);

    const recordOf = (remoteId: string) =>
      (core!.store.sqlite.prepare('SELECT id FROM records WHERE account_id = ? AND remote_id = ?').get(acc.id, remoteId) as { id: string })
        .id;
    const main = opts.parallel ? null : makeEdits(core, acc.id, vendor, sb.seeded);
    // `batch`: that many more records get a new given name, so the updates go out together
    // where the vendor has bulk routes (push-batch.ts) and each request of a batch is faulted.
    // `parallel`: only updates, of as many people, side by side in the push pool.
    const from = opts.parallel ? 0 : 2;
    const block = !!opts.parallel && vendor === 'livevox';
    const batched = sb.seeded
      .slice(from, from + (opts.parallel ?? opts.batch ?? 0))
      .map((s, i) => ({ remoteId: s.remoteId, givenName: `${opts.parallel ? 'Parallel' : 'Batched'}${i}` }));
    for (const b of batched) core.edits.edit(recordOf(b.remoteId), { givenName: b.givenName, ...(block ? { doNotContact: true } : {}) });

    const base = server.requestCount;
    target = index === null ? -1 : base + index;
    if (index !== null) plan(server, fault!, target);
    let syncs = 0;
    let requests = 0;
    const outbox = () => core!.status.get().outbox;
    const open = () => Object.values(outbox()).reduce((a, b) => a + b, 0);
    writes.measuring = true;
    do {
      await core.sync.sync();
      if (syncs++ === 0) requests = server.requestCount - base;
      writes.measuring = false;
      target = -1; // faults hit the first sync only
      server.faults.latencyMs = 0;
    } while (open() > 0 && syncs < (opts.maxSyncs ?? 6));

    const { lost, carriers, doubled } = main
      ? await vendorTruth(other, vendor, main.edited, main.givenName, main.replaced)
      : await recordsTruth(other, first.accounts[0]!.pulled);
    for (const b of batched) {
      const now = (await other.read(b.remoteId)).canonical;
      if (now.givenName !== b.givenName) lost.push(`${opts.parallel ? 'parallel' : 'batched'} update ${b.remoteId} (${now.givenName})`);
      if (block && now.doNotContact !== true) lost.push(`parallel block ${b.remoteId}`);
    }
    // Locally: exactly one live record holds the created vendor record. It is the one the
    // person made, or (when a pull saw the record before the create's answer was settled) the
    // pulled one it folded into — then it sits under a person of its own: counted as `split`.
    let split = 0;
    if (main && carriers.length === 1) {
      const holders = core.store.sqlite
        .prepare("SELECT id, person_id FROM records WHERE account_id = ? AND remote_id = ? AND state <> 'deleted_local'")
        .all(acc.id, carriers[0]!.remoteId) as { id: string; person_id: string }[];
      if (holders.length !== 1) lost.push(`create held by ${holders.length} local records`);
      else if (holders[0]!.id !== main.createdId && holders[0]!.person_id !== main.personId) split = 1;
    }
    const pushing = (core.store.sqlite.prepare("SELECT COUNT(*) AS n FROM records WHERE state = 'pushing'").get() as { n: number }).n;
    const stuck = open() + pushing;
    const detail =
      stuck || lost.length || carriers.length > 1
        ? JSON.stringify({
            outbox: outbox(),
            pushing,
            requests: server.requestLog.slice(-40).map((r) => `${r.method} ${r.path} ${r.status}${r.fault ? ` ${r.fault}` : ''}`),
            conflicts: core.store.sqlite.prepare('SELECT * FROM conflicts').all(),
            changes: core.store.sqlite
              .prepare("SELECT op, state, attempts, last_error, next_attempt_at, updated_at FROM changes WHERE state != 'done'")
              .all(),
          })
        : undefined;
    return {
      vendor,
      fault,
      index,
      requests,
      peakWrites: writes.peak,
      syncs,
      lost,
      duplicates: Math.max(0, carriers.length - 1) + doubled,
      stuck,
      split,
      ...(detail ? { detail } : {}),
    };
  } finally {
    core?.close();
    tmp.cleanup();
    await server.close();
  }
}

/** Plan the fault so it hits simulator request number `at` (and, for storms, the few after it). */
function plan(server: SandboxServer, fault: MatrixFault, at: number): void {
  switch (fault) {
    case 'latency':
      server.faults.latencyMs = 2; // every request slow, and this one's answer held a while
      server.failAt(at, 'timeout', { holdMs: 40 });
      return;
    case '429-storm':
      // More 429s in a row than a request's own retries: the sync has to wait and come back.
      for (let i = 0; i < 5; i++) server.failAt(at + i, '429');
      return;
    case '5xx':
      server.failAt(at, '500');
      server.failAt(at + 1, '500');
      return;
    case 'drop-before':
    case 'drop-after':
    case 'truncate':
      server.failAt(at, fault);
      return;
    case 'malformed':
    case 'expire':
      return; // done in the rig's fetch, around request `at`
  }
}

export interface MatrixSummary {
  cases: number;
  lost: number;
  duplicates: number;
  stuck: number;
  /** Cases whose created record landed under a new local person (see CaseResult.split). */
  split: number;
  /** Requests of the clean measured sync, per vendor. */
  requests: Partial<Record<Vendor, number>>;
  /** The most writes in flight at once in the clean measured sync, per vendor. */
  peakWrites: Partial<Record<Vendor, number>>;
  failures: CaseResult[];
}

/** Every fault at every request index of the measured sync, for each vendor given. */
export async function runMatrix(
  vendors: readonly Vendor[],
  opts: CaseOptions & { faults?: readonly MatrixFault[]; onCase?: (r: CaseResult) => void } = {},
): Promise<MatrixSummary> {
  const sum: MatrixSummary = { cases: 0, lost: 0, duplicates: 0, stuck: 0, split: 0, requests: {}, peakWrites: {}, failures: [] };
  const add = (r: CaseResult) => {
    sum.cases++;
    sum.lost += r.lost.length;
    sum.duplicates += r.duplicates;
    sum.stuck += r.stuck;
    sum.split += r.split;
    if (r.lost.length || r.duplicates || r.stuck) sum.failures.push(r);
    opts.onCase?.(r);
  };
  await Promise.all(
    vendors.map(async (vendor) => {
      const clean = await runCase(vendor, null, null, opts);
      add(clean);
      sum.requests[vendor] = clean.requests;
      sum.peakWrites[vendor] = clean.peakWrites;
      for (const fault of opts.faults ?? MATRIX_FAULTS) {
        if (fault === 'expire' && !EXPIRING.includes(vendor)) continue;
        for (let i = 1; i <= clean.requests; i++) add(await runCase(vendor, fault, i, opts));
      }
    }),
  );
  return sum;
}

/** The edits every case pushes: on the first seeded record a name, its first phone and first email; and one create. */
export function makeEdits(
  core: Core,
  accountId: string,
  vendor: Vendor,
  seeded: { remoteId: string }[],
): { givenName: string; edited: string; createdId: string; personId: string; replaced: { phone?: string; email?: string } } {
  const edited = seeded[0]!.remoteId;
  const rec = core.store.sqlite.prepare('SELECT id, local FROM records WHERE account_id = ? AND remote_id = ?').get(accountId, edited) as {
    id: string;
    local: string;
  };
  const local = JSON.parse(rec.local) as CanonicalContact;
  const givenName = `Edited${vendor[0]!.toUpperCase()}`;
  const address = vendor === 'mpdx' ? { address: { ...(local.address ?? CREATED_ADDRESS), city: NEW_CITY } } : {};
  core.edits.edit(
    rec.id,
    holdsContactDetails(vendor)
      ? {
          givenName,
          phones: [NEW_PHONE, ...(local.phones ?? []).slice(1)],
          emails: [{ address: NEW_EMAIL }, ...(local.emails ?? []).slice(1)],
          ...address,
        }
      : { givenName, notes: NEW_NOTES },
  );
  // The first phone and email are replaced: the vendor must no longer show them.
  const replaced = holdsContactDetails(vendor)
    ? { phone: local.phones?.[0]?.e164 ?? undefined, email: local.emails?.[0]?.address.toLowerCase() }
    : {};
  // The create, filed under another person.
  const { person_id: personId } = core.store.sqlite
    .prepare('SELECT person_id FROM records WHERE account_id = ? AND remote_id = ?')
    .get(accountId, seeded[1]!.remoteId) as { person_id: string };
  const { recordId: createdId } = core.syncStore.create(accountId, personId, createdFor(vendor));
  return { givenName, edited, createdId, personId, replaced };
}

/** With updates only: the vendor holds as many records as before, none gone and none added. */
async function recordsTruth(other: Connector, held: number): Promise<{ lost: string[]; carriers: RemoteRecord[]; doubled: number }> {
  let now = 0;
  for await (const page of other.pull(null, { full: true })) now += page.records.length;
  return { lost: now < held ? [`${held - now} records gone`] : [], carriers: [], doubled: Math.max(0, now - held) };
}

/** What the vendor holds, read by another client: edited values missing, and the records carrying the created email. */
export async function vendorTruth(
  other: Connector,
  vendor: Vendor,
  edited: string,
  givenName: string,
  replaced: { phone?: string; email?: string } = {},
): Promise<{ lost: string[]; carriers: RemoteRecord[]; doubled: number }> {
  const lost: string[] = [];
  const now = (await other.read(edited)).canonical;
  if (now.givenName !== givenName) lost.push(`update givenName (${now.givenName})`);
  const details = holdsContactDetails(vendor);
  if (!details && now.notes !== NEW_NOTES) lost.push(`update notes (${now.notes})`);
  if (details && !now.phones?.some((p) => p.e164 === NEW_PHONE.e164))
    lost.push(`update phone (${JSON.stringify(now.phones?.map((p) => p.e164))})`);
  if (details && !now.emails?.some((e) => e.address.toLowerCase() === NEW_EMAIL))
    lost.push(`update email (${JSON.stringify(now.emails?.map((e) => e.address))})`);
  // Sub-resources are counted too: each new value held once, each replaced one gone from view.
  const count = <T>(list: T[] | undefined, hit: (x: T) => boolean): number => (list ?? []).filter(hit).length;
  let doubled = details
    ? Math.max(0, count(now.phones, (p) => p.e164 === NEW_PHONE.e164) - 1) +
      Math.max(0, count(now.emails, (e) => e.address.toLowerCase() === NEW_EMAIL) - 1)
    : 0;
  if (replaced.phone && replaced.phone !== NEW_PHONE.e164 && now.phones?.some((p) => p.e164 === replaced.phone))
    lost.push(`update phone removal (${replaced.phone} still shown)`);
  if (replaced.email && replaced.email !== NEW_EMAIL && now.emails?.some((e) => e.address.toLowerCase() === replaced.email))
    lost.push(`update email removal (${replaced.email} still shown)`);
  if (vendor === 'mpdx' && now.address?.city !== NEW_CITY) lost.push(`update address (${JSON.stringify(now.address)})`);
  const all: RemoteRecord[] = [];
  for await (const page of other.pull(null, { full: true })) all.push(...page.records);
  const carriers = all.filter((r) =>
    details
      ? r.canonical.emails?.some((e) => e.address.toLowerCase() === CREATED.emails![0]!.address)
      : r.canonical.externalRef === CREATED_REF,
  );
  if (carriers.length === 0) lost.push('create');
  for (const c of carriers) {
    if (details && !c.canonical.phones?.some((p) => p.e164 === CREATED.phones![0]!.e164)) lost.push(`create phone (${c.remoteId})`);
    if (details)
      doubled +=
        Math.max(0, count(c.canonical.phones, (p) => p.e164 === CREATED.phones![0]!.e164) - 1) +
        Math.max(0, count(c.canonical.emails, (e) => e.address.toLowerCase() === CREATED.emails![0]!.address) - 1);
    if (c.canonical.givenName !== CREATED.givenName || c.canonical.familyName !== CREATED.familyName)
      lost.push(`create name (${c.remoteId})`);
    if (vendor === 'mpdx' && c.canonical.address?.street1 !== CREATED_ADDRESS.street1) lost.push(`create address (${c.remoteId})`);
  }
  return { lost, carriers, doubled };
}
