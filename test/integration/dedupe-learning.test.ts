// Weights estimated from the store, and refined by a person's decisions. On FEBRL dataset 1
// (public, nobody here wrote it) a full scan estimates the weights with no labels and finds
// the duplicates. On a store of households — several people sharing a family name, address
// and phone — the unsupervised estimate is weak (to EM a big household looks like one person
// entered several times); a handful of decisions measurably fixes the rest.
import { afterEach, describe, expect, it } from 'vitest';
import { makeTestCore, seedAccount, type TestCore } from '../helpers/core';
import { blockingRecall, loadFebrl } from '../helpers/febrl';
import { clusterQuality } from '../helpers/quality';
import type { CanonicalContact } from '../../src/shared/domain';

let t: TestCore | undefined;
afterEach(() => t?.cleanup());

const f1 = (q: { precision: number; recall: number }): number => (2 * q.precision * q.recall) / (q.precision + q.recall);

describe('weights estimated from the store', () => {
  it('FEBRL dataset 1: estimated on a full scan, kept in the store, F1 ≥ 0.97', { timeout: 60_000 }, async () => {
    t = await makeTestCore();
    const truth = await loadFebrl(t.core, 'dataset1.csv');
    expect(t.core.dedupe.weights().source).toBe('default');
    const scan = t.core.dedupe.scan({ full: true });
    const q = clusterQuality(scan.clusters, truth);
    expect(f1(q)).toBeGreaterThanOrEqual(0.97);
    // Blocking puts (nearly) every true pair in front of the scorer, without comparing all pairs.
    const b = blockingRecall(t.core, truth);
    expect(b.recall).toBeGreaterThanOrEqual(0.99);
    expect(b.comparisons).toBeLessThan(5 * truth.size);
    const w = t.core.dedupe.weights();
    expect(w).toMatchObject({ source: 'estimated', records: 1000 });
    const level = (field: string, l: string) => w.fields.find((f) => f.field === field)!.levels.find((x) => x.level === l)!;
    // A birth date is rare among strangers; one digit off is still evidence for, a different one against.
    expect(level('birth', 'exact').weight).toBeGreaterThan(8);
    expect(level('birth', 'one digit or one part off').weight).toBeGreaterThan(2);
    expect(level('birth', 'else').weight).toBeLessThan(-2);
    expect(level('given', 'else').weight).toBeLessThan(-2);
    // An incremental scan uses the stored estimate (it is not re-made from a handful of records).
    t.core.dedupe.scan();
    expect(t.core.dedupe.weights().estimatedAt).toBe(w.estimatedAt);
  });
});

/** 40 households of `size` (one family name, address and phone; different given names) and 15 people entered twice. */
function households(size: number): { contacts: CanonicalContact[]; entity: string[] } {
  const given = [
    'Ada',
    'Basil',
    'Cora',
    'Dmitri',
    'Edith',
    'Felix',
    'Greta',
    'Hugo',
    'Ines',
    'Jasper',
    'Kira',
    'Lionel',
    'Mabel',
    'Nils',
    'Odile',
    'Pavel',
    'Quinn',
    'Rosa',
    'Soren',
    'Tilda',
    'Ulric',
    'Vera',
    'Wendell',
    'Xenia',
    'Yusuf',
    'Zora',
  ];
  const family = [
    'Ashdown',
    'Brackley',
    'Cawthorne',
    'Dunmore',
    'Ellery',
    'Fairbairn',
    'Gosling',
    'Hartigan',
    'Ingleby',
    'Jessop',
    'Kettering',
    'Lovelock',
    'Merriman',
    'Northcott',
    'Oakley',
    'Pendleton',
    'Quarrie',
    'Rookwood',
    'Sedgwick',
    'Thackeray',
    'Underhill',
    'Vickery',
    'Wetherby',
    'Yardley',
    'Zouch',
    'Abernethy',
    'Blackwood',
    'Carrington',
    'Davenport',
    'Eastwood',
    'Fenwick',
    'Galloway',
    'Hazeldine',
    'Irvine',
    'Jellicoe',
    'Kingsley',
    'Lockhart',
    'Mortimer',
    'Norwood',
    'Ormerod',
    'Pickering',
    'Radcliffe',
    'Stanhope',
    'Tremayne',
    'Wainwright',
    'Ackroyd',
    'Bramwell',
    'Cholmondeley',
    'Drysdale',
    'Elphick',
    'Fothergill',
    'Grimshaw',
    'Holloway',
    'Ibbotson',
    'Jowett',
  ];
  const contacts: CanonicalContact[] = [];
  const entity: string[] = [];
  for (let h = 0; h < 40; h++) {
    const home = {
      familyName: family[h]!,
      phones: [{ e164: `+1415555${String(1000 + h)}`, raw: '' }],
      address: { street1: `${100 + h} Alder Street`, city: 'Springfield', postalCode: `9${String(4000 + h)}` },
    };
    for (let k = 0; k < size; k++) {
      contacts.push({ givenName: given[(h * size + k) % given.length]!, ...home });
      entity.push(`h${h}-${k}`);
    }
  }
  for (let p = 0; p < 15; p++) {
    const person = {
      givenName: given[(p * 7) % given.length]!,
      familyName: family[40 + p]!,
      phones: [{ e164: `+1212555${String(2000 + p)}`, raw: '' }],
      emails: [{ address: `p${p}@example.org` }],
      address: { street1: `${7 + p} Birch Road`, city: 'Shelbyville', postalCode: `8${String(3000 + p)}` },
    };
    contacts.push(person, { ...person, givenName: person.givenName.toUpperCase() + 'e', address: { ...person.address, street1: null } });
    entity.push(`p${p}`, `p${p}`);
  }
  return { contacts, entity };
}

