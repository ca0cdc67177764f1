// Duplicates: clusters best first; the records as cards side by side with fields in aligned
// rows (agreeing and differing cells marked), why they matched as a small bar picture, a pick
// per field for the golden record, the exact writes before anything is written, and undo.
// Keys: j/k move, m merge, n not the same, s skip.
import { useVirtualizer } from '@tanstack/react-virtual';
import { isEditable } from '../lib/keys';
import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import type { BulkMergePlan, DuplicateCluster, MergePlan } from '../../../shared/contract';
import { VENDOR_LABELS } from '../../../shared/domain';
import { call } from '../api';
import { EmptyState } from '../components/EmptyState';
import { VendorBadge } from '../components/VendorBadge';
import { useDuplicateQueue } from '../lib/duplicate-queue';
import { MatchWeights } from './MatchWeights';
import { FIELD_ROWS, shortId } from '../lib/fields';
import { useShallow } from 'zustand/react/shallow';
import { useApp } from '../store';
import { Breakable } from '../components/Breakable';
import type { Output } from '../../../shared/contract';

const ROW_HEIGHT = 58;

type Bulk = { phase: 'planning' } | { phase: 'confirm'; plan: BulkMergePlan } | { phase: 'merging'; done: number; total: number; cancelling?: boolean };

