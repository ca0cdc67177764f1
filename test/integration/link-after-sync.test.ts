// Issue 26: after a sync, the duplicates the estimated model is near-certain about (one link at
// least 99.5 % likely, decision.ts) and whose records sit in different accounts are one person
// in Concord — linked only, nothing sent to a vendor — and one undo takes them all back.
import { afterEach, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../src/main/core';
import { createLogger, nullSink } from '../../src/main/core/log';
import { startSandbox, type RunningSandbox } from '../../src/main/core/sandbox';
import { MemorySecretStore } from '../../src/main/core/secrets/memory-store';
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

describe('linking near-certain duplicates after a sync', () => {
  it('links across vendors without a vendor write, links no strangers, and one undo unlinks them all', async () => {
    sb = await startSandbox({ seed: 1, people: 300 });
    const t = tempDir();
    cleanup = t.cleanup;
    core = await createCore({
      dataDir: t.dir,
      secretStore: new MemorySecretStore(),
      log: createLogger(nullSink),
      retry: FAST_RETRY,
      syncTuning: { roundDelayMs: 10 },
    });
    expect(core.dedupe.linksAfterSync()).toBe(true); // on for a new store
    const accountOf: Record<string, string> = {};
    for (const [vendor, info] of Object.entries(sb.vendors))
      accountOf[vendor] = (
        await core.accounts.add({
          kind: vendor as Vendor,
          label: vendor,
          baseUrl: info!.baseUrl,
          credentials: info!.credentials,
          settings: info!.settings,
        })
      ).id;
    const requestsBefore = Object.values(sb.servers).reduce((n, s) => n + s!.requestLog.filter((r) => r.method !== 'GET').length, 0);
    const records = (core.store.sqlite.prepare('SELECT count(*) AS n FROM records').get() as { n: number }).n;
    expect(records).toBe(0);

    const r = await core.sync.sync();
    expect(r.accounts.flatMap((a) => a.errors)).toEqual([]);
    const d = r.duplicates!;
    expect(d.linked).toBeGreaterThan(50);
    expect(d.linkId).not.toBeNull();

    // Nothing was queued for, or sent to, a vendor (reads aside: LiveVox's export and sign-in are POSTs).
    expect(core.status.get().outbox.pending + core.status.get().outbox.inFlight).toBe(0);
    const writes = Object.values(sb.servers).flatMap((s) =>
      s!.requestLog.filter(
        (x) =>
          x.method !== 'GET' &&
          !/^\/(session\/|auth\/tokens|api\/v2\/user\/authenticate)/.test(x.path) &&
          !(x.path === '/contact/contacts/bulk' && x.body?.includes('"exportableFields"')),
      ),
    );
    expect(writes.length).toBe(requestsBefore);

    // Every linked person is one person of the sandbox's answer key, and each spans accounts.
    const truthOf = new Map<string, string>();
    for (const p of sb.population.truth)
      for (const k of p.keys) truthOf.set(`${sb.remoteIds[k]!.vendor}|${sb.remoteIds[k]!.remoteId}`, p.personId);
    const people = core.store.sqlite
      .prepare(
        'SELECT r.person_id AS person, a.kind AS vendor, r.account_id AS account, r.remote_id AS remoteId FROM records r JOIN accounts a ON a.id = r.account_id',
      )
      .all() as { person: string; vendor: string; account: string; remoteId: string }[];
    const byPerson = new Map<string, typeof people>();
    for (const p of people) byPerson.set(p.person, [...(byPerson.get(p.person) ?? []), p]);
    const linkedPeople = [...byPerson.values()].filter((rs) => rs.length > 1);
    expect(linkedPeople.length).toBe(d.linked);
    const strangers = linkedPeople.filter((rs) => new Set(rs.map((x) => truthOf.get(`${x.vendor}|${x.remoteId}`))).size > 1);
    expect(strangers).toEqual([]);
    expect(linkedPeople.every((rs) => new Set(rs.map((x) => x.account)).size === rs.length)).toBe(true);
    // What is left in the queue is below the line, or inside one vendor.
    expect(core.dedupe.clusters().filter((c) => c.auto && new Set(c.records.map((x) => x.account)).size === c.records.length)).toEqual([]);

    // A second sync with nothing new links nothing more.
    const again = await core.sync.sync();
    expect(again.duplicates?.linked ?? 0).toBe(0);

    // One undo: every record its own person again, and the clusters back in the queue.
    const undone = await core.dedupe.undoBulk(d.linkId!);
    expect(undone.compensating).toBe(0);
    expect((core.store.sqlite.prepare('SELECT count(DISTINCT person_id) AS n FROM records').get() as { n: number }).n).toBe(people.length);
    expect(core.dedupe.clusters().filter((c) => c.auto).length).toBeGreaterThanOrEqual(d.linked);
    // …and a person who turned it off gets the queue only.
    core.dedupe.setLinksAfterSync(false);
    expect(core.dedupe.linksAfterSync()).toBe(false);
  });
});
