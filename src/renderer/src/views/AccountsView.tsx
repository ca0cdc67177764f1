// Accounts: connected vendors with their health, a form per vendor asking for exactly what
// that vendor needs, a connection test, and "Try with sandbox vendors".
import { useCallback, useEffect, useState } from 'react';
import type { AccountForm, AccountSummary } from '../../../shared/contract';
import { CANONICAL_FIELDS, VENDORS, VENDOR_LABELS, type Vendor } from '../../../shared/domain';
import { call } from '../api';
import { EmptyState } from '../components/EmptyState';
import { VendorBadge } from '../components/VendorBadge';
import { rowOf } from '../lib/fields';
import { useApp } from '../store';
import { useShallow } from 'zustand/react/shallow';

// What each vendor asks for (credential keys in its docs' words, and the settings it needs)
// comes from the core (getAccountForms), where a test holds it to the credentials schemas.
const NO_FORM: AccountForm = { credentials: [], settings: [] };

/**
 * Which fields golden records take from this account before any other (e.g. MPDX for
 * addresses): survivorship is pinned > trusted > what most records agree on > most recent.
 */
function TrustEditor({ account, onSaved }: { account: AccountSummary; onSaved: () => void }) {
  const [open, setOpen] = useState(false);
  const [chosen, setChosen] = useState<string[]>(account.trustedFor);
  const [busy, setBusy] = useState(false);
  const [said, setSaid] = useState<string | null>(null);
  useEffect(() => setChosen(account.trustedFor), [account.trustedFor]);
  const words = account.trustedFor.length ? account.trustedFor.map((f) => rowOf(f).label).join(', ') : 'No fields';
  if (!open) {
    return (
      <span className="small">
        {words}{' '}
        <button className="link" onClick={() => setOpen(true)} aria-label={`Change what ${account.label} is trusted for`}>Change…</button>
        {said && <span className="muted"> · {said}</span>}
      </span>
    );
  }
  async function save() {
    setBusy(true);
    try {
      const fields = CANONICAL_FIELDS.filter((f) => chosen.includes(f)); // in the order the record shows them
      const r = await call('setAccountTrust', { id: account.id, fields });
      setSaid(`${r.peopleUpdated.toLocaleString()} golden records recomputed`);
      setOpen(false);
      onSaved();
    } finally {
      setBusy(false);
    }
  }
  return (
    <fieldset className="trust-editor" aria-label={`${account.label} is trusted for`}>
      {CANONICAL_FIELDS.filter((f) => f !== 'custom' && f !== 'location').map((f) => (
        <label key={f} className="small">
          <input type="checkbox" checked={chosen.includes(f)} onChange={(e) => setChosen(e.target.checked ? [...chosen, f] : chosen.filter((x) => x !== f))} /> {rowOf(f).label}
        </label>
      ))}
      <div className="actions">
        <button className="btn small primary" disabled={busy} onClick={() => void save()}>Save</button>
        <button className="btn small" onClick={() => (setChosen(account.trustedFor), setOpen(false))}>Cancel</button>
      </div>
    </fieldset>
  );
}

