// Conflicts: a queue on the left; for the selected one, base | mine | theirs per field with the
// differing parts marked inside the values, a choice per field (or for the whole record), and
// exactly what will be sent before anything is.
import { isEditable } from '../lib/keys';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { ConflictItem } from '../../../shared/contract';
import { VENDOR_LABELS } from '../../../shared/domain';
import { call } from '../api';
import { Diff } from '../components/Diff';
import { EmptyState } from '../components/EmptyState';
import { ExistsConflict } from './ExistsConflict';
import { VendorBadge } from '../components/VendorBadge';
import { rowOf } from '../lib/fields';
import { useApp } from '../store';
import { useShallow } from 'zustand/react/shallow';
import { AutoTextarea } from '../components/AutoTextarea';

type Choice = { take: 'local' | 'remote' } | { typed: string };
type FieldConflict = ConflictItem['fields'][number];
// One empty list for every render: a fresh [] would make `chosen` below new each time.
const NO_FIELDS: FieldConflict[] = [];

export function ConflictsView() {
  const { contactsVersion, refreshStatus, contactsChanged } = useApp(
    useShallow((s) => ({ contactsVersion: s.contactsVersion, refreshStatus: s.refreshStatus, contactsChanged: s.contactsChanged })),
  );
  const [items, setItems] = useState<ConflictItem[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  // No entry means not chosen yet: nothing is sent until every field has a choice.
  const [choices, setChoices] = useState<Record<string, Choice>>({});
  const [activeRow, setActiveRow] = useState(0);
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const queueButtons = useRef(new Map<string, HTMLButtonElement>());
  const typedBoxes = useRef(new Map<string, HTMLTextAreaElement>());
  const rowEls = useRef(new Map<string, HTMLDivElement>());
  // Set by an action (j/k, a resolve, a mouse pick) so the next render puts focus back in the queue.
  const refocusQueue = useRef(false);
  const focusTyped = useRef<string | null>(null);

  const load = useCallback(() => {
    call('listConflicts', {}).then(
      (list) => {
        setItems(list);
        setError(null);
        setSelected((cur) => (cur && list.some((c) => c.id === cur) ? cur : (list[0]?.id ?? null)));
      },
      (e: Error) => setError(e.message),
    );
  }, []);
  useEffect(load, [load, contactsVersion]);

  const current = items?.find((c) => c.id === selected) ?? null;
  useEffect(() => {
    setChoices({});
    setActiveRow(0);
  }, [selected]);

  // The selected conflict is always in sight, and focus returns to it after an action.
  useEffect(() => {
    const el = selected ? queueButtons.current.get(selected) : undefined;
    if (!el) return;
    el.scrollIntoView({ block: 'nearest' });
    if (refocusQueue.current) {
      refocusQueue.current = false;
      el.focus({ preventScroll: true });
    }
  }, [selected, items]);

  const fields = current?.kind === 'fields' ? current.fields : NO_FIELDS;
  const activeField = fields[Math.min(activeRow, fields.length - 1)]?.field ?? null;
  useEffect(() => {
    if (activeField) rowEls.current.get(activeField)?.scrollIntoView({ block: 'nearest' });
  }, [activeField]);
  useEffect(() => {
    const f = focusTyped.current;
    if (f && choices[f] && 'typed' in choices[f]) {
      focusTyped.current = null;
      typedBoxes.current.get(f)?.focus();
    }
  }, [choices]);

  const allChosen = fields.length > 0 && fields.every((f) => choices[f.field]);
  const unchosen = fields.filter((f) => !choices[f.field]);

  function choose(f: FieldConflict, take: 'local' | 'remote' | 'typed') {
    const c = choices[f.field];
    if (take === 'typed') {
      // Keep what was typed already; start from mine otherwise.
      if (c && 'typed' in c) typedBoxes.current.get(f.field)?.focus();
      else {
        focusTyped.current = f.field; // focused once the text area exists
        setChoices((cs) => ({ ...cs, [f.field]: { typed: rowOf(f.field).show(f.local) } }));
      }
    } else {
      setChoices((cs) => ({ ...cs, [f.field]: { take } }));
    }
  }

  const focusSelected = () => {
    if (selected) queueButtons.current.get(selected)?.focus({ preventScroll: true });
  };

  // What goes to the vendor — every chosen field whose final value is not what the vendor holds
  // now — as the core works it out (typed text parsed by the core's own parser).
  const chosen = useMemo(
    () => Object.fromEntries(fields.filter((f) => choices[f.field]).map((f) => [f.field, choices[f.field]!])),
    [fields, choices],
  );
  const [preview, setPreview] = useState<{ field: string; value: string }[]>([]);
  const [previewError, setPreviewError] = useState<string | null>(null);
  const currentId = current?.kind === 'fields' ? current.id : null;
  useEffect(() => {
    if (!currentId) return;
    let live = true;
    call('previewResolution', { id: currentId, resolution: { fields: chosen } }).then(
      (r) => {
        if (!live) return;
        setPreview(r.sends.map((x) => ({ field: x.field, value: rowOf(x.field).show(x.value) })));
        setPreviewError(null);
      },
      (e: unknown) => live && setPreviewError((e as Error).message),
    );
    return () => {
      live = false;
    };
  }, [currentId, chosen]);

  async function resolve(resolution: Parameters<typeof window.api.resolveConflict>[0]['resolution']) {
    if (!current || busy) return;
    setBusy(true);
    try {
      const r = await call('resolveConflict', { id: current.id, resolution });
      setNotice(
        r.changeId === null ? 'Resolved — nothing left to send.' : `Resolved — ${VENDOR_LABELS[current.vendor]} gets it at the next sync.`,
      );
      refocusQueue.current = true;
      contactsChanged();
      await refreshStatus();
      load();
    } catch (e) {
      setNotice(`Could not resolve: ${(e as Error).message}`);
    } finally {
      setBusy(false);
    }
  }

  function resolveChosen() {
    if (!current || !allChosen) return; // the core refuses a resolution that leaves a field out
    void resolve({ fields: Object.fromEntries(fields.map((f) => [f.field, choices[f.field]!])) }); // typed text is parsed by the core
  }

  // j/k: conflicts; ↑/↓: field rows; 1/2/3: mine/theirs/type for the active row; Enter: resolve.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (isEditable(e.target) || e.ctrlKey || e.metaKey || e.altKey || !items?.length) return;
      const i = items.findIndex((c) => c.id === selected);
      const onButton = e.target instanceof HTMLElement && e.target.closest('button, a') !== null;
      const inQueue = e.target instanceof HTMLElement && e.target.closest('.queue') !== null;
      const row = fields[Math.min(activeRow, fields.length - 1)];
      if (e.key === 'j' || e.key === 'k') {
        refocusQueue.current = true;
        setSelected(items[e.key === 'j' ? Math.min(items.length - 1, i + 1) : Math.max(0, i - 1)]!.id);
        if (!inQueue) focusSelected();
      } else if ((e.key === 'ArrowDown' || e.key === 'ArrowUp') && fields.length) {
        e.preventDefault();
        setActiveRow((r) => Math.max(0, Math.min(fields.length - 1, Math.min(r, fields.length - 1) + (e.key === 'ArrowDown' ? 1 : -1))));
      } else if ((e.key === '1' || e.key === '2' || e.key === '3') && row) {
        e.preventDefault(); // "3" must not land in the text area it opens
        choose(row, e.key === '1' ? 'local' : e.key === '2' ? 'remote' : 'typed');
      } else if (e.key === 'Enter' && current?.kind === 'fields' && (!onButton || inQueue)) {
        // A focused action button keeps its own Enter; in the queue Enter means resolve.
        e.preventDefault();
        resolveChosen();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });

  return (
    <section className="view conflicts-view">
      <header className="view-header">
        <h1>Conflicts</h1>
        <span className="result-count">{items ? `${items.length} to settle` : '…'}</span>
        {notice && (
          <span className="notice" role="status">
            {notice}
          </span>
        )}
      </header>
      {error && <div className="banner error">Could not load conflicts: {error}</div>}
      {items && items.length === 0 ? (
        <EmptyState icon="conflicts" title="No conflicts">
          When the same field changes here and at a vendor, the three versions appear here side by side to settle.
        </EmptyState>
      ) : (
        <div className="split">
          <ul className="queue" aria-label="Conflicts">
            {(items ?? []).map((c) => (
              <li key={c.id}>
                <button
                  className={`queue-item${c.id === selected ? ' selected' : ''}`}
                  ref={(el) => void (el ? queueButtons.current.set(c.id, el) : queueButtons.current.delete(c.id))}
                  onClick={() => setSelected(c.id)}
                  aria-current={c.id === selected}
                >
                  <VendorBadge kind={c.vendor} />
                  <span className="queue-main">
                    <span className="queue-title">{nameOf(c)}</span>
                    <span className="queue-sub">
                      {c.kind === 'deleted'
                        ? 'deleted at the vendor while edited here'
                        : c.kind === 'exists'
                          ? `already at ${VENDOR_LABELS[c.vendor]}: the same person?`
                          : c.fields.map((f) => rowOf(f.field).label).join(', ')}
                    </span>
                  </span>
                </button>
              </li>
            ))}
          </ul>
          <div className="detail-pane">
            {!current ? null : current.kind === 'exists' ? (
              <ExistsConflict conflict={current} busy={busy} onResolve={(r) => void resolve(r)} />
            ) : current.kind === 'deleted' ? (
              <div className="conflict">
                <h2 className="person-name">{nameOf(current)}</h2>
                <p className="muted">
                  {VENDOR_LABELS[current.vendor]} · {current.accountLabel} — this record was deleted at {VENDOR_LABELS[current.vendor]}{' '}
                  while you edited it here.
                </p>
                <ChangesTable fields={current.fields} />
                <div className="actions">
                  <button className="btn primary" disabled={busy} onClick={() => void resolve({ deleted: 'recreate' })}>
                    Create it again at {VENDOR_LABELS[current.vendor]}
                  </button>
                  <button className="btn" disabled={busy} onClick={() => void resolve({ deleted: 'drop' })}>
                    Drop my edit
                  </button>
                </div>
              </div>
            ) : (
              <div className="conflict">
                <h2 className="person-name">{nameOf(current)}</h2>
                <p className="muted">
                  {VENDOR_LABELS[current.vendor]} · {current.accountLabel} — changed here and at the vendor since the last sync.
                </p>
                <div className="three-way" role="table" aria-label="Base, mine and theirs">
                  <div className="tw-row tw-head" role="row">
                    <div role="columnheader">Field</div>
                    <div role="columnheader">Before (base)</div>
                    <div role="columnheader">Mine</div>
                    <div role="columnheader">Theirs ({VENDOR_LABELS[current.vendor]})</div>
                    <div role="columnheader">Keep</div>
                  </div>
                  {current.fields.map((f, idx) => {
                    const row = rowOf(f.field);
                    const [b, l, r] = [row.show(f.base), row.show(f.local), row.show(f.remote)];
                    const c = choices[f.field];
                    const took = (t: 'local' | 'remote') => !!c && 'take' in c && c.take === t;
                    const pick = (e: React.MouseEvent, take: 'local' | 'remote' | 'typed') => {
                      setActiveRow(idx);
                      choose(f, take);
                      // A mouse pick hands focus back to the queue, so keys keep working.
                      if (e.detail > 0 && take !== 'typed') focusSelected();
                    };
                    return (
                      <div
                        className={`tw-row${f.field === activeField ? ' active' : ''}${c ? '' : ' unchosen'}`}
                        role="row"
                        key={f.field}
                        data-field={f.field}
                        aria-selected={f.field === activeField}
                        ref={(el) => void (el ? rowEls.current.set(f.field, el) : rowEls.current.delete(f.field))}
                        onClick={() => setActiveRow(idx)}
                      >
                        <div className="field-label" role="rowheader">
                          {row.label}
                        </div>
                        <div role="cell" className="tw-base" data-label="Before">
                          {b || <span className="muted">—</span>}
                        </div>
                        <div role="cell" className={`tw-local${took('local') ? ' chosen' : ''}`} data-label="Mine">
                          <Diff value={l} against={b} kind="mark" />
                        </div>
                        <div role="cell" className={`tw-remote${took('remote') ? ' chosen' : ''}`} data-label="Theirs">
                          <Diff value={r} against={b} kind="mark" />
                        </div>
                        <div role="cell" className="tw-choice">
                          <div className="segmented" role="radiogroup" aria-label={`Keep for ${row.label}`}>
                            <button role="radio" aria-checked={took('local')} onClick={(e) => pick(e, 'local')} title="1">
                              Mine
                            </button>
                            <button role="radio" aria-checked={took('remote')} onClick={(e) => pick(e, 'remote')} title="2">
                              Theirs
                            </button>
                            <button role="radio" aria-checked={!!c && 'typed' in c} onClick={(e) => pick(e, 'typed')} title="3">
                              Type…
                            </button>
                          </div>
                          {c && 'typed' in c && (
                            <AutoTextarea
                              className="typed"
                              aria-label={`New value for ${row.label}`}
                              value={c.typed}
                              ref={(el) => void (el ? typedBoxes.current.set(f.field, el) : typedBoxes.current.delete(f.field))}
                              onChange={(e) => setChoices((cs) => ({ ...cs, [f.field]: { typed: e.target.value } }))}
                              onKeyDown={(e) => e.key === 'Escape' && focusSelected()}
                            />
                          )}
                        </div>
                      </div>
                    );
                  })}
                </div>
                <div className="preview" aria-label="What will be sent">
                  <h3>Will be sent to {VENDOR_LABELS[current.vendor]}</h3>
                  {previewError ? (
                    <p className="error" role="alert">
                      {previewError}
                    </p>
                  ) : !allChosen ? (
                    <p className="muted">Still to choose: {unchosen.map((f) => rowOf(f.field).label).join(', ')}.</p>
                  ) : preview.length === 0 ? (
                    <p className="muted">Nothing — {VENDOR_LABELS[current.vendor]} already has these values; your edit is dropped.</p>
                  ) : (
                    <ul>
                      {preview.map((p) => (
                        <li key={p.field}>
                          <span className="field-label">{rowOf(p.field).label}</span> → <strong>{p.value || '(cleared)'}</strong>
                        </li>
                      ))}
                    </ul>
                  )}
                </div>
                <div className="actions">
                  <button
                    className="btn primary"
                    disabled={busy || !allChosen}
                    onClick={resolveChosen}
                    data-testid="resolve"
                    aria-describedby={allChosen ? undefined : 'resolve-hint'}
                  >
                    Resolve
                  </button>
                  <button className="btn" disabled={busy} onClick={() => void resolve({ take: 'local' })}>
                    Keep all mine
                  </button>
                  <button className="btn" disabled={busy} onClick={() => void resolve({ take: 'remote' })}>
                    Take all theirs
                  </button>
                  {!allChosen && (
                    <span className="resolve-hint" id="resolve-hint">
                      Choose mine, theirs or a value for every field
                    </span>
                  )}
                </div>
                <p className="keys-hint muted">
                  <kbd>j</kbd>/<kbd>k</kbd> conflict · <kbd>↑</kbd>/<kbd>↓</kbd> field · <kbd>1</kbd> mine · <kbd>2</kbd> theirs ·{' '}
                  <kbd>3</kbd> type (<kbd>Esc</kbd> leaves the box) · <kbd>Enter</kbd> resolve
                </p>
              </div>
            )}
          </div>
        </div>
      )}
    </section>
  );
}

function ChangesTable({ fields }: { fields: ConflictItem['fields'] }) {
  return (
    <table className="table compact">
      <thead>
        <tr>
          <th>Field</th>
          <th>Before</th>
          <th>Your edit</th>
        </tr>
      </thead>
      <tbody>
        {fields.map((f) => (
          <tr key={f.field}>
            <td>{rowOf(f.field).label}</td>
            <td className="pre">{rowOf(f.field).show(f.base) || '—'}</td>
            <td className="pre">{rowOf(f.field).show(f.local) || '—'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function nameOf(c: ConflictItem): string {
  return c.name || `Record ${c.recordId.slice(0, 8)}`;
}
