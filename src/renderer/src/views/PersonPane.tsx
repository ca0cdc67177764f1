// A person: the golden record beside each vendor's record, fields in aligned rows with the
// differences marked; edit a golden value in place (it fans out to every record that can hold
// it, offline too); what waits to be sent, and the history.
import { useEffect, useState } from 'react';
import type { ContactDetail, JournalEntry } from '../../../shared/contract';
import { VENDOR_LABELS } from '../../../shared/domain';
import { call } from '../api';
import { AddToPanel } from '../components/AddToPanel';
import { DoNotContact } from '../components/DoNotContact';
import { VendorBadge } from '../components/VendorBadge';
import { FIELD_ROWS, humanise, rowOf, shortId } from '../lib/fields';
import { useApp } from '../store';
import { useShallow } from 'zustand/react/shallow';
import { Breakable } from '../components/Breakable';
import { AutoTextarea } from '../components/AutoTextarea';

/** Which fields each vendor can hold, from the core's vendor definitions; asked once. */
let vendorFields: Promise<Record<string, string[]>> | null = null;
function useVendorFields(): Record<string, string[]> | null {
  const [fields, setFields] = useState<Record<string, string[]> | null>(null);
  useEffect(() => {
    vendorFields ??= call('getVendorFields', {}).catch((e: Error) => ((vendorFields = null), Promise.reject(e)));
    vendorFields.then(setFields, () => setFields(null));
  }, []);
  return fields;
}

/**
 * Said at the moment of the edit, as the add-to panel says it: the linked records whose vendor
 * cannot hold this field, and where the value then lives. Null when every record can hold it.
 */
function notHeldLine(detail: ContactDetail, field: string, fields: Record<string, string[]> | null): string | null {
  if (!fields) return null;
  const top = field.split('.')[0]!;
  const live = detail.records.filter((r) => r.state !== 'deleted_local' && r.state !== 'deleted_remote');
  const cannot = live.filter((r) => !(fields[r.vendor] ?? []).includes(top));
  if (!cannot.length) return null;
  const names = [...new Set(cannot.map((r) => VENDOR_LABELS[r.vendor]))];
  const what = rowOf(top).label.toLowerCase();
  const where =
    cannot.length === live.length
      ? 'kept on the person only'
      : `not sent there; kept on the person and sent to ${[...new Set(live.filter((r) => !cannot.includes(r)).map((r) => VENDOR_LABELS[r.vendor]))].join(', ')}`;
  return `${names.join(' and ')} ${names.length === 1 ? 'has' : 'have'} no ${what}: ${where}`;
}

/** A value shortened for one line of "waiting to be sent". */
const short = (v: string): string => (v.length > 60 ? `${v.slice(0, 57)}…` : v);

const STATE_WORDS: Record<string, string> = {
  modified: 'changed here',
  conflicted: 'in conflict',
  rejected: 'refused',
  pushing: 'sending',
  deleted_remote: 'deleted at the vendor',
  deleted_local: 'deleted here',
};

