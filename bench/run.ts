// Benchmarks: `npm run bench` runs them all, `npm run bench -- NAME` one of them. Figures go
// to stdout as JSON lines and into the README by hand, with the command that made them.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createCore } from '../src/main/core';
import { evalSetCsv, generateEvalSet } from '../test/helpers/eval-set';
import { blockingRecall, loadFebrl } from '../test/helpers/febrl';
import { clusterQuality } from '../test/helpers/quality';
import { createLogger, nullSink } from '../src/main/core/log';
import { generatePopulation } from '../src/main/core/sandbox/population';
import { MemorySecretStore } from '../src/main/core/secrets/memory-store';
import { doctor } from '../src/main/core/store/health';
import { VENDORS, type CanonicalContact } from '../src/shared/domain';
import { execFileSync } from 'node:child_process';
import { fillStore } from '../test/helpers/big-store';
import { runMatrix } from '../test/helpers/fault-matrix';
import type { Page } from 'playwright-core';
import { startHarness } from '../test/e2e/harness';
import { startWorkerCore } from '../test/helpers/worker-core';
import { readServerCopy, type StoredServerCopy } from '../src/main/core/sync/server-copy';

function ensureBuilt(): void {
  if (
    !fs.existsSync(path.resolve(__dirname, '../out/renderer/index.html')) ||
    !fs.existsSync(path.resolve(__dirname, '../out/main/core-worker.js'))
  ) {
    execFileSync(process.execPath, [path.resolve(__dirname, '../node_modules/electron-vite/bin/electron-vite.js'), 'build'], {
      stdio: 'ignore',
    });
  }
}

/**
 * Time from a key press to the window showing its result, measured in the page: the next
 * cluster in full with its write preview (and, for m/n, the queue one shorter).
 */
async function keyLatencies(page: Page, key: string, n: number): Promise<number[]> {
  // tsx keeps function names with a __name helper the page does not have.
  await page.evaluate('window.__name = window.__name || ((f) => f)');
  return page.evaluate(
    async ({ key, n }) => {
      const tick = () =>
        new Promise<void>((r) => {
          const c = new MessageChannel();
          c.port1.onmessage = () => r();
          c.port2.postMessage(0);
        });
      const shown = () => document.querySelector('[data-testid=cluster]')?.getAttribute('data-cluster') ?? null;
      const planned = () => document.querySelector('[aria-label="Write preview"]')?.getAttribute('data-cluster') ?? null;
      const selected = () => document.querySelector('.queue-item[aria-selected=true]')?.getAttribute('data-cluster') ?? null;
      const count = () => document.querySelector('[data-testid=queue-count]')?.textContent ?? '';
      const out: number[] = [];
      for (let i = 0; i < n; i++) {
        const before = shown();
        const c0 = count();
        const t0 = performance.now();
        document.body.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true }));
        for (;;) {
          await tick();
          const s = shown();
          const done = s && s !== before && s === selected() && planned() === s && (key === 'm' || key === 'n' ? count() !== c0 : true);
          if (done) break;
          if (performance.now() - t0 > 10_000) throw new Error(`"${key}" did not show the next cluster within 10 s`);
        }
        out.push(performance.now() - t0);
        await new Promise((r) => setTimeout(r, 20)); // a person's pace, not a tight loop
      }
      return out;
    },
    { key, n },
  );
}

const pctl = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return Math.round((s[Math.min(s.length - 1, Math.floor(p * s.length))] ?? 0) * 10) / 10;
};

/** CPU time of this process's main thread (the core's), in ms: Linux's per-thread counters, else the whole process. */
function mainThreadCpuMs(): number {
  try {
    const stat = fs.readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // fields from the 3rd on
    return ((Number(f[11]) + Number(f[12])) * 1000) / 100; // utime + stime, in clock ticks of 1/100 s
  } catch {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  }
}

const rssMiB = (): number => Math.round(process.resourceUsage().maxRSS / 1024);
const ms = (t0: number): number => Math.round(performance.now() - t0);
const report = (name: string, figures: Record<string, unknown>): void =>
  console.log(JSON.stringify({ bench: name, ...figures, node: process.version, cpus: os.cpus().length }));

async function tempCore() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'concord-bench-'));
  const core = await createCore({ dataDir: dir, secretStore: new MemorySecretStore(), log: createLogger(nullSink) });
  return { core, done: () => (core.close(), fs.rmSync(dir, { recursive: true, force: true })) };
}

/** Merge all in the window: the plan (confirmation), the job with its progress, and its one undo, each timed. */
async function bulkMergeInWindow(h: Awaited<ReturnType<typeof startHarness>>) {
  let t0 = performance.now();
  await h.page.getByTestId('merge-all').click();
  await h.page.getByTestId('bulk-confirm').waitFor({ timeout: 120_000 });
  const bulkPlanMs = ms(t0);
  await h.screenshot('duplicates-100k-bulk-confirm-1280');
  const planned = Number(((await h.page.getByTestId('bulk-confirm').textContent()) ?? '').replace(/\D/g, ''));
  t0 = performance.now();
  await h.page.getByTestId('bulk-confirm').click();
  await h.page.waitForTimeout(1500);
  await h.screenshot('duplicates-100k-bulk-progress-1280');
  await h.page.getByTestId('toast').filter({ hasText: 'clusters above the auto-link threshold' }).waitFor({ timeout: 600_000 });
  const bulkMs = ms(t0);
  const said = (await h.page.getByTestId('toast').textContent()) ?? '';
  const merged = Number(/Merged ([\d,]+)/.exec(said)?.[1]?.replace(/,/g, '') ?? 0);
  t0 = performance.now();
  await h.page.getByTestId('toast').getByTestId('undo').click();
  await h.page.getByTestId('toast').filter({ hasText: 'Undone.' }).waitFor({ timeout: 600_000 });
  const undoMs = ms(t0);
  return {
    bulkPlanMs,
    bulkPlanned: planned,
    bulkMerged: merged,
    bulkMs,
    bulkClustersPerSecond: Math.round(merged / (bulkMs / 1000)),
    bulkUndoMs: undoMs,
  };
}

