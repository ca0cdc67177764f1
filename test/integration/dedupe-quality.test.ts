// Duplicate-finding quality, measured: the labelled evaluation set is imported as a CSV (the
// way a person loads one), scanned, and scored against its `entity` column. The figures the
// README quotes come from `npm run bench -- dedupe-quality`; this keeps the targets honest.
import { describe, expect, it } from 'vitest';
import { evalSetCsv, generateEvalSet } from '../../src/main/core/dedupe/eval-set';
import { makeTestCore } from '../helpers/core';

describe('duplicate finding on the labelled evaluation set', () => {
  it('reaches precision ≥ 0.97 and recall ≥ 0.95 at the default threshold', async () => {
    const t = await makeTestCore();
    try {
      const rows = generateEvalSet({ seed: 2026, entities: 1500 });
      const imported = await t.core.csv.import(evalSetCsv(rows), { source: 'eval' });
      expect(imported.errors).toEqual([]);
      expect(imported.imported).toBe(rows.length);
      const scan = t.core.dedupe.scan();
      const entityOf = new Map((t.core.store.sqlite.prepare('SELECT id, server FROM records').all() as { id: string; server: string }[]).map((r) => [r.id, (JSON.parse(r.server) as { entity: string }).entity]));
      let predicted = 0;
      let correct = 0;
      for (const c of scan.clusters) {
        for (let i = 0; i < c.records.length; i++) for (let j = i + 1; j < c.records.length; j++) {
          predicted++;
          if (entityOf.get(c.records[i]!.recordId) === entityOf.get(c.records[j]!.recordId)) correct++;
        }
      }
      const sizes = new Map<string, number>();
      for (const r of rows) sizes.set(r.entity, (sizes.get(r.entity) ?? 0) + 1);
      const truePairs = [...sizes.values()].reduce((n, k) => n + (k * (k - 1)) / 2, 0);
      expect(correct / predicted).toBeGreaterThanOrEqual(0.97);
      expect(correct / truePairs).toBeGreaterThanOrEqual(0.95);
      // The hard cases are really in the set.
      for (const hazard of ['nickname', 'typo', 'swapped', 'missing', 'stale-address', 'household', 'switchboard']) expect(rows.some((r) => r.case.includes(hazard)), hazard).toBe(true);
    } finally {
      t.cleanup();
    }
  });
});
