// Duplicates: clusters best first; the records as cards side by side with fields in aligned
// rows (agreeing and differing cells marked), why they matched as a small bar picture, a pick
// per field for the golden record, the exact writes before anything is written, and undo.
// Keys: j/k move, m merge, n not the same, s skip.
// This is the frame: the header, the banners and what the parts share (the selection, the
// locks); the queue, the cluster, the bulk merge and the settings each keep their own state.
import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { EmptyState } from '../../components/EmptyState';
import { useDuplicateQueue } from '../../lib/duplicate-queue';
import { call } from '../../api';
import { useApp } from '../../store';
import { BulkMergeBanner, useBulkMerge } from './BulkMerge';
import { ClusterDetail, type Toast } from './ClusterDetail';
import { useGridOptions } from './ComparisonGrid';
import { QueueList, type QueueHandle } from './QueueList';
import { SettingsPanel } from './SettingsPanel';

export function DuplicatesView() {
  // Through a selector, like every view: a sync's progress events do not re-render the queue.
  const { contactsChanged, refreshStatus, contactsVersion, status, undoEntry, undone } = useApp(
    useShallow((s) => ({
      contactsChanged: s.contactsChanged,
      refreshStatus: s.refreshStatus,
      contactsVersion: s.contactsVersion,
      status: s.status,
      undoEntry: s.undo,
      undone: s.undone,
    })),
  );
  // The queue lives in the core; the window pages through it (see lib/duplicate-queue).
  const [order, setOrder] = useState<'best' | 'unsure'>('best');
  const queue = useDuplicateQueue(contactsVersion, order);
  const { total, reload } = queue;
  const [index, setIndex] = useState(0);
  // The index as it is now, for callbacks that must stay the same while it moves.
  const indexNow = useRef(index);
  useLayoutEffect(() => {
    indexNow.current = index;
  });
  const selectedId = (total ? queue.at(Math.min(index, total - 1))?.id : undefined) ?? null;
  const aheadId = queue.at(index + 1)?.id;
  const list = useRef<QueueHandle>(null);
  const grid = useGridOptions();
  const [busy, setBusy] = useState(false);
  const [scanning, setScanning] = useState(false);
  const [scanInfo, setScanInfo] = useState<string | null>(null);
  const [toast, setToast] = useState<Toast | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [relearned, setRelearned] = useState(0);
  // Bumped when what the cluster pane fetched may be stale (a scan, an undo, a bulk merge).
  const [epoch, setEpoch] = useState(0);
  const forget = useCallback(() => setEpoch((n) => n + 1), []);

  // Keep the selection on the queue when it shrinks under it.
  useEffect(() => {
    if (total != null && index > 0 && index >= total) setIndex(Math.max(0, total - 1));
  }, [total, index]);

  async function scan(full = false) {
    setScanning(true);
    try {
      const r = await call('scanDuplicates', full ? { full: true } : {});
      if (full) setRelearned((n) => n + 1);
      setScanInfo(
        `${r.records.toLocaleString()} records, ${r.comparisons.toLocaleString()} comparison${r.comparisons === 1 ? '' : 's'}, ${r.ms} ms`,
      );
      forget();
      setIndex(0);
      reload(0);
      void refreshStatus();
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setScanning(false);
    }
  }

  const bulkMerge = useBulkMerge({
    onToast: setToast,
    onError: setError,
    onDone: () => {
      forget();
      setIndex(0);
      reload(0);
      contactsChanged();
      void refreshStatus();
    },
  });
  const bulk = bulkMerge.bulk;

  // Undone elsewhere (Ctrl+Z, Activity): the banner no longer offers an undo that has happened,
  // and what the merge took out of the queue is back in it. Runs once per undo: it clears the
  // toast's undoId that made it run.
  const toastUndoId = toast?.undoId;
  useEffect(() => {
    if (toastUndoId == null || !undone.includes(toastUndoId)) return;
    setToast({ text: 'Undone.' });
    forget();
    reload(index);
  }, [undone, toastUndoId, forget, reload, index]);

  async function undo(id: number) {
    // A bulk merge is undone as a job in the core: its progress shows here while it runs.
    const off = window.api.on('bulkMergeProgress', (p) =>
      setToast({ text: `Undoing… ${p.done.toLocaleString()} of ${p.total.toLocaleString()}` }),
    );
    setToast({ text: 'Undoing…' }); // offers no undo while this one runs
    try {
      await undoEntry(id);
      setToast({ text: 'Undone.' });
    } catch (e) {
      setError((e as Error).message);
    }
    off();
    forget();
    reload(index);
    contactsChanged();
    void refreshStatus();
  }

  const onGone = useCallback(() => reload(indexNow.current), [reload]);
  const onResolved = () => {
    queue.remove(index);
    list.current?.focusSelected();
    void refreshStatus();
  };
  const autoCount = queue.autoLinkable;
  return (
    <section className="view duplicates-view">
      <header className="view-header">
        <h1>Duplicates</h1>
        <span className="result-count" data-testid="queue-count">
          {total == null ? '…' : `${total.toLocaleString()} to review`}
        </span>
        {scanInfo && <span className="muted small scan-info">{scanInfo}</span>}
        <span className="spacer" />
        <select
          value={order}
          onChange={(e) => (setOrder(e.target.value as 'best' | 'unsure'), setIndex(0))}
          aria-label="Queue order"
          data-testid="queue-order"
        >
          <option value="best">Best match first</option>
          <option value="unsure">Least certain first</option>
        </select>
        {autoCount > 0 && (
          <button className="btn" disabled={busy || !!bulk} onClick={() => void bulkMerge.plan()} data-testid="merge-all">
            Merge all {autoCount.toLocaleString()} above the auto-link threshold…
          </button>
        )}
        <button className="btn primary" disabled={scanning || !!bulk} onClick={() => void scan()} data-testid="scan">
          {scanning ? 'Scanning…' : 'Scan for duplicates'}
        </button>
      </header>
      <SettingsPanel refreshKey={`${contactsVersion}|${relearned}`} scanning={scanning} onRelearn={() => void scan(true)} />
      {(error || queue.error) && (
        <div className="banner error" role="alert">
          {error ?? queue.error}{' '}
          <button className="link" onClick={() => setError(null)}>
            Dismiss
          </button>
        </div>
      )}
      {bulk && <BulkMergeBanner bulk={bulk} onConfirm={(plan) => void bulkMerge.run(plan)} onCancel={() => void bulkMerge.cancel()} />}
      {toast && (
        <div className="banner ok" role="status" data-testid="toast">
          {toast.text}{' '}
          {toast.undoId != null && (
            <button className="link" onClick={() => void undo(toast.undoId!)} data-testid="undo">
              Undo
            </button>
          )}
        </div>
      )}
      {total === 0 ? (
        // Say what is true: scanning now, never scanned, or scanned and nothing found.
        <EmptyState
          icon="duplicates"
          title={scanning ? 'Scanning…' : status?.duplicates == null ? 'Not scanned yet' : 'No duplicates to review'}
          action={
            <button className="btn primary" onClick={() => void scan()} disabled={scanning}>
              {scanning ? 'Scanning…' : 'Scan now'}
            </button>
          }
        >
          {scanning
            ? 'Comparing every record with the ones that could be the same person; this takes a few seconds on a large store.'
            : status?.duplicates == null
              ? 'Every sync ends with a scan; none has run on this store yet.'
              : 'People who appear more than once, within a vendor or across vendors, queue here best match first.'}
        </EmptyState>
      ) : (
        <div className="split">
          <QueueList ref={list} queue={queue} index={index} onSelect={setIndex} bulk={!!bulk} />
          <div className="detail-pane">
            <ClusterDetail
              selectedId={selectedId}
              aheadId={aheadId}
              cacheKey={`${contactsVersion}|${epoch}`}
              busy={busy}
              setBusy={setBusy}
              bulk={!!bulk}
              grid={grid}
              onGone={onGone}
              onResolved={onResolved}
              onSkip={() => list.current?.moveTo(index + 1, true)}
              onToast={setToast}
              onError={setError}
            />
          </div>
        </div>
      )}
    </section>
  );
}
