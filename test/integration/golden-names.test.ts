// The right person, the right spelling (issue 22): over the sandbox's 300 people (typos, swapped
// names, nicknames across five vendors), a bulk merge leaves no golden name that most of the
// person's records spell otherwise, and picking a record's given name in a merge writes its
// family name along (never "Melissa Melissa"). Real core, real SQLite, simulators over HTTP.
import { afterEach, describe, expect, it } from 'vitest';
import type { Core } from '../../src/main/core';
import type { CanonicalContact } from '../../src/shared/domain';
import { sandboxCore, type SandboxCore } from '../helpers/sandbox-core';

let rig: SandboxCore | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

async function setup(seed: number): Promise<Core> {
  rig = await sandboxCore(seed, 300);
  return rig.core;
}

const fold = (s: unknown): string =>
  String(s ?? '')
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .trim()
    .toLowerCase();

/** People whose golden name is not the one a strict majority of their records spell (both parts, as written). */
function outvoted(core: Core): string[] {
  const people = core.store.sqlite
    .prepare(
      "SELECT p.id, p.golden FROM people p WHERE (SELECT count(*) FROM records r WHERE r.person_id = p.id AND r.state NOT IN ('deleted_local','deleted_remote')) >= 2",
    )
    .all() as { id: string; golden: string }[];
  const bad: string[] = [];
  for (const p of people) {
    const golden = JSON.parse(p.golden) as CanonicalContact;
    const names = (
      core.store.sqlite
        .prepare("SELECT local FROM records WHERE person_id = ? AND state NOT IN ('deleted_local','deleted_remote')")
        .all(p.id) as { local: string }[]
    )
      .map((r) => JSON.parse(r.local) as CanonicalContact)
      .filter((c) => c.givenName && c.familyName)
      .map((c) => `${fold(c.givenName)} ${fold(c.familyName)}`);
    const counts = new Map<string, number>();
    for (const n of names) counts.set(n, (counts.get(n) ?? 0) + 1);
    const [top] = [...counts.entries()].sort((a, b) => b[1] - a[1]);
    if (top && top[1] * 2 > names.length && top[0] !== `${fold(golden.givenName)} ${fold(golden.familyName)}`)
      bad.push(`${golden.givenName} ${golden.familyName} (records: ${names.join(' / ')})`);
  }
  return bad;
}

/** Golden given names held by one record of the store while the same person has a record with a given name held by five or more. */
function oneOffs(core: Core): string[] {
  const count = new Map<string, number>();
  for (const { local } of core.store.sqlite
    .prepare("SELECT local FROM records WHERE state NOT IN ('deleted_local','deleted_remote')")
    .all() as { local: string }[]) {
    const g = fold((JSON.parse(local) as CanonicalContact).givenName);
    if (g) count.set(g, (count.get(g) ?? 0) + 1);
  }
  const bad: string[] = [];
  for (const p of core.store.sqlite.prepare('SELECT id, golden FROM people').all() as { id: string; golden: string }[]) {
    const golden = JSON.parse(p.golden) as CanonicalContact;
    const g = fold(golden.givenName);
    if (!g || (count.get(g) ?? 0) > 1) continue;
    const records = core.store.sqlite
      .prepare("SELECT local FROM records WHERE person_id = ? AND state NOT IN ('deleted_local','deleted_remote')")
      .all(p.id) as { local: string }[];
    if (records.length < 2) continue; // one record: its name is what the vendor holds
    const others = records.map((r) => [
      fold((JSON.parse(r.local) as CanonicalContact).givenName),
      fold((JSON.parse(r.local) as CanonicalContact).familyName),
    ]);
    // A common given name among the person's records, in either part (a swapped record holds it as family).
    const common = others.flat().find((w) => w && w !== g && (count.get(w) ?? 0) >= 5);
    if (common) bad.push(`${golden.givenName} ${golden.familyName} (also ${common})`);
  }
  return bad;
}

describe('golden names after a merge', () => {
  it('a bulk merge over the sandbox leaves no golden name that most of its records spell otherwise', { timeout: 120_000 }, async () => {
    const core = await setup(1);
    core.dedupe.scan({ full: true });
    const plan = core.dedupe.bulkPlan();
    expect(plan.clusters).toBeGreaterThan(50);
    const r = await core.dedupe.bulkMerge({ expected: plan.clusters });
    expect(r.merged).toBe(plan.clusters);
    expect(outvoted(core)).toEqual([]);
    // No golden given name is a one-off in the store while another of the person's records
    // spells a common one (the "Mry" / "Mary" case).
    expect(oneOffs(core)).toEqual([]);
  });

  it('picking a record’s given name takes its family name along: the preview and the vendor agree', { timeout: 120_000 }, async () => {
    const core = await setup(1);
    core.dedupe.scan({ full: true });
    // A cluster whose records disagree on the name: pick the given name of one of them.
    const cluster = core.dedupe
      .clusters()
      .find(
        (c) =>
          new Set(c.records.map((x) => `${fold(x.contact.givenName)}|${fold(x.contact.familyName)}`)).size > 1 &&
          c.records.every((x) => x.contact.givenName && x.contact.familyName),
      )!;
    expect(cluster).toBeDefined();
    const pick = cluster.records[0]!;
    const plan = core.dedupe.plan(cluster.id, { givenName: pick.recordId });
    expect({ given: plan.golden.givenName, family: plan.golden.familyName }).toEqual({
      given: pick.contact.givenName,
      family: pick.contact.familyName,
    });
    for (const w of plan.writes.filter((x) => x.op === 'update' && x.fields && ('givenName' in x.fields || 'familyName' in x.fields))) {
      expect(w.fields).toMatchObject({ givenName: pick.contact.givenName, familyName: pick.contact.familyName });
    }
    core.dedupe.merge(cluster.id, { picks: { givenName: pick.recordId } });
    for (const a of (await core.sync.sync()).accounts) expect(a.errors).toEqual([]);
    // Every record of the person that holds both parts now says the picked name, as previewed.
    const person = core.contacts.get(
      core.store.sqlite.prepare('SELECT person_id FROM records WHERE id = ?').pluck().get(pick.recordId) as string,
    );
    expect(person.golden).toMatchObject({ givenName: pick.contact.givenName, familyName: pick.contact.familyName });
    for (const rec of person.records.filter((x) => x.local.givenName && x.local.familyName)) {
      expect({ g: rec.local.givenName, f: rec.local.familyName }).toEqual({ g: pick.contact.givenName, f: pick.contact.familyName });
    }
  });
});
