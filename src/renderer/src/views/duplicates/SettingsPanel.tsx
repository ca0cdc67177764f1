// How matching works on this store, folded away under the header: the model's lines, the switch
// for links after each sync, the match weights, and a full scan to estimate them again.
import { useEffect, useState } from 'react';
import type { Output } from '../../../../shared/contract';
import { call } from '../../api';
import { MatchWeights } from '../MatchWeights';

export function SettingsPanel({ refreshKey, scanning, onRelearn }: { refreshKey: string; scanning: boolean; onRelearn: () => void }) {
  return (
    <details className="weights-panel" data-testid="match-weights-panel">
      <summary>How matching weighs each field — learnt from this store</summary>
      <LinkSettings refreshKey={refreshKey} />
      <MatchWeights refreshKey={refreshKey} />
      <p className="small muted">
        The weights are estimated again at every full scan, with your merges and &ldquo;not the same&rdquo; answers as labels (the least
        certain clusters teach it most).{' '}
        <button className="link" disabled={scanning} onClick={onRelearn} data-testid="relearn">
          {scanning ? 'Scanning…' : 'Re-estimate now (full scan)'}
        </button>
      </p>
    </details>
  );
}

/**
 * The lines the model drew for this store, with what it expects of them, and the choice to let
 * each sync link the people it is near-certain about.
 */
function LinkSettings({ refreshKey }: { refreshKey: string }) {
  const [s, setS] = useState<Output<'getDuplicateSettings'> | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    call('getDuplicateSettings', {}).then(setS, (e: Error) => setError(e.message));
  }, [refreshKey]);
  if (error) return <p className="small error-text">{error}</p>;
  if (!s) return null;
  const pct = (x: number | null) => (x == null ? '—' : `${(x * 100).toFixed(1)} %`);
  return (
    <div className="link-settings small">
      <p className="muted" data-testid="model-lines">
        Shown for review from {s.review} bits; near-certain from {s.autoLink} bits.
        {s.expectedPrecision != null && (
          <>
            {' '}
            At the review line the model expects {pct(s.expectedPrecision)} of what it shows to be one person, and to find{' '}
            {pct(s.expectedRecall)} of them.
          </>
        )}
      </p>
      <label className="check">
        <input
          type="checkbox"
          data-testid="link-after-sync"
          checked={s.linkAfterSync}
          onChange={(e) => {
            const on = e.target.checked;
            setS({ ...s, linkAfterSync: on }); // at once; put back if the core refuses
            call('setLinkAfterSync', { on }).catch((err: Error) => (setS({ ...s, linkAfterSync: !on }), setError(err.message)));
          }}
        />
        After each sync, link the people the model is near-certain about (one person in Concord; nothing is sent to a vendor; one undo)
      </label>
    </div>
  );
}
