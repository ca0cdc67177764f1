// Reconciling across vendors, against the five sandbox vendors over HTTP: a person added where
// they are missing (the exact requests first, what is required asked for, never invented),
// created exactly once with the golden values the vendor can hold, undone; field policies that
// show drift, make the accounts agree through the outbox, and see a later edit at a vendor as
// drift again after the next sync.
import { afterEach, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../src/main/core';
import { createLogger, nullSink } from '../../src/main/core/log';
import { agreeKey } from '../../src/main/core/reconcile/policy-service';
import { startSandbox, type RunningSandbox } from '../../src/main/core/sandbox';
import { MemorySecretStore } from '../../src/main/core/secrets/memory-store';
import { vendorDefinition, writableFields } from '../../src/main/core/vendors/registry';
import type { CanonicalContact, Vendor } from '../../src/shared/domain';
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

async function setup(seed: number, people: number) {
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
  const accountOf = {} as Record<Vendor, string>;
  for (const [vendor, info] of Object.entries(sb.vendors))
    accountOf[vendor as Vendor] = (
      await core.accounts.add({
        kind: vendor as Vendor,
        label: vendor,
        baseUrl: info!.baseUrl,
        credentials: info!.credentials,
        settings: info!.settings,
      })
    ).id;
  const s = await core.sync.sync();
  for (const a of s.accounts) expect(a.errors).toEqual([]);
  return { core, sb, accountOf };
}

function client(vendor: Vendor) {
  const def = vendorDefinition(vendor)!;
  const info = sb!.vendors[vendor]!;
  return def.create({
    baseUrl: info.baseUrl,
    credentials: def.credentialsSchema.parse(info.credentials),
    settings: info.settings,
    retry: FAST_RETRY,
  });
}

async function atVendor(vendor: Vendor): Promise<{ remoteId: string; canonical: CanonicalContact }[]> {
  const out: { remoteId: string; canonical: CanonicalContact }[] = [];
  for await (const page of client(vendor).pull(null, { full: true })) out.push(...page.records);
  return out;
}

const recordsOf = (c: Core, personId: string, accountId: string) =>
  c.store.sqlite
    .prepare(
      "SELECT id, remote_id AS remoteId, state FROM records WHERE person_id = ? AND account_id = ? AND state NOT IN ('deleted_local', 'deleted_remote')",
    )
    .all(personId, accountId) as { id: string; remoteId: string | null; state: string }[];

describe('add a person to a vendor where they are missing', () => {
  it('previews the exact requests, asks for what is required, creates exactly one record with the golden values each vendor can hold, and undoes it', async () => {
    const { core, accountOf } = await setup(11, 60);
    // Someone in MPDX alone, with a phone and an email, goes to each of the other four vendors.
    // …whose phone no other account holds (CallTools would merge a create into that contact: see below).
    const held = new Set(
      (
        core.store.sqlite
          .prepare("SELECT json_extract(p.value, '$.e164') AS e FROM records r, json_each(r.local, '$.phones') p WHERE r.account_id <> ?")
          .all(accountOf.mpdx) as { e: string | null }[]
      ).map((x) => x.e),
    );
    const candidates = core.store.sqlite
      .prepare(
        `SELECT r.person_id AS id, r.local FROM records r WHERE r.account_id = ? AND json_array_length(json_extract(r.local, '$.phones')) > 0 AND json_array_length(json_extract(r.local, '$.emails')) > 0
      AND (SELECT count(*) FROM records o WHERE o.person_id = r.person_id) = 1`,
      )
      .all(accountOf.mpdx) as { id: string; local: string }[];
    const person = candidates.find((c) => !(JSON.parse(c.local) as CanonicalContact).phones!.some((p) => held.has(p.e164 ?? '')))!;
    const golden = core.contacts.get(person.id).golden;
    const given: Partial<Record<Vendor, Record<string, string>>> = {
      livevox: { account: 'CONCORD-ADD-1' },
      lightening: { customerId: '2' },
    };
    const email = golden.emails![0]!.address.toLowerCase();
    const holding = async (vendor: Vendor) =>
      (await atVendor(vendor)).filter((r) => (r.canonical.emails ?? []).some((e) => e.address.toLowerCase() === email)).length;
    const heldBefore = {} as Record<Vendor, number>;
    const totalBefore = {} as Record<Vendor, number>;
    for (const vendor of ['calltools', 'livevox', 'lightening', 'bigchange'] as const) {
      heldBefore[vendor] = await holding(vendor);
      totalBefore[vendor] = (await atVendor(vendor)).length;
      const p = await core.addTo.preview(person.id, accountOf[vendor]);
      expect(p.requests.length).toBeGreaterThan(0);
      expect(p.notHeld.every((f) => !writableFields(vendor).includes(f))).toBe(true);
      const missing = p.needs.filter((n) => n.missing).map((n) => n.key);
      if (given[vendor]) {
        // Required and not in the golden record: asked for, and the add is refused until given.
        expect(missing).toEqual(Object.keys(given[vendor]!));
        await expect(core.addTo.addTo(person.id, accountOf[vendor])).rejects.toThrow(/Cannot add .* yet: needs/);
        const ready = await core.addTo.preview(person.id, accountOf[vendor], given[vendor]);
        expect(ready.ready).toBe(true);
        expect(JSON.stringify(ready.requests)).toContain(Object.values(given[vendor]!)[0]!);
      } else expect(missing).toEqual([]);
      if (vendor === 'bigchange')
        expect(
          p.needs
            .filter((n) => n.from)
            .map((n) => n.key)
            .sort(),
        ).toEqual(['groupId', 'location']); // from the account's settings, said so
      await core.addTo.addTo(person.id, accountOf[vendor], given[vendor] ?? {});
      expect(recordsOf(core, person.id, accountOf[vendor])).toHaveLength(1);
    }
    for (let i = 0; i < 5 && core.status.get().outbox.pending + core.status.get().outbox.inFlight > 0; i++) await core.sync.sync();
    await core.sync.sync(); // one more sends nothing again
    for (const vendor of ['calltools', 'livevox', 'lightening', 'bigchange'] as const) {
      const recs = recordsOf(core, person.id, accountOf[vendor]);
      expect(recs).toHaveLength(1);
      expect(recs[0]!.state).toBe('synced');
      const mine = (await atVendor(vendor)).filter((r) => r.remoteId === recs[0]!.remoteId);
      expect(mine).toHaveLength(1);
      // Exactly one new record there, holding the golden values this vendor can hold.
      expect((await atVendor(vendor)).length, `${vendor} records`).toBe(totalBefore[vendor] + 1);
      if (writableFields(vendor).includes('emails')) expect(await holding(vendor)).toBe(heldBefore[vendor] + 1);
      for (const f of ['givenName', 'familyName', 'phones', 'emails'] as const) {
        if (!writableFields(vendor).includes(f) || !golden[f]) continue;
        expect(agreeKey(f, mine[0]!.canonical[f]), `${vendor} ${f}`).toBe(agreeKey(f, golden[f]));
      }
    }
    if (given.livevox) expect(recordsOf(core, person.id, accountOf.livevox)[0]!.remoteId).toBe('CONCORD-ADD-1');

    // The fifth vendor: someone only in CallTools goes to MPDX (a create of several requests).
    const other = core.store.sqlite
      .prepare(
        `SELECT r.person_id AS id FROM records r WHERE r.account_id = ? AND json_array_length(json_extract(r.local, '$.emails')) > 0
      AND (SELECT count(*) FROM records o WHERE o.person_id = r.person_id) = 1 LIMIT 1`,
      )
      .get(accountOf.calltools) as { id: string };
    const mpdxBefore = (await atVendor('mpdx')).length;
    const mp = await core.addTo.preview(other.id, accountOf.mpdx);
    expect(mp.ready).toBe(true);
    expect(mp.requests.map((r) => `${r.method} ${r.path}`)).toContain('POST /api/v2/contacts');
    await core.addTo.addTo(other.id, accountOf.mpdx);
    // A busy machine can time a request out: the create then waits for the next sync (bounded).
    for (let i = 0; i < 5 && core.status.get().outbox.pending + core.status.get().outbox.inFlight > 0; i++) await core.sync.sync();
    const mpRec = recordsOf(core, other.id, accountOf.mpdx);
    expect(mpRec).toHaveLength(1);
    expect(mpRec[0]!.state).toBe('synced');
    expect((await atVendor('mpdx')).length, 'mpdx records').toBe(mpdxBefore + 1);
    const otherGolden = core.contacts.get(other.id).golden;
    const made = (await atVendor('mpdx')).find((r) => r.remoteId === mpRec[0]!.remoteId)!;
    for (const f of ['givenName', 'familyName', 'phones', 'emails'] as const)
      if (otherGolden[f]) expect(agreeKey(f, made.canonical[f]), `mpdx ${f}`).toBe(agreeKey(f, otherGolden[f]));

    // Undo after the push: deleted at the vendors that can delete; BigChange says it cannot.
    const adds = core.store.sqlite.prepare("SELECT id, entity_id FROM journal WHERE kind = 'add-to' ORDER BY id").all() as {
      id: number;
      entity_id: string;
    }[];
    const bcAdd = adds.find((a) => core.syncStore.record(a.entity_id).accountId === accountOf.bigchange)!;
    const ctAdd = adds.find((a) => core.syncStore.record(a.entity_id).accountId === accountOf.calltools)!;
    const ctRemote = core.syncStore.record(ctAdd.entity_id).remoteId!;
    expect(core.addTo.undo(ctAdd.id)).toMatchObject({ deletedAtVendor: 1 });
    expect(core.addTo.undo(bcAdd.id).leftAtVendor).toHaveLength(1);
    expect(recordsOf(core, person.id, accountOf.bigchange)).toHaveLength(0); // unlinked, not deleted
    await core.sync.sync();
    expect((await atVendor('calltools')).some((r) => r.remoteId === ctRemote)).toBe(false);
  });

  it('CallTools merges a create into a contact with the same phone: an add that would overwrite someone else is refused, naming them', async () => {
    const { core, accountOf } = await setup(14, 40);
    const ct = core.store.sqlite
      .prepare("SELECT local FROM records WHERE account_id = ? AND json_array_length(json_extract(local, '$.phones')) > 0 LIMIT 1")
      .get(accountOf.calltools) as { local: string };
    const holder = JSON.parse(ct.local) as CanonicalContact;
    // A different person (another first name) who shares that number, from a CSV source.
    await core.csv.import(`first_name,last_name,phone\nZebedee,${holder.familyName ?? 'Other'},${holder.phones![0]!.e164}\n`, {
      source: 'household',
    });
    const zeb = core.contacts.list({ search: 'Zebedee', limit: 1, offset: 0 }).rows[0]!;
    const p = await core.addTo.preview(zeb.id, accountOf.calltools);
    expect(p.ready).toBe(false);
    expect(p.problems.map((x) => x.message).join(' ')).toMatch(/would merge this into .* \(same phone .*\) and overwrite it/);
    await expect(core.addTo.addTo(zeb.id, accountOf.calltools)).rejects.toThrow(/would merge this into/);
    // Elsewhere the shared number is no obstacle.
    expect((await core.addTo.preview(zeb.id, accountOf.mpdx)).ready).toBe(true);
    // The same person under the same number (same first name) is "likely there already": named, not refused.
    await core.csv.import(`first_name,last_name,phone\n${holder.givenName},${holder.familyName ?? ''},${holder.phones![0]!.e164}\n`, {
      source: 'copy',
    });
    const copy = core.store.sqlite
      .prepare("SELECT r.person_id AS id FROM records r JOIN accounts a ON a.id = r.account_id WHERE a.label = 'copy'")
      .get() as { id: string };
    const same = await core.addTo.preview(copy.id, accountOf.calltools);
    expect(same.likelyThere.map((x) => x.name)).toContain(`${holder.givenName} ${holder.familyName ?? ''}`.trim());
  });

  it('an address part a vendor has no place for is listed as not held there, and the rest of the address is created', async () => {
    const { core, accountOf, sb } = await setup(15, 20);
    await core.csv.import(
      'first_name,last_name,street1,street2,city,state,postal code,county,country\nOrla,Quill,1 Main St,Flat 2,Portland,OR,97201,Multnomah,US\n',
      { source: 'paper' },
    );
    const orla = core.contacts.list({ search: 'Quill', limit: 1, offset: 0 }).rows[0]!;
    const big = await core.addTo.preview(orla.id, accountOf.bigchange);
    expect(big.notHeld).toEqual(expect.arrayContaining(['address.street2', 'address.region', 'address.county']));
    expect(big.contact.address).toEqual({ street1: '1 Main St', city: 'Portland', postalCode: '97201', country: 'US' });
    expect(big.problems).toEqual([]);
    // A given and a family name are a name: BigChange's required name is not asked for again.
    expect(big.needs.filter((n) => n.missing)).toEqual([]);
    expect(big.ready).toBe(true);
    // MPDX keeps a state but no second street line or county: listed, not a reason to refuse the add.
    const mp = await core.addTo.preview(orla.id, accountOf.mpdx);
    expect(mp.notHeld).toEqual(expect.arrayContaining(['address.street2', 'address.county']));
    expect(mp.notHeld).not.toContain('address.region');
    expect(mp.ready).toBe(true);
    await core.addTo.addTo(orla.id, accountOf.bigchange);
    const s = await core.sync.sync();
    for (const a of s.accounts) expect(a.errors).toEqual([]);
    const there = (await atVendor('bigchange')).find((r) => r.canonical.fullName === 'Orla Quill');
    expect(there?.canonical.address).toEqual({ street1: '1 Main St', city: 'Portland', postalCode: '97201', country: 'US' });
    // And the person keeps the whole address: the CSV record still says it all.
    expect(core.contacts.get(orla.id).golden.address).toMatchObject({ street2: 'Flat 2', region: 'OR', county: 'Multnomah' });
    void sb;
  });

  it('an add not yet sent is taken back whole and nothing is sent; a second add to the same account is refused', async () => {
    const { core, accountOf } = await setup(12, 30);
    const person = core.store.sqlite
      .prepare('SELECT person_id AS id FROM records WHERE account_id = ? LIMIT 1')
      .get(accountOf.calltools) as { id: string };
    const { journalId } = await core.addTo.addTo(person.id, accountOf.mpdx);
    await expect(core.addTo.addTo(person.id, accountOf.mpdx)).rejects.toThrow(/already/);
    core.addTo.undo(journalId);
    expect(core.status.get().outbox.pending).toBe(0);
    const s = await core.sync.sync();
    expect(s.accounts.reduce((n, a) => n + a.pushed, 0)).toBe(0);
  });
});

describe('bulk add under faults', () => {
  it(
    'adds 500+ people to LiveVox and to Lightening as one job each, with faults at requests all through the push: each is created exactly once',
    { timeout: 180_000 },
    async () => {
      const { core, sb, accountOf } = await setup(21, 2000);
      const targets: [Vendor, Record<string, string>, 'remoteId' | 'email'][] = [
        ['lightening', { customerId: '3' }, 'email'],
        ['livevox', { account: 'BULK-{personId}' }, 'remoteId'],
      ];
      for (const [to, values, key] of targets) {
        const q = { from: accountOf.calltools, to: accountOf[to], values };
        const plan = await core.addTo.planBulk(q);
        expect(plan.count).toBeGreaterThanOrEqual(500);
        expect(plan.sample.length).toBe(10);
        expect(plan.needs.filter((n) => n.missing)).toEqual([]);
        // A stale count is refused; then the job, cancelled after its first batch, then the rest.
        await expect(core.addTo.bulk({ ...q, expected: plan.count + 1 })).rejects.toThrow(/changed since you confirmed/);
        const progress: number[] = [];
        const first = await core.addTo.bulk({ ...q, expected: plan.count }, (done) => {
          progress.push(done);
          if (progress.length === 1) core.addTo.cancelBulk();
        });
        // Only people already there under the same email or phone are left out (a merge links them).
        for (const r of first.refused) expect(r.reason).toMatch(/likely in .* already as/);
        expect(first.cancelled).toBe(true);
        const rest = await core.addTo.bulk({ ...q, expected: plan.count - first.added });
        for (const r of rest.refused) expect(r.reason).toMatch(/likely in .* already as/);
        expect(first.added + rest.added + rest.refused.length).toBe(plan.count);
        expect(first.refused.length + rest.refused.length).toBeGreaterThan(0); // the sandbox seeds people into several vendors
        const added = first.added + rest.added;
        expect(added).toBeGreaterThanOrEqual(500);

        // Faults of every kind the simulator has, at requests spread through the push (creates, reads, lists).
        const server = sb.servers[to]!;
        const kinds = ['drop-before', 'drop-after', 'truncate', '500', '429'] as const;
        for (let i = 0; i < 40; i++) server.failAt(server.requestCount + 7 + i * 37, kinds[i % kinds.length]!);
        for (let round = 0; round < 12 && core.status.get().outbox.pending + core.status.get().outbox.inFlight > 0; round++)
          await core.sync.sync({ accountId: accountOf[to] });
        expect(core.status.get().outbox).toMatchObject({ pending: 0, inFlight: 0 });

        // Against the vendor's own truth: every added person there exactly once, linked to them
        // (a create a pull saw before its answer settled is folded into the record the pull made).
        const there = await atVendor(to);
        const addedPeople = (
          core.store.sqlite
            .prepare(
              "SELECT json_extract(after, '$.personId') AS personId FROM journal WHERE kind = 'add-to' AND entity_id IN (SELECT id FROM records WHERE account_id = ?)",
            )
            .all(accountOf[to]) as { personId: string }[]
        ).map((r) => r.personId);
        expect(addedPeople).toHaveLength(added);
        let checked = 0;
        for (const personId of addedPeople) {
          const live = recordsOf(core, personId, accountOf[to]);
          expect(live, personId).toHaveLength(1);
          expect(live[0]!.remoteId).toBeTruthy();
          expect(there.filter((x) => x.remoteId === live[0]!.remoteId)).toHaveLength(1);
          if (key === 'remoteId') continue;
          const email = core.syncStore.record(live[0]!.id).local.emails?.[0]?.address.toLowerCase();
          if (!email) continue;
          // Two people of one household can share an email: each of them was added once.
          const before = sb.population.byVendor[to].filter((x) => x.contact.emails?.some((e) => e.address.toLowerCase() === email)).length;
          const sharing = addedPeople.filter((p) =>
            recordsOf(core, p, accountOf[to]).some((r) =>
              core.syncStore.record(r.id).local.emails?.some((e) => e.address.toLowerCase() === email),
            ),
          ).length;
          expect(there.filter((x) => x.canonical.emails?.some((e) => e.address.toLowerCase() === email)).length, email).toBe(
            before + sharing,
          );
          checked++;
        }
        if (key === 'email') expect(checked).toBeGreaterThan(400);
        expect(new Set(addedPeople.map((p) => recordsOf(core, p, accountOf[to])[0]!.remoteId)).size).toBe(added);
      }
    },
  );
});

describe('field policies and drift', () => {
  it('a policy on phones across three vendors brings every linked record into agreement, and a later edit at a vendor is drift again after the next sync', async () => {
    const { core, accountOf } = await setup(13, 400);
    // Link across vendors (the duplicates the sandbox seeded), then ask three of them to agree on phones.
    const scan = core.dedupe.scan();
    for (const c of scan.clusters.filter((x) => x.auto && new Set(x.records.map((r) => r.account)).size === x.records.length))
      core.dedupe.merge(c.id, { clusters: scan.clusters });
    await core.sync.sync();
    const three = [accountOf.calltools, accountOf.livevox, accountOf.mpdx];
    core.policies.set('phones', three);
    const drift = core.policies.check();
    expect(drift.people).toBeGreaterThan(0);
    expect(core.status.get().drift?.people).toBe(drift.people);
    const cell = drift.cells.find((c) => c.field === 'phones')!;
    const who = core.policies.people({ field: 'phones', a: cell.a, b: cell.b, limit: 5, offset: 0 });
    expect(who.total).toBe(cell.count);
    expect(agreeKey('phones', who.people[0]!.a)).not.toBe(agreeKey('phones', who.people[0]!.b));

    const plan = core.policies.plan('phones');
    expect(plan.total).toBeGreaterThan(0);
    const applied = core.policies.apply('phones', plan.total);
    expect(applied.written + applied.refused.length).toBe(plan.total);
    await core.sync.sync();
    await core.sync.sync();
    // Everyone the writes reached now agrees; what a vendor refused is named, nothing else drifts.
    const after = core.policies.check();
    const refusedPeople = new Set(applied.refused.map((r) => core.syncStore.record(r.recordId).personId));
    const stillDrifting = core.policies.plan('phones').writes.filter((w) => !refusedPeople.has(w.personId));
    expect(stillDrifting).toEqual([]);
    expect(after.people).toBeLessThanOrEqual(refusedPeople.size);

    // A colleague changes a phone at LiveVox for someone who agreed: after the next sync, drift.
    const agreed = core.store.sqlite
      .prepare(
        `SELECT r.remote_id AS remoteId, r.person_id AS personId FROM records r WHERE r.account_id = ? AND r.state = 'synced'
      AND r.person_id IN (SELECT person_id FROM records WHERE account_id = ?) AND json_array_length(json_extract(r.local, '$.phones')) > 0 LIMIT 1`,
      )
      .get(accountOf.livevox, accountOf.calltools) as { remoteId: string; personId: string };
    expect(refusedPeople.has(agreed.personId)).toBe(false);
    const lv = client('livevox');
    const current = await lv.read(agreed.remoteId);
    await lv.update(
      agreed.remoteId,
      { phones: [{ raw: '+14155550199', e164: '+14155550199' }] },
      { raw: current.raw, versions: current.versions },
    );
    await core.sync.sync();
    const again = core.policies.check();
    expect(again.people).toBe(after.people + 1);
    expect(core.status.get().drift?.people).toBe(again.people);
    const cells = again.cells.filter((c) => c.a === accountOf.livevox || c.b === accountOf.livevox);
    const named = cells.flatMap((c) =>
      core.policies.people({ field: 'phones', a: c.a, b: c.b, limit: 500, offset: 0 }).people.map((p) => p.personId),
    );
    expect(named).toContain(agreed.personId);
  });
});

describe('make them agree: reviewed, and taken back after the push', () => {
  it(
    'queues exactly what was left ticked, and its undo after the push writes the vendors’ previous values back',
    { timeout: 120_000 },
    async () => {
      const { core, accountOf } = await setup(16, 200);
      const scan = core.dedupe.scan();
      for (const c of scan.clusters.filter((x) => x.auto && new Set(x.records.map((r) => r.account)).size === x.records.length))
        core.dedupe.merge(c.id, { clusters: scan.clusters });
      await core.sync.sync();
      core.policies.set('familyName', [accountOf.calltools, accountOf.livevox, accountOf.mpdx]);
      const plan = core.policies.plan('familyName', { limit: 3 });
      expect(plan.total).toBeGreaterThan(3);
      // Every write is reachable page by page, grouped by field and account; the groups add up.
      const all = [...plan.writes, ...core.policies.plan('familyName', { offset: 3 }).writes];
      expect(all).toHaveLength(plan.total);
      expect(plan.groups.reduce((n, g) => n + g.count, 0)).toBe(plan.total);
      expect(new Set(all.map((w) => w.key)).size).toBe(plan.total);
      for (const w of all) expect(w.held).toBeLessThan(w.of);
      // Leave out one whole account and one single write of another.
      const [skipGroup, ...rest] = plan.groups;
      const single = all.find((w) => w.accountId !== skipGroup!.accountId)!;
      expect(rest.length).toBeGreaterThan(0);
      const expected = plan.total - skipGroup!.count - 1;
      expect(() => core.policies.apply('familyName', plan.total, { groups: [skipGroup!], keys: [single.key] })).toThrow(
        /changed since you looked/,
      );
      const applied = core.policies.apply('familyName', expected, { groups: [skipGroup!], keys: [single.key] });
      expect(applied.written + applied.refused.length).toBe(expected);
      const queued = new Set(core.store.sqlite.prepare("SELECT record_id FROM changes WHERE state = 'pending'").pluck().all() as string[]);
      for (const w of all) expect(queued.has(w.recordId)).toBe(w.accountId !== skipGroup!.accountId && w.key !== single.key);

      // Sent; then undone: each sent write goes back, through the outbox, to what it replaced.
      for (let i = 0; i < 3 && core.status.get().outbox.pending; i++) await core.sync.sync();
      const sent = all.filter(
        (w) => w.accountId !== skipGroup!.accountId && w.key !== single.key && !applied.refused.some((r) => r.recordId === w.recordId),
      );
      const vendorOf = (accountId: string) => Object.entries(accountOf).find(([, id]) => id === accountId)![0] as Vendor;
      const remoteOf = (recordId: string) => core.syncStore.record(recordId).remoteId!;
      const probe = sent.slice(0, 5);
      for (const w of probe) expect((await client(vendorOf(w.accountId)).read(remoteOf(w.recordId))).canonical.familyName).toBe(w.to);
      const undo = core.policies.undo(applied.applyId);
      expect(undo).toMatchObject({ undone: 0, leftAsIs: 0, writtenBack: sent.length });
      for (let i = 0; i < 3 && core.status.get().outbox.pending; i++) await core.sync.sync();
      for (const w of probe)
        expect((await client(vendorOf(w.accountId)).read(remoteOf(w.recordId))).canonical.familyName ?? null).toBe(w.from ?? null);
      // Activity marks it undone only now that everything was taken back, and says how.
      const j = core.store.sqlite.prepare('SELECT undone FROM journal WHERE id = ?').get(applied.applyId) as { undone: number };
      expect(j.undone).toBe(1);
      const said = core.store.sqlite
        .prepare("SELECT summary FROM journal WHERE kind = 'undo' ORDER BY id DESC LIMIT 1")
        .pluck()
        .get() as string;
      expect(said).toMatch(/already sent, written back/);
    },
  );
});
