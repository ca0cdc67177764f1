// Duplicate finding and resolving against the five sandbox vendors over HTTP: quality against
// the sandbox's ground truth, merges across vendors and inside one (previewed, pushed through
// the outbox), "not the same" remembered across a re-sync, and undo before and after a push.
import { afterEach, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../src/main/core';
import { clusterQuality } from '../helpers/quality';
import { createLogger, nullSink } from '../../src/main/core/log';
import { startSandbox, type RunningSandbox } from '../../src/main/core/sandbox';
import { MemorySecretStore } from '../../src/main/core/secrets/memory-store';
import { vendorDefinition } from '../../src/main/core/vendors/registry';
import type { Vendor } from '../../src/shared/domain';
import { FAST_RETRY } from '../helpers/vendor';
import { tempDir } from '../helpers/tmp';

let sb: RunningSandbox | undefined;
let core: Core | undefined;
let cleanup: (() => void) | undefined;
afterEach(async () => {
  core?.close();
  cleanup?.();
  await sb?.close();
  sb = core = cleanup = undefined;
});

async function setup(seed = 1, people = 300): Promise<{ core: Core; sb: RunningSandbox; accountOf: Record<string, string> }> {
  sb = await startSandbox({ seed, people });
  const t = tempDir();
  cleanup = t.cleanup;
  core = await createCore({
    dataDir: t.dir,
    secretStore: new MemorySecretStore(),
    log: createLogger(nullSink),
    retry: FAST_RETRY,
    syncTuning: { roundDelayMs: 10 },
    linkAfterSync: false,
  }); // the queue itself is under test
  const accountOf: Record<string, string> = {};
  for (const [vendor, info] of Object.entries(sb.vendors)) {
    const acc = await core.accounts.add({
      kind: vendor as Vendor,
      label: vendor,
      baseUrl: info!.baseUrl,
      credentials: info!.credentials,
      settings: info!.settings,
    });
    accountOf[vendor] = acc.id;
  }
  const s = await core.sync.sync();
  for (const a of s.accounts) expect(a.errors).toEqual([]);
  return { core, sb, accountOf };
}

/** Seed key -> Concord record id, through the vendor's remote id. */
function recordIdsByKey(core: Core, sb: RunningSandbox, accountOf: Record<string, string>): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, { vendor, remoteId }] of Object.entries(sb.remoteIds)) {
    const r = core.store.sqlite
      .prepare('SELECT id FROM records WHERE account_id = ? AND remote_id = ?')
      .get(accountOf[vendor], remoteId) as { id: string } | undefined;
    if (r) out.set(key, r.id);
  }
  return out;
}

function other(sb: RunningSandbox, vendor: Vendor) {
  const def = vendorDefinition(vendor)!;
  const info = sb.vendors[vendor]!;
  return def.create({
    baseUrl: info.baseUrl,
    credentials: def.credentialsSchema.parse(info.credentials),
    settings: info.settings,
    retry: FAST_RETRY,
  });
}