export function DuplicatesView() {
  // Through a selector, like every view: a sync's progress events do not re-render the queue.
  const { contactsChanged, refreshStatus, contactsVersion, status, undoEntry, undone } = useApp(useShallow((s) => ({ contactsChanged: s.contactsChanged, refreshStatus: s.refreshStatus, contactsVersion: s.contactsVersion, status: s.status, undoEntry: s.undo, undone: s.undone })));
  // The queue lives in the core; the window pages through it (see lib/duplicate-queue).
  const [order, setOrder] = useState<'best' | 'unsure'>('best');
  const queue = useDuplicateQueue(contactsVersion, order);
  const { total, reload } = queue;
  const [index, setIndex] = useState(0);
  // The index as it is now, for effects keyed on something else that must not re-run when it moves.
  const indexNow = useRef(index);
  useLayoutEffect(() => {
    indexNow.current = index;
  });
  const selected = total ? queue.at(Math.min(index, total - 1)) : undefined;
  const [current, setCurrent] = useState<DuplicateCluster | null>(null);
  const [picks, setPicks] = useState<Record<string, string>>({});
  const [plan, setPlan] = useState<MergePlan | null>(null);
  const [busy, setBusy] = useState(false);
  const [scanning, setScanning] = useState(false);
  const [scanInfo, setScanInfo] = useState<string | null>(null);
  const [toast, setToast] = useState<{ text: string; undoId?: number | null } | null>(null);
  const [error, setError] = useState<string | null>(null);

  // Keep the selection on the queue when it shrinks under it.
  useEffect(() => {
    if (total != null && index > 0 && index >= total) setIndex(Math.max(0, total - 1));
  }, [total, index]);

  // The selected cluster in full, and the next one fetched ahead so j answers at once.
  const details = useRef(new Map<string, DuplicateCluster>());
  // Plans without picks, fetched with the cluster ahead: the preview is there when j lands.
  const plans = useRef(new Map<string, MergePlan>());
  const forget = useCallback(() => {
    details.current.clear();
    plans.current.clear();
  }, []);
  // The contacts changed: what was fetched may say otherwise now.
  useEffect(() => forget(), [contactsVersion, forget]);
  const fetchPlan = useCallback((id: string): Promise<MergePlan> => {
    const have = plans.current.get(id);
    if (have) return Promise.resolve(have);
    return call('planMerge', { clusterId: id, picks: {} }).then((p) => (plans.current.set(id, p), p));
  }, []);
  const fetchCluster = useCallback((id: string): Promise<DuplicateCluster | null> => {
    const have = details.current.get(id);
    if (have) return Promise.resolve(have);
    return call('getDuplicate', { id }).then((c) => (c && details.current.set(id, c), c));
  }, []);
  const selectedId = selected?.id ?? null;
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
          else reload(indexNow.current); // gone since the page was read: the queue moved on
        },
        (e: Error) => live && setError(e.message),
      );
    return () => {
      live = false;
    };
  }, [selectedId, reload, fetchCluster]);
  // The next cluster fetched ahead, with its plan, so j answers at once.
  const aheadId = queue.at(index + 1)?.id;
  useEffect(() => {
    if (aheadId) void fetchCluster(aheadId).then(() => fetchPlan(aheadId)).catch(() => {});
  }, [aheadId, fetchCluster, fetchPlan]);
  const shown = current && current.id === selectedId ? current : null;
  useEffect(() => {
    if (!shown) return setPlan(null);
    let live = true;
    const none = Object.keys(picks).length === 0;
    (none ? fetchPlan(shown.id) : call('planMerge', { clusterId: shown.id, picks })).then((p) => live && setPlan(p), (e: Error) => live && setError(e.message));
    return () => {
      live = false;
    };
  }, [shown, picks, fetchPlan]);

  const [relearned, setRelearned] = useState(0);
  async function scan(full = false) {
    setScanning(true);
    try {
      const r = await call('scanDuplicates', full ? { full: true } : {});
      if (full) setRelearned((n) => n + 1);
      setScanInfo(`${r.records.toLocaleString()} records, ${r.comparisons.toLocaleString()} comparison${r.comparisons === 1 ? "" : "s"}, ${r.ms} ms`);
      forget();
      setIndex(0);
      queue.reload(0);
      void refreshStatus();
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setScanning(false);
    }
  }

  async function act(kind: 'merge' | 'dismiss' | 'skip') {
    if (!shown || busy) return;
    if (kind === 'skip') return moveTo(index + 1, true);
    setBusy(true);
    try {
      if (kind === 'merge') {
        const r = await call('mergeDuplicates', { clusterId: shown.id, picks });
        setToast({ text: `Merged ${shown.records.length} records into one person; the writes go out at the next sync.`, undoId: r.mergeId });
      } else {
        const r = await call('dismissDuplicates', { clusterId: shown.id });
        setToast({ text: 'Remembered as different people.', undoId: r.dismissId });
      }
      // In place: the row goes, the next one slides under the selection.
      details.current.delete(shown.id);
      plans.current.delete(shown.id);
      queue.remove(index);
      focusAfter.current = true;
      void refreshStatus();
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  }

  // Bulk merge: the core works out every write first (deletions named, by vendor account);
  // once confirmed it merges as one job with progress, a Cancel and one undo for all of it.
  const [bulk, setBulk] = useState<Bulk | null>(null);
  const [showDeletions, setShowDeletions] = useState(false);
  async function planBulk() {
    setBulk({ phase: 'planning' });
    setShowDeletions(false);
    try {
      setBulk({ phase: 'confirm', plan: await call('planBulkMerge', {}) });
    } catch (e) {
      setError((e as Error).message);
      setBulk(null);
    }
  }
  async function runBulk(plan: BulkMergePlan) {
    setBulk({ phase: 'merging', done: 0, total: plan.clusters });
    const off = window.api.on('bulkMergeProgress', (p) => setBulk((b) => (b?.phase === 'merging' ? { ...b, done: p.done, total: p.total } : b)));
    try {
      const r = await call('bulkMerge', { expected: plan.clusters });
      setToast({ text: `Merged ${r.merged.toLocaleString()} of ${r.total.toLocaleString()} clusters above the auto-link threshold${r.cancelled ? ' (cancelled; the rest are still in the queue)' : ''}. The writes go out at the next sync; one undo takes back all of them.`, undoId: r.bulkId });
    } catch (e) {
      setError((e as Error).message);
    } finally {
      off();
      setBulk(null);
      forget();
      setIndex(0);
      queue.reload(0);
      contactsChanged();
      void refreshStatus();
    }
  }
  async function cancelBulk() {
    if (bulk?.phase !== 'merging') return setBulk(null);
    setBulk({ ...bulk, cancelling: true });
    await call('cancelBulkMerge', {});
  }

  // Undone elsewhere (Ctrl+Z, Activity): the banner no longer offers an undo that has happened,
  // and what the merge took out of the queue is back in it.
  // Runs at most once per undo: it clears the toast's undoId that made it run.
  const toastUndoId = toast?.undoId;
  useEffect(() => {
    if (toastUndoId == null || !undone.includes(toastUndoId)) return;
    setToast({ text: 'Undone.' });
    forget();
    reload(index);
  }, [undone, toastUndoId, forget, reload, index]);

  async function undo(id: number) {
    // A bulk merge is undone as a job in the core: its progress shows here while it runs.
    const off = window.api.on('bulkMergeProgress', (p) => setToast({ text: `Undoing… ${p.done.toLocaleString()} of ${p.total.toLocaleString()}` }));
    setToast({ text: 'Undoing…' }); // offers no undo while this one runs
    try {
      await undoEntry(id);
      setToast({ text: 'Undone.' });
    } catch (e) {
      setError((e as Error).message);
    }
    off();
    forget();
    queue.reload(index);
    contactsChanged();
    void refreshStatus();
  }

  // The queue list is virtual: a few dozen rows exist at a time, whatever the queue's length.
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({ count: total ?? 0, getScrollElement: () => scrollRef.current, estimateSize: () => ROW_HEIGHT, overscan: 10 });
  const visible = virtualizer.getVirtualItems();
  useEffect(() => {
    if (visible.length) queue.ensure(visible[0]!.index, visible[visible.length - 1]!.index);
  });
  const focusAfter = useRef(false);
  const moveTo = (to: number, focus: boolean) => {
    if (!total) return;
    const i = Math.max(0, Math.min(total - 1, to));
    focusAfter.current = focus;
    setIndex(i);
    virtualizer.scrollToIndex(i, { align: 'auto' });
  };
  // Focus follows the selection when it was in the queue (it never drops to the page); in a
  // layout effect, so it moves in the same frame as the selection.
  useLayoutEffect(() => {
    if (!focusAfter.current) return;
    const el = scrollRef.current?.querySelector<HTMLElement>(`[data-index="${index}"]`);
    if (!el) return;
    focusAfter.current = false;
    el.focus({ preventScroll: true });
  });

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (isEditable(e.target) || e.ctrlKey || e.metaKey || e.altKey || bulk) return;
      if (!total) return;
      const inQueue = !!scrollRef.current?.contains(e.target as Node);
      const to = (n: number) => {
        e.preventDefault();
        moveTo(n, inQueue || document.activeElement === document.body);
      };
      if (e.key === 'j' || (inQueue && e.key === 'ArrowDown')) to(index + 1);
      else if (e.key === 'k' || (inQueue && e.key === 'ArrowUp')) to(index - 1);
      else if (inQueue && e.key === 'Home') to(0);
      else if (inQueue && e.key === 'End') to(total - 1);
      else if (!inQueue && shown && (e.key === 'ArrowDown' || e.key === 'ArrowUp')) {
        // Across the grid: ↑/↓ choose a field, 1…9 pick that record's value for it (no Tab marathon).
        e.preventDefault();
        const at = rows.findIndex((r) => r.field === activeField);
        const next = rows[Math.max(0, Math.min(rows.length - 1, at + (e.key === 'ArrowDown' ? 1 : -1)))];
        if (next) setActiveField(next.field);
      } else if (shown && activeField && /^[1-9]$/.test(e.key)) {
        const rec = shown.records[Number(e.key) - 1];
        const row = rows.find((r) => r.field === activeField);
        if (rec && row && row.show(rec.contact[row.field])) {
          e.preventDefault();
          setPicks(picks[activeField] === rec.recordId ? Object.fromEntries(Object.entries(picks).filter(([f]) => f !== activeField)) : { ...picks, [activeField]: rec.recordId });
        }
      } else if (e.key === 'm') void act('merge');
      else if (e.key === 'n') void act('dismiss');
      else if (e.key === 's') void act('skip');
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });

  const autoCount = queue.autoLinkable;
  const [differencesOnly, setDifferencesOnly] = useState(false);
  const [activeField, setActiveField] = useState<string | null>(null);
  const allRows = shown ? FIELD_ROWS.filter((r) => shown.records.some((rec) => r.show(rec.contact[r.field]))) : [];
  // "Differences only": rows where the records do not all say the same thing.
  const differs = (r: (typeof FIELD_ROWS)[number]): boolean => new Set(shown!.records.map((rec) => r.show(rec.contact[r.field]).toLowerCase())).size > 1;
  const rows = differencesOnly ? allRows.filter(differs) : allRows;
  const opLabel = (op: 'update' | 'delete' | 'merge' | 'link', n: number, vendor: string): string =>
    op === 'delete' ? `${n.toLocaleString()} DELETED at ${vendor}` : op === 'merge' ? `${n.toLocaleString()} merged by ${vendor} itself` : op === 'update' ? `${n.toLocaleString()} updated` : `${n.toLocaleString()} linked`;
  return (
    <section className="view duplicates-view">
      <header className="view-header">
        <h1>Duplicates</h1>
        <span className="result-count" data-testid="queue-count">{total == null ? '…' : `${total.toLocaleString()} to review`}</span>
        {scanInfo && <span className="muted small scan-info">{scanInfo}</span>}
        <span className="spacer" />
        <select value={order} onChange={(e) => (setOrder(e.target.value as 'best' | 'unsure'), setIndex(0))} aria-label="Queue order" data-testid="queue-order">
          <option value="best">Best match first</option>
          <option value="unsure">Least certain first</option>
        </select>
        {autoCount > 0 && <button className="btn" disabled={busy || !!bulk} onClick={() => void planBulk()} data-testid="merge-all">Merge all {autoCount.toLocaleString()} above the auto-link threshold…</button>}
        <button className="btn primary" disabled={scanning || !!bulk} onClick={() => void scan()} data-testid="scan">{scanning ? 'Scanning…' : 'Scan for duplicates'}</button>
      </header>
      <details className="weights-panel" data-testid="match-weights-panel">
        <summary>How matching weighs each field — learnt from this store</summary>
        <LinkSettings refreshKey={`${contactsVersion}|${relearned}`} />
        <MatchWeights refreshKey={`${contactsVersion}|${relearned}`} />
        <p className="small muted">
          The weights are estimated again at every full scan, with your merges and &ldquo;not the same&rdquo; answers as labels (the least certain clusters teach it most).{' '}
          <button className="link" disabled={scanning} onClick={() => void scan(true)} data-testid="relearn">{scanning ? 'Scanning…' : 'Re-estimate now (full scan)'}</button>
        </p>
      </details>
      {(error || queue.error) && <div className="banner error" role="alert">{error ?? queue.error} <button className="link" onClick={() => setError(null)}>Dismiss</button></div>}
      {bulk && (
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
                    {(['delete', 'merge', 'update', 'link'] as const).filter((op) => a[op] > 0).map((op) => <span key={op} className={op === 'delete' ? 'bulk-delete' : undefined}>{opLabel(op, a[op], VENDOR_LABELS[a.vendor])}</span>).reduce<React.ReactNode[]>((acc, x, i) => (i ? [...acc, ', ', x] : [x]), [])}
                  </li>
                ))}
              </ul>
              {bulk.plan.deletionsTotal > 0 && (
                <button className="link" onClick={() => setShowDeletions((v) => !v)} aria-expanded={showDeletions} data-testid="bulk-deletions-toggle">
                  {showDeletions ? 'Hide' : 'Show'} the {bulk.plan.deletionsTotal.toLocaleString()} records to be deleted
                </button>
              )}
              {showDeletions && (
                <ul className="bulk-deletions" data-testid="bulk-deletions">
                  {bulk.plan.deletions.map((d) => (
                    <li key={`${d.vendor}|${d.remoteId}`}><VendorBadge kind={d.vendor} /> {d.name} <span className="muted small">{d.accountLabel} · {d.remoteId}</span></li>
                  ))}
                  {bulk.plan.deletionsTotal > bulk.plan.deletions.length && <li className="muted">…and {(bulk.plan.deletionsTotal - bulk.plan.deletions.length).toLocaleString()} more</li>}
                </ul>
              )}
            </span>
          )}
          <span className="spacer" />
          {bulk.phase === 'confirm' && <button className="btn primary small" onClick={() => void runBulk(bulk.plan)} data-testid="bulk-confirm">Merge all {bulk.plan.clusters.toLocaleString()}</button>}
          <button className="btn small" disabled={bulk.phase === 'merging' && bulk.cancelling} onClick={() => void cancelBulk()} data-testid="bulk-cancel">Cancel</button>
        </div>
      )}
      {toast && (
        <div className="banner ok" role="status" data-testid="toast">
          {toast.text} {toast.undoId != null && <button className="link" onClick={() => void undo(toast.undoId!)} data-testid="undo">Undo</button>}
        </div>
      )}
      {total === 0 ? (
        // Say what is true: scanning now, never scanned, or scanned and nothing found.
        <EmptyState
          icon="duplicates"
          title={scanning ? 'Scanning…' : status?.duplicates == null ? 'Not scanned yet' : 'No duplicates to review'}
          action={<button className="btn primary" onClick={() => void scan()} disabled={scanning}>{scanning ? 'Scanning…' : 'Scan now'}</button>}
        >
          {scanning
            ? 'Comparing every record with the ones that could be the same person; this takes a few seconds on a large store.'
            : status?.duplicates == null
              ? 'Every sync ends with a scan; none has run on this store yet.'
              : 'People who appear more than once, within a vendor or across vendors, queue here best match first.'}
        </EmptyState>
      ) : (
        <div className="split">
          <div className="queue" aria-label="Duplicate clusters" role="listbox" ref={scrollRef} data-testid="duplicate-queue">
            <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
              {visible.map((v) => {
                const c = queue.at(v.index);
                const sel = v.index === index;
                return (
                  // Roving tabindex: the queue is one tab stop, at the selected cluster.
                  <button
                    key={v.index /* by position: a row that was loading keeps its element (and focus) when it arrives */}
                    className={`queue-item${sel ? ' selected' : ''}`}
                    style={{ position: 'absolute', top: 0, left: 0, right: 0, height: ROW_HEIGHT, transform: `translateY(${v.start}px)` }}
                    onClick={() => moveTo(v.index, true)}
                    role="option"
                    aria-selected={sel}
                    aria-setsize={total ?? 0}
                    aria-posinset={v.index + 1}
                    tabIndex={sel ? 0 : -1}
                    data-index={v.index}
                    data-cluster={c?.id}
                  >
                    {c ? (
                      <span className="queue-main">
                        <span className="queue-title">{c.names.join(' / ')}</span>
                        <span className="queue-sub">
                          {c.vendors.map((k, i) => <VendorBadge key={i} kind={k} />)} <span className="score-bar" style={{ width: `${Math.min(100, (c.score / 30) * 100)}%` }} /> {c.score}
                          {c.auto && <span className="pill pill-online">auto</span>}
                        </span>
                      </span>
                    ) : (
                      <span className="queue-main muted">…</span>
                    )}
                  </button>
                );
              })}
            </div>
          </div>
          <div className="detail-pane">
            {shown && (
              <div className="cluster" data-testid="cluster" data-cluster={shown.id}>
                <div className="cluster-head">
                  <h2 className="person-name">{shown.records[0]!.name}</h2>
                  <span className="muted">score {shown.score} · {Math.round(shown.confidence * 100)}% sure</span>
                  <span className="spacer" />
                  <button className="btn primary" disabled={busy || !!bulk} onClick={() => void act('merge')} title="m">Merge <kbd>m</kbd></button>
                  <button className="btn" disabled={busy || !!bulk} onClick={() => void act('dismiss')} title="n">Not the same <kbd>n</kbd></button>
                  <button className="btn" disabled={busy || !!bulk} onClick={() => void act('skip')} title="s">Skip <kbd>s</kbd></button>
                </div>
                <label className="small muted differences-only">
                  <input type="checkbox" checked={differencesOnly} onChange={(e) => setDifferencesOnly(e.target.checked)} /> Differences only ({allRows.filter(differs).length} of {allRows.length} fields)
                </label>
                <div className="cards" role="table" aria-label="Records side by side" style={{ gridTemplateColumns: `110px repeat(${shown.records.length}, minmax(160px, 1fr))` }}>
                  <div role="columnheader" className="cards-corner">Field</div>
                  {shown.records.map((r) => (
                    <div role="columnheader" key={r.recordId} className="card-col-head" title={`${r.accountLabel} · ${r.remoteId ?? 'not yet created'}`}>
                      <VendorBadge kind={r.vendor} /> {VENDOR_LABELS[r.vendor]} <span className="muted small">{shortId(r.remoteId)}</span>
                    </div>
                  ))}
                  {rows.map((row) => {
                    const values = shown.records.map((r) => row.show(r.contact[row.field]));
                    const filled = values.filter(Boolean);
                    const agree = filled.length > 1 && filled.every((v) => v.toLowerCase() === filled[0]!.toLowerCase());
                    const pickedId = picks[row.field];
                    return [
                      <div role="rowheader" key={`${row.field}-h`} className={`field-label${activeField === row.field ? ' active' : ''}`} onClick={() => setActiveField(row.field)}>{row.label}</div>,
                      ...shown.records.map((r, i) => {
                        const v = values[i]!;
                        const picked = pickedId === r.recordId;
                        const cls = !v ? 'empty' : agree ? 'agree' : filled.length > 1 ? 'differ' : '';
                        return (
                          <button
                            role="cell"
                            key={`${row.field}-${r.recordId}`}
                            className={`cell ${cls}${picked ? ' picked' : ''}`}
                            disabled={!v}
                            onClick={() => setPicks(picked ? Object.fromEntries(Object.entries(picks).filter(([f]) => f !== row.field)) : { ...picks, [row.field]: r.recordId })}
                            title={v ? (picked ? 'Picked for the golden record (click to unpick)' : 'Use this value for everyone') : undefined}
                            data-field={row.field}
                          >
                            {v ? <Breakable text={v} /> : '—'}
                          </button>
                        );
                      }),
                    ];
                  })}
                </div>
                <div className="why">
                  <h3>Why they matched</h3>
                  <ul className="reasons">
                    {shown.reasons.map((r) => (
                      <li key={r.code + r.text}>
                        <span className="reason-bar" aria-hidden="true">
                          <span className={r.weight >= 0 ? 'pos' : 'neg'} style={{ width: `${Math.min(100, Math.abs(r.weight) * 8)}%` }} />
                        </span>
                        <span className="reason-weight">{r.weight > 0 ? '+' : ''}{r.weight}</span>
                        <span>{r.text}</span>
                      </li>
                    ))}
                  </ul>
                </div>
                {plan && (
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
                              {few && <span className="flag small" title="Most records say otherwise: check before merging" data-testid="minority-flag"> ⚑ {few.held} of {few.of} records</span>}
                            </dd>
                          </div>
                        );
                      })}
                    </dl>
                  </div>
                )}
                {plan && (
                  <div className="preview" aria-label="Write preview" data-cluster={plan.clusterId}>
                    <h3>Merging will</h3>
                    <ul>
                      {plan.writes.map((w) => (
                        <li key={w.recordId} className={`write-${w.op}`}>
                          <VendorBadge kind={w.vendor} /> <strong>{w.op === 'link' ? 'link' : w.op}</strong> {w.remoteId ?? ''} — {w.note}
                          {w.fields && Object.keys(w.fields).length > 0 && (
                            <span className="muted">: {Object.entries(w.fields).map(([f, v]) => `${FIELD_ROWS.find((x) => x.field === f)?.label ?? f} = ${FIELD_ROWS.find((x) => x.field === f)?.show(v) ?? String(v)}`).join('; ')}</span>
                          )}
                        </li>
                      ))}
                    </ul>
                  </div>
                )}
              </div>
            )}
          </div>
        </div>
      )}
    </section>
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
        {s.expectedPrecision != null && <> At the review line the model expects {pct(s.expectedPrecision)} of what it shows to be one person, and to find {pct(s.expectedRecall)} of them.</>}
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
