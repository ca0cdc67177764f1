// Accounts: connected vendors with their health, a form per vendor asking for exactly what
// that vendor needs (checked as it is typed by the core's own rule), a test before saving,
// Edit and Remove, and "Try with sandbox vendors" (one sandbox, however often it is asked).
import { useCallback, useEffect, useRef, useState } from 'react';
import type { AccountForm, AccountSummary, Output } from '../../../shared/contract';
import { CANONICAL_FIELDS, REMOVAL_UNDO_DAYS, VENDORS, VENDOR_LABELS, type Vendor } from '../../../shared/domain';
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
        <button className="link" onClick={() => setOpen(true)} aria-label={`Change what ${account.label} is trusted for`}>
          Change…
        </button>
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
          <input
            type="checkbox"
            checked={chosen.includes(f)}
            onChange={(e) => setChosen(e.target.checked ? [...chosen, f] : chosen.filter((x) => x !== f))}
          />{' '}
          {rowOf(f).label}
        </label>
      ))}
      <div className="actions">
        <button className="btn small primary" disabled={busy} onClick={() => void save()}>
          Save
        </button>
        <button className="btn small" onClick={() => (setChosen(account.trustedFor), setOpen(false))}>
          Cancel
        </button>
      </div>
    </fieldset>
  );
}

type Problem = { key: string | null; message: string };
type TestResult = { ok: boolean; detail: string } | 'running';

/**
 * The core's credentials rule (the one `addAccount` applies), asked as the form is typed:
 * the renderer keeps no copy of any vendor's shapes. A later answer never overwrites a newer one.
 */
function useCredentialCheck(kind: Vendor | null, credentials: Record<string, string>, partial: boolean): Problem[] | null {
  const [problems, setProblems] = useState<Problem[] | null>(null);
  const seq = useRef(0);
  const key = JSON.stringify(credentials);
  useEffect(() => {
    if (!kind) return;
    const n = ++seq.current;
    call('checkCredentials', { kind, credentials: JSON.parse(key) as Record<string, string>, partial }).then(
      (r) => n === seq.current && setProblems(r.problems),
      () => n === seq.current && setProblems(null),
    );
  }, [kind, key, partial]);
  return problems;
}

/** The credential and setting fields of a vendor's form, each with its problem under it. */
function VendorFields({
  form,
  values,
  set,
  problems,
  editing,
}: {
  form: AccountForm;
  values: Record<string, string>;
  set: (k: string, v: string) => void;
  problems: Problem[] | null;
  editing: boolean;
}) {
  return (
    <>
      {form.credentials.map((f) => {
        const typed = (values[f.key] ?? '').trim() !== '';
        // "is missing" waits for Save's own line; a value typed and wrong is said at once.
        const problem = typed ? problems?.find((p) => p.key === f.key) : undefined;
        const id = `cred-${f.key}`;
        return (
          <label key={f.key}>
            {f.label}
            {f.optional && <span className="muted small"> (optional)</span>}
            <input
              type={f.secret ? 'password' : 'text'}
              autoComplete="off"
              value={values[f.key] ?? ''}
              placeholder={editing ? 'unchanged (type to replace)' : undefined}
              aria-invalid={!!problem}
              aria-describedby={problem ? `${id}-problem` : undefined}
              onChange={(e) => set(f.key, e.target.value)}
            />
            {problem && (
              <span className="field-problem" id={`${id}-problem`} role="alert">
                {problem.message}
              </span>
            )}
          </label>
        );
      })}
      {form.settings.map((f) => (
        <label key={f.key}>
          {f.label}
          <input
            value={values[`setting:${f.key}`] ?? ''}
            placeholder={f.placeholder}
            onChange={(e) => set(`setting:${f.key}`, e.target.value)}
          />
        </label>
      ))}
    </>
  );
}

const credentialsOf = (form: AccountForm, values: Record<string, string>): Record<string, string> =>
  Object.fromEntries(form.credentials.map((f) => [f.key, values[f.key]?.trim() ?? '']).filter(([, v]) => v));
