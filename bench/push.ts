// `npm run bench -- push` (issue 25): the five simulators on a worker thread of their own
// (sandbox-worker.ts, started by sandbox-thread.ts), a core on this thread whose every request
// waits RTT ms first (a vendor in another region), N single-field edits per vendor pushed by
// one sync of all accounts at once, then a bulk merge of the sandbox's duplicate clusters
// pushed the same way. Per vendor: requests (by method, and per edit), the most requests in
// flight at once, edits/s over that vendor's push, and the whole sync's wall time.
// Afterwards every edited record is read back at its vendor: `lost` counts edits the vendor
// does not hold as sent (a suffix twice would show), `stuck` changes left in the outbox; both
// must be 0. One write per edit shows in the write methods' counts.
//   BENCH_EDITS (1000) edits per vendor; RTT (50) ms before each request; PEOPLE (enough for
//   the edits and the clusters) sandbox size; BENCH_MERGES (5000, 0 skips) clusters at most;
//   RATE429 (0) share of requests the simulators answer 429 during the timed pushes, with
//   Retry-After RETRY_AFTER (1) s; MAX_SYNCS (20) syncs at most to empty the outbox;
//   PUSH_MAX (the app's default, push-lanes.ts) the push pool's bound, to compare widths.
// The simulators are other machines in real use: on their own thread their CPU work (routing,
// JSON, their in-memory stores) is not charged to the core's event loop, though on a machine
// with few cores the two threads still share it. The core reaches them over HTTP on
// 127.0.0.1, as before; the 429 share and Retry-After are set by a message to that thread
// (their fault controls), and the read-back goes over HTTP through the core's connectors.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createCore, type Core } from '../src/main/core';
import { createLogger, nullSink } from '../src/main/core/log';
import type { SandboxVendorInfo } from '../src/main/core/sandbox';
import { MemorySecretStore } from '../src/main/core/secrets/memory-store';
import { nodeFetch } from '../src/main/core/vendors/node-http-client';
import { connectorFactory } from '../src/main/core/vendors/connector-factory';
import { readIfThere } from '../src/main/core/vendors/evidence';
import { VendorError } from '../src/main/core/vendors/errors';
import { diff } from '../src/main/core/sync/merge';
import { DEFAULT_MAX_WIDTH } from '../src/main/core/sync/push-lanes';
import type { CanonicalContact, Vendor } from '../src/shared/domain';
import { startSandboxThread, type SandboxThread } from './sandbox-thread';

const report = (name: string, figures: Record<string, unknown>): void =>
  console.log(JSON.stringify({ bench: name, ...figures, node: process.version, cpus: os.cpus().length }));
const ms = (t0: number): number => Math.round(performance.now() - t0);
const sleep = (n: number) => new Promise<void>((r) => setTimeout(r, n));
/** CPU ms of this (the core's) thread alone, not the simulators' worker: Linux's per-thread stat. */
function coreThreadCpuMs(): number {
  try {
    const stat = fs.readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // fields from the 3rd on
    return ((Number(f[11]) + Number(f[12])) * 1000) / 100; // utime + stime, in ticks of 1/100 s
  } catch {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  }
}
const processCpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

type Phase = 'push' | 'pull' | 'other';
interface VendorTally {
  requests: number;
  byMethod: Record<string, number>;
  /** Requests made while this account was pushing (its progress events say so). */
  pushRequests: number;
  pushByMethod: Record<string, number>;
  inFlight: number;
  maxInFlight: number;
  maxPushInFlight: number;
  /** Answers that were 429 (rate limited). */
  answered429: number;
}