describe('learning from decisions', () => {
  it('households of three are told apart with no decision at all', { timeout: 30_000 }, async () => {
    t = await makeTestCore();
    const { contacts, entity } = households(3);
    const accountId = await seedAccount(t.core, 'csv', contacts);
    const rows = t.core.store.sqlite.prepare('SELECT id, remote_id FROM records WHERE account_id = ?').all(accountId) as {
      id: string;
      remote_id: string;
    }[];
    const truth = new Map(rows.map((r) => [r.id, entity[Number(r.remote_id.split('-').pop()) - 1]!]));
    const q = clusterQuality(t.core.dedupe.scan({ full: true }).clusters, truth);
    expect(q.precision).toBeGreaterThan(0.95);
    expect(q.recall).toBeGreaterThanOrEqual(0.9);
  });

  it('a handful of decisions re-estimates the weights and separates the households nobody labelled', { timeout: 30_000 }, async () => {
    t = await makeTestCore();
    const { contacts, entity } = households(5);
    const accountId = await seedAccount(t.core, 'csv', contacts);
    const rows = t.core.store.sqlite.prepare('SELECT id, remote_id FROM records WHERE account_id = ?').all(accountId) as {
      id: string;
      remote_id: string;
    }[];
    const truth = new Map(rows.map((r) => [r.id, entity[Number(r.remote_id.split('-').pop()) - 1]!]));
    const before = clusterQuality(t.core.dedupe.scan({ full: true }).clusters, truth);
    const weightBefore = t.core.dedupe
      .weights()
      .fields.find((f) => f.field === 'given')!
      .levels.at(-1)!.weight;
    // Unsupervised, households pass for people entered three times.
    expect(before.precision).toBeLessThan(0.8);

    // A person says "not the same" to five household clusters and "same person" to three pairs.
    const labelled = new Set<string>();
    const clusters = t.core.dedupe.clusters();
    for (const c of clusters.filter((c) => c.records.every((r) => truth.get(r.recordId)!.startsWith('h'))).slice(0, 5)) {
      t.core.dedupe.dismiss(c.id);
      for (const r of c.records) labelled.add(r.recordId);
    }
    for (const c of clusters
      .filter((c) => c.records.length === 2 && c.records.every((r) => truth.get(r.recordId)!.startsWith('p')))
      .slice(0, 3)) {
      t.core.dedupe.merge(c.id);
      for (const r of c.records) labelled.add(r.recordId);
    }
    expect(labelled.size).toBeGreaterThanOrEqual(10);
    const after = t.core.dedupe.scan({ full: true });
    const w = t.core.dedupe.weights();
    expect(w.labels).toBeGreaterThanOrEqual(5);
    // "Different given names" now counts clearly against; judged only on records nobody labelled.
    expect(w.fields.find((f) => f.field === 'given')!.levels.at(-1)!.weight).toBeLessThan(weightBefore - 2);
    const unlabelled = new Map([...truth].filter(([id]) => !labelled.has(id)));
    const keep = (cs: { records: { recordId: string }[] }[]) =>
      cs.map((c) => ({ records: c.records.filter((r) => unlabelled.has(r.recordId)) }));
    const q = clusterQuality(keep(after.clusters), unlabelled);
    // What to review next: the open pairs the model is least sure of (nearest even odds) first.
    const next = t.core.dedupe.informativePairs(5);
    expect(next.length).toBeGreaterThan(0);
    const doubt = next.map((p) => Math.abs(p.confidence - 0.5));
    expect(doubt).toEqual([...doubt].sort((x, y) => x - y));
    expect(q.precision).toBeGreaterThan(0.95);
    expect(q.recall).toBeGreaterThanOrEqual(0.9);
    expect(f1(q)).toBeGreaterThan(f1(before) + 0.2);
  });
});
