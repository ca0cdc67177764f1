// The selected cluster in full: fetched with the next one ahead (and its plan) so j answers at
// once; the picks for the golden record, the plan they make, and merge / not the same / skip
// (m, n, s).
import { useCallback, useEffect, useRef, useState } from 'react';
import type { DuplicateCluster, MergePlan } from '../../../../shared/contract';
import { call } from '../../api';
import { ComparisonGrid, type GridOptions, type Picks } from './ComparisonGrid';
import { ignoredKey } from './keys';
import { MergePreview, WhyMatched } from './MergePreview';

export type Toast = { text: string; undoId?: number | null };

type Props = {
  selectedId: string | null;
  aheadId: string | undefined;
  /** Changes when what was fetched may be stale (contacts changed, a scan, an undo, a bulk merge). */
  cacheKey: string;
  busy: boolean;
  setBusy: (busy: boolean) => void;
  bulk: boolean;
  grid: GridOptions;
  /** The selected cluster is gone since its page was read: the queue moved on. */
  onGone: () => void;
  /** Merged or dismissed here: its row goes, the next slides under the selection. */
  onResolved: () => void;
  onSkip: () => void;
  onToast: (toast: Toast) => void;
  onError: (message: string) => void;
};

// A few clusters and plans, the selected one and the one ahead among them: enough for j and k to
// answer at once, not a second copy of the queue (that one is the core's).
const HELD = 8;
function hold<T>(m: Map<string, T>, id: string, v: T): void {
  m.delete(id);
  m.set(id, v);
  if (m.size > HELD) m.delete(m.keys().next().value!);
}

export function ClusterDetail({
  selectedId,
  aheadId,
  cacheKey,
  busy,
  setBusy,
  bulk,
  grid,
  onGone,
  onResolved,
  onSkip,
  onToast,
  onError,
}: Props) {
  const [current, setCurrent] = useState<DuplicateCluster | null>(null);
  const [picks, setPicks] = useState<Picks>({});
  const [plan, setPlan] = useState<MergePlan | null>(null);

  const details = useRef(new Map<string, DuplicateCluster>());
  // Plans without picks, fetched with the cluster ahead: the preview is there when j lands.
  const plans = useRef(new Map<string, MergePlan>());
  // Before the fetches below, so they never answer from what is stale now.
  useEffect(() => {
    details.current.clear();
    plans.current.clear();
  }, [cacheKey]);
  const fetchPlan = useCallback((id: string): Promise<MergePlan> => {
    const have = plans.current.get(id);
    if (have) return Promise.resolve(have);
    return call('planMerge', { clusterId: id, picks: {} }).then((p) => (hold(plans.current, id, p), p));
  }, []);
  const fetchCluster = useCallback((id: string): Promise<DuplicateCluster | null> => {
    const have = details.current.get(id);
    if (have) return Promise.resolve(have);
    return call('getDuplicate', { id }).then((c) => (c && hold(details.current, id, c), c));
  }, []);

  useEffect(() => setPicks({}), [selectedId]);
  useEffect(() => {
    if (!selectedId) return setCurrent(null);
    let live = true;
    const have = details.current.get(selectedId);
    if (have) setCurrent(have);
    else
      fetchCluster(selectedId).then(
        (c) => {
          if (!live) return;
          if (c) setCurrent(c);
          else onGone();
        },
        (e: Error) => live && onError(e.message),
      );
    return () => {
      live = false;
    };
  }, [selectedId, fetchCluster, onGone, onError]);
  useEffect(() => {
    if (aheadId)
      void fetchCluster(aheadId)
        .then(() => fetchPlan(aheadId))
        .catch(() => {});
  }, [aheadId, fetchCluster, fetchPlan]);
  const shown = current && current.id === selectedId ? current : null;
  useEffect(() => {
    if (!shown) return setPlan(null);
    let live = true;
    const none = Object.keys(picks).length === 0;
    (none ? fetchPlan(shown.id) : call('planMerge', { clusterId: shown.id, picks })).then(
      (p) => live && setPlan(p),
      (e: Error) => live && onError(e.message),
    );
    return () => {
      live = false;
    };
  }, [shown, picks, fetchPlan, onError]);

  async function act(kind: 'merge' | 'dismiss' | 'skip') {
    if (!shown || busy) return;
    if (kind === 'skip') return onSkip();
    setBusy(true);
    try {
      if (kind === 'merge') {
        const r = await call('mergeDuplicates', { clusterId: shown.id, picks });
        onToast({ text: `Merged ${shown.records.length} records into one person; the writes go out at the next sync.`, undoId: r.mergeId });
      } else {
        const r = await call('dismissDuplicates', { clusterId: shown.id });
        onToast({ text: 'Remembered as different people.', undoId: r.dismissId });
      }
      details.current.delete(shown.id);
      plans.current.delete(shown.id);
      onResolved();
    } catch (e) {
      onError((e as Error).message);
    } finally {
      setBusy(false);
    }
  }

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (ignoredKey(e, bulk)) return;
      if (e.key === 'm') void act('merge');
      else if (e.key === 'n') void act('dismiss');
      else if (e.key === 's') void act('skip');
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });

  const togglePick = (field: string, recordId: string) =>
    setPicks((p) =>
      p[field] === recordId ? Object.fromEntries(Object.entries(p).filter(([f]) => f !== field)) : { ...p, [field]: recordId },
    );
  if (!shown) return null;
  return (
    <div className="cluster" data-testid="cluster" data-cluster={shown.id}>
      <div className="cluster-head">
        <h2 className="person-name">{shown.records[0]!.name}</h2>
        <span className="muted">
          score {shown.score} · {Math.round(shown.confidence * 100)}% sure
        </span>
        <span className="spacer" />
        <button className="btn primary" disabled={busy || bulk} onClick={() => void act('merge')} title="m">
          Merge <kbd>m</kbd>
        </button>
        <button className="btn" disabled={busy || bulk} onClick={() => void act('dismiss')} title="n">
          Not the same <kbd>n</kbd>
        </button>
        <button className="btn" disabled={busy || bulk} onClick={() => void act('skip')} title="s">
          Skip <kbd>s</kbd>
        </button>
      </div>
      <ComparisonGrid cluster={shown} picks={picks} onPick={togglePick} options={grid} bulk={bulk} />
      <WhyMatched reasons={shown.reasons} />
      {plan && <MergePreview plan={plan} />}
    </div>
  );
}