const settingsOf = (form: AccountForm, values: Record<string, string>): Record<string, string> =>
  Object.fromEntries(form.settings.map((f) => [f.key, values[`setting:${f.key}`]?.trim() ?? '']));

/** Why Save waits, in words: the fields still empty that the vendor needs, and problems not under a field. */
function waitsFor(form: AccountForm, problems: Problem[] | null, values: Record<string, string>): string | null {
  if (!problems?.length) return null;
  const missing = problems
    .filter((p) => p.key && !(values[p.key] ?? '').trim())
    .map((p) => form.credentials.find((f) => f.key === p.key)?.label ?? p.key!);
  const general = problems.filter((p) => !p.key).map((p) => p.message);
  const words = [...(missing.length ? [`fill in ${[...new Set(missing)].join(', ')}`] : []), ...general];
  return words.length ? `Save waits: ${words.join('; ')}.` : null;
}

function TestLine({ result }: { result: TestResult | undefined }) {
  if (!result) return null;
  if (result === 'running')
    return (
      <p className="small muted" role="status">
        Testing…
      </p>
    );
  return (
    <p className={`small ${result.ok ? 'ok-text' : 'error-text'}`} role="status" data-testid="test-result">
      {result.ok ? 'Connected: ' : 'Failed: '}
      {result.detail}
    </p>
  );
}

/** Edit an account: label, base URL, credentials (empty keeps the stored ones), settings. */
function EditDialog({
  account,
  form,
  onClose,
  onSaved,
}: {
  account: AccountSummary;
  form: AccountForm;
  onClose: () => void;
  onSaved: (changedReach: boolean) => void;
}) {
  const kind = account.kind as Vendor;
  const [values, setValues] = useState<Record<string, string>>(() => ({
    label: account.label,
    baseUrl: account.baseUrl ?? '',
    ...Object.fromEntries(Object.entries(account.settings).map(([k, v]) => [`setting:${k}`, v])),
  }));
  const set = (k: string, v: string) => setValues((x) => ({ ...x, [k]: v }));
  const credentials = credentialsOf(form, values);
  const problems = useCredentialCheck(kind, credentials, true);
  const [test, setTest] = useState<TestResult>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const blocked = !!problems?.length || !values.label?.trim();
  async function save() {
    setBusy(true);
    setError(null);
    try {
      const baseUrl = values.baseUrl?.trim() || null;
      await call('updateAccount', {
        id: account.id,
        label: values.label?.trim(),
        ...(baseUrl !== account.baseUrl ? { baseUrl } : {}),
        ...(Object.keys(credentials).length ? { credentials } : {}),
        settings: settingsOf(form, values),
      });
      onSaved(Object.keys(credentials).length > 0 || baseUrl !== account.baseUrl);
    } catch (e) {
      setError((e as Error).message); // the dialog keeps what was typed
    } finally {
      setBusy(false);
    }
  }
  async function runTest() {
    setTest('running');
    setTest(
      await call('testCredentials', {
        kind,
        accountId: account.id,
        baseUrl: values.baseUrl?.trim() || null,
        credentials,
        settings: settingsOf(form, values),
      }).catch((e: Error) => ({ ok: false, detail: e.message })),
    );
  }
  return (
    <Modal label={`Edit ${account.label}`} onClose={onClose}>
      <form className="add-form dialog-form" onSubmit={(e) => (e.preventDefault(), !blocked && void save())}>
        <h2>
          <VendorBadge kind={account.kind} /> Edit {account.label}
        </h2>
        <label>
          Label
          <input value={values.label ?? ''} onChange={(e) => set('label', e.target.value)} autoFocus />
        </label>
        <label>
          Base URL <span className="muted small">(empty: the vendor&apos;s own)</span>
          <input value={values.baseUrl ?? ''} placeholder="https://…" onChange={(e) => set('baseUrl', e.target.value)} />
        </label>
        <p className="muted small">Credentials left empty keep the ones stored{account.sandbox ? ' (the sandbox’s test tokens)' : ''}.</p>
        <VendorFields form={form} values={values} set={set} problems={problems} editing />
        {error && (
          <div className="banner error inline" role="alert">
            {error}
          </div>
        )}
        <TestLine result={test} />
        <div className="actions">
          <button className="btn primary" type="submit" disabled={busy || blocked}>
            Save
          </button>
          <button className="btn" type="button" onClick={() => void runTest()} disabled={test === 'running' || !!problems?.length}>
            Test
          </button>
          <button className="btn" type="button" onClick={onClose}>
            Cancel
          </button>
        </div>
      </form>
    </Modal>
  );
}