const BENCHES: Record<string, () => Promise<void>> = {
  /** Duplicate scan over 100,000 generated records in a real SQLite store. */
  async dedupe() {
    const target = Number(process.env.BENCH_RECORDS ?? 100_000);
    const { core, done } = await tempCore();
    // Generated and stored in a function of its own, so the population (a million contacts at
    // the largest size) can be collected before the scan: the peak RSS is then the scan's.
    const fill = () => {
      const t0 = performance.now();
      const pop = generatePopulation({ seed: 42, people: Math.round(target / 1.74) });
      const gen = ms(t0);
      const t1 = performance.now();
      let n = 0;
      const personOf = new Map<string, string>();
      for (const t of pop.truth) for (const k of t.keys) personOf.set(k, t.personId);
      const truth = new Map<string, string>();
      core.store.sqlite.transaction(() => {
        for (const vendor of VENDORS) {
          const acc = core.store.sqlite.prepare("INSERT INTO accounts (id, kind, label, settings, health) VALUES (?, ?, ?, '{}', 'ok')");
          acc.run(`bench-${vendor}`, vendor, vendor);
          for (const s of pop.byVendor[vendor]) {
            if (n >= target) break;
            truth.set(
              core.syncStore.upsertFromServer({
                accountId: `bench-${vendor}`,
                remoteId: s.key,
                raw: s.contact,
                canonical: s.contact,
                versions: {},
              }).id,
              personOf.get(s.key)!,
            );
            n++;
          }
        }
      })();
      return { n, truth, gen, load: ms(t1) };
    };
    const { n, truth, gen, load } = fill();
    const rssBeforeScan = rssMiB();
    (globalThis as { gc?: () => void }).gc?.();
    if (process.env.BENCH_VERBOSE) console.error(`dedupe: generated ${gen} ms, stored ${load} ms, peak RSS so far ${rssBeforeScan} MiB`);
    const t2 = performance.now();
    const cpu0 = process.cpuUsage();
    const full = core.dedupe.scan({ full: true });
    const scanMs = ms(t2);
    // CPU time as well as wall time: on a shared machine the wall time moves with the neighbours' load.
    const cpu = process.cpuUsage(cpu0);
    const scanCpuMs = Math.round((cpu.user + cpu.system) / 1000);
    const rssAfterScan = rssMiB();
    const t3 = performance.now();
    const again = core.dedupe.scan();
    const incMs = ms(t3);
    if (process.env.BENCH_VERBOSE)
      console.error(
        `dedupe: full scan ${scanMs} ms (CPU ${scanCpuMs} ms), ${full.comparisons} comparisons, ${full.clusters.length} clusters, peak RSS ${rssAfterScan} MiB; incremental ${incMs} ms\n` +
          `dedupe: phases (ms) ${JSON.stringify(full.phases)}`,
      );
    const q = clusterQuality(full.clusters, truth);
    if (process.env.BENCH_VERBOSE) console.error(`dedupe: precision ${q.precision.toFixed(4)}, recall ${q.recall.toFixed(4)}`);
    // The population's answer key, at this size: what blocking loses, and the clusters' quality.
    const blocking = blockingRecall(core, truth, 'US');
    // The scan after a sync that changed a few records: BENCH_EDITS (default 100) records spread
    // over the store each take another's name, as a pull would write them.
    const edits = Number(process.env.BENCH_EDITS ?? 100);
    const picked = core.store.sqlite
      .prepare('SELECT account_id AS accountId, remote_id AS remoteId, local FROM records WHERE rowid % ? = 0 LIMIT ?')
      .all(Math.max(1, Math.floor(n / edits)), edits) as { accountId: string; remoteId: string; local: string }[];
    core.store.sqlite.transaction(() => {
      picked.forEach((p, i) => {
        const from = JSON.parse(picked[(i + 1) % picked.length]!.local) as CanonicalContact;
        const local: CanonicalContact = {
          ...(JSON.parse(p.local) as CanonicalContact),
          givenName: from.givenName,
          familyName: from.familyName,
        };
        core.syncStore.upsertFromServer({ accountId: p.accountId, remoteId: p.remoteId, raw: local, canonical: local, versions: {} });
      });
    })();
    const t4 = performance.now();
    const cpu4 = process.cpuUsage();
    const afterEdits = core.dedupe.scan();
    const editScanMs = ms(t4);
    const editCpu = process.cpuUsage(cpu4);
    // For comparison, the same scan the way it was done before the keys were kept: the same
    // edits written again (names back), the kept keys taken away, so it reads every record.
    let wholeMs: number | undefined;
    if (process.env.BENCH_WHOLE) {
      core.store.sqlite.transaction(() => {
        for (const p of picked) {
          const local = JSON.parse(p.local) as CanonicalContact;
          core.syncStore.upsertFromServer({ accountId: p.accountId, remoteId: p.remoteId, raw: local, canonical: local, versions: {} });
        }
      })();
      core.store.sqlite.prepare('UPDATE match_keys_state SET kept = 0').run();
      const t5 = performance.now();
      const whole = core.dedupe.scan();
      wholeMs = ms(t5);
      if (process.env.BENCH_VERBOSE) console.error(`dedupe: the same scan reading every record: ${wholeMs} ms, read ${whole.read}`);
    }
    if (process.env.BENCH_VERBOSE)
      console.error(
        `dedupe: after ${picked.length} edits, incremental ${editScanMs} ms (CPU ${Math.round((editCpu.user + editCpu.system) / 1000)} ms), read ${afterEdits.read} records, rescored ${afterEdits.rescored}, phases ${JSON.stringify(afterEdits.phases)}`,
      );
    done();
    report('dedupe', {
      records: n,
      generateMs: gen,
      loadMs: load,
      fullScanMs: scanMs,
      fullScanCpuMs: scanCpuMs,
      loadAverage: +os.loadavg()[0]!.toFixed(1),
      comparisons: full.comparisons,
      clusters: full.clusters.length,
      incrementalScanMs: incMs,
      rescored: again.rescored,
      editsBeforeScan: picked.length,
      incrementalAfterEditsMs: editScanMs,
      incrementalAfterEditsCpuMs: Math.round((editCpu.user + editCpu.system) / 1000),
      incrementalAfterEditsRead: afterEdits.read,
      ...(wholeMs === undefined ? {} : { incrementalReadingEveryRecordMs: wholeMs }),
      peakRssBeforeScanMiB: rssBeforeScan,
      peakRssMiB: rssAfterScan,
      blockingRecall: +blocking.recall.toFixed(4),
      precision: +q.precision.toFixed(4),
      recall: +q.recall.toFixed(4),
    });
  },

  /** Pairwise precision/recall at the default threshold: the labelled set and the sandbox. */
  async 'dedupe-quality'() {
    const measure = async (load: (core: Awaited<ReturnType<typeof tempCore>>['core']) => Promise<Map<string, string>>) => {
      const { core, done } = await tempCore();
      const truthOf = await load(core);
      const scan = core.dedupe.scan();
      const q = clusterQuality(scan.clusters, truthOf);
      const blocking = blockingRecall(core, truthOf);
      // The thresholds the estimated model chose for this store, and what it expected of them.
      const d = core.dedupe.decision();
      done();
      const f1 = q.precision + q.recall ? (2 * q.precision * q.recall) / (q.precision + q.recall) : 0;
      return {
        records: truthOf.size,
        truePairs: q.truePairs,
        predictedPairs: q.predictedPairs,
        precision: +q.precision.toFixed(4),
        recall: +q.recall.toFixed(4),
        f1: +f1.toFixed(4),
        autoLinkFalsePositives: q.autoLinkFalsePositives,
        blockingRecall: +blocking.recall.toFixed(4),
        comparisons: blocking.comparisons,
        scanMs: scan.ms,
        review: d?.review,
        autoLink: d?.autoLink,
        expectedPrecision: d?.expectedPrecision,
        expectedRecall: d?.expectedRecall,
      };
    };
    // Public labelled data no one here wrote, with zero configuration.
    for (const file of ['dataset1.csv', 'dataset2.csv', 'dataset3.csv']) {
      report('dedupe-quality', { set: `FEBRL ${file} (soc_sec_id left out)`, ...(await measure((core) => loadFebrl(core, file))) });
    }
    const evalSet = await measure(async (core) => {
      await core.csv.import(evalSetCsv(generateEvalSet({ seed: 2026, entities: 3000 })), { source: 'eval' });
      return new Map(
        (core.store.sqlite.prepare('SELECT id, server FROM records').all() as { id: string; server: StoredServerCopy }[]).map((r) => [
          r.id,
          (readServerCopy(r.server) as { entity: string }).entity,
        ]),
      );
    });
    report('dedupe-quality', { set: 'labelled evaluation set (seed 2026, 3000 people)', ...evalSet });
    const heavy = await measure(async (core) => {
      await core.csv.import(evalSetCsv(generateEvalSet({ seed: 11, entities: 1500, heavy: true })), { source: 'eval' });
      return new Map(
        (core.store.sqlite.prepare('SELECT id, server FROM records').all() as { id: string; server: StoredServerCopy }[]).map((r) => [
          r.id,
          (readServerCopy(r.server) as { entity: string }).entity,
        ]),
      );
    });
    report('dedupe-quality', { set: 'labelled evaluation set, heavy (seed 11, 1500 people, 5-15 records each)', ...heavy });
    for (const seed of [1, 2, 3]) {
      const sandbox = await measure(async (core) => {
        const pop = generatePopulation({ seed, people: 300 });
        const truth = new Map<string, string>();
        for (const t of pop.truth) for (const k of t.keys) truth.set(k, t.personId);
        const out = new Map<string, string>();
        for (const vendor of VENDORS) {
          core.store.sqlite
            .prepare("INSERT INTO accounts (id, kind, label, settings, health) VALUES (?, ?, ?, '{}', 'ok')")
            .run(vendor, vendor, vendor);
          for (const s of pop.byVendor[vendor])
            out.set(
              core.syncStore.upsertFromServer({ accountId: vendor, remoteId: s.key, raw: s.contact, canonical: s.contact, versions: {} })
                .id,
              truth.get(s.key)!,
            );
        }
        return out;
      });
      report('dedupe-quality', { set: `sandbox population (seed ${seed}, 300 people)`, ...sandbox });
    }
  },

  /**
   * The duplicates queue at 100,000 records, with the core in its own process as in the app:
   * the first scan, time to the first cluster on opening the view (after a restart, nothing
   * cached), j/k/s/m/n latency to the next cluster shown in full, and the bulk merge rate.
   */
  async duplicates() {
    ensureBuilt();
    const target = Number(process.env.BENCH_RECORDS ?? 100_000);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'concord-bench-'));
    const seedCore = await createCore({ dataDir: dir, secretStore: new MemorySecretStore(), log: createLogger(nullSink) });
    const records = fillStore(seedCore, target);
    seedCore.close();
    let worker = await startWorkerCore(dir);
    let t0 = performance.now();
    const scan = (await worker.dispatch('scanDuplicates', { full: true })) as {
      ok: true;
      value: { total: number; autoLinkable: number; comparisons: number };
    };
    const scanMs = ms(t0);
    await worker.close();
    // A restart: the core process starts cold, the person opens Duplicates.
    worker = await startWorkerCore(dir);
    const h = await startHarness(worker, { width: 1280, height: 800 });
    await h.page.locator('.contact-name').first().waitFor({ timeout: 60_000 });
    t0 = performance.now();
    await h.page.getByRole('navigation').getByText('Duplicates', { exact: true }).click();
    await h.page.getByTestId('cluster').waitFor({ timeout: 60_000 });
    await h.page.locator('[aria-label="Write preview"]').waitFor({ timeout: 60_000 });
    const firstClusterMs = ms(t0);
    t0 = performance.now();
    await h.page.getByRole('navigation').getByText('Contacts', { exact: true }).click();
    await h.page.getByRole('navigation').getByText('Duplicates', { exact: true }).click();
    await h.page.locator('[aria-label="Write preview"]').waitFor({ timeout: 60_000 });
    const reopenMs = ms(t0);
    await h.screenshot('duplicates-100k-1280');
    const keys: Record<string, { n: number; p50Ms: number; p95Ms: number; maxMs: number }> = {};
    for (const [key, n] of [
      ['j', 60],
      ['k', 20],
      ['s', 20],
      ['m', 30],
      ['n', 20],
    ] as const) {
      const xs = await keyLatencies(h.page, key, n);
      keys[key] = { n: xs.length, p50Ms: pctl(xs, 0.5), p95Ms: pctl(xs, 0.95), maxMs: pctl(xs, 1) };
    }
    // Bulk merge: plan (confirmation), then the job with progress, measured end to end in the window.
    // BENCH_BULK=0 leaves it out (at a million records merging every cluster takes its own hour).
    const bulk = process.env.BENCH_BULK === '0' ? null : await bulkMergeInWindow(h);
    await h.close();
    await worker.close();
    fs.rmSync(dir, { recursive: true, force: true });
    report('duplicates', {
      records,
      coreInOwnProcess: true,
      clusters: scan.value.total,
      autoLinkable: scan.value.autoLinkable,
      fullScanMs: scanMs,
      firstClusterColdMs: firstClusterMs,
      firstClusterWarmMs: reopenMs,
      keys,
      ...bulk,
    });
  },

  /** Frame times while flinging through 100,000 contacts in Chromium (the built renderer). */
  async scroll() {
    ensureBuilt();
    const { core, done } = await tempCore();
    fillStore(core, 100_000);
    const h = await startHarness(core, { width: 1280, height: 800 });
    await h.page.locator('.contact-name').first().waitFor();
    // First rows: the Contacts view opened from another view, and a search typed into it.
    const firstRows: number[] = [];
    const searchRows: number[] = [];
    for (let i = 0; i < 5; i++) {
      await h.page.getByRole('navigation').getByText('Sync', { exact: true }).click();
      await h.page.locator('.contact-name').first().waitFor({ state: 'detached' });
      let t0 = performance.now();
      await h.page.getByRole('navigation').getByText('Contacts', { exact: true }).click();
      await h.page.locator('.contact-name').first().waitFor();
      firstRows.push(performance.now() - t0);
      // A search: typed, then the first row of its answer shown (the view waits 120 ms for typing to pause).
      const box = h.page.getByLabel('Search contacts');
      const before = await h.page.locator('.contact-name').first().textContent();
      t0 = performance.now();
      await box.fill(['mar', 'bro', 'lee', 'ton', 'smith'][i]!);
      await h.page.waitForFunction(
        (b) => {
          const t = document.querySelector('.contact-name')?.textContent;
          return !!t && t !== b;
        },
        before,
        { polling: 'raf' },
      );
      searchRows.push(performance.now() - t0);
      await box.fill('');
      await h.page.waitForFunction((b) => document.querySelector('.contact-name')?.textContent === b, before, { polling: 'raf' });
    }
    // A fling: 600 frames, 90 px per frame (about a screenful every 8 frames), through the list.
    // Frame time is the interval between the frames' own timestamps (the time requestAnimationFrame
    // hands its callback: when the frame began), as browsers' frame meters count it — a missed
    // frame shows as 33 ms. The time the callback happened to run (performance.now() inside it) is
    // kept too: it adds the scheduling jitter of a busy machine, which an empty page shows as well.
    const { frames, callbacks } = await h.page.evaluate(async () => {
      const el = document.querySelector('[data-testid=contact-list]') as HTMLElement;
      const frames: number[] = [];
      const callbacks: number[] = [];
      let lastFrame = 0;
      let lastCallback = performance.now();
      for (let i = 0; i < 600; i++) {
        const at = await new Promise<number>((r) => requestAnimationFrame((t) => r(t)));
        const now = performance.now();
        if (i > 0) {
          frames.push(at - lastFrame);
          callbacks.push(now - lastCallback);
        }
        lastFrame = at;
        lastCallback = now;
        el.scrollTop += 90 + (i % 50 === 0 ? 40_000 : 0); // with a long jump now and then
      }
      return { frames, callbacks };
    });
    await h.close();
    done();
    const q = (p: number, xs = frames) => {
      const sorted = [...xs].sort((a, b) => a - b);
      return Math.round(sorted[Math.floor(p * (sorted.length - 1))]! * 10) / 10;
    };
    report('scroll', {
      people: 100_000,
      firstRowsMs: { p50: pctl(firstRows, 0.5), max: pctl(firstRows, 1) },
      searchFirstRowsMs: { p50: pctl(searchRows, 0.5), max: pctl(searchRows, 1), includesTypingPauseMs: 120 },
      frames: frames.length,
      p50Ms: q(0.5),
      p95Ms: q(0.95),
      p99Ms: q(0.99),
      maxMs: q(1),
      framesMissed: frames.filter((f) => f > 25).length,
      over33ms: frames.filter((f) => f > 33.4).length,
      callbackP50Ms: q(0.5, callbacks),
      callbackP95Ms: q(0.95, callbacks),
      callbackP99Ms: q(0.99, callbacks),
      chromium: 'headless, --disable-gpu',
    });
  },

  /**
   * The fault matrix of test/integration/fault-matrix.test.ts, larger: more records per vendor
   * (BENCH_FAULT_RECORDS, default 25), every vendor, three times in a row with different seeds.
   */
  /**
   * Bulk add under faults, larger than npm test's: BENCH_BULK_ROUNDS rounds (default 29), each a
   * fresh sandbox of 2,000 people whose CallTools people are added to Lightening as one job,
   * then pushed with a fault at every 29th request — every kind the simulators have (drop
   * before or after the answer, a truncated body, 500, 429) in turn — shifted by one request
   * each round, so over 29 rounds every request of the push is hit. Counted against the
   * vendor's own records: people created twice, people missing, changes left unsent; all 0.
   */
  async 'bulk-add-faults'() {
    const rounds = Number(process.env.BENCH_BULK_ROUNDS ?? 29);
    const { startSandbox } = await import('../src/main/core/sandbox');
    const { FAST_RETRY } = await import('../test/helpers/fast-retry');
    for (let round = 0; round < rounds; round++) {
      const t0 = performance.now();
      const sb = await startSandbox({ seed: 100, people: 2000 });
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'concord-bench-'));
      const core = await createCore({
        dataDir: dir,
        secretStore: new MemorySecretStore(),
        log: createLogger(nullSink),
        retry: FAST_RETRY,
        syncTuning: { roundDelayMs: 10 },
      });
      const ids: Record<string, string> = {};
      for (const [vendor, info] of Object.entries(sb.vendors))
        ids[vendor] = (
          await core.accounts.add({
            kind: vendor as (typeof VENDORS)[number],
            label: vendor,
            baseUrl: info!.baseUrl,
            credentials: info!.credentials,
            settings: info!.settings,
          })
        ).id;
      await core.sync.sync();
      const q = { from: ids.calltools!, to: ids.lightening!, values: { customerId: '3' } };
      const plan = await core.addTo.planBulk(q);
      const job = await core.addTo.bulk({ ...q, expected: plan.count });
      const server = sb.servers.lightening!;
      const kinds = ['drop-before', 'drop-after', 'truncate', '500', '429'] as const;
      for (let i = 0; i < 60; i++) server.failAt(server.requestCount + 1 + round + i * 29, kinds[(i + round) % kinds.length]!);
      for (let k = 0; k < 15 && core.status.get().outbox.pending + core.status.get().outbox.inFlight > 0; k++)
        await core.sync.sync({ accountId: ids.lightening });
      const stuck = core.status.get().outbox.pending + core.status.get().outbox.inFlight;
      const there: { remoteId: string; emails: string[] }[] = [];
      const conn = await (
        await import('../src/main/core/vendors/connector-factory')
      ).connectorFactory(
        core.accounts,
        core.fetch,
      )(ids.lightening!);
      for await (const page of conn.pull(null, { full: true }))
        for (const r of page.records)
          there.push({ remoteId: r.remoteId, emails: (r.canonical.emails ?? []).map((e) => e.address.toLowerCase()) });
      const people = (
        core.store.sqlite.prepare("SELECT json_extract(after, '$.personId') AS p FROM journal WHERE kind = 'add-to'").all() as {
          p: string;
        }[]
      ).map((r) => r.p);
      let missing = 0;
      let twice = 0;
      const byEmail = new Map<string, number>();
      for (const x of there) for (const e of new Set(x.emails)) byEmail.set(e, (byEmail.get(e) ?? 0) + 1);
      const seeded = new Map<string, number>();
      for (const x of sb.population.byVendor.lightening)
        for (const e of new Set((x.contact.emails ?? []).map((m) => m.address.toLowerCase()))) seeded.set(e, (seeded.get(e) ?? 0) + 1);
      const addedWith = new Map<string, number>();
      const live = people.map(
        (p) =>
          core.store.sqlite
            .prepare(
              "SELECT remote_id AS r, local FROM records WHERE person_id = ? AND account_id = ? AND state NOT IN ('deleted_local', 'deleted_remote')",
            )
            .all(p, ids.lightening) as { r: string | null; local: string }[],
      );
      for (const l of live)
        for (const e of new Set(
          ((l[0] ? JSON.parse(l[0].local) : {}) as { emails?: { address: string }[] }).emails?.map((m) => m.address.toLowerCase()) ?? [],
        ))
          addedWith.set(e, (addedWith.get(e) ?? 0) + 1);
      for (const l of live) {
        if (l.length !== 1 || !l[0]!.r || !there.some((x) => x.remoteId === l[0]!.r)) missing++;
        // Created twice: the vendor holds more records with this email than were seeded plus added.
        const emails = new Set(
          ((l[0] ? JSON.parse(l[0].local) : {}) as { emails?: { address: string }[] }).emails?.map((m) => m.address.toLowerCase()) ?? [],
        );
        if ([...emails].some((e) => (byEmail.get(e) ?? 0) > (seeded.get(e) ?? 0) + (addedWith.get(e) ?? 0))) twice++;
      }
      const faultsHit = server.requestLog.filter((l) => l.fault).length;
      core.close();
      fs.rmSync(dir, { recursive: true, force: true });
      await sb.close();
      report('bulk-add-faults', {
        round: round + 1,
        added: job.added,
        leftOut: job.refused.length,
        faultsHit,
        missing,
        createdTwice: twice,
        stuck,
        ms: ms(t0),
      });
      if (missing || twice || stuck) process.exitCode = 1;
    }
  },

  async faults() {
    const n = Number(process.env.BENCH_FAULT_RECORDS ?? 25);
    for (const [i, seed] of [17, 29, 41].entries()) {
      const t0 = performance.now();
      const s = await runMatrix(VENDORS, { n, seed });
      report('faults', {
        run: i + 1,
        seed,
        recordsPerVendor: n,
        cases: s.cases,
        requestsPerSync: s.requests,
        lost: s.lost,
        duplicates: s.duplicates,
        stuck: s.stuck,
        createdUnderNewPerson: s.split,
        ms: ms(t0),
      });
      for (const f of s.failures) console.error(JSON.stringify(f));
      if (s.lost || s.duplicates || s.stuck || s.split) process.exitCode = 1;
    }
  },

  /**
   * Search as people type, on a 100,000-person store: name prefixes, emails, phones typed in
   * every format (national, international, dashed, last digits) and names with one typo.
   */
  async search() {
    const target = Number(process.env.BENCH_RECORDS ?? 100_000);
    const { core, done } = await tempCore();
    fillStore(core, target);
    const sample = core.store.sqlite
      .prepare("SELECT local FROM records WHERE json_extract(local, '$.phones[0].e164') LIKE '+1%' ORDER BY rowid LIMIT 200")
      .all() as { local: string }[];
    const people = sample.map(
      (r) =>
        JSON.parse(r.local) as { givenName?: string; familyName?: string; emails?: { address: string }[]; phones?: { e164: string }[] },
    );
    const typo = (w: string) => (w.length >= 5 ? w.slice(0, 2) + w[3] + w[2] + w.slice(4) : w); // two letters swapped
    const kinds: Record<string, (p: (typeof people)[number]) => string | null> = {
      namePrefix: (p) => (p.familyName ? p.familyName.slice(0, 3) : null),
      fullName: (p) => (p.givenName && p.familyName ? `${p.givenName} ${p.familyName}` : null),
      email: (p) => p.emails?.[0]?.address ?? null,
      phoneNational: (p) => {
        const d = p.phones?.[0]?.e164?.slice(2);
        return d ? `(${d.slice(0, 3)}) ${d.slice(3, 6)}-${d.slice(6)}` : null;
      },
      phoneInternational: (p) => {
        const d = p.phones?.[0]?.e164?.slice(2);
        return d ? `+1 ${d.slice(0, 3)} ${d.slice(3, 6)} ${d.slice(6)}` : null;
      },
      phoneLast7: (p) => {
        const d = p.phones?.[0]?.e164;
        return d ? `${d.slice(-7, -4)}-${d.slice(-4)}` : null;
      },
      nameTypo: (p) => (p.familyName && p.familyName.length >= 5 ? typo(p.familyName) : null),
    };
    const figures: Record<string, unknown> = {
      people: (core.store.sqlite.prepare('SELECT count(*) AS n FROM people').get() as { n: number }).n,
    };
    const all: number[] = [];
    for (const [kind, make] of Object.entries(kinds)) {
      const times: number[] = [];
      let found = 0;
      for (const p of people) {
        const q = make(p);
        if (!q) continue;
        const t0 = performance.now();
        const r = core.contacts.list({ search: q, limit: 50, offset: 0 });
        times.push(performance.now() - t0);
        if (r.total > 0) found++;
      }
      times.sort((a, b) => a - b);
      all.push(...times);
      const pct = (x: number) => Math.round((times[Math.min(times.length - 1, Math.floor(x * times.length))] ?? 0) * 10) / 10;
      figures[kind] = { queries: times.length, found, p50Ms: pct(0.5), p95Ms: pct(0.95) };
    }
    all.sort((a, b) => a - b);
    figures.allP95Ms = Math.round((all[Math.floor(0.95 * all.length)] ?? 0) * 10) / 10;
    done();
    report('search', figures);
  },

  /**
   * The round-trip properties, large: per vendor, 500 generated records each pulled, edited in
   * one field, pushed and re-read (nothing else may move), and the no-edit sync that sends nothing.
   */
  async roundtrip() {
    const runs = Number(process.env.BENCH_ROUNDTRIP_RUNS ?? 500);
    for (const vendor of VENDORS) {
      const t0 = performance.now();
      const mod = (await import(`../test/helpers/roundtrip/${vendor}`)) as {
        roundTrip(o: { numRuns: number; seed: number }): Promise<void>;
      };
      let failure: string | null = null;
      try {
        await mod.roundTrip({ numRuns: runs, seed: Number(process.env.BENCH_ROUNDTRIP_SEED ?? 20261123) });
      } catch (e) {
        // fast-check puts the counterexample in the message and the property's own error in `cause`.
        const err = e as Error & { cause?: { message?: string } };
        failure = `${err.cause?.message ?? ''} | ${String(err.message).split('\n').slice(0, 3).join(' | ')}`;
        process.exitCode = 1;
      }
      report('roundtrip', { vendor, runs, held: failure === null, ms: ms(t0), ...(failure ? { failure } : {}) });
    }
  },

  /**
   * Sync at scale, measured from outside: BENCH_PEOPLE (default 100,000) sandbox people pulled
   * from the five simulators over HTTP into an empty store, in this one process; the raw
   * better-sqlite3 parse+insert rate of the same records measured in the same run; then a
   * re-sync after 1 % of records changed at the vendors (through their own APIs, as another
   * client would) and one with nothing changed; store bytes per record; peak RSS.
   */
  async sync() {
    const people = Number(process.env.BENCH_PEOPLE ?? 100_000);
    const { connectorFactory } = await import('../src/main/core/vendors/connector-factory');
    const { Worker } = await import('node:worker_threads');
    const Database = (await import('better-sqlite3')).default;
    let t0 = performance.now();
    // The vendors run on a thread of their own (bench/sandbox-worker.ts): in real use they are
    // other machines, so the core's thread is what is measured.
    // tsx's hooks do not reach worker threads by themselves: the worker registers them first.
    const worker = new Worker(`require('tsx/cjs'); require(${JSON.stringify(path.join(__dirname, 'sandbox-worker.ts'))});`, {
      eval: true,
      workerData: { seed: 7, people },
    });
    const sb = await new Promise<{
      vendors: Record<string, { baseUrl: string; credentials: Record<string, unknown>; settings?: Record<string, unknown> }>;
    }>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    const closeSandbox = () =>
      new Promise<void>((resolve) => {
        worker.once('exit', () => resolve());
        worker.postMessage('close');
      });
    const sandboxStartMs = ms(t0);
    const population = generatePopulation({ seed: 7, people });
    const rows = Object.values(population.byVendor).flatMap((l) => l.map((s) => [s.key, JSON.stringify(s.contact)] as const));
    // The floor: parse each record's JSON and insert it, one transaction, one prepared statement.
    const rawDir = fs.mkdtempSync(path.join(os.tmpdir(), 'concord-bench-raw-'));
    const raw = new Database(path.join(rawDir, 'raw.db'));
    raw.pragma('journal_mode = WAL');
    raw.exec('CREATE TABLE t (id TEXT PRIMARY KEY, body TEXT NOT NULL)');
    const ins = raw.prepare('INSERT INTO t (id, body) VALUES (?, ?)');
    // The best of three runs: one run on a shared machine varied from 124,000 to 166,000 a second,
    // and the floor is what the machine can do.
    let rawPerSec = 0;
    let rawPerCpuSec = 0;
    for (let run = 0; run < 3; run++) {
      raw.exec('DELETE FROM t');
      t0 = performance.now();
      const rawCpu0 = mainThreadCpuMs();
      raw.transaction(() => {
        for (const [k, j] of rows) ins.run(k, JSON.stringify(JSON.parse(j)));
      })();
      rawPerSec = Math.max(rawPerSec, Math.round(rows.length / ((performance.now() - t0) / 1000)));
      rawPerCpuSec = Math.max(rawPerCpuSec, Math.round(rows.length / ((mainThreadCpuMs() - rawCpu0) / 1000)));
    }
    raw.close();
    fs.rmSync(rawDir, { recursive: true, force: true });

    const { core, done } = await tempCore();
    const ids: Record<string, string> = {};
    for (const [vendor, info] of Object.entries(sb.vendors)) {
      ids[vendor] = (
        await core.accounts.add({
          kind: vendor as (typeof VENDORS)[number],
          label: vendor,
          baseUrl: info!.baseUrl,
          credentials: info!.credentials,
          settings: info!.settings,
        })
      ).id;
    }
    const pullAll = async () => {
      // cpuMs: the core's thread's CPU time (the simulators run on another), steadier than wall time on a shared machine.
      const out: Record<
        string,
        { records: number; ms: number; cpuMs: number; perSec: number; created: number; updated: number; unchanged: number }
      > = {};
      let total = 0;
      const t = performance.now();
      for (const [vendor, id] of Object.entries(ids)) {
        const t1 = performance.now();
        const c1 = mainThreadCpuMs();
        const s = await core.sync.pull(id);
        const cpu = mainThreadCpuMs() - c1;
        if (s.error) throw new Error(`${vendor}: ${s.error.message}`);
        const took = performance.now() - t1;
        out[vendor] = {
          records: s.pulled,
          ms: Math.round(took),
          cpuMs: Math.round(cpu),
          perSec: Math.round(s.pulled / (took / 1000)),
          created: s.created,
          updated: s.updated,
          unchanged: s.unchanged,
        };
        total += s.pulled;
      }
      return { ms: ms(t), records: total, vendors: out };
    };
    const first = await pullAll();
    core.store.sqlite.pragma('wal_checkpoint(TRUNCATE)');
    const records = (core.store.sqlite.prepare('SELECT count(*) AS n FROM records').get() as { n: number }).n;
    const bytes = fs.statSync(path.join(core.dataDir, 'concord.db')).size;
    let tables: Record<string, number> | undefined;
    try {
      tables = Object.fromEntries(
        (
          core.store.sqlite.prepare('SELECT name, sum(pgsize) AS b FROM dbstat GROUP BY name ORDER BY b DESC LIMIT 12').all() as {
            name: string;
            b: number;
          }[]
        ).map((r) => [r.name, Math.round(r.b / records)]),
      );
    } catch {
      /* dbstat is not compiled in */
    }

    // 1 % of each vendor's records changed at the vendor, through its API, before the re-sync.
    const connectorFor = connectorFactory(core.accounts, core.fetch);
    let changed = 0;
    for (const [vendor, id] of Object.entries(ids)) {
      const c = await connectorFor(id);
      const picks = core.store.sqlite
        .prepare('SELECT remote_id, server, versions, local FROM records WHERE account_id = ? AND rowid % 100 = 0')
        .all(id) as { remote_id: string; server: StoredServerCopy; versions: string; local: string }[];
      for (const r of picks) {
        const family = (JSON.parse(r.local) as { familyName?: string }).familyName ?? 'Doe';
        await c.update(
          r.remote_id,
          { familyName: `${family}-Smith` },
          { raw: readServerCopy(r.server), versions: JSON.parse(r.versions) as Record<string, string> },
        );
        changed++;
      }
      void vendor;
    }
    const onePercent = await pullAll();
    const nothing = await pullAll();
    const rss = rssMiB();
    done();
    await closeSandbox();
    const notBottleneck = Object.entries(first.vendors).filter(([v]) => v !== 'mpdx');
    const firstRate = Math.round(
      notBottleneck.reduce((n, [, x]) => n + x.records, 0) / (notBottleneck.reduce((n, [, x]) => n + x.ms, 0) / 1000),
    );
    const firstCpuRate = Math.round(
      notBottleneck.reduce((n, [, x]) => n + x.records, 0) / (notBottleneck.reduce((n, [, x]) => n + x.cpuMs, 0) / 1000),
    );
    report('sync', {
      people,
      records,
      sandboxStartMs,
      rawParseInsertPerSec: rawPerSec,
      firstPull: { ms: first.ms, perSec: Math.round(first.records / (first.ms / 1000)), vendors: first.vendors },
      firstPullPerSecWithoutMpdx: firstRate,
      ratioToRaw: +(firstRate / rawPerSec).toFixed(3),
      rawParseInsertPerCpuSec: rawPerCpuSec,
      firstPullPerCpuSecWithoutMpdx: firstCpuRate,
      cpuRatioToRaw: +(firstCpuRate / rawPerCpuSec).toFixed(3),
      changedAtVendors: changed,
      onePercentResync: {
        ms: onePercent.ms,
        updated: Object.values(onePercent.vendors).reduce((n, x) => n + x.updated, 0),
        vendors: onePercent.vendors,
      },
      nothingChangedResync: { ms: nothing.ms, ofFirst: +(nothing.ms / first.ms).toFixed(3), vendors: nothing.vendors },
      storeBytes: bytes,
      bytesPerRecord: Math.round(bytes / records),
      ...(tables ? { bytesPerRecordByTable: tables } : {}),
      peakRssMiB: rss,
      rssNote: 'one process: the core, and the simulators on a worker thread',
    });
  },

  /**
   * Where a first pull's time goes on the core's thread, against the raw parse + insert of the
   * sync bench. The four vendors whose simulators are not the bottleneck are read once over
   * HTTP into memory (timed: "read"); then the same records are stored again and again into
   * fresh stores, one part of the data model added each time, pages of 250 in a transaction
   * each, as a pull does.
   */
  async 'store-floor'() {
    const people = Number(process.env.BENCH_PEOPLE ?? 100_000);
    const { connectorFactory } = await import('../src/main/core/vendors/connector-factory');
    const { SearchIndex } = await import('../src/main/core/store/search-index');
    const { packServerCopy } = await import('../src/main/core/sync/server-copy');
    const { uuidv7 } = await import('../src/main/core/ids');
    const { displayName } = await import('../src/shared/domain');
    const { Worker } = await import('node:worker_threads');
    const Database = (await import('better-sqlite3')).default;
    const worker = new Worker(`require('tsx/cjs'); require(${JSON.stringify(path.join(__dirname, 'sandbox-worker.ts'))});`, {
      eval: true,
      workerData: { seed: 7, people },
    });
    const sb = await new Promise<{
      vendors: Record<string, { baseUrl: string; credentials: Record<string, unknown>; settings?: Record<string, unknown> }>;
    }>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    type Rec = {
      vendor: (typeof VENDORS)[number];
      remoteId: string;
      raw: unknown;
      canonical: CanonicalContact;
      versions: Record<string, string>;
      rawText?: string;
      rawSha1?: string;
    };
    const pages: Rec[][] = [];
    const reader = await tempCore();
    const connectorFor = connectorFactory(reader.core.accounts, reader.core.fetch);
    // The machine is shared: the three figures of the ratio (read, the same-work floor, upsertPage)
    // are each taken in `rounds` rounds, interleaved, and the least kept (BENCH_ROUNDS, default 3).
    const rounds = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 3));
    const accountIds: [(typeof VENDORS)[number], string][] = [];
    for (const vendor of ['calltools', 'lightening', 'bigchange', 'livevox'] as const) {
      const info = sb.vendors[vendor]!;
      const id = (
        await reader.core.accounts.add({
          kind: vendor,
          label: vendor,
          baseUrl: info.baseUrl,
          credentials: info.credentials,
          settings: info.settings,
        })
      ).id;
      accountIds.push([vendor, id]);
    }
    const readRounds: number[] = [];
    for (let round = 0; round < rounds; round++) {
      let readCpu = 0;
      for (const [vendor, id] of accountIds) {
        const c0 = mainThreadCpuMs();
        for await (const page of (await connectorFor(id)).pull(null, { full: true })) {
          // canonical is mapped lazily by some connectors: ask for it here, as the store would. The
          // text a record was cut from, and its digest, go to upsertPage as a pull hands them over.
          const recs = page.records.map((r) => ({
            vendor,
            remoteId: r.remoteId,
            raw: r.raw,
            canonical: r.canonical,
            versions: r.versions,
            rawText: r.rawText,
            rawSha1: r.rawSha1,
          }));
          if (round === 0) pages.push(recs); // later rounds read the same records again, only timed
        }
        readCpu += mainThreadCpuMs() - c0;
      }
      readRounds.push(readCpu);
    }
    const readCpu = Math.min(...readRounds);
    reader.done();
    await new Promise<void>((resolve) => {
      worker.once('exit', () => resolve());
      worker.postMessage('close');
    });
    const records = pages.reduce((n, p) => n + p.length, 0);
    const perRecord = (msTaken: number) => +((msTaken * 1000) / records).toFixed(1);

    // The floor of the sync bench: each record's JSON parsed and inserted, one table.
    const rows = pages.flat().map((r) => [`${r.vendor}:${r.remoteId}`, JSON.stringify(r.raw)] as const);
    const rawDir = fs.mkdtempSync(path.join(os.tmpdir(), 'concord-bench-raw-'));
    const raw = new Database(path.join(rawDir, 'raw.db'));
    raw.pragma('journal_mode = WAL');
    raw.exec('CREATE TABLE t (id TEXT PRIMARY KEY, body TEXT NOT NULL)');
    const ins = raw.prepare('INSERT INTO t (id, body) VALUES (?, ?)');
    const c0 = mainThreadCpuMs();
    raw.transaction(() => {
      for (const [k, j] of rows) ins.run(k, JSON.stringify(JSON.parse(j)));
    })();
    const rawUs = perRecord(mainThreadCpuMs() - c0);
    raw.close();
    fs.rmSync(rawDir, { recursive: true, force: true });

    const steps: { step: string; usPerRecord: number }[] = [];
    /** A fresh store with the four accounts (`floor-<vendor>`) and the statements a record's rows need. */
    const floorStore = async () => {
      const { core, done } = await tempCore();
      const db = core.store.sqlite;
      for (const v of ['calltools', 'lightening', 'bigchange', 'livevox'])
        db.prepare("INSERT INTO accounts (id, kind, label, settings, health) VALUES (?, ?, ?, '{}', 'ok')").run(`floor-${v}`, v, v);
      return {
        core,
        db,
        done,
        search: new SearchIndex(db),
        insertPerson: db.prepare('INSERT INTO people (id, golden, display_name, created_at, updated_at) VALUES (?, ?, ?, ?, ?)'),
        insertRecord: db.prepare(
          "INSERT INTO records (id, account_id, remote_id, person_id, server, base, local, versions, state, created_at, updated_at) VALUES (?, ?, ?, ?, ?, '=', ?, ?, 'synced', ?, ?)",
        ),
      };
    };
    // SQLite's part alone: every value made beforehand, so the timed loop is only the statements
    // a record needs, on the one writer SQLite allows (no other thread could take this work).
    const { searchTextOf } = await import('../src/main/core/store/search-index');
    const sqlOnly = async (step: string, withSearch: boolean) => {
      const made = pages.map((page) =>
        page.map((r) => ({
          personId: uuidv7(),
          recordId: uuidv7(),
          remoteId: r.remoteId,
          local: JSON.stringify(r.canonical),
          name: displayName(r.canonical),
          server: packServerCopy(JSON.stringify(r.raw ?? null), r.vendor),
          versions: JSON.stringify(r.versions),
          text: searchTextOf(r.canonical),
        })),
      );
      const { db, done, search, insertPerson, insertRecord } = await floorStore();
      const now = new Date().toISOString();
      const c1 = mainThreadCpuMs();
      made.forEach((page, i) => {
        const account = `floor-${pages[i]![0]!.vendor}`;
        db.transaction(() => {
          for (const m of page) {
            insertPerson.run(m.personId, m.local, m.name, now, now);
            const row = insertRecord.run(m.recordId, account, m.remoteId, m.personId, m.server, m.local, m.versions, now, now);
            if (withSearch) search.addText(row.lastInsertRowid, m.text);
          }
        })();
      });
      const us = perRecord(mainThreadCpuMs() - c1);
      if (step) steps.push({ step, usPerRecord: us });
      done();
      return us;
    };
    const floorRounds = [0];
    await sqlOnly('SQLite alone: the rows and their indexes, values made beforehand (raw copy packed)', false);
    floorRounds[0] = await sqlOnly('SQLite alone: + the search entries', true);
    const run = async (step: string, parts: { search: boolean; pack: boolean; store?: boolean }) => {
      const { core, db, done, search, insertPerson, insertRecord } = await floorStore();
      const c1 = mainThreadCpuMs();
      for (const page of pages) {
        const account = `floor-${page[0]!.vendor}`;
        db.transaction(() => {
          if (parts.store) {
            core.syncStore.upsertPage(account, page);
            return;
          }
          const now = new Date().toISOString();
          for (const r of page) {
            const json = JSON.stringify(r.raw ?? null);
            const local = JSON.stringify(r.canonical);
            const personId = uuidv7();
            insertPerson.run(personId, local, displayName(r.canonical), now, now);
            const row = insertRecord.run(
              uuidv7(),
              account,
              r.remoteId,
              personId,
              parts.pack ? packServerCopy(json, r.vendor) : json,
              local,
              JSON.stringify(r.versions),
              now,
              now,
            );
            if (parts.search) search.add(row.lastInsertRowid, r.canonical);
          }
        })();
      }
      const us = perRecord(mainThreadCpuMs() - c1);
      if (step) steps.push({ step, usPerRecord: us });
      done();
      return us;
    };
    await run('rows: people and records with their indexes, the raw copy as text', { search: false, pack: false });
    await run('the same, the raw copy packed (deflated with its dictionary)', { search: false, pack: true });
    await run('+ the search index', { search: true, pack: true });
    const storeRounds = [
      await run("the store's own upsertPage (all of the above, the counts, the store's checks)", { search: true, pack: true, store: true }),
    ];
    for (let round = 1; round < rounds; round++) {
      floorRounds.push(await sqlOnly('', true));
      storeRounds.push(await run('', { search: true, pack: true, store: true }));
    }
    const readUs = perRecord(readCpu);
    const storeUs = Math.min(...storeRounds);
    // The same-work floor: SQLite's statements for a person, a record, their indexes and the two
    // search entries, every value made beforehand — measured in this run, beside the first pull.
    const floorUs = Math.min(...floorRounds);
    const firstPullUs = +(readUs + storeUs).toFixed(1);
    report('store-floor', {
      people,
      records,
      rawParseInsertUsPerRecord: rawUs,
      readFromVendorsUsPerRecord: readUs,
      steps,
      firstPullUsPerRecord: firstPullUs,
      ratioToRaw: +(rawUs / (readUs + storeUs)).toFixed(3),
      sameWorkFloorUsPerRecord: floorUs,
      firstPullToFloor: +(firstPullUs / floorUs).toFixed(2),
      firstPullToFloorTarget: 2.0,
      rounds: { read: readRounds.map(perRecord), floor: floorRounds, upsertPage: storeRounds },
      note: "core thread CPU per record; 'read' is HTTP, JSON and mapping of the connectors; a first pull is read + upsertPage",
    });
  },

  /** issue #14: what the store's self-check costs — quick_check at every open, integrity_check for `concord doctor` — at 100,000 records. */
  async 'store-check'() {
    const target = Number(process.env.BENCH_RECORDS ?? 100_000);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'concord-bench-'));
    const opts = { dataDir: dir, secretStore: new MemorySecretStore(), log: createLogger(nullSink) };
    const filled = await createCore(opts);
    const records = fillStore(filled, target);
    filled.close();
    const bytes = fs.statSync(path.join(dir, 'concord.db')).size;
    const opens: number[] = [];
    const quick: number[] = [];
    for (let i = 0; i < 3; i++) {
      const t0 = performance.now();
      const core = await createCore(opts);
      opens.push(ms(t0));
      const t1 = performance.now();
      core.store.sqlite.pragma('quick_check');
      quick.push(ms(t1));
      core.close();
    }
    const t2 = performance.now();
    const r = doctor(dir);
    report('store-check', {
      records,
      storeMiB: Math.round(bytes / 1024 / 1024),
      openMs: opens,
      quickCheckMs: quick,
      integrityCheckMs: ms(t2),
      healthy: r.ok,
      peakRssMiB: rssMiB(),
    });
    fs.rmSync(dir, { recursive: true, force: true });
  },

  /** Push throughput, all accounts at once, every request RTT ms away (issue 25; bench/push.ts). */
  async push() {
    await (await import('./push')).push();
  },

  /** Sandbox population generation. */
  async population() {
    const t0 = performance.now();
    const pop = generatePopulation({ seed: 1, people: 100_000 });
    report('population', {
      people: 100_000,
      records: Object.values(pop.byVendor).reduce((n, l) => n + l.length, 0),
      ms: ms(t0),
      peakRssMiB: rssMiB(),
    });
  },
};

const wanted = process.argv.slice(2);
const unknown = wanted.filter((w) => !BENCHES[w]);
if (unknown.length) {
  console.error(`Unknown bench ${unknown.join(', ')}; one of: ${Object.keys(BENCHES).join(', ')}`);
  process.exit(2);
}
void (async () => {
  for (const name of wanted.length ? wanted : Object.keys(BENCHES)) await BENCHES[name]!();
})();