export function AccountsView() {
  const { status, refreshStatus, contactsChanged, syncNow } = useApp(useShallow((s) => ({ status: s.status, refreshStatus: s.refreshStatus, contactsChanged: s.contactsChanged, syncNow: s.syncNow })));
  const [accounts, setAccounts] = useState<AccountSummary[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [adding, setAdding] = useState<Vendor | null>(null);
  const [form, setForm] = useState<Record<string, string>>({});
  const [tests, setTests] = useState<Record<string, { ok: boolean; detail: string } | 'running'>>({});
  const [busy, setBusy] = useState(false);

  const [forms, setForms] = useState<Partial<Record<Vendor, AccountForm>>>({});
  useEffect(() => {
    call('getAccountForms', {}).then(setForms, (e: Error) => setError(e.message));
  }, []);
  const formOf = (v: Vendor): AccountForm => forms[v] ?? NO_FORM;
  const load = useCallback(() => {
    call('listAccounts', {}).then(setAccounts, (e: Error) => setError(e.message));
  }, []);
  useEffect(load, [load, status]);

  async function add() {
    if (!adding) return;
    setBusy(true);
    setError(null);
    try {
      const credentials = Object.fromEntries(formOf(adding).credentials.map((f) => [f.key, form[f.key]?.trim() ?? '']).filter(([, v]) => v));
      const settings = Object.fromEntries(formOf(adding).settings.map((f) => [f.key, form[`setting:${f.key}`]?.trim() ?? '']).filter(([, v]) => v));
      await call('addAccount', { kind: adding, label: form.label?.trim() || undefined, baseUrl: form.baseUrl?.trim() || undefined, credentials, ...(Object.keys(settings).length ? { settings } : {}) });
      setAdding(null);
      setForm({});
      load();
      void refreshStatus();
    } catch (e) {
      setError((e as Error).message); // the form keeps what was typed
    } finally {
      setBusy(false);
    }
  }

  async function test(id: string) {
    setTests((t) => ({ ...t, [id]: 'running' }));
    const r = await call('testAccount', { id }).catch((e: Error) => ({ ok: false, detail: e.message }));
    setTests((t) => ({ ...t, [id]: r }));
    load();
  }

  async function sandbox() {
    setBusy(true);
    setError(null);
    try {
      await call('startSandbox', {});
      load();
      await syncNow();
      contactsChanged();
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="view accounts-view">
      <header className="view-header">
        <h1>Accounts</h1>
        <span className="spacer" />
        <select value={adding ?? ''} onChange={(e) => setAdding((e.target.value || null) as Vendor | null)} aria-label="Add an account">
          <option value="">Add an account…</option>
          {VENDORS.map((v) => (
            <option key={v} value={v}>{VENDOR_LABELS[v]}</option>
          ))}
        </select>
        <button className="btn" onClick={() => void sandbox()} disabled={busy} data-testid="try-sandbox">Try with sandbox vendors</button>
      </header>
      {status && !status.secretStore.persistent && (
        <div className="banner warn" role="alert">
          {status.secretStore.detail} Install and unlock a keychain (on Linux: GNOME Keyring or KWallet with libsecret) to keep them.
        </div>
      )}
      {error && <div className="banner error" role="alert">{error}</div>}
      <div className="scroll-body">
        {adding && (
          <form className="card add-form" onSubmit={(e) => (e.preventDefault(), void add())} aria-label={`Add ${VENDOR_LABELS[adding]}`}>
            <h2><VendorBadge kind={adding} /> Add a {VENDOR_LABELS[adding]} account</h2>
            <label>Label<input value={form.label ?? ''} placeholder={`${VENDOR_LABELS[adding]} (main)`} onChange={(e) => setForm({ ...form, label: e.target.value })} /></label>
            <label>Base URL <span className="muted small">(leave empty for the vendor&apos;s own; other addresses must be https)</span><input value={form.baseUrl ?? ''} placeholder="https://…" onChange={(e) => setForm({ ...form, baseUrl: e.target.value })} /></label>
            {formOf(adding).credentials.map((f) => (
              <label key={f.key}>
                {f.label}{f.optional && <span className="muted small"> (optional)</span>}
                <input type={f.secret ? 'password' : 'text'} autoComplete="off" value={form[f.key] ?? ''} onChange={(e) => setForm({ ...form, [f.key]: e.target.value })} />
              </label>
            ))}
            {formOf(adding).settings.map((f) => (
              <label key={f.key}>
                {f.label}
                <input value={form[`setting:${f.key}`] ?? ''} placeholder={f.placeholder} onChange={(e) => setForm({ ...form, [`setting:${f.key}`]: e.target.value })} />
              </label>
            ))}
            <p className="muted small">{status?.secretStore.persistent ? 'Secrets go to the system keychain, never to disk in plain text.' : 'No keychain: secrets are kept for this session only.'}</p>
            <div className="actions">
              <button className="btn primary" type="submit" disabled={busy}>Add account</button>
              <button className="btn" type="button" onClick={() => setAdding(null)}>Cancel</button>
            </div>
          </form>
        )}
        {accounts == null ? (
          <div className="loading">Loading…</div>
        ) : accounts.length === 0 && !adding ? (
          <EmptyState icon="accounts" title="No accounts connected" action={<button className="btn primary" onClick={() => void sandbox()} disabled={busy}>Try with sandbox vendors</button>}>
            Add CallTools, MPDX, LiveVox, Lightening or BigChange with your credentials — or try Concord first with five sandbox vendors that run on this computer.
          </EmptyState>
        ) : (
          <table className="table" data-testid="accounts">
            <thead>
              <tr>
                <th>Account</th>
                <th className="num">Records</th>
                <th>Last pull</th>
                <th>Health</th>
                <th>Trusted for</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {accounts.map((a) => {
                const t = tests[a.id];
                return (
                  <tr key={a.id}>
                    <td>
                      <VendorBadge kind={a.kind} /> {a.label}
                      <div className="muted small">{VENDOR_LABELS[a.kind]} · {a.baseUrl}</div>
                    </td>
                    <td className="num">{a.recordCount.toLocaleString()}</td>
                    <td>{a.lastPull ? new Date(a.lastPull).toLocaleString() : 'never'}</td>
                    <td>
                      <span className={`health health-${a.health}`}>{a.health}</span>
                      {t && t !== 'running' && <div className={`small ${t.ok ? 'ok-text' : 'error-text'}`}>{t.detail}</div>}
                    </td>
                    <td><TrustEditor account={a} onSaved={load} /></td>
                    <td className="row-actions">{a.kind !== 'csv' && <button className="link" disabled={t === 'running'} onClick={() => void test(a.id)}>{t === 'running' ? 'Testing…' : 'Test'}</button>}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
      </div>
    </section>
  );
}
