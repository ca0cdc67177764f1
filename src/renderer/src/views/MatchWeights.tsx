// The matcher's weights, like Splink's match-weights chart: one row per field and comparison
// level, a bar to the right for evidence that two records are one person, to the left for
// evidence against, in bits (log2 m/u). Shows a person why pairs score as they do, and that
// the weights came from this store (or are still the defaults before the first full scan).
// A component on its own: the window places it (e.g. beside the duplicates queue).
import { useEffect, useState } from 'react';
import type { Output } from '../../../shared/contract';
import { call } from '../api';

type Weights = Output<'getMatchWeights'>;

/** Bars are scaled to this many bits either side; longer ones are cut and say so. */
const RANGE = 20;

export function MatchWeights({ refreshKey }: { refreshKey?: unknown }): React.JSX.Element {
  const [data, setData] = useState<Weights | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    call('getMatchWeights', {}).then(setData, (e: Error) => setError(e.message));
  }, [refreshKey]);
  if (error)
    return (
      <p className="match-weights-note" role="alert">
        Could not read the match weights: {error}
      </p>
    );
  if (!data) return <p className="match-weights-note">Loading match weights…</p>;
  return <MatchWeightsChart weights={data} />;
}

/** The chart alone, for a given set of weights. */
export function MatchWeightsChart({ weights }: { weights: Weights }): React.JSX.Element {
  const rows = weights.fields.flatMap((f) =>
    f.levels.map((l, i) => ({ key: `${f.field}:${i}`, field: f.label, first: i === 0, span: f.levels.length, ...l })),
  );
  return (
    <figure className="match-weights" aria-labelledby="match-weights-title">
      <figcaption id="match-weights-title">
        <strong>Match weights</strong>{' '}
        <span className="match-weights-note">
          {weights.source === 'estimated'
            ? `estimated from ${weights.records.toLocaleString()} records and ${weights.pairs.toLocaleString()} candidate pairs${weights.labels ? `, with ${weights.labels} of your decisions` : ''}`
            : 'defaults — a full scan estimates them from your records'}
          {' · '}bits of evidence per comparison level; right: same person, left: different people
        </span>
      </figcaption>
      <table className="match-weights-table">
        <thead>
          <tr>
            <th scope="col">Field</th>
            <th scope="col">Level</th>
            <th scope="col">
              <div className="match-weights-axis">
                <span>against</span>
                <span>for</span>
              </div>
            </th>
            <th scope="col" className="num">
              Bits
            </th>
            <th scope="col" className="num" title="How often one person's records land here">
              m
            </th>
            <th scope="col" className="num" title="How often two strangers' records land here">
              u
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => {
            const cut = Math.abs(r.weight) > RANGE;
            const width = (Math.min(Math.abs(r.weight), RANGE) / RANGE) * 50;
            return (
              <tr key={r.key} className={r.first ? 'match-weights-first' : undefined}>
                {r.first && (
                  <th scope="rowgroup" rowSpan={r.span}>
                    {r.field}
                  </th>
                )}
                <td>{r.level}</td>
                <td className="match-weights-bar-cell" aria-hidden="true">
                  <span className="match-weights-zero" />
                  <span
                    className={`match-weights-bar ${r.weight >= 0 ? 'for' : 'against'}${cut ? ' cut' : ''}`}
                    style={r.weight >= 0 ? { left: '50%', width: `${width}%` } : { left: `${50 - width}%`, width: `${width}%` }}
                  />
                </td>
                <td className="num">
                  {r.weight > 0 ? '+' : ''}
                  {r.weight.toFixed(1)}
                </td>
                <td className="num">{fmt(r.m)}</td>
                <td className="num">{fmt(r.u)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <p className="match-weights-note">
        An exact match on a value is worth more the rarer that value is (a common surname, a shared switchboard weigh less than shown).
        Prior odds that two records are one person: 1 in {Math.round(2 ** -weights.priorBits).toLocaleString()}.
      </p>
    </figure>
  );
}

const fmt = (p: number): string => (p >= 0.01 ? p.toFixed(2) : p === 0 ? '0' : p.toExponential(0));
