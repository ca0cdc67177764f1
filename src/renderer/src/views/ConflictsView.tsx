// Conflicts: a queue on the left; for the selected one, base | mine | theirs per field with the
// differing parts marked inside the values, a choice per field (or for the whole record), and
// exactly what will be sent before anything is.
import { isEditable } from '../lib/keys';
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { ConflictItem } from '../../../shared/contract';
import { VENDOR_LABELS } from '../../../shared/domain';
import { call } from '../api';
import { Diff } from '../components/Diff';
import { EmptyState } from '../components/EmptyState';
import { VendorBadge } from '../components/VendorBadge';
import { parseTyped, rowOf } from '../lib/fields';
import { useApp } from '../store';

type Choice = { take: 'local' | 'remote' } | { typed: string };

export function ConflictsView() {
  const { contactsVersion, refreshStatus, contactsChanged } = useApp();
  const [items, setItems] = useState<ConflictItem[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [choices, setChoices] = useState<Record<string, Choice>>({});
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);

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
  useEffect(() => setChoices({}), [selected]);

  // j/k move through the queue.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (isEditable(e.target) || e.ctrlKey || e.metaKey || !items?.length) return;
      const i = items.findIndex((c) => c.id === selected);
      if (e.key === 'j') setSelected(items[Math.min(items.length - 1, i + 1)]!.id);
      if (e.key === 'k') setSelected(items[Math.max(0, i - 1)]!.id);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [items, selected]);

  const choiceOf = (field: string): Choice => choices[field] ?? { take: 'local' };
  const finalValue = (f: ConflictItem['fields'][number]): unknown => {
    const c = choiceOf(f.field);
    return 'typed' in c ? parseTyped(f.field, c.typed) : c.take === 'local' ? f.local : f.remote;
  };
  // What goes to the vendor: every field whose final value is not what the vendor holds now.
  const preview = useMemo(() => {
    if (!current || current.kind !== 'fields') return [];
    return current.fields.filter((f) => rowOf(f.field).show(finalValue(f)) !== rowOf(f.field).show(f.remote)).map((f) => ({ field: f.field, value: rowOf(f.field).show(finalValue(f)) }));
  }, [current, choices]);

  async function resolve(resolution: Parameters<typeof window.api.resolveConflict>[0]['resolution']) {
    if (!current) return;
    setBusy(true);
    try {
      const r = await call('resolveConflict', { id: current.id, resolution });
      setNotice(r.changeId === null ? 'Resolved — nothing left to send.' : `Resolved — ${VENDOR_LABELS[current.vendor]} gets it at the next sync.`);
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
    if (!current) return;
    const fields: Record<string, { take: 'local' | 'remote' } | { value: unknown }> = {};
    for (const f of current.fields) {
      const c = choiceOf(f.field);
      fields[f.field] = 'typed' in c ? { value: parseTyped(f.field, c.typed) } : c;
    }
    void resolve({ fields });
  }

  return (
    <section className="view conflicts-view">
      <header className="view-header">
        <h1>Conflicts</h1>
        <span className="result-count">{items ? `${items.length} to settle` : '…'}</span>
        {notice && <span className="notice" role="status">{notice}</span>}
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
                <button className={`queue-item${c.id === selected ? ' selected' : ''}`} onClick={() => setSelected(c.id)} aria-current={c.id === selected}>
                  <VendorBadge kind={c.vendor} />
                  <span className="queue-main">
                    <span className="queue-title">{nameOf(c)}</span>
                    <span className="queue-sub">{c.kind === 'deleted' ? 'deleted at the vendor while edited here' : c.fields.map((f) => rowOf(f.field).label).join(', ')}</span>
                  </span>
                </button>
              </li>
            ))}
          </ul>
          <div className="detail-pane">
            {!current ? null : current.kind === 'deleted' ? (
              <div className="conflict">
                <h2 className="person-name">{nameOf(current)}</h2>
                <p className="muted">{VENDOR_LABELS[current.vendor]} · {current.accountLabel} — this record was deleted at {VENDOR_LABELS[current.vendor]} while you edited it here.</p>
                <ChangesTable fields={current.fields} />
                <div className="actions">
                  <button className="btn primary" disabled={busy} onClick={() => void resolve({ deleted: 'recreate' })}>Create it again at {VENDOR_LABELS[current.vendor]}</button>
                  <button className="btn" disabled={busy} onClick={() => void resolve({ deleted: 'drop' })}>Drop my edit</button>
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
                  {current.fields.map((f) => {
                    const row = rowOf(f.field);
                    const [b, l, r] = [row.show(f.base), row.show(f.local), row.show(f.remote)];
                    const c = choiceOf(f.field);
                    return (
                      <div className="tw-row" role="row" key={f.field} data-field={f.field}>
                        <div className="field-label" role="rowheader">{row.label}</div>
                        <div role="cell" className="tw-base">{b || <span className="muted">—</span>}</div>
                        <div role="cell" className={`tw-local${'take' in c && c.take === 'local' ? ' chosen' : ''}`}><Diff value={l} against={b} kind="mark" /></div>
                        <div role="cell" className={`tw-remote${'take' in c && c.take === 'remote' ? ' chosen' : ''}`}><Diff value={r} against={b} kind="mark" /></div>
                        <div role="cell" className="tw-choice">
                          <div className="segmented" role="radiogroup" aria-label={`Keep for ${row.label}`}>
                            <button role="radio" aria-checked={'take' in c && c.take === 'local'} onClick={() => setChoices({ ...choices, [f.field]: { take: 'local' } })}>Mine</button>
                            <button role="radio" aria-checked={'take' in c && c.take === 'remote'} onClick={() => setChoices({ ...choices, [f.field]: { take: 'remote' } })}>Theirs</button>
                            <button role="radio" aria-checked={'typed' in c} onClick={() => setChoices({ ...choices, [f.field]: { typed: l } })}>Type…</button>
                          </div>
                          {'typed' in c && (
                            <textarea className="typed" aria-label={`New value for ${row.label}`} value={c.typed} rows={Math.max(1, c.typed.split('\n').length)} onChange={(e) => setChoices({ ...choices, [f.field]: { typed: e.target.value } })} />
                          )}
                        </div>
                      </div>
                    );
                  })}
                </div>
                <div className="preview" aria-label="What will be sent">
                  <h3>Will be sent to {VENDOR_LABELS[current.vendor]}</h3>
                  {preview.length === 0 ? (
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
                  <button className="btn primary" disabled={busy} onClick={resolveChosen} data-testid="resolve">Resolve</button>
                  <button className="btn" disabled={busy} onClick={() => void resolve({ take: 'local' })}>Keep all mine</button>
                  <button className="btn" disabled={busy} onClick={() => void resolve({ take: 'remote' })}>Take all theirs</button>
                </div>
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