/**
 * Remove says first what happens to the account's records, its links and its waiting changes.
 * Open changes are never dropped: Remove waits until they are sent, settled or undone. A copy of
 * what it deletes is kept for REMOVAL_UNDO_DAYS so the removal can be undone.
 */
function RemoveDialog({
  account,
  onClose,
  onRemoved,
}: {
  account: AccountSummary;
  onClose: () => void;
  onRemoved: (r: Output<'removeAccount'>) => void;
}) {
  const setView = useApp((s) => s.setView);
  const [plan, setPlan] = useState<Output<'planRemoveAccount'> | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    call('planRemoveAccount', { id: account.id }).then(setPlan, (e: Error) => setError(e.message));
  }, [account.id]);
  const vendor = VENDOR_LABELS[account.kind];
  const n = (x: number, one: string, many: string) => `${x.toLocaleString()} ${x === 1 ? one : many}`;
  async function remove() {
    setBusy(true);
    setError(null);
    try {
      onRemoved(await call('removeAccount', { id: account.id }));
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  }
  return (
    <Modal label={`Remove ${account.label}`} onClose={onClose}>
      <div className="dialog-body" data-testid="remove-dialog">
        <h2>
          <VendorBadge kind={account.kind} /> Remove {account.label}?
        </h2>
        {!plan ? (
          error ? (
            <div className="banner error inline" role="alert">
              {error}
            </div>
          ) : (
            <p className="muted">Working out what it holds…</p>
          )
        ) : (
          <>
            <ul className="remove-effects">
              <li>
                <strong>Records:</strong> its {n(plan.records, 'record leaves', 'records leave')} Concord. Nothing is sent to {vendor}: the
                vendor keeps its own.
              </li>
              <li>
                <strong>People:</strong> {n(plan.peopleOnlyHere, 'person who is', 'people who are')} only in this account leave the contacts
                list; {n(plan.peopleLinked, 'person linked', 'people linked')} to records in other accounts stay, with those records.
              </li>
              <li>
                <strong>Links:</strong> its records&apos; links to other accounts&apos; records, and field policies naming it, go with it.
              </li>
              {plan.waiting > 0 ? (
                <li className="remove-blocked" data-testid="remove-waiting">
                  <strong>Waiting changes:</strong> {n(plan.waiting, 'change', 'changes')} to this account{' '}
                  {plan.waiting === 1 ? 'is' : 'are'} not sent yet (waiting, in conflict or refused). Nothing is dropped: remove it once{' '}
                  {plan.waiting === 1 ? 'it is' : 'they are'} sent, settled or undone.{' '}
                  <button className="link" onClick={() => (onClose(), setView('sync'))}>
                    See {plan.waiting === 1 ? 'it' : 'them'} in Sync
                  </button>
                </li>
              ) : (
                <li>
                  <strong>Waiting changes:</strong> none.
                </li>
              )}
            </ul>
            <p className="small">
              You can undo this for {REMOVAL_UNDO_DAYS} days (here, or in Activity): the account comes back with its records, links and
              decisions. After that it is final, and its credentials leave this computer&apos;s keychain.
            </p>
            {error && (
              <div className="banner error inline" role="alert">
                {error}
              </div>
            )}
          </>
        )}
        <div className="actions">
          <button className="btn danger" onClick={() => void remove()} disabled={busy || !plan || plan.waiting > 0}>
            Remove account
          </button>
          <button className="btn" onClick={onClose} autoFocus>
            Cancel
          </button>
        </div>
      </div>
    </Modal>
  );
}

