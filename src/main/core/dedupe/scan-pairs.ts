// The scoring half of a scan: every candidate pair from blocking is put at its comparison
// levels once; on a full scan the parameters are estimated from those levels (EM) before
// any pair is scored, so the weights used are the store's own. Only pairs near or above
// the review threshold are kept, with their reasons.
import { forEachCandidate } from './blocking';
import { estimateParameters, type Label } from './estimate-em';
import type { Frequencies, MatchRecord } from './features';
import { compareLevels, GAMMA_WIDTH, NF } from './levels';
import type { MatchParameters } from './parameters';
import { modelOf, reasonsOf, weigh, type Model, type ScoredPair } from './score';

// Local copies of imported constants and helpers used per pair: under the loader benches and
// tests run with, every read of an imported binding is a getter call.
const W = GAMMA_WIDTH;
const nf = NF;
const levelsOf = compareLevels;
const weighPair = weigh;

export interface ScoredCandidates {
  pairs: ScoredPair[];
  comparisons: number;
  params: MatchParameters;
}

export function scoreCandidates(
  recs: MatchRecord[],
  freq: Frequencies,
  opts: {
    floor: number;
    dirty?: Set<number>;
    /** Score with these parameters; without them, estimate from the store first (a full scan). */
    params?: MatchParameters;
    /** Where the estimate starts, and the person's decisions as record index pairs. */
    estimate?: { start: MatchParameters; labels: [number, number, boolean][]; now: string };
  },
): ScoredCandidates {
  let gammas = new Int8Array(W * 65_536);
  let ix = new Int32Array(2 * 65_536);
  let n = 0;
  const comparisons = forEachCandidate(
    recs,
    (a, b) => {
      if (n * W + W > gammas.length) {
        const g = new Int8Array(gammas.length * 2);
        g.set(gammas);
        gammas = g;
        const p = new Int32Array(ix.length * 2);
        p.set(ix);
        ix = p;
      }
      levelsOf(recs[a]!, recs[b]!, gammas, n * W);
      ix[2 * n] = a;
      ix[2 * n + 1] = b;
      n++;
    },
    opts.dirty,
  );
  let params = opts.params;
  if (!params) {
    const est = opts.estimate!;
    const labels: Label[] = est.labels.map(([a, b, same]) => {
      const gamma = new Int8Array(W);
      levelsOf(recs[a]!, recs[b]!, gamma);
      return { gamma, same };
    });
    params = estimateParameters({ records: recs, gammas, pairs: n, labels, start: est.start, now: est.now });
  }
  const model: Model = modelOf(params);
  const parts = new Float64Array(nf + 2);
  const pairs: ScoredPair[] = [];
  for (let i = 0; i < n; i++) {
    const x = recs[ix[2 * i]!]!;
    const y = recs[ix[2 * i + 1]!]!;
    const score = weighPair(gammas, i * W, x, y, freq, model, parts);
    if (score < opts.floor) continue;
    const g = gammas.subarray(i * W, (i + 1) * W);
    pairs.push({ a: x.ix, b: y.ix, score: Math.round(score * 10) / 10, reasons: reasonsOf(g, parts, x, y) });
  }
  return { pairs, comparisons, params };
}
