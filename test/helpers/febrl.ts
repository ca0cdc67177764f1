// FEBRL datasets 1–3 (test/fixtures/febrl, copied from shared/data/febrl): load one into a core the way a person would
// (`concord import`, soc_sec_id left out — vendors hold no such number) and read the answer
// key from rec_id: `rec-12-org` and `rec-12-dup-0` are one person.
import fs from 'node:fs';
import path from 'node:path';
import type { Core } from '../../src/main/core';
import { forEachCandidate } from '../../src/main/core/dedupe/blocking';
import { toMatchRecord } from '../../src/main/core/dedupe/features';
import type { CanonicalContact } from '../../src/shared/domain';

export const FEBRL_DIR = path.resolve(__dirname, '../fixtures/febrl');

/** Import a FEBRL file without its soc_sec_id column; returns record id -> entity. */
export async function loadFebrl(core: Core, file: string, limit?: number): Promise<Map<string, string>> {
  const lines = fs
    .readFileSync(path.join(FEBRL_DIR, file), 'utf8')
    .split('\n')
    .filter((l) => l.trim());
  const cut = (l: string): string => l.split(',').slice(0, 10).join(',');
  const text = [lines[0]!, ...lines.slice(1, limit ? limit + 1 : undefined)].map(cut).join('\n');
  await core.csv.import(text, { source: file, region: 'AU' });
  return truthOf(core);
}

/** record id -> entity, from the externalRef the import kept. */
export function truthOf(core: Core): Map<string, string> {
  const rows = core.store.sqlite.prepare('SELECT id, local FROM records').all() as { id: string; local: string }[];
  return new Map(rows.map((r) => [r.id, /^rec-(\d+)-/.exec((JSON.parse(r.local) as CanonicalContact).externalRef ?? '')?.[1] ?? r.id]));
}

/** How many true pairs blocking puts in front of the scorer, and how many pairs it compares. */
export function blockingRecall(
  core: Core,
  truth: Map<string, string>,
  region = 'AU',
): { truePairs: number; found: number; recall: number; comparisons: number } {
  // Row by row: a million-record bench cannot hold every parsed contact at once.
  const rows = core.store.sqlite
    .prepare('SELECT id, account_id, remote_id, person_id, local FROM records ORDER BY rowid')
    .iterate() as IterableIterator<{
    id: string;
    account_id: string;
    remote_id: string | null;
    person_id: string;
    local: string;
  }>;
  const recs: ReturnType<typeof toMatchRecord>[] = [];
  for (const r of rows)
    recs.push(
      toMatchRecord(
        recs.length,
        {
          id: r.id,
          accountId: r.account_id,
          vendor: 'csv',
          remoteId: r.remote_id,
          personId: r.person_id,
          contact: JSON.parse(r.local) as CanonicalContact,
        },
        region,
      ),
    );
  let found = 0;
  const comparisons = forEachCandidate(recs, (a, b) => {
    if (truth.get(recs[a]!.id) === truth.get(recs[b]!.id)) found++;
  });
  const sizes = new Map<string, number>();
  for (const e of truth.values()) sizes.set(e, (sizes.get(e) ?? 0) + 1);
  const truePairs = [...sizes.values()].reduce((n, k) => n + (k * (k - 1)) / 2, 0);
  return { truePairs, found, recall: truePairs ? found / truePairs : 1, comparisons };
}
