// Duplicates: clusters best first; the records as cards side by side with fields in aligned
// rows (agreeing and differing cells marked), why they matched as a small bar picture, a pick
// per field for the golden record, the exact writes before anything is written, and undo.
// Keys: j/k move, m merge, n not the same, s skip.
import { isEditable } from '../lib/keys';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { DuplicateCluster, MergePlan } from '../../../shared/contract';
import { VENDOR_LABELS } from '../../../shared/domain';
import { call } from '../api';
import { EmptyState } from '../components/EmptyState';
import { VendorBadge } from '../components/VendorBadge';
import { FIELD_ROWS, shortId } from '../lib/fields';
import { useApp } from '../store';

export function DuplicatesView() {
  const { contactsChanged, refreshStatus, contactsVersion, status } = useApp();
  const [clusters, setClusters] = useState<DuplicateCluster[] | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [picks, setPicks] = useState<Record<string, string>>({});
  const [plan, setPlan] = useState<MergePlan | null>(null);
  const [busy, setBusy] = useState(false);
  const [scanInfo, setScanInfo] = useState<string | null>(null);
  const [toast, setToast] = useState<{ text: string; undoId?: number } | null>(null);
  const [error, setError] = useState<string | null>(null);

  const apply = useCallback((list: DuplicateCluster[]) => {
    setClusters(list);
    setSelected((cur) => (cur && list.some((c) => c.id === cur) ? cur : (list[0]?.id ?? null)));
  }, []);
  useEffect(() => {
    call('listDuplicates', {}).then(apply, (e: Error) => setError(e.message));
  }, [apply, contactsVersion]);

  const current = clusters?.find((c) => c.id === selected) ?? null;
  useEffect(() => setPicks({}), [selected]);
  useEffect(() => {
    if (!current) return setPlan(null);
    let live = true;
    call('planMerge', { clusterId: current.id, picks }).then((p) => live && setPlan(p), (e: Error) => live && setError(e.message));
    return () => {
      live = false;
    };
  }, [current, picks]);

  async function scan() {
    setBusy(true);
    try {
      const r = await call('scanDuplicates', {});
      setScanInfo(`${r.records.toLocaleString()} records, ${r.comparisons.toLocaleString()} comparisons, ${r.ms} ms`);
      apply(r.clusters);
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  }

  const next = useCallback(
    (from: string | null, list: DuplicateCluster[] | null) => {
      if (!list?.length) return null;
      const i = list.findIndex((c) => c.id === from);
      return list[Math.min(list.length - 1, i + 1)]?.id ?? null;
    },
    [],
  );

  async function act(kind: 'merge' | 'dismiss' | 'skip', cluster = current) {
    if (!cluster || busy) return;
    if (kind === 'skip') return setSelected(next(cluster.id, clusters));
    setBusy(true);
    try {
      if (kind === 'merge') {
        const r = await call('mergeDuplicates', { clusterId: cluster.id, picks });
        setToast({ text: `Merged ${cluster.records.length} records into one person; the writes go out at the next sync.`, undoId: r.mergeId });
      } else {
        const r = await call('dismissDuplicates', { clusterId: cluster.id });
        setToast({ text: 'Remembered as different people.', undoId: r.dismissId });
      }
      const rest = (clusters ?? []).filter((c) => c.id !== cluster.id);
      const idx = (clusters ?? []).findIndex((c) => c.id === cluster.id);
      setClusters(rest);
      setSelected(rest[Math.min(idx, rest.length - 1)]?.id ?? null);
      contactsChanged();
      void refreshStatus();
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  }

  // Bulk merge: first work out and show every write it will make (deletions by vendor above
  // all), then merge with progress and a Cancel that stops after the cluster in hand.
  const [bulk, setBulk] = useState<null | { phase: 'planning' | 'confirm' | 'merging'; total: number; done: number; clusters: DuplicateCluster[]; writes: Record<string, Record<string, number>> }>(null);
  const cancelBulk = useRef(false);
  async function acceptAllAuto() {
    const auto = (clusters ?? []).filter((c) => c.auto);
    cancelBulk.current = false;
    const writes: Record<string, Record<string, number>> = {};
    setBulk({ phase: 'planning', total: auto.length, done: 0, clusters: auto, writes });
    try {
      for (const [i, c] of auto.entries()) {
        if (cancelBulk.current) return setBulk(null);
        const p = await call('planMerge', { clusterId: c.id, picks: {} });
        for (const w of p.writes) {
          const byOp = (writes[VENDOR_LABELS[w.vendor]] ??= {});
          byOp[w.op] = (byOp[w.op] ?? 0) + 1;
        }
        setBulk({ phase: 'planning', total: auto.length, done: i + 1, clusters: auto, writes: { ...writes } });
      }
      setBulk({ phase: 'confirm', total: auto.length, done: 0, clusters: auto, writes });
    } catch (e) {
      setError((e as Error).message);
      setBulk(null);
    }
  }

  async function runBulk() {
    if (!bulk) return;
    cancelBulk.current = false;
    setBusy(true);
    let n = 0;
    try {
      for (const c of bulk.clusters) {
        if (cancelBulk.current) break;
        await call('mergeDuplicates', { clusterId: c.id, picks: {} });
        n++;
        setBulk((b) => (b ? { ...b, phase: 'merging', done: n } : b));
      }
      setToast({ text: `Merged ${n} of ${bulk.clusters.length} clusters above the auto-link threshold${n < bulk.clusters.length ? ' (cancelled)' : ''}; each can be undone from Activity. The writes go out at the next sync.` });
      apply(await call('listDuplicates', {}));
      contactsChanged();
      void refreshStatus();
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
      setBulk(null);
    }
  }

  async function undo(id: number) {
    await call('undoJournal', { id });
    setToast({ text: 'Undone.' });
    apply(await call('listDuplicates', {}));
    contactsChanged();
    void refreshStatus();
  }

  const queueRef = useRef<HTMLUListElement>(null);
  const focusAfter = useRef(false);
  useEffect(() => {
    if (!focusAfter.current || !selected) return;
    focusAfter.current = false;
    const el = queueRef.current?.querySelector<HTMLElement>(`[data-cluster="${CSS.escape(selected)}"]`);
    el?.focus();
    el?.scrollIntoView({ block: 'nearest' });
  }, [selected]);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (isEditable(e.target) || e.ctrlKey || e.metaKey) return;
      if (!clusters?.length) return;
      const i = clusters.findIndex((c) => c.id === selected);
      const inQueue = !!queueRef.current?.contains(e.target as Node);
      const to = (n: number) => {
        e.preventDefault();
        focusAfter.current = inQueue; // focus follows the selection only from the queue
        setSelected(clusters[Math.max(0, Math.min(clusters.length - 1, n))]!.id);
      };
      if (e.key === 'j' || (inQueue && e.key === 'ArrowDown')) to(i + 1);
      else if (e.key === 'k' || (inQueue && e.key === 'ArrowUp')) to(i - 1);
      else if (inQueue && e.key === 'Home') to(0);
      else if (inQueue && e.key === 'End') to(clusters.length - 1);
      else if (!inQueue && current && (e.key === 'ArrowDown' || e.key === 'ArrowUp')) {
        // Across the grid: ↑/↓ choose a field, 1…9 pick that record's value for it (no Tab marathon).
        e.preventDefault();
        const at = rows.findIndex((r) => r.field === activeField);
        const next = rows[Math.max(0, Math.min(rows.length - 1, at + (e.key === 'ArrowDown' ? 1 : -1)))];
        if (next) setActiveField(next.field);
      } else if (current && activeField && /^[1-9]$/.test(e.key)) {
        const rec = current.records[Number(e.key) - 1];
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

  const autoCount = (clusters ?? []).filter((c) => c.auto).length;
  const [differencesOnly, setDifferencesOnly] = useState(false);
  const [activeField, setActiveField] = useState<string | null>(null);
  const allRows = current ? FIELD_ROWS.filter((r) => current.records.some((rec) => r.show(rec.contact[r.field]))) : [];
  // "Differences only": rows where the records do not all say the same thing.
  const differs = (r: (typeof FIELD_ROWS)[number]): boolean => new Set(current!.records.map((rec) => r.show(rec.contact[r.field]).toLowerCase())).size > 1;
  const rows = differencesOnly ? allRows.filter(differs) : allRows;
  return (
    <section className="view duplicates-view">
      <header className="view-header">
        <h1>Duplicates</h1>
        <span className="result-count">{clusters ? `${clusters.length} to review` : '…'}</span>
        {scanInfo && <span className="muted small scan-info">{scanInfo}</span>}
        <span className="spacer" />
        {autoCount > 0 && <button className="btn" disabled={busy || !!bulk} onClick={() => void acceptAllAuto()} data-testid="merge-all">Merge all {autoCount} above the auto-link threshold…</button>}
        <button className="btn primary" disabled={busy} onClick={() => void scan()} data-testid="scan">{busy ? 'Working…' : 'Scan for duplicates'}</button>
      </header>
      {error && <div className="banner error" role="alert">{error} <button className="link" onClick={() => setError(null)}>Dismiss</button></div>}
      {bulk && (
        <div className="banner warn bulk-merge" role="dialog" aria-label="Merge all above the auto-link threshold" data-testid="bulk">
          {bulk.phase === 'planning' && <span>Working out what merging {bulk.total} clusters will write… {bulk.done} of {bulk.total}</span>}
          {bulk.phase === 'merging' && <span>Merging… {bulk.done} of {bulk.total}</span>}
          {bulk.phase === 'confirm' && (
            <span>
              Merging {bulk.total} clusters will{' '}
              {Object.entries(bulk.writes).map(([vendor, ops]) => `${vendor}: ${Object.entries(ops).map(([op, n]) => `${n} ${op === 'link' ? 'linked' : op === 'delete' ? 'DELETED at the vendor' : op === 'merge' ? `merged by ${vendor} itself` : 'updated'}`).join(', ')}`).join(' · ')}.
            </span>
          )}
          <span className="spacer" />
          {bulk.phase === 'confirm' && <button className="btn primary small" onClick={() => void runBulk()} data-testid="bulk-confirm">Merge all {bulk.total}</button>}
          <button className="btn small" onClick={() => (bulk.phase === 'confirm' ? setBulk(null) : (cancelBulk.current = true))} data-testid="bulk-cancel">Cancel</button>
        </div>
      )}
      {toast && (
        <div className="banner ok" role="status" data-testid="toast">
          {toast.text} {toast.undoId != null && <button className="link" onClick={() => void undo(toast.undoId!)} data-testid="undo">Undo</button>}
        </div>
      )}
      {clusters && clusters.length === 0 ? (
        // Say what is true: scanning now, never scanned, or scanned and nothing found.
        <EmptyState
          icon="duplicates"
          title={busy ? 'Scanning…' : status?.duplicates == null ? 'Not scanned yet' : 'No duplicates to review'}
          action={<button className="btn primary" onClick={() => void scan()} disabled={busy}>{busy ? 'Scanning…' : 'Scan now'}</button>}
        >
          {busy
            ? 'Comparing every record with the ones that could be the same person; this takes a few seconds on a large store.'
            : status?.duplicates == null
              ? 'Every sync ends with a scan; none has run on this store yet.'
              : 'People who appear more than once, within a vendor or across vendors, queue here best match first.'}
        </EmptyState>
      ) : (
        <div className="split">
          <ul className="queue" aria-label="Duplicate clusters" role="listbox" ref={queueRef}>
            {(clusters ?? []).map((c) => (
              <li key={c.id} role="presentation">
                {/* Roving tabindex: the queue is one tab stop, at the selected cluster. */}
                <button className={`queue-item${c.id === selected ? ' selected' : ''}`} onClick={() => setSelected(c.id)} role="option" aria-selected={c.id === selected} tabIndex={c.id === selected ? 0 : -1} data-cluster={c.id}>
                  <span className="queue-main">
                    <span className="queue-title">{[...new Set(c.records.map((r) => r.name))].join(' / ')}</span>
                    <span className="queue-sub">
                      {c.records.map((r) => <VendorBadge key={r.recordId} kind={r.vendor} />)} <span className="score-bar" style={{ width: `${Math.min(100, (c.score / 30) * 100)}%` }} /> {c.score}
                      {c.auto && <span className="pill pill-online">auto</span>}
                    </span>
                  </span>
                </button>
              </li>
            ))}
          </ul>
          <div className="detail-pane">
            {current && (
              <div className="cluster" data-testid="cluster">
                <div className="cluster-head">
                  <h2 className="person-name">{current.records[0]!.name}</h2>
                  <span className="muted">score {current.score} · {Math.round(current.confidence * 100)}% sure</span>
                  <span className="spacer" />
                  <button className="btn primary" disabled={busy} onClick={() => void act('merge')} title="m">Merge <kbd>m</kbd></button>
                  <button className="btn" disabled={busy} onClick={() => void act('dismiss')} title="n">Not the same <kbd>n</kbd></button>
                  <button className="btn" disabled={busy} onClick={() => void act('skip')} title="s">Skip <kbd>s</kbd></button>
                </div>
                <label className="small muted differences-only">
                  <input type="checkbox" checked={differencesOnly} onChange={(e) => setDifferencesOnly(e.target.checked)} /> Differences only ({allRows.filter(differs).length} of {allRows.length} fields)
                </label>
                <div className="cards" role="table" aria-label="Records side by side" style={{ gridTemplateColumns: `110px repeat(${current.records.length}, minmax(160px, 1fr))` }}>
                  <div role="columnheader" className="cards-corner">Field</div>
                  {current.records.map((r) => (
                    <div role="columnheader" key={r.recordId} className="card-col-head" title={`${r.accountLabel} · ${r.remoteId ?? 'not yet created'}`}>
                      <VendorBadge kind={r.vendor} /> {VENDOR_LABELS[r.vendor]} <span className="muted small">{shortId(r.remoteId)}</span>
                    </div>
                  ))}
                  {rows.map((row) => {
                    const values = current.records.map((r) => row.show(r.contact[row.field]));
                    const filled = values.filter(Boolean);
                    const agree = filled.length > 1 && filled.every((v) => v.toLowerCase() === filled[0]!.toLowerCase());
                    const pickedId = picks[row.field];
                    return [
                      <div role="rowheader" key={`${row.field}-h`} className={`field-label${activeField === row.field ? ' active' : ''}`} onClick={() => setActiveField(row.field)}>{row.label}</div>,
                      ...current.records.map((r, i) => {
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
                            {v || '—'}
                          </button>
                        );
                      }),
                    ];
                  })}
                </div>
                <div className="why">
                  <h3>Why they matched</h3>
                  <ul className="reasons">
                    {current.reasons.map((r) => (
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
                      {FIELD_ROWS.filter((r) => r.show(plan.golden[r.field])).map((r) => (
                        <div key={r.field} className="golden-field">
                          <dt>{r.label}</dt>
                          <dd>{r.show(plan.golden[r.field])}</dd>
                        </div>
                      ))}
                    </dl>
                  </div>
                )}
                {plan && (
                  <div className="preview" aria-label="Write preview">
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