describe('duplicates in the sandbox', () => {
  it('finds the seeded duplicates with precision ≥ 0.97 and recall ≥ 0.95, and never auto-links strangers', async () => {
    const { core, sb, accountOf } = await setup(1, 300);
    const scan = core.dedupe.scan();
    const ids = recordIdsByKey(core, sb, accountOf);
    const truth = new Map<string, string>();
    for (const t of sb.population.truth) for (const k of t.keys) if (ids.has(k)) truth.set(ids.get(k)!, t.personId);
    const q = clusterQuality(scan.clusters, truth);
    expect(q.truePairs).toBe(sb.population.truth.reduce((n, t) => n + (t.keys.length * (t.keys.length - 1)) / 2, 0));
    expect(q.precision).toBeGreaterThanOrEqual(0.97);
    // BigChange's contact model has no email or phone (the vendor's bigchange-contacts.txt): its copies
    // are found by name and address alone, which costs recall (0.90 on this population; 0.95
    // while the sandbox gave BigChange emails and phones the document does not have).
    expect(q.recall).toBeGreaterThanOrEqual(0.9);
    expect(q.autoLinkFalsePositives).toBe(0);
    // The lines are the model's own (decision.ts), kept for the incremental scans, and a person's
    // setting wins over them.
    const d = core.dedupe.decision()!;
    expect(d).not.toBeNull();
    expect(scan.clusters.every((c) => c.auto === c.score >= d.autoLink)).toBe(true);
    expect(scan.clusters.every((c) => c.score >= d.review)).toBe(true);
    core.dedupe.setThresholds({ autoLink: 99 });
    expect(core.dedupe.clusters().some((c) => c.auto)).toBe(false);
    core.dedupe.setThresholds({ autoLink: d.autoLink });
    // Reasons are readable and the best cluster comes first.
    expect(scan.clusters[0]!.score).toBeGreaterThanOrEqual(scan.clusters.at(-1)!.score);
    expect(scan.clusters[0]!.reasons.map((r) => r.text).join('; ')).toMatch(/same (phone|email|family name|given name|address)/);
    // A second scan with nothing changed rescores nothing and finds the same clusters.
    const again = core.dedupe.scan();
    expect(again.rescored).toBe(0);
    expect(again.clusters.map((c) => c.id)).toEqual(scan.clusters.map((c) => c.id));
    // After an edit only that record is rescored.
    await new Promise((r) => setTimeout(r, 5)); // "changed since the last scan" is by the store's clock
    core.edits.edit(scan.clusters[0]!.records[0]!.recordId, { givenName: 'Renamed' });
    expect(core.dedupe.scan().rescored).toBe(1);
  });

  it('a merge across vendors links the records, writes the picked value to each vendor, and can be undone after the push', async () => {
    const { core, sb } = await setup(3, 120);
    const scan = core.dedupe.scan();
    const c =
      scan.clusters.find(
        (x) =>
          new Set(x.records.map((r) => r.vendor)).size === x.records.length &&
          x.records.length >= 2 &&
          x.records.some(
            (r) => r.contact.familyName !== x.records[0]!.contact.familyName || r.contact.givenName !== x.records[0]!.contact.givenName,
          ),
      ) ?? scan.clusters.find((x) => new Set(x.records.map((r) => r.vendor)).size === x.records.length)!;
    const source = c.records[0]!;
    const plan = core.dedupe.plan(c.id, { givenName: source.recordId });
    expect(plan.writes.length).toBe(c.records.length);
    for (const w of plan.writes) expect(['update', 'link']).toContain(w.op); // across vendors nothing is deleted
    const { mergeId, personId } = core.dedupe.merge(c.id, { picks: { givenName: source.recordId } });
    const detail = core.contacts.get(personId);
    expect(detail.records.map((r) => r.id).sort()).toEqual(c.records.map((r) => r.recordId).sort());
    expect(detail.golden.givenName).toBe(source.contact.givenName);
    expect(detail.pinned).toContain('givenName');
    const s = await core.sync.sync();
    expect(s.accounts.reduce((n, a) => n + a.pushed, 0)).toBe(plan.writes.filter((w) => w.op === 'update').length);
    for (const r of c.records)
      expect((await other(sb, r.vendor as Vendor).read(r.remoteId!)).canonical.givenName).toBe(source.contact.givenName);
    expect(core.dedupe.clusters().some((x) => x.id === c.id)).toBe(false);

    // Undo after the push: unlinked, and the vendors get their old names back.
    const u = core.dedupe.undo(mergeId);
    expect(u.compensating).toBe(plan.writes.filter((w) => w.op === 'update').length);
    const people = new Set(
      c.records.map(
        (r) =>
          (core!.store.sqlite.prepare('SELECT person_id FROM records WHERE id = ?').get(r.recordId) as { person_id: string }).person_id,
      ),
    );
    expect(people.size).toBe(c.records.length);
    await core.sync.sync();
    for (const r of c.records)
      expect((await other(sb, r.vendor as Vendor).read(r.remoteId!)).canonical.givenName).toBe(r.contact.givenName);
  });

  it('a merge inside one vendor: MPDX merges its own contacts, CallTools updates the survivor and deletes the duplicate, BigChange links only', async () => {
    const { core, sb, accountOf } = await setup(5, 40);
    // Make a duplicate inside each vendor by hand: a copy of an existing contact with a typo and an extra field.
    const made: Record<string, string> = {};
    for (const vendor of ['mpdx', 'calltools', 'bigchange'] as Vendor[]) {
      const conn = other(sb, vendor);
      // BigChange holds no email (its contact model has none): its copy shares the address instead.
      const evidence = vendor === 'bigchange' ? 'address' : 'emails';
      const first = (await conn.pull(null).next()).value!.records.find(
        (r: { canonical: Record<string, unknown> & { givenName?: string | null; familyName?: string | null } }) =>
          r.canonical.givenName && r.canonical.familyName && r.canonical[evidence],
      )!;
      made[vendor] = (
        await conn.create({
          givenName: first.canonical.givenName,
          familyName: first.canonical.familyName!.replace(/(.)(.)$/, '$2$1'),
          [evidence]: first.canonical[evidence],
          ...(vendor === 'calltools' ? { timeZone: 'America/Denver' } : { notes: 'from the duplicate' }),
        })
      ).remoteId;
    }
    await core.sync.sync();
    const scan = core.dedupe.scan();
    for (const vendor of ['mpdx', 'calltools', 'bigchange'] as Vendor[]) {
      // The cluster of the copy made above (the seeded population has some too).
      const c = scan.clusters.find(
        (x) => x.records.filter((r) => r.account === accountOf[vendor]).length >= 2 && x.records.some((r) => r.remoteId === made[vendor]),
      )!;
      expect(c, vendor).toBeTruthy();
      const plan = core.dedupe.plan(c.id);
      const inVendor = plan.writes.filter((w) => w.vendor === vendor);
      const expected = vendor === 'mpdx' ? 'merge' : vendor === 'calltools' ? 'delete' : 'link';
      expect(inVendor.map((w) => w.op)).toContain(expected);
      core.dedupe.merge(c.id);
    }
    const s = await core.sync.sync();
    for (const a of s.accounts) expect(a.errors).toEqual([]);
    // MPDX: the two people now share one contact; CallTools: one contact left, with the
    // duplicate's time zone; BigChange: both contacts still there, linked in Concord.
    const mpdx = (await other(sb, 'mpdx').pull(null).next()).value!.records;
    const byContact = new Map<string, number>();
    for (const r of mpdx) byContact.set(r.remoteId.split('/')[0]!, (byContact.get(r.remoteId.split('/')[0]!) ?? 0) + 1);
    expect([...byContact.values()].some((n) => n >= 2)).toBe(true);
    const ct = core.store.sqlite
      .prepare(
        "SELECT count(*) AS n FROM records r JOIN accounts a ON a.id = r.account_id WHERE a.kind = 'calltools' AND r.state = 'deleted_local'",
      )
      .get() as { n: number };
    expect(ct.n).toBeGreaterThanOrEqual(1);
    const all = [];
    for await (const p of other(sb, 'calltools').pull(null)) all.push(...p.records);
    expect(all.filter((r) => r.canonical.timeZone === 'America/Denver')).toHaveLength(1);
    const bc = [];
    for await (const p of other(sb, 'bigchange').pull(null)) bc.push(...p.records);
    expect(bc.length).toBe(sb.population.byVendor.bigchange.length + 1);
    // Without an email the copy (name, address, notes) is the fuller record and survives; the
    // original stays, linked, with nothing to write: the copy's notes are still there.
    expect(bc.filter((r) => r.canonical.notes === 'from the duplicate').length).toBeGreaterThanOrEqual(1);
    expect(all.length).toBe(sb.population.byVendor.calltools.length + 1 - ct.n);
  });

  it('"not the same" is remembered across a full re-sync and can be reversed', async () => {
    const { core } = await setup(7, 80);
    const scan = core.dedupe.scan();
    const c = scan.clusters[0]!;
    const { dismissId } = core.dedupe.dismiss(c.id);
    expect(core.dedupe.clusters().some((x) => x.id === c.id)).toBe(false);
    await core.sync.sync({ full: true });
    expect(core.dedupe.scan({ full: true }).clusters.some((x) => x.id === c.id)).toBe(false);
    core.dedupe.undo(dismissId);
    expect(core.dedupe.clusters().some((x) => x.id === c.id)).toBe(true);
  });

  it('a merge undone before it was pushed sends nothing', async () => {
    const { core } = await setup(9, 80);
    const c = core.dedupe.scan().clusters[0]!;
    const { mergeId } = core.dedupe.merge(c.id, { picks: { familyName: c.records[1]!.recordId } });
    core.dedupe.undo(mergeId);
    expect(core.status.get().outbox.pending).toBe(0);
    const s = await core.sync.sync();
    expect(s.accounts.reduce((n, a) => n + a.pushed, 0)).toBe(0);
    for (const r of c.records) expect(core.syncStore.record(r.recordId).local).toEqual(r.contact);
  });
});
