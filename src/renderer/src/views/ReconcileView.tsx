// Reconcile: which accounts should agree on which fields (policies), where linked records
// disagree (the drift matrix: account pairs × fields, each count opening its people), the
// writes that make them agree (previewed, queued through the outbox, one undo), and adding
// everyone in one account who is missing from another as one job with progress and cancel.
import { useCallback, useEffect, useState } from 'react';
import type { AccountSummary, AgreePlan, BulkAddPlan, DriftReport, FieldPolicy } from '../../../shared/contract';
import type { CanonicalField } from '../../../shared/domain';
import { call } from '../api';
import { CreateNeedField } from '../components/CreateNeedField';
import { VendorBadge } from '../components/VendorBadge';
import { AgreeReview } from './AgreeReview';
import { FIELD_ROWS, fieldInWords, rowOf } from '../lib/fields';
import { useApp } from '../store';

type Cell = { field: CanonicalField; a: string; b: string };

export function ReconcileView() {
  const contactsVersion = useApp((s) => s.contactsVersion);
  const openPerson = useApp((s) => s.openPerson);
  const refreshStatus = useApp((s) => s.refreshStatus);
  const contactsChanged = useApp((s) => s.contactsChanged);
  const [accounts, setAccounts] = useState<AccountSummary[]>([]);
  const [report, setReport] = useState<DriftReport | null>(null);
  const [draft, setDraft] = useState<Record<string, string[]>>({});
  const [error, setError] = useState<string | null>(null);
  const [toast, setToast] = useState<{ text: string; undoId?: number | null } | null>(null);

  const load = useCallback(async () => {
    try {
      const [a, r] = await Promise.all([call('listAccounts', {}), call('getDrift', {})]);
      setAccounts(a.filter((x) => x.kind !== 'csv'));
      setReport(r);
      setDraft(Object.fromEntries(r.policies.map((p) => [p.field, p.accounts])));
    } catch (e) {
      setError((e as Error).message);
    }
  }, []);
  useEffect(() => void load(), [load, contactsVersion]);
  const label = (id: string) => accounts.find((a) => a.id === id)?.label ?? id;
  const kind = (id: string) => accounts.find((a) => a.id === id)?.kind ?? 'csv';

  // ---- policies ----
  const saved = (f: string): string[] => report?.policies.find((p) => p.field === f)?.accounts ?? [];
  const changed = FIELD_ROWS.filter(
    (r) => JSON.stringify([...(draft[r.field] ?? [])].sort()) !== JSON.stringify([...saved(r.field)].sort()),
  );
  function toggle(field: string, id: string) {
    const cur = draft[field] ?? [];
    setDraft({ ...draft, [field]: cur.includes(id) ? cur.filter((x) => x !== id) : [...cur, id] });
  }
  async function savePolicies() {
    try {
      for (const r of changed) {
        const ids = draft[r.field] ?? [];
        if (ids.length >= 2) await call('setPolicy', { field: r.field, accounts: ids } as FieldPolicy);
        else await call('clearPolicy', { field: r.field });
      }
      setToast({ text: 'Policies saved; drift is checked again now and after every sync.' });
      setCell(null);
      setAgree(null);
      await load();
      void refreshStatus();
    } catch (e) {
      setError((e as Error).message);
    }
  }

  // ---- drift ----
  const [cell, setCell] = useState<Cell | null>(null);
  const [people, setPeople] = useState<{ total: number; people: { personId: string; name: string; a: unknown; b: unknown }[] } | null>(
    null,
  );
  useEffect(() => {
    if (!cell) return setPeople(null);
    call('listDriftPeople', { ...cell, limit: 200, offset: 0 }).then(setPeople, (e: Error) => setError(e.message));
  }, [cell, report]);
  const [agree, setAgree] = useState<AgreePlan | null>(null);
  async function planAgree() {
    try {
      setAgree(await call('planAgree', {}));
    } catch (e) {
      setError((e as Error).message);
    }
  }
  async function applyAgree(expected: number, exclude: { keys: string[]; groups: { field: CanonicalField; accountId: string }[] }) {
    if (!agree) return;
    try {
      const r = await call('applyAgree', { expected, exclude });
      setToast({
        text: `Queued ${r.written} write${r.written === 1 ? '' : 's'}; they go out at the next sync.${
          r.refused.length
            ? ` ${r.refused.length} not taken: ${r.refused
                .slice(0, 3)
                .map((x) => `${x.name} (${x.reason})`)
                .join('; ')}`
            : ''
        }`,
        undoId: r.applyId,
      });
      setAgree(null);
      setCell(null);
      await load();
      contactsChanged();
      void refreshStatus();
    } catch (e) {
      setError((e as Error).message);
    }
  }

  // ---- bulk add ----
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [search, setSearch] = useState('');
  const [tag, setTag] = useState('');
  const [values, setValues] = useState<Record<string, string>>({});
  const [bulk, setBulk] = useState<BulkAddPlan | null>(null);
  const [progress, setProgress] = useState<{ done: number; total: number } | null>(null);
  const query = () => ({
    from,
    to,
    ...(search.trim() ? { search: search.trim() } : {}),
    ...(tag.trim() ? { tag: tag.trim() } : {}),
    values,
  });
  async function planBulk() {
    try {
      setBulk(await call('planBulkAddTo', query()));
    } catch (e) {
      setError((e as Error).message);
    }
  }
  useEffect(() => setBulk(null), [from, to, search, tag]);
  async function runBulk() {
    const off = window.api.on('bulkAddProgress', (p) => setProgress(p));
    try {
      // The count confirmed is the one just worked out again with the values as typed.
      const plan = await call('planBulkAddTo', query());
      setBulk(plan);
      setProgress({ done: 0, total: plan.count });
      const r = await call('bulkAddTo', { ...query(), expected: plan.count });
      setToast({
        text: `Added ${r.added} of ${r.total} to ${label(to)}${r.cancelled ? ' (cancelled; the rest were not added)' : ''}; they are created at the next sync.${r.refused.length ? ` ${r.refused.length} refused, e.g. ${r.refused[0]!.reason}` : ''} One undo takes back all of them.`,
        undoId: r.bulkId,
      });
      setBulk(null);
      contactsChanged();
      void refreshStatus();
    } catch (e) {
      setError((e as Error).message);
    } finally {
      off();
      setProgress(null);
    }
  }

  async function undo(id: number) {
    try {
      await call('undoJournal', { id });
      setToast({ text: 'Undone.' });
      await load();
      contactsChanged();
      void refreshStatus();
    } catch (e) {
      setError((e as Error).message);
    }
  }

  const show = (field: CanonicalField, v: unknown) => rowOf(field).show(v) || '—';
  const policies = report?.policies ?? [];
  return (
    <section className="view reconcile-view">
      <header className="view-header">
        <h1>Reconcile</h1>
        <span className="result-count" data-testid="drift-count">
          {report
            ? policies.length
              ? `${report.people.toLocaleString()} ${report.people === 1 ? 'person drifts' : 'people drift'}`
              : 'no policies yet'
            : '…'}
        </span>
      </header>
      {error && (
        <div className="banner error" role="alert">
          {error}{' '}
          <button className="link" onClick={() => setError(null)}>
            Dismiss
          </button>
        </div>
      )}
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
      <div className="reconcile-body">
        <section aria-label="Field policies" className="panel">
          <h2>Which accounts should agree</h2>
          <p className="muted small">
            Tick two or more accounts for a field: Concord shows where their linked records disagree and proposes the writes that make them
            agree.
          </p>
          <div className="table-scroll">
            <table className="table policy-table" data-testid="policies">
              <thead>
                <tr>
                  <th scope="col">Field</th>
                  {accounts.map((a) => (
                    <th scope="col" key={a.id}>
                      <VendorBadge kind={a.kind} /> {a.label}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {FIELD_ROWS.filter((r) =>
                  ['givenName', 'familyName', 'emails', 'phones', 'address', 'company', 'role', 'birthDate'].includes(r.field),
                ).map((r) => (
                  <tr key={r.field}>
                    <th scope="row">{r.label}</th>
                    {accounts.map((a) => (
                      <td key={a.id}>
                        <input
                          type="checkbox"
                          aria-label={`${r.label} at ${a.label}`}
                          checked={(draft[r.field] ?? []).includes(a.id)}
                          onChange={() => toggle(r.field, a.id)}
                        />
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <button className="btn primary small" disabled={!changed.length} onClick={() => void savePolicies()} data-testid="save-policies">
            Save policies{changed.length ? ` (${changed.length} changed)` : ''}
          </button>
        </section>

        <section aria-label="Drift" className="panel">
          <h2>Drift</h2>
          {!policies.length ? (
            <p className="muted">No policies yet: nothing can drift.</p>
          ) : (
            <>
              <div className="table-scroll">
                <table className="table drift-matrix" data-testid="drift-matrix">
                  <thead>
                    <tr>
                      <th scope="col">Accounts</th>
                      {policies.map((p) => (
                        <th scope="col" key={p.field}>
                          {rowOf(p.field).label}
                        </th>
                      ))}
                    </tr>
                  </thead>
                  <tbody>
                    {pairs(policies).map(([a, b]) => (
                      <tr key={`${a}|${b}`}>
                        <th scope="row">
                          <VendorBadge kind={kind(a)} /> {label(a)} · <VendorBadge kind={kind(b)} /> {label(b)}
                        </th>
                        {policies.map((p) => {
                          const inPolicy = p.accounts.includes(a) && p.accounts.includes(b);
                          const c = report!.cells.find(
                            (x) => x.field === p.field && ((x.a === a && x.b === b) || (x.a === b && x.b === a)),
                          );
                          const on = cell?.field === p.field && cell.a === c?.a && cell.b === c?.b;
                          return (
                            <td key={p.field} className="num">
                              {!inPolicy ? (
                                <span className="muted">·</span>
                              ) : c ? (
                                <button
                                  className={`link drift-cell${on ? ' active' : ''}`}
                                  onClick={() => setCell(on ? null : { field: p.field, a: c.a, b: c.b })}
                                  aria-pressed={on}
                                  data-cell={`${p.field}|${label(c.a)}|${label(c.b)}`}
                                >
                                  {c.count.toLocaleString()}
                                </button>
                              ) : (
                                <span className="agree-mark" title="They agree">
                                  0
                                </span>
                              )}
                            </td>
                          );
                        })}
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
              {cell && people && (
                <div className="drift-people" data-testid="drift-people">
                  <h3>
                    {rowOf(cell.field).label}: {label(cell.a)} ≠ {label(cell.b)} ({people.total.toLocaleString()})
                  </h3>
                  <table className="table">
                    <thead>
                      <tr>
                        <th scope="col">Person</th>
                        <th scope="col">{label(cell.a)}</th>
                        <th scope="col">{label(cell.b)}</th>
                        <th />
                      </tr>
                    </thead>
                    <tbody>
                      {people.people.map((p) => (
                        <tr key={p.personId}>
                          <td>{p.name}</td>
                          <td className="pre">{show(cell.field, p.a)}</td>
                          <td className="pre">{show(cell.field, p.b)}</td>
                          <td>
                            <button className="link" onClick={() => openPerson(p.personId)}>
                              Open
                            </button>
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              )}
              <div className="agree">
                {report!.people > 0 && !agree && (
                  <button className="btn" onClick={() => void planAgree()} data-testid="plan-agree">
                    Make them agree…
                  </button>
                )}
                {agree && <AgreeReview first={agree} onQueue={(n, ex) => void applyAgree(n, ex)} onCancel={() => setAgree(null)} />}
              </div>
            </>
          )}
        </section>

        <section aria-label="Add everyone missing" className="panel">
          <h2>Add everyone missing</h2>
          <div className="bulk-add-form">
            <label>
              From{' '}
              <select value={from} onChange={(e) => setFrom(e.target.value)} aria-label="From account">
                <option value="">choose…</option>
                {accounts.map((a) => (
                  <option key={a.id} value={a.id}>
                    {a.label}
                  </option>
                ))}
              </select>
            </label>
            <label>
              missing from{' '}
              <select value={to} onChange={(e) => setTo(e.target.value)} aria-label="To account">
                <option value="">choose…</option>
                {accounts
                  .filter((a) => a.id !== from)
                  .map((a) => (
                    <option key={a.id} value={a.id}>
                      {a.label}
                    </option>
                  ))}
              </select>
            </label>
            <label>
              Search{' '}
              <input value={search} onChange={(e) => setSearch(e.target.value)} placeholder="optional" aria-label="Narrow by search" />
            </label>
            <label>
              Tag <input value={tag} onChange={(e) => setTag(e.target.value)} placeholder="optional" aria-label="Narrow by tag" />
            </label>
            <button className="btn" disabled={!from || !to || !!progress} onClick={() => void planBulk()} data-testid="plan-bulk-add">
              Preview
            </button>
          </div>
          {bulk && (
            <div className="bulk-add-plan" data-testid="bulk-add-plan">
              <p>
                <strong>{bulk.count.toLocaleString()}</strong> {bulk.count === 1 ? 'person' : 'people'} in {label(bulk.from)} are not in{' '}
                {label(bulk.to)}
                {bulk.sample.length ? `, e.g. ${bulk.sample.map((s) => s.name).join(', ')}` : ''}.
              </p>
              {bulk.needs.map((n) => (
                <CreateNeedField
                  key={n.key}
                  need={n}
                  value={values[n.key] ?? ''}
                  onChange={(v) => setValues({ ...values, [n.key]: v })}
                  placeholder={n.becomesId ? 'e.g. CONCORD-{personId}' : ''}
                  hint={n.becomesId ? ' — one per person: use {personId} or {externalRef}' : ''}
                />
              ))}
              {bulk.notHeld.length > 0 && <p className="small muted">Not held there: {bulk.notHeld.map(fieldInWords).join(', ')}.</p>}
              {progress ? (
                <div className="bulk-progress">
                  Adding… {progress.done.toLocaleString()} of {progress.total.toLocaleString()}{' '}
                  <progress max={progress.total} value={progress.done} aria-label="Bulk add progress" />
                  <button className="btn small" onClick={() => void call('cancelBulkAddTo', {})} data-testid="cancel-bulk-add">
                    Cancel
                  </button>
                </div>
              ) : (
                <button
                  className="btn primary"
                  disabled={!bulk.count || bulk.needs.some((n) => n.missing && !values[n.key]?.trim())}
                  onClick={() => void runBulk()}
                  data-testid="run-bulk-add"
                >
                  Add {bulk.count.toLocaleString()} to {label(bulk.to)}
                </button>
              )}
            </div>
          )}
        </section>
      </div>
    </section>
  );
}

/** Every pair of accounts some policy names, in the order the policies list them. */
function pairs(policies: FieldPolicy[]): [string, string][] {
  const out: [string, string][] = [];
  const seen = new Set<string>();
  for (const p of policies) {
    for (let i = 0; i < p.accounts.length; i++) {
      for (let k = i + 1; k < p.accounts.length; k++) {
        const [a, b] = [p.accounts[i]!, p.accounts[k]!];
        const key = [a, b].sort().join('|');
        if (seen.has(key)) continue;
        seen.add(key);
        out.push([a, b]);
      }
    }
  }
  return out;
}
