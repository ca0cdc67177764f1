// Bulk merge: the core works out every write first (deletions named, by vendor account); once
// confirmed it merges as one job with progress, a Cancel and one undo for all of it.
import { useState } from 'react';
import type { BulkMergePlan } from '../../../../shared/contract';
import { VENDOR_LABELS } from '../../../../shared/domain';
import { call } from '../../api';
import { VendorBadge } from '../../components/VendorBadge';
import type { Toast } from './ClusterDetail';

export type Bulk =
  | { phase: 'planning' }
  | { phase: 'confirm'; plan: BulkMergePlan }
  | { phase: 'merging'; done: number; total: number; cancelling?: boolean };

/**
 * The job's state, held by the view: while it is on, the rest of the view is locked (keys,
 * merge buttons, a scan), so the view must see it, not only the banner.
 */
export function useBulkMerge({
  onToast,
  onError,
  onDone,
}: {
  onToast: (t: Toast) => void;
  onError: (message: string) => void;
  onDone: () => void;
}) {
  const [bulk, setBulk] = useState<Bulk | null>(null);
  async function plan() {
    setBulk({ phase: 'planning' });
    try {
      setBulk({ phase: 'confirm', plan: await call('planBulkMerge', {}) });
    } catch (e) {
      onError((e as Error).message);
      setBulk(null);
    }
  }
  async function run(plan: BulkMergePlan) {
    setBulk({ phase: 'merging', done: 0, total: plan.clusters });
    const off = window.api.on('bulkMergeProgress', (p) =>
      setBulk((b) => (b?.phase === 'merging' ? { ...b, done: p.done, total: p.total } : b)),
    );
    try {
      const r = await call('bulkMerge', { expected: plan.clusters });
      onToast({
        text: `Merged ${r.merged.toLocaleString()} of ${r.total.toLocaleString()} clusters above the auto-link threshold${r.cancelled ? ' (cancelled; the rest are still in the queue)' : ''}. The writes go out at the next sync; one undo takes back all of them.`,
        undoId: r.bulkId,
      });
    } catch (e) {
      onError((e as Error).message);
    } finally {
      off();
      setBulk(null);
      onDone();
    }
  }
  async function cancel() {
    if (bulk?.phase !== 'merging') return setBulk(null);
    setBulk({ ...bulk, cancelling: true });
    await call('cancelBulkMerge', {});
  }
  return { bulk, plan, run, cancel };
}

const opLabel = (op: 'update' | 'delete' | 'merge' | 'link', n: number, vendor: string): string =>
  op === 'delete'
    ? `${n.toLocaleString()} DELETED at ${vendor}`
    : op === 'merge'
      ? `${n.toLocaleString()} merged by ${vendor} itself`
      : op === 'update'
        ? `${n.toLocaleString()} updated`
        : `${n.toLocaleString()} linked`;

/** The banner for the job in hand: the writes to confirm, then its progress. */
export function BulkMergeBanner({
  bulk,
  onConfirm,
  onCancel,
}: {
  bulk: Bulk;
  onConfirm: (plan: BulkMergePlan) => void;
  onCancel: () => void;
}) {
  // Starts hidden with each job: the banner is there only while one is.
  const [showDeletions, setShowDeletions] = useState(false);
  return (
    <div className="banner warn bulk-merge" role="dialog" aria-label="Merge all above the auto-link threshold" data-testid="bulk">
      {bulk.phase === 'planning' && <span>Working out what the merge will write…</span>}
      {bulk.phase === 'merging' && (
        <span className="bulk-progress">
          {bulk.cancelling ? 'Stopping after the batch in hand…' : 'Merging…'} {bulk.done.toLocaleString()} of {bulk.total.toLocaleString()}
          <progress max={bulk.total} value={bulk.done} aria-label="Bulk merge progress" />
        </span>
      )}
      {bulk.phase === 'confirm' && (
        <span>
          Merging {bulk.plan.clusters.toLocaleString()} clusters will write:
          <ul className="bulk-accounts">
            {bulk.plan.accounts.map((a) => (
              <li key={`${a.vendor}|${a.accountLabel}`}>
                <VendorBadge kind={a.vendor} /> <strong>{a.accountLabel}</strong>:{' '}
                {(['delete', 'merge', 'update', 'link'] as const)
                  .filter((op) => a[op] > 0)
                  .map((op) => (
                    <span key={op} className={op === 'delete' ? 'bulk-delete' : undefined}>
                      {opLabel(op, a[op], VENDOR_LABELS[a.vendor])}
                    </span>
                  ))
                  .reduce<React.ReactNode[]>((acc, x, i) => (i ? [...acc, ', ', x] : [x]), [])}
              </li>
            ))}
          </ul>
          {bulk.plan.deletionsTotal > 0 && (
            <button
              className="link"
              onClick={() => setShowDeletions((v) => !v)}
              aria-expanded={showDeletions}
              data-testid="bulk-deletions-toggle"
            >
              {showDeletions ? 'Hide' : 'Show'} the {bulk.plan.deletionsTotal.toLocaleString()} records to be deleted
            </button>
          )}
          {showDeletions && (
            <ul className="bulk-deletions" data-testid="bulk-deletions">
              {bulk.plan.deletions.map((d) => (
                <li key={`${d.vendor}|${d.remoteId}`}>
                  <VendorBadge kind={d.vendor} /> {d.name}{' '}
                  <span className="muted small">
                    {d.accountLabel} · {d.remoteId}
                  </span>
                </li>
              ))}
              {bulk.plan.deletionsTotal > bulk.plan.deletions.length && (
                <li className="muted">…and {(bulk.plan.deletionsTotal - bulk.plan.deletions.length).toLocaleString()} more</li>
              )}
            </ul>
          )}
        </span>
      )}
      <span className="spacer" />
      {bulk.phase === 'confirm' && (
        <button className="btn primary small" onClick={() => onConfirm(bulk.plan)} data-testid="bulk-confirm">
          Merge all {bulk.plan.clusters.toLocaleString()}
        </button>
      )}
      <button className="btn small" disabled={bulk.phase === 'merging' && bulk.cancelling} onClick={onCancel} data-testid="bulk-cancel">
        Cancel
      </button>
    </div>
  );
}
