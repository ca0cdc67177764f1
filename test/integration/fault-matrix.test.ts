// The fault matrix (test/helpers/fault-matrix.ts): for each vendor, each fault (latency, a 429
// storm, 5xx, a connection dropped before or after the vendor applied the request, a truncated
// answer, a malformed answer, an expired session/token) at every request index of one sync
// that pushes an update (name, phone, email) and a create (phone, email; MPDX also an address,
// over several requests). After at most six syncs: nothing lost, no duplicate, nothing stuck.
// `npm run bench -- faults` runs the same matrix larger, three times over.
import { describe, expect, it } from 'vitest';
import { VENDORS } from '../../src/shared/domain';
import { runMatrix, type CaseResult } from '../helpers/fault-matrix';

describe('fault matrix: every fault at every request of a push', () => {
  it('loses no edit, duplicates no record and leaves nothing stuck', { timeout: 120_000 }, async () => {
    const summary = await runMatrix(VENDORS, { n: 4, seed: 17 });
    const show = (r: CaseResult) => `${r.vendor} ${r.fault}@${r.index}: lost ${r.lost.join(', ') || 0}, duplicates ${r.duplicates}, stuck ${r.stuck} after ${r.syncs} syncs ${r.detail ?? ''}`;
    console.log(`fault matrix: ${summary.cases} cases (requests per sync ${JSON.stringify(summary.requests)}), lost ${summary.lost}, duplicates ${summary.duplicates}, stuck ${summary.stuck} (created record under a new local person: ${summary.split})`);
    for (const f of summary.failures) console.log(show(f));
    // Every vendor's measured sync really pushed through several requests.
    for (const v of VENDORS) expect(summary.requests[v]).toBeGreaterThanOrEqual(3);
    expect(summary.failures.map(show)).toEqual([]);
    expect({ lost: summary.lost, duplicates: summary.duplicates, stuck: summary.stuck }).toEqual({ lost: 0, duplicates: 0, stuck: 0 });
  });
});
