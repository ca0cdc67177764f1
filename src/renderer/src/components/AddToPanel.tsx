// "Add to a vendor" for one person: pick an account where they are missing, read exactly what
// will be sent (per that vendor's mapping), what it cannot hold, and type what it needs that
// the golden record lacks — nothing is invented, nothing is sent until "Add". Undo is offered.
import { useEffect, useState } from 'react';
import type { AccountSummary, AddToPreview, ContactDetail } from '../../../shared/contract';
import { VENDOR_LABELS } from '../../../shared/domain';
import { call } from '../api';
import { fieldInWords, rowOf } from '../lib/fields';
import { useApp } from '../store';
import { CreateNeedField } from './CreateNeedField';
import { VendorBadge } from './VendorBadge';

export function AddToPanel({ detail }: { detail: ContactDetail }) {
  const contactsChanged = useApp((s) => s.contactsChanged);
  const refreshStatus = useApp((s) => s.refreshStatus);
  const [accounts, setAccounts] = useState<AccountSummary[]>([]);
  const [target, setTarget] = useState<string | null>(null);
  const [values, setValues] = useState<Record<string, string>>({});
  const [preview, setPreview] = useState<AddToPreview | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<{ text: string; undoId?: number } | null>(null);

  useEffect(() => {
    call('listAccounts', {}).then(setAccounts, () => setAccounts([]));
  }, []);
  useEffect(() => {
    setTarget(null);
    setDone(null);
  }, [detail.id]);
  const held = new Set(detail.records.filter((r) => r.state !== 'deleted_local' && r.state !== 'deleted_remote').map((r) => r.accountId));
  const missing = accounts.filter((a) => a.kind !== 'csv' && !held.has(a.id));

  useEffect(() => {
    if (!target) return setPreview(null);
    let live = true;
    const t = setTimeout(() => {
      call('previewAddTo', { personId: detail.id, accountId: target, values }).then(
        (p) => live && (setPreview(p), setError(null)),
        (e: Error) => live && (setPreview(null), setError(e.message)),
      );
    }, 150); // as the values are typed, without a request per keystroke
    return () => {
      live = false;
      clearTimeout(t);
    };
  }, [target, values, detail.id]);

  async function add() {
    if (!preview?.ready || !target) return;
    try {
      const r = await call('addTo', { personId: detail.id, accountId: target, values });
      setDone({ text: `Added to ${preview.accountLabel}; it is created there at the next sync.`, undoId: r.journalId });
      setTarget(null);
      setValues({});
      contactsChanged();
      void refreshStatus();
    } catch (e) {
      setError((e as Error).message); // what was typed stays
    }
  }
  async function undo(id: number) {
    try {
      await call('undoJournal', { id });
      setDone({ text: 'Undone: the record will not be created (or is deleted at the vendor where it was).' });
      contactsChanged();
      void refreshStatus();
    } catch (e) {
      setError((e as Error).message);
    }
  }

  if (!missing.length && !done) return null;
  return (
    <section className="add-to" aria-label="Add to a vendor" data-testid="add-to">
      <div className="add-to-head">
        <h3>Add to a vendor</h3>
        {missing.map((a) => (
          <button
            key={a.id}
            className={`btn small${target === a.id ? ' primary' : ''}`}
            onClick={() => (setTarget(target === a.id ? null : a.id), setValues({}), setDone(null))}
            aria-pressed={target === a.id}
            data-account={a.id}
          >
            <VendorBadge kind={a.kind} /> {a.label}
          </button>
        ))}
      </div>
      {done && (
        <div className="banner ok inline" role="status">
          {done.text}{' '}
          {done.undoId != null && (
            <button className="link" onClick={() => void undo(done.undoId!)}>
              Undo
            </button>
          )}
        </div>
      )}
      {error && (
        <div className="banner error inline" role="alert">
          {error}
        </div>
      )}
      {preview && (
        <div className="add-to-preview" data-testid="add-to-preview">
          {preview.needs.length > 0 && (
            <div className="add-to-needs">
              {preview.needs.map((n) => (
                <CreateNeedField
                  key={n.key}
                  need={n}
                  value={values[n.key] ?? ''}
                  onChange={(v) => setValues({ ...values, [n.key]: v })}
                  placeholder={n.missing ? 'required' : ''}
                />
              ))}
            </div>
          )}
          {preview.likelyThere.length > 0 && (
            <div className="banner warn inline" role="note" data-testid="likely-there">
              {preview.accountLabel} may have this person already: {preview.likelyThere.map((x) => x.name).join(', ')} (same email or
              phone). Merging them in Duplicates links the records; adding makes a second one.
            </div>
          )}
          {preview.notHeld.length > 0 && (
            <p className="small muted">
              {VENDOR_LABELS[preview.vendor]} cannot hold {preview.notHeld.map(fieldInWords).join(', ')}; those stay in Concord and the
              other vendors.
            </p>
          )}
          {preview.blocks.length > 0 && (
            <ul className="small add-to-blocks" data-testid="add-to-blocks">
              {preview.blocks.map((b) => (
                <li key={b}>{b}</li>
              ))}
            </ul>
          )}
          {preview.problems.map((p) => (
            <p key={p.field} className="small error-text">
              {rowOf(p.field).label}: {p.message}
            </p>
          ))}
          <h4>What will be sent to {preview.accountLabel}</h4>
          {preview.requests.map((r, i) => (
            <div key={i} className="request">
              <code className="request-line">
                {r.method} {r.path}
              </code>
              <pre className="request-body">{JSON.stringify(r.body, null, 2)}</pre>
            </div>
          ))}
          <div className="add-to-actions">
            <button className="btn primary" disabled={!preview.ready} onClick={() => void add()} data-testid="add-to-confirm">
              Add to {preview.accountLabel}
            </button>
            <button className="btn" onClick={() => setTarget(null)}>
              Cancel
            </button>
            {!preview.ready && <span className="muted small">Give what is required first; nothing is sent until then.</span>}
          </div>
        </div>
      )}
    </section>
  );
}