/** A dialog over the view; Escape or the backdrop closes it. */
function Modal({ label, onClose, children }: { label: string; onClose: () => void; children: React.ReactNode }) {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && onClose();
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);
  return (
    <div className="modal-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div className="modal card" role="dialog" aria-modal="true" aria-label={label}>
        {children}
      </div>
    </div>
  );
}

export function AccountsView() {
  const { status, refreshStatus, contactsChanged, syncNow, setView, setTip, editingAccount, fixCredentials } = useApp(
    useShallow((s) => ({
      status: s.status,
      refreshStatus: s.refreshStatus,
      contactsChanged: s.contactsChanged,
      syncNow: s.syncNow,
      setView: s.setView,
      setTip: s.setTip,
      editingAccount: s.editingAccount,
      fixCredentials: s.fixCredentials,
    })),
  );
  const [accounts, setAccounts] = useState<AccountSummary[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [said, setSaid] = useState<string | null>(null);
  const [adding, setAdding] = useState<Vendor | null>(null);
  const [form, setForm] = useState<Record<string, string>>({});
  const [tests, setTests] = useState<Record<string, TestResult>>({});
  const [busy, setBusy] = useState(false);
  const [removing, setRemoving] = useState<AccountSummary | null>(null);
  // The last removal, while its banner offers to undo it (Ctrl+Z or Activity may undo it first).
  const [removed, setRemoved] = useState<{ undoId: number; label: string } | null>(null);
  const undone = useApp((s) => s.undone);
  const undo = useApp((s) => s.undo);
  const [sandboxRunning, setSandboxRunning] = useState(false);

  const [forms, setForms] = useState<Partial<Record<Vendor, AccountForm>>>({});
  useEffect(() => {
    call('getAccountForms', {}).then(setForms, (e: Error) => setError(e.message));
  }, []);
  const formOf = (v: Vendor): AccountForm => forms[v] ?? NO_FORM;
  const load = useCallback(() => {
    call('listAccounts', {}).then(setAccounts, (e: Error) => setError(e.message));
    call('getSandbox', {}).then(
      (r) => setSandboxRunning(r.running),
      () => {},
    );
  }, []);
  useEffect(load, [load, status]);

  const addCredentials = adding ? credentialsOf(formOf(adding), form) : {};
  const addProblems = useCredentialCheck(adding, addCredentials, false);
  const addWaits = adding ? waitsFor(formOf(adding), addProblems, form) : null;
  const [addTest, setAddTest] = useState<TestResult>();
  useEffect(() => setAddTest(undefined), [adding]);

  async function add() {
    if (!adding) return;
    setBusy(true);
    setError(null);
    try {
      const settings = Object.fromEntries(Object.entries(settingsOf(formOf(adding), form)).filter(([, v]) => v));
      const a = await call('addAccount', {
        kind: adding,
        label: form.label?.trim() || undefined,
        baseUrl: form.baseUrl?.trim() || undefined,
        credentials: addCredentials,
        ...(Object.keys(settings).length ? { settings } : {}),
      });
      setAdding(null);
      setForm({});
      setSaid(`${a.label} added.`);
      load();
      void refreshStatus();
    } catch (e) {
      setError((e as Error).message); // the form keeps what was typed
    } finally {
      setBusy(false);
    }
  }

  async function testNew() {
    if (!adding) return;
    setAddTest('running');
    const settings = settingsOf(formOf(adding), form);
    setAddTest(
      await call('testCredentials', { kind: adding, baseUrl: form.baseUrl?.trim() || null, credentials: addCredentials, settings }).catch(
        (e: Error) => ({ ok: false, detail: e.message }),
      ),
    );
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
      const r = await call('startSandbox', {});
      load();
      await syncNow();
      contactsChanged();
      if (r.added > 0) {
        // A first start: the people are what there is to see, so go there and say what to try.
        setTip(
          'Try next: search a name with /, click a golden value to edit it (it goes to every vendor that holds it), or open Duplicates (Ctrl+3) to merge the same person across vendors.',
        );
        setView('contacts');
      } else
        setSaid(
          r.reused
            ? 'The sandbox vendors were already running: nothing new was started.'
            : 'The sandbox vendors started again; the sandbox accounts now point at them.',
        );
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  }

  const editing = accounts?.find((a) => a.id === editingAccount) ?? null;
  const sandboxAccounts = accounts?.filter((a) => a.sandbox).length ?? 0;

  async function undoRemoval(r: { undoId: number; label: string }) {
    setError(null);
    try {
      await undo(r.undoId);
      setSaid(`${r.label} is back, with its records, links and duplicate decisions.`);
    } catch (e) {
      setError(`Could not bring ${r.label} back: ${(e as Error).message}`);
    }
    setRemoved(null);
    load();
    contactsChanged();
    void refreshStatus();
  }

  return (
    <section className="view accounts-view">
      <header className="view-header">
        <h1>Accounts</h1>
        <span className="spacer" />
        <select
          value={adding ?? ''}
          onChange={(e) => (setAdding((e.target.value || null) as Vendor | null), setForm({}))}
          aria-label="Add an account"
        >
          <option value="">Add an account…</option>
          {VENDORS.map((v) => (
            <option key={v} value={v}>
              {VENDOR_LABELS[v]}
            </option>
          ))}
        </select>
        {sandboxRunning ? (
          <span
            className="sandbox-running small"
            data-testid="sandbox-running"
            title="The five sandbox vendors run inside Concord until it quits"
          >
            Sandbox running
          </span>
        ) : (
          <button className="btn" onClick={() => void sandbox()} disabled={busy} data-testid="try-sandbox">
            {sandboxAccounts ? 'Restart sandbox vendors' : 'Try with sandbox vendors'}
          </button>
        )}
      </header>
      {status && !status.secretStore.persistent && (
        <div className="banner warn" role="alert">
          {status.secretStore.detail} Install and unlock a keychain (on Linux: GNOME Keyring or KWallet with libsecret) to keep them.
        </div>
      )}
      {error && (
        <div className="banner error" role="alert">
          {error}
        </div>
      )}
      {said && !error && (
        <div className="banner ok" role="status">
          {said}
          {removed && !undone.includes(removed.undoId) && (
            <>
              {' '}
              <button className="link" data-testid="undo-remove" onClick={() => void undoRemoval(removed)}>
                Undo
              </button>
            </>
          )}
        </div>
      )}
      <div className="scroll-body">
        {adding && (
          <form
            className="card add-form"
            onSubmit={(e) => (e.preventDefault(), !addProblems?.length && void add())}
            aria-label={`Add ${VENDOR_LABELS[adding]}`}
          >
            <h2>
              <VendorBadge kind={adding} /> Add a {VENDOR_LABELS[adding]} account
            </h2>
            <label>
              Label
              <input
                value={form.label ?? ''}
                placeholder={`${VENDOR_LABELS[adding]} (main)`}
                onChange={(e) => setForm({ ...form, label: e.target.value })}
              />
            </label>
            <label>
              Base URL <span className="muted small">(leave empty for the vendor&apos;s own; other addresses must be https)</span>
              <input value={form.baseUrl ?? ''} placeholder="https://…" onChange={(e) => setForm({ ...form, baseUrl: e.target.value })} />
            </label>
            <VendorFields
              form={formOf(adding)}
              values={form}
              set={(k, v) => setForm((f) => ({ ...f, [k]: v }))}
              problems={addProblems}
              editing={false}
            />
            <p className="muted small">
              {status?.secretStore.persistent
                ? 'Secrets go to the system keychain, never to disk in plain text.'
                : 'No keychain: secrets are kept for this session only.'}
            </p>
            <TestLine result={addTest} />
            <div className="actions">
              <button className="btn primary" type="submit" disabled={busy || addProblems == null || addProblems.length > 0}>
                Save
              </button>
              <button
                className="btn"
                type="button"
                onClick={() => void testNew()}
                disabled={addTest === 'running' || addProblems == null || addProblems.length > 0}
              >
                Test
              </button>
              <button className="btn" type="button" onClick={() => setAdding(null)}>
                Cancel
              </button>
              {addWaits && (
                <span className="small muted" data-testid="save-waits">
                  {addWaits}
                </span>
              )}
            </div>
          </form>
        )}
        {accounts == null ? (
          <div className="loading">Loading…</div>
        ) : accounts.length === 0 && adding ? null : accounts.length === 0 ? (
          <EmptyState
            icon="accounts"
            title="No accounts connected"
            action={
              <button className="btn primary" onClick={() => void sandbox()} disabled={busy}>
                Try with sandbox vendors
              </button>
            }
          >
            Add CallTools, MPDX, LiveVox, Lightening or BigChange with your credentials — or try Concord first with five sandbox vendors
            that run on this computer.
          </EmptyState>
        ) : (
          <table className="table accounts-table" data-testid="accounts">
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
                  <tr key={a.id} data-account={a.label}>
                    <td>
                      <VendorBadge kind={a.kind} /> {a.label}
                      <div className="muted small account-url">
                        {VENDOR_LABELS[a.kind]} · {a.baseUrl ?? 'the vendor’s own address'}
                      </div>
                    </td>
                    <td className="num">{a.recordCount.toLocaleString()}</td>
                    <td>{a.lastPull ? new Date(a.lastPull).toLocaleString() : 'never'}</td>
                    <td>
                      <span className={`health health-${a.health}`}>{a.health === 'auth' ? 'credentials refused' : a.health}</span>
                      {t && t !== 'running' ? (
                        <div className={`small ${t.ok ? 'ok-text' : 'error-text'}`}>{t.detail}</div>
                      ) : (
                        a.health === 'auth' && a.healthMessage && <div className="small error-text">{a.healthMessage}</div>
                      )}
                    </td>
                    <td>
                      <TrustEditor account={a} onSaved={load} />
                    </td>
                    <td className="row-actions">
                      {a.kind !== 'csv' &&
                        (a.health === 'auth' ? (
                          <button className="btn small primary" onClick={() => fixCredentials(a.id)}>
                            Fix credentials
                          </button>
                        ) : (
                          <button className="link" disabled={t === 'running'} onClick={() => void test(a.id)}>
                            {t === 'running' ? 'Testing…' : 'Test'}
                          </button>
                        ))}
                      {a.kind !== 'csv' && (
                        <button className="link" onClick={() => fixCredentials(a.id)} aria-label={`Edit ${a.label}`}>
                          Edit
                        </button>
                      )}
                      <button className="link danger-text" onClick={() => setRemoving(a)} aria-label={`Remove ${a.label}`}>
                        Remove
                      </button>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
      </div>
      {editing && editing.kind !== 'csv' && (
        <EditDialog
          account={editing}
          form={formOf(editing.kind as Vendor)}
          onClose={() => fixCredentials(null)}
          onSaved={(reach) => {
            setSaid(`${editing.label} saved.`);
            fixCredentials(null);
            load();
            void refreshStatus();
            if (reach) void test(editing.id); // new credentials or address: say at once whether the vendor takes them
          }}
        />
      )}
      {removing && (
        <RemoveDialog
          account={removing}
          onClose={() => setRemoving(null)}
          onRemoved={(r) => {
            setSaid(
              `${removing.label} removed: ${r.records.toLocaleString()} records and ${r.people.toLocaleString()} people only there left Concord.`,
            );
            setRemoved({ undoId: r.undoId, label: removing.label });
            setRemoving(null);
            load();
            contactsChanged();
            void refreshStatus();
          }}
        />
      )}
    </section>
  );
}
