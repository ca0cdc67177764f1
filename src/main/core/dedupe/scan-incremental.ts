// An incremental duplicate scan whose work is proportional to what changed (issue 25): it reads
// the records written since the last scan, the records sharing a blocking key with them (the
// store keeps every record's keys, store/match-keys.ts), and the clusters around them; it never
// reads or blocks the whole store. What it stores and the queue it leaves are what the scan
// that reads every record gives (test/integration/incremental-scan.test.ts holds the two equal):
// - the changed records meet the partners blocking would give them (partnersOf, from the kept
//   keys and big blocks' sort keys) and are scored with the store's value counts;
// - the clusters are worked out again only where they can have changed (regroup.ts): from the
//   changed records and their old strong partners.
// When it cannot (nothing saved to patch, a record relinked or deleted outright, a decision or
// an account changed since: the relink stamp moved; keys never kept; too much changed) it
// answers null and the caller reads every record.
import { candidateWriter, openCandidatesOfRecordDropper } from '../store/match-candidates';
import {
  blockMembersReader,
  blockSortKeysReader,
  clearWrittenMarks,
  keptKeysOf,
  matchKeysKept,
  recordKeysWriter,
  recordsWrittenSinceKeys,
  valueCountReader,
  type RecordKeys,
} from '../store/match-keys';
import { liveMatchSourcesByRowid, liveRecordCount } from '../store/match-records';
import { loadedOf } from './cluster-queue';
import { FormCache, Frequencies, toMatchRecord } from './features';
import { pairKeyOf } from './blocking';
import { partnersOf, recordKeys } from './match-keys';
import { regroup, strongPartners } from './regroup';
import type { ScanDeps } from './scan';

/** Past this share of the store changed, reading every record once is cheaper than record by record. */
const MOST = 0.2;

export interface Patched {
  records: number;
  rescored: number;
  read: number;
  comparisons: number;
}

/** Thrown inside the transaction to roll it back: the kept keys do not match the store. */
class NotKept extends Error {}

/** Scan what changed and patch the saved queue; null when only reading every record can (see above). */
export function scanChanged(d: ScanDeps, lap: (name: string) => void, phases: Record<string, number>): Patched | null {
  const was = d.queue.patchable();
  if (!was) return null;
  const kept = matchKeysKept(d.sqlite);
  if (kept === 0) return null;
  const written = recordsWrittenSinceKeys(d.sqlite);
  if (written.length > Math.max(1000, kept * MOST)) return null;
  try {
    return d.store.tx(() => patch(d, was, written, lap, phases));
  } catch (e) {
    if (e instanceof NotKept) return null;
    throw e;
  }
}

function patch(
  d: ScanDeps,
  was: string,
  written: { rec: number; id: string; live: boolean }[],
  lap: (name: string) => void,
  phases: Record<string, number>,
): Patched {
  const { sqlite } = d;
  // The changed records' keys now, and out with those kept for them (a rowid naming another
  // record than it did means the kept keys are not this store's: read everything instead).
  const forms = new FormCache();
  const sources = new Map(
    liveMatchSourcesByRowid(
      sqlite,
      written.filter((w) => w.live).map((w) => w.rec),
    ).map((s) => [s.rowid, s]),
  );
  const fresh = new Map<number, RecordKeys>();
  for (const s of sources.values()) fresh.set(s.rowid, recordKeys(toMatchRecord(0, s, undefined, forms)));
  const keys = recordKeysWriter(sqlite);
  for (const w of written) {
    const old = keptKeysOf(sqlite, w.rec);
    if (old && old.id !== w.id) throw new NotKept();
    if (old) keys.remove(old);
    const now = fresh.get(w.rec);
    if (now) keys.add(now);
  }
  const live = liveRecordCount(sqlite);
  if (matchKeysKept(sqlite) !== live) throw new NotKept();
  clearWrittenMarks(sqlite);
  lap('load');

  // The changed records' partners as blocking finds them, read with the changed records in the store's order.
  const partners = partnersOf([...fresh.values()], blockMembersReader(sqlite), blockSortKeysReader(sqlite), live);
  const count = valueCountReader(sqlite);
  const near = loadedOf(liveMatchSourcesByRowid(sqlite, [...partners.keys(), ...[...partners.values()].flatMap((p) => [...p])]), forms);
  const freq = new Frequencies(near.recs, { n: live, count });
  const ixOf = new Map(near.recs.map((r) => [r.rowid, r.ix]));
  const dirty = new Set<number>();
  const found: number[] = [];
  for (const [rec, mine] of partners) {
    const i = ixOf.get(rec)!;
    dirty.add(i);
    for (const p of mine) {
      const j = ixOf.get(p);
      // A key kept for a record that is not live: the kept keys are not the store's.
      if (j === undefined) throw new NotKept();
      if (near.recs[i]!.personId !== near.recs[j]!.personId) found.push(i < j ? pairKeyOf(i, j) : pairKeyOf(j, i));
    }
  }
  const pairKeys = Float64Array.from(new Set(found)).sort();
  lap('blocking');
  const scored = d.estimator.score(near.recs, freq, dirty, d.now, phases, pairKeys);

  // Where clusters can change: the changed records and their partners strong enough to join them,
  // before and after the new pairs are written.
  const { review } = d.estimator.thresholds;
  const strong = strongPartners(sqlite, review);
  const changedIds = written.map((w) => w.id);
  const seeds = new Set(changedIds);
  for (const id of changedIds) for (const p of strong(id)) seeds.add(p);
  const drop = openCandidatesOfRecordDropper(sqlite);
  for (const ix of dirty) drop(near.recs[ix]!.id);
  const writer = candidateWriter(sqlite);
  const at = d.now();
  for (let i = 0; i < scored.kept; i++) {
    const p = scored.pair(i);
    const [x, y] = near.recs[p.a]!.id < near.recs[p.b]!.id ? [p.a, p.b] : [p.b, p.a];
    writer.write(near.recs[x]!.id, near.recs[y]!.id, p.score, p.reasons, at);
  }
  writer.done();
  lap('write');
  // A record deleted here or at the vendor leaves its cluster, too.
  const regrouped = regroup(sqlite, d.queue, was, { review, live, seeds, around: changedIds, forms });
  if (regrouped === null) throw new NotKept();
  lap('cluster');
  return { records: live, rescored: dirty.size, read: near.recs.length + regrouped, comparisons: scored.comparisons };
}