export function PersonPane({ detail }: { detail: ContactDetail }) {
  const { contactsChanged, refreshStatus, setView } = useApp(
    useShallow((s) => ({ contactsChanged: s.contactsChanged, refreshStatus: s.refreshStatus, setView: s.setView })),
  );
  const [editing, setEditing] = useState<string | null>(null);
  const [typed, setTyped] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [history, setHistory] = useState<JournalEntry[]>([]);
  const fields = useVendorFields();
  /** After a save: the field whose value some vendor could not take, and the line saying so. */
  const [kept, setKept] = useState<{ field: string; line: string } | null>(null);
  useEffect(() => {
    call('listJournal', { entityIds: [detail.id, ...detail.records.map((r) => r.id)], limit: 20, offset: 0 }).then(
      (j) => setHistory(j.entries),
      () => setHistory([]),
    );
  }, [detail]);
  useEffect(() => {
    setEditing(null);
    setError(null);
    setKept(null);
  }, [detail.id]);

  const [differencesOnly, setDifferencesOnly] = useState(false);
  const allRows = FIELD_ROWS.filter((r) => r.show(detail.golden[r.field]) || detail.records.some((rec) => r.show(rec.local[r.field])));
  // "Differences only": the rows where some record does not say what the golden record says.
  const rows = differencesOnly
    ? allRows.filter((r) => detail.records.some((rec) => r.show(rec.local[r.field]) !== r.show(detail.golden[r.field])))
    : allRows;
  async function save(field: string) {
    try {
      const r = await call('editContact', { id: detail.id, typed: { [field]: typed } }); // the core parses what was typed
      setEditing(null);
      const line = notHeldLine(detail, field, fields);
      setKept(line ? { field, line } : null);
      // Saved, but a record whose vendor cannot hold part of it kept its value: say which.
      setError(r.notHeld.length ? `Saved. ${r.notHeld.map((x) => x.reason).join('; ')}; those records keep their value.` : null);
      contactsChanged();
      void refreshStatus();
    } catch (e) {
      setError((e as Error).message); // what was typed stays in the field
    }
  }
  const pending = detail.records.filter((r) => r.change);

  return (
    <div className="person" data-person-id={detail.id}>
      <h2 className="person-name">{detail.displayName}</h2>
      <p className="muted">
        {detail.records.length} vendor record{detail.records.length === 1 ? '' : 's'}
        {detail.pinned.length > 0 && <> · kept on the person: {detail.pinned.map((f) => rowOf(f).label).join(', ')}</>}
      </p>
      <DoNotContact contact={detail.golden} />
      {error && (
        <div className="banner error inline" role="alert">
          {error}
        </div>
      )}
      {detail.records.length > 1 && (
        <label className="small muted differences-only">
          <input type="checkbox" checked={differencesOnly} onChange={(e) => setDifferencesOnly(e.target.checked)} /> Differences only (
          {allRows.length -
            allRows.filter((r) => detail.records.every((rec) => r.show(rec.local[r.field]) === r.show(detail.golden[r.field]))).length}{' '}
          of {allRows.length} fields)
        </label>
      )}
      <div className="compare" role="table" aria-label="Golden record and vendor records">
        <div className="compare-row compare-head" role="row">
          <div role="columnheader">Field</div>
          <div role="columnheader">Golden</div>
          {detail.records.map((r) => (
            <div role="columnheader" key={r.id} title={`${r.accountLabel} · ${r.remoteId ?? 'not yet created'}`}>
              <VendorBadge kind={r.vendor} /> <span className="muted">{r.remoteId ? shortId(r.remoteId) : 'new'}</span>
              {r.state !== 'synced' && <span className={`state state-${r.state}`}>{STATE_WORDS[r.state] ?? r.state}</span>}
            </div>
          ))}
        </div>
        {[...rows, ...FIELD_ROWS.filter((r) => !rows.includes(r) && editing === r.field)].map((row) => {
          const golden = row.show(detail.golden[row.field]);
          const notHeld = editing === row.field ? notHeldLine(detail, row.field, fields) : null;
          return (
            <div className="compare-row" role="row" key={row.field} data-field={row.field}>
              <div className="field-label" role="rowheader">
                {row.label}
              </div>
              <div role="cell" className="golden">
                {editing === row.field ? (
                  <form className="inline-edit" onSubmit={(e) => (e.preventDefault(), void save(row.field))}>
                    <AutoTextarea
                      aria-label={`New ${row.label}`}
                      value={typed}
                      autoFocus
                      onChange={(e) => setTyped(e.target.value)}
                      onKeyDown={(e) => {
                        if (e.key === 'Enter' && !e.shiftKey) {
                          e.preventDefault();
                          void save(row.field);
                        } else if (e.key === 'Escape') setEditing(null);
                      }}
                    />
                    <div className="inline-actions">
                      <button className="btn primary small" type="submit">
                        Save
                      </button>
                      <button className="btn small" type="button" onClick={() => setEditing(null)}>
                        Cancel
                      </button>
                    </div>
                    {notHeld && (
                      <p className="not-held-line" data-testid="not-held">
                        {notHeld}
                      </p>
                    )}
                  </form>
                ) : (
                  <>
                    <button
                      className="editable"
                      onClick={() => (setEditing(row.field), setTyped(golden), setKept(null))}
                      title="Edit (saved here at once, sent at the next sync)"
                    >
                      {golden ? <Breakable text={golden} /> : <span className="muted">—</span>}
                    </button>
                    {kept?.field === row.field && (
                      <p className="not-held-line" data-testid="not-held">
                        {kept.line}
                      </p>
                    )}
                  </>
                )}
              </div>
              {detail.records.map((r) => {
                const v = row.show(r.local[row.field]);
                return (
                  <div
                    role="cell"
                    key={r.id}
                    className={`${v && v !== golden ? 'differs' : ''}${r.change && row.field in r.change.patch ? ' pending' : ''}`}
                  >
                    {v ? <Breakable text={v} /> : <span className="muted">—</span>}
                  </div>
                );
              })}
            </div>
          );
        })}
      </div>
      <div className="add-field">
        <select value="" onChange={(e) => e.target.value && (setEditing(e.target.value), setTyped(''))} aria-label="Add a field">
          <option value="">Add a field…</option>
          {FIELD_ROWS.filter((r) => !rows.includes(r)).map((r) => (
            <option key={r.field} value={r.field}>
              {r.label}
            </option>
          ))}
        </select>
      </div>
      {pending.length > 0 && (
        <div className="pending-changes">
          <h3>Waiting to be sent</h3>
          <ul>
            {pending.map((r) => (
              <li key={r.id} className={`state-${r.change!.state}`}>
                <VendorBadge kind={r.vendor} /> {VENDOR_LABELS[r.vendor]}:{' '}
                {r.change!.op === 'update'
                  ? Object.entries(r.change!.patch).map(([f, v], i) => (
                      // Old → new: once saved, the old value is nowhere else in the pane.
                      <span key={f} className="pending-field" data-field={f}>
                        {i > 0 && '; '}
                        {rowOf(f).label}:{' '}
                        <span className="old-value">{short(rowOf(f).show(r.base?.[f as keyof typeof r.base])) || '—'}</span> →{' '}
                        <span className="new-value">{short(rowOf(f).show(v as never)) || '—'}</span>
                      </span>
                    ))
                  : r.change!.op}
                {' — '}
                <span className={`state state-${r.change!.state}`}>
                  {r.change!.state === 'pending'
                    ? 'waiting'
                    : r.change!.state === 'rejected'
                      ? 'refused'
                      : r.change!.state === 'conflict'
                        ? 'in conflict'
                        : 'sending'}
                </span>
                {r.change!.lastError && (
                  <div className="small error-text">
                    {r.change!.lastError} — edit the value above to fix it; it is sent again at the next sync.
                  </div>
                )}
                {r.change!.state === 'conflict' && (
                  <button className="link" onClick={() => setView('conflicts')}>
                    Settle the conflict…
                  </button>
                )}
              </li>
            ))}
          </ul>
        </div>
      )}
      <AddToPanel detail={detail} />
      {history.length > 0 && (
        <div className="history">
          <h3>History</h3>
          <ul>
            {history.map((h) => (
              <li key={h.id} className={h.undone ? 'undone' : ''}>
                <span className="muted small">{new Date(h.at).toLocaleString()}</span> {humanise(h.summary)}
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}