/** The core's fetch, delayed and counted per vendor (by host:port). */
function instrumentedFetch(vendorOfHost: Map<string, Vendor>, phaseOf: (v: Vendor) => Phase) {
  const state = { rttMs: 0, counting: false, tally: new Map<Vendor, VendorTally>() };
  const reset = () => {
    state.tally = new Map();
  };
  const tallyOf = (v: Vendor): VendorTally => {
    let t = state.tally.get(v);
    if (!t)
      state.tally.set(
        v,
        (t = {
          requests: 0,
          byMethod: {},
          pushRequests: 0,
          pushByMethod: {},
          inFlight: 0,
          maxInFlight: 0,
          maxPushInFlight: 0,
          answered429: 0,
        }),
      );
    return t;
  };
  const fetchImpl = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    const vendor = vendorOfHost.get(url.host);
    const method = (init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase();
    const t = state.counting && vendor ? tallyOf(vendor) : null;
    const pushing = !!vendor && phaseOf(vendor) === 'push';
    if (t) {
      t.requests++;
      t.byMethod[method] = (t.byMethod[method] ?? 0) + 1;
      if (pushing) {
        t.pushRequests++;
        t.pushByMethod[method] = (t.pushByMethod[method] ?? 0) + 1;
      }
      t.inFlight++;
      t.maxInFlight = Math.max(t.maxInFlight, t.inFlight);
      if (pushing) t.maxPushInFlight = Math.max(t.maxPushInFlight, t.inFlight);
    }
    try {
      if (state.rttMs > 0) await sleep(state.rttMs);
      const res = await nodeFetch(input as string, init);
      if (t && res.status === 429) t.answered429++;
      return res;
    } finally {
      if (t) t.inFlight--;
    }
  }) as typeof fetch;
  return { fetch: fetchImpl, state, reset };
}

/**
 * A read-back for the check, tried again on a dropped connection: a login POST on a keep-alive
 * socket the simulator closed while idle fails with ECONNRESET and is not retried by the core
 * (a POST may have landed), which must not fail the check of what landed.
 */
async function readBack(conn: Parameters<typeof readIfThere>[0], remoteId: string) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await readIfThere(conn, remoteId);
    } catch (e) {
      if (attempt >= 3 || !(e instanceof VendorError) || e.kind !== 'transient') throw e;
    }
  }
}

