// A big store for window tests and benchmarks: N generated people across the five vendors,
// written through the same repository a pull uses.
import type { Core } from '../../src/main/core';
import { generatePopulation } from '../../src/main/core/sandbox/population';
import { VENDORS } from '../../src/shared/domain';

export function fillStore(core: Core, records: number, seed = 42): number {
  const pop = generatePopulation({ seed, people: Math.ceil(records / 1.74) });
  let n = 0;
  core.store.sqlite.transaction(() => {
    for (const vendor of VENDORS) {
      core.store.sqlite
        .prepare("INSERT INTO accounts (id, kind, label, settings, health) VALUES (?, ?, ?, '{}', 'ok')")
        .run(`big-${vendor}`, vendor, `${vendor} (generated)`);
      for (const s of pop.byVendor[vendor]) {
        if (n >= records) return;
        core.syncStore.upsertFromServer({
          accountId: `big-${vendor}`,
          remoteId: s.key,
          raw: s.contact,
          canonical: s.contact,
          versions: {},
        });
        n++;
      }
    }
  })();
  return n;
}
