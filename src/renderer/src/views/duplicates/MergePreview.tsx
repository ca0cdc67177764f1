// What the review shows beside the grid: why the records matched (a small bar picture), and
// before anything is written, the person after the merge and the exact writes.
import type { DuplicateCluster, MergePlan } from '../../../../shared/contract';
import { VendorBadge } from '../../components/VendorBadge';
import { FIELD_ROWS } from '../../lib/fields';

export function WhyMatched({ reasons }: { reasons: DuplicateCluster['reasons'] }) {
  return (
    <div className="why">
      <h3>Why they matched</h3>
      <ul className="reasons">
        {reasons.map((r) => (
          <li key={r.code + r.text}>
            <span className="reason-bar" aria-hidden="true">
              <span className={r.weight >= 0 ? 'pos' : 'neg'} style={{ width: `${Math.min(100, Math.abs(r.weight) * 8)}%` }} />
            </span>
            <span className="reason-weight">
              {r.weight > 0 ? '+' : ''}
              {r.weight}
            </span>
            <span>{r.text}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}

export function MergePreview({ plan }: { plan: MergePlan }) {
  return (
    <>
      <div className="preview golden-preview" aria-label="Golden record after the merge">
        <h3>The person after the merge</h3>
        <dl>
          {FIELD_ROWS.filter((r) => r.show(plan.golden[r.field])).map((r) => {
            const few = plan.minority.find((m) => m.field === r.field);
            return (
              <div key={r.field} className="golden-field">
                <dt>{r.label}</dt>
                <dd>
                  {r.show(plan.golden[r.field])}
                  {few && (
                    <span className="flag small" title="Most records say otherwise: check before merging" data-testid="minority-flag">
                      {' '}
                      ⚑ {few.held} of {few.of} records
                    </span>
                  )}
                </dd>
              </div>
            );
          })}
        </dl>
      </div>
      <div className="preview" aria-label="Write preview" data-cluster={plan.clusterId}>
        <h3>Merging will</h3>
        <ul>
          {plan.writes.map((w) => (
            <li key={w.recordId} className={`write-${w.op}`}>
              <VendorBadge kind={w.vendor} /> <strong>{w.op === 'link' ? 'link' : w.op}</strong> {w.remoteId ?? ''} — {w.note}
              {w.fields && Object.keys(w.fields).length > 0 && (
                <span className="muted">
                  :{' '}
                  {Object.entries(w.fields)
                    .map(
                      ([f, v]) =>
                        `${FIELD_ROWS.find((x) => x.field === f)?.label ?? f} = ${FIELD_ROWS.find((x) => x.field === f)?.show(v) ?? String(v)}`,
                    )
                    .join('; ')}
                </span>
              )}
            </li>
          ))}
        </ul>
      </div>
    </>
  );
}