export async function push(): Promise<void> {
  const edits = Number(process.env.BENCH_EDITS ?? 1000);
  const rtt = Number(process.env.RTT ?? 50);
  const maxMerges = Number(process.env.BENCH_MERGES ?? 5000);
  const rate429 = Number(process.env.RATE429 ?? 0);
  const retryAfterSec = Number(process.env.RETRY_AFTER ?? 1);
  const maxSyncs = Number(process.env.MAX_SYNCS ?? 20);
  const pushMax = process.env.PUSH_MAX ? Number(process.env.PUSH_MAX) : undefined;
  // About 0.35 records per person per vendor (population.ts), a tenth more for the thinnest
  // vendor; and about 0.4 near-certain clusters per person (seed 7: 1,301 at 3,182 people,
  // 5,810 at 12,500), so the bulk merge has the clusters it asks for.
  const people = Number(process.env.PEOPLE ?? Math.max(300, Math.ceil((edits / 0.33) * 1.05), Math.ceil(maxMerges / 0.4)));
  const seed = 7;

  let sb: SandboxThread | null = null;
  let core: Core | null = null;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'concord-bench-push-'));
  try {
    let t0 = performance.now();
    sb = await startSandboxThread({ seed, people });
    const sandboxStartMs = ms(t0);
    const vendorOfHost = new Map<string, Vendor>();
    for (const [v, info] of Object.entries(sb.vendors) as [Vendor, { baseUrl: string }][]) vendorOfHost.set(new URL(info.baseUrl).host, v);
    // Which phase each account is in, from the sync's own progress events.
    const phase = new Map<Vendor, Phase>();
    const inst = instrumentedFetch(vendorOfHost, (v) => phase.get(v) ?? 'other');
    // Defaults everywhere else (retry policy, round delays): the app's own behaviour is measured.
    // Near-certain duplicates stay unlinked after syncs, so the bulk merge has clusters to merge.
    core = await createCore({
      dataDir: dir,
      secretStore: new MemorySecretStore(),
      log: createLogger(nullSink),
      fetch: inst.fetch,
      linkAfterSync: false,
      ...(pushMax ? { syncTuning: { pushWidth: { max: pushMax } } } : {}),
    });
    const c = core;
    const accountOf = new Map<Vendor, string>();
    for (const [vendor, info] of Object.entries(sb.vendors) as [Vendor, SandboxVendorInfo][]) {
      accountOf.set(
        vendor,
        (
          await c.accounts.add({
            kind: vendor,
            label: vendor,
            baseUrl: info.baseUrl,
            credentials: info.credentials,
            settings: info.settings,
          })
        ).id,
      );
    }
    // Per-account push times from the progress events: first push event to the last one with progress.
    const pushSpan = new Map<Vendor, { first: number; last: number }>();
    c.events.on((event, payload) => {
      if (event !== 'syncProgress') return;
      const p = payload as { vendor: Vendor; phase: 'pull' | 'push' | 'done' | 'error'; done: number; total: number | null };
      phase.set(p.vendor, p.phase === 'push' ? 'push' : p.phase === 'pull' ? 'pull' : 'other');
      if (p.phase === 'push' && (p.total ?? 0) > 0) {
        const now = performance.now();
        const s = pushSpan.get(p.vendor);
        if (!s) pushSpan.set(p.vendor, { first: now, last: now });
        else if (p.done > 0) s.last = now;
      }
    });

    // Set-up at full speed: the first sync with no delay.
    t0 = performance.now();
    const first = await c.sync.sync();
    const firstErrors = first.accounts.flatMap((a) => a.errors);
    if (firstErrors.length) throw new Error(`the first sync failed: ${JSON.stringify(firstErrors)}`);
    const firstSyncMs = ms(t0);
    const recordsPerVendor = Object.fromEntries(first.accounts.map((a) => [a.vendor, a.pulled]));

    const connectorFor = connectorFactory(c.accounts, inst.fetch);
    const simulators = sb;
    const setFaults = (on: boolean) => simulators.setFaults({ rate429: on ? rate429 : 0, retryAfterSec });

    /** Sync all accounts until the outbox is empty (or MAX_SYNCS), delayed, counted, faults on. */
    const timedPush = async () => {
      inst.reset();
      pushSpan.clear();
      phase.clear();
      inst.state.rttMs = rtt;
      inst.state.counting = true;
      await setFaults(rate429 > 0);
      const t = performance.now();
      const cpu0 = coreThreadCpuMs();
      const allCpu0 = processCpuMs();
      let syncs = 0;
      const totals = new Map<Vendor, { pushed: number; conflicts: number; rejected: number; errors: string[] }>();
      try {
        for (; syncs < maxSyncs;) {
          const r = await c.sync.sync();
          syncs++;
          for (const a of r.accounts) {
            const x = totals.get(a.vendor as Vendor) ?? { pushed: 0, conflicts: 0, rejected: 0, errors: [] };
            x.pushed += a.pushed;
            x.conflicts += a.conflicts;
            x.rejected += a.rejected;
            for (const e of a.errors) if (x.errors.length < 3) x.errors.push(`${e.kind}: ${e.message}`.slice(0, 160));
            totals.set(a.vendor as Vendor, x);
          }
          const open = c.syncStore.counts();
          if (open.pending + open.inFlight === 0) break;
        }
      } finally {
        await setFaults(false);
        inst.state.counting = false;
        inst.state.rttMs = 0;
      }
      return {
        syncs,
        startedAt: t,
        endedAt: performance.now(),
        wallMs: ms(t),
        coreCpuMs: Math.round(coreThreadCpuMs() - cpu0),
        allThreadsCpuMs: Math.round(processCpuMs() - allCpu0),
        totals,
        tally: new Map(inst.state.tally),
        spans: new Map(pushSpan),
      };
    };

    const figures = (run: Awaited<ReturnType<typeof timedPush>>, changesOf: (v: Vendor) => number) => {
      const vendors: Record<string, unknown> = {};
      for (const v of accountOf.keys()) {
        const t = run.tally.get(v);
        const span = run.spans.get(v);
        const n = changesOf(v);
        const pushMs = span ? Math.round(span.last - span.first) : null;
        const tot = run.totals.get(v);
        vendors[v] = {
          changes: n,
          pushed: tot?.pushed ?? 0,
          conflicts: tot?.conflicts ?? 0,
          rejected: tot?.rejected ?? 0,
          pushRequests: t?.pushRequests ?? 0,
          pushByMethod: t?.pushByMethod ?? {},
          requestsPerChange: n && t ? +(t.pushRequests / n).toFixed(2) : null,
          allRequests: t?.requests ?? 0,
          allByMethod: t?.byMethod ?? {},
          maxParallelPush: t?.maxPushInFlight ?? 0,
          maxParallel: t?.maxInFlight ?? 0,
          answered429: t?.answered429 ?? 0,
          pushMs,
          perSec: n && pushMs ? +(n / (pushMs / 1000)).toFixed(1) : null,
          ...(tot?.errors.length ? { errors: tot.errors } : {}),
        };
      }
      const spans = [...run.spans.values()];
      const firstPush = spans.length ? Math.min(...spans.map((s) => s.first)) : null;
      const lastPush = spans.length ? Math.max(...spans.map((s) => s.last)) : null;
      const pushWallMs = firstPush !== null && lastPush !== null ? Math.round(lastPush - firstPush) : null;
      // CPU over the timed syncs (their pulls too): the core's thread, and all threads (the
      // simulators' worker, libuv's pool, GC helpers) — figures a loaded machine shifts less than walls.
      return {
        vendors,
        syncs: run.syncs,
        syncWallMs: run.wallMs,
        // Where the rest of the sync's wall went: its pulls before the first push, and what
        // follows the last (the last account's push answer to the sync's end, later syncs).
        beforeFirstPushMs: firstPush !== null ? Math.round(firstPush - run.startedAt) : null,
        afterLastPushMs: lastPush !== null ? Math.round(run.endedAt - lastPush) : null,
        pushWallMs,
        coreCpuMs: run.coreCpuMs,
        allThreadsCpuMs: run.allThreadsCpuMs,
      };
    };

    // ---- Phase 1: N single-field edits per vendor, one familyName each, pushed at once. ----
    const expected = new Map<Vendor, { recordId: string; remoteId: string; familyName: string }[]>();
    t0 = performance.now();
    for (const [vendor, accountId] of accountOf) {
      const rows = c.store.sqlite
        .prepare(
          "SELECT id, remote_id FROM records WHERE account_id = ? AND state = 'synced' AND remote_id IS NOT NULL ORDER BY rowid LIMIT ?",
        )
        .all(accountId, edits) as { id: string; remote_id: string }[];
      const list: { recordId: string; remoteId: string; familyName: string }[] = [];
      for (const [i, r] of rows.entries()) {
        const before = c.syncStore.record(r.id).local.familyName || 'Doe';
        const familyName = `${before}-pb${i}`;
        c.edits.edit(r.id, { familyName });
        list.push({ recordId: r.id, remoteId: r.remote_id, familyName });
      }
      expected.set(vendor, list);
    }
    const editMs = ms(t0);
    const queued = c.syncStore.counts();
    const run1 = await timedPush();
    const after1 = c.syncStore.counts();
    // Read every edited record back at its vendor, at full speed: the edit there exactly once.
    const lostBy: Record<string, number> = {};
    const lostSamples: string[] = [];
    const stuckBy: Record<string, number> = {};
    await Promise.all(
      [...expected].map(async ([vendor, list]) => {
        const conn = await connectorFor(accountOf.get(vendor)!);
        let lost = 0;
        for (const e of list) {
          const got = await readBack(conn, e.remoteId);
          if (got?.canonical.familyName !== e.familyName) {
            lost++;
            if (lostSamples.length < 5)
              lostSamples.push(
                `${vendor} ${e.remoteId}: want ${e.familyName}, vendor has ${got ? String(got.canonical.familyName) : 'nothing'}`,
              );
          }
        }
        lostBy[vendor] = lost;
        stuckBy[vendor] = c.syncStore.openChanges(accountOf.get(vendor)!, ['pending', 'in_flight', 'conflict', 'rejected']).length;
      }),
    );
    const f1 = figures(run1, (v) => expected.get(v)?.length ?? 0);
    const totalEdits = [...expected.values()].reduce((n, l) => n + l.length, 0);
    report('push', {
      phase: 'edits',
      rttMs: rtt,
      rate429,
      pushMax: pushMax ?? DEFAULT_MAX_WIDTH,
      people,
      recordsPerVendor,
      sandboxStartMs,
      firstSyncMs,
      editsPerVendor: edits,
      editMs,
      queued: queued.pending,
      ...f1,
      editsPerSecAll: f1.pushWallMs ? +(totalEdits / (f1.pushWallMs / 1000)).toFixed(1) : null,
      coreCpuMsPerEdit: totalEdits ? +(f1.coreCpuMs / totalEdits).toFixed(2) : null,
      outboxAfter: after1,
      lost: Object.values(lostBy).reduce((a, b) => a + b, 0),
      stuck: Object.values(stuckBy).reduce((a, b) => a + b, 0),
      lostBy,
      stuckBy,
      ...(lostSamples.length ? { lostSamples } : {}),
      peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
      // Other work on the machine stretches every wall figure: say how loaded it was.
      loadavg: os.loadavg().map((x) => +x.toFixed(2)),
    });

    // ---- Phase 2: a bulk merge of the sandbox's near-certain clusters, pushed at once. ----
    if (maxMerges > 0) {
      t0 = performance.now();
      c.dedupe.scan({ full: true });
      const auto = c.dedupe.clusters().filter((x) => x.auto);
      const scanMs = ms(t0);
      const lastChange = (c.store.sqlite.prepare('SELECT coalesce(max(id), 0) AS n FROM changes').get() as { n: number }).n;
      t0 = performance.now();
      let merged = 0;
      if (auto.length <= maxMerges) merged = (await c.dedupe.bulkMerge({ expected: auto.length })).merged;
      else {
        // More than asked for: the first M, one merge each (what the bulk merge does per cluster).
        const all = c.dedupe.clusters();
        for (const x of auto.slice(0, maxMerges)) {
          c.dedupe.merge(x.id, { clusters: all });
          merged++;
        }
      }
      const mergeMs = ms(t0);
      const changes = c.store.sqlite
        .prepare('SELECT c.id, c.record_id, c.op, c.patch, a.kind FROM changes c JOIN accounts a ON a.id = c.account_id WHERE c.id > ?')
        .all(lastChange) as { id: number; record_id: string; op: string; patch: string; kind: Vendor }[];
      const perVendor = new Map<Vendor, number>();
      const ops: Record<string, number> = {};
      for (const ch of changes) {
        perVendor.set(ch.kind, (perVendor.get(ch.kind) ?? 0) + 1);
        ops[`${ch.kind} ${ch.op}`] = (ops[`${ch.kind} ${ch.op}`] ?? 0) + 1;
      }
      const run2 = await timedPush();
      const after2 = c.syncStore.counts();
      // Each change's record at its vendor: a delete gone, a merged-away record gone or moved,
      // an update holding what Concord holds in the fields it meant to write.
      const lost2: Record<string, number> = {};
      const samples2: string[] = [];
      const states = new Map(
        (c.store.sqlite.prepare('SELECT id, state FROM changes WHERE id > ?').all(lastChange) as { id: number; state: string }[]).map(
          (r) => [r.id, r.state],
        ),
      );
      await Promise.all(
        [...accountOf].map(async ([vendor, accountId]) => {
          const conn = await connectorFor(accountId);
          let lost = 0;
          for (const ch of changes.filter((x) => x.kind === vendor)) {
            if (states.get(ch.id) !== 'done') continue; // counted as stuck below
            const rec = c.syncStore.record(ch.record_id);
            if (!rec.remoteId) continue;
            const got = await readBack(conn, rec.remoteId);
            let ok = true;
            if (ch.op === 'delete') ok = !got;
            else if (ch.op === 'update') {
              const fields = Object.keys(JSON.parse(ch.patch) as object).filter((f) =>
                (conn.fields.write as readonly string[]).includes(f),
              );
              ok = !!got && Object.keys(diff(got.canonical as CanonicalContact, rec.local, fields)).length === 0;
            }
            if (!ok) {
              lost++;
              if (samples2.length < 5) samples2.push(`${vendor} ${ch.op} ${rec.remoteId}`);
            }
          }
          lost2[vendor] = lost;
        }),
      );
      const stuck2 = [...states.values()].filter((s) => s !== 'done').length;
      const f2 = figures(run2, (v) => perVendor.get(v) ?? 0);
      report('push', {
        phase: 'bulk-merge',
        rttMs: rtt,
        rate429,
        clustersAskedFor: maxMerges,
        autoClustersInSandbox: auto.length,
        clustersMerged: merged,
        scanMs,
        mergeMs,
        changes: changes.length,
        changesByOp: ops,
        ...f2,
        changesPerSecAll: f2.pushWallMs ? +(changes.length / (f2.pushWallMs / 1000)).toFixed(1) : null,
        outboxAfter: after2,
        lost: Object.values(lost2).reduce((a, b) => a + b, 0),
        stuck: stuck2,
        lostBy: lost2,
        ...(samples2.length ? { lostSamples: samples2 } : {}),
        loadavg: os.loadavg().map((x) => +x.toFixed(2)),
      });
    }
  } finally {
    core?.close();
    fs.rmSync(dir, { recursive: true, force: true });
    await sb?.close();
  }
}
