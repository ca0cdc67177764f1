// Sync: each account with its progress during pull and push, last sync and health; the
// outbox — pending, in flight, in conflict, refused — with errors in plain words and a retry.
import { useCallback, useEffect, useState } from 'react';
import type { AccountSummary, OutboxItem, SyncSchedule } from '../../../shared/contract';
import { call } from '../api';
import { EmptyState } from '../components/EmptyState';
import { VendorBadge } from '../components/VendorBadge';
import { rowOf } from '../lib/fields';
import { useApp } from '../store';
import { useShallow } from 'zustand/react/shallow';

const STATES = [
  ['pending', 'Waiting'],
  ['in_flight', 'Sending'],
  ['conflict', 'In conflict'],
  ['rejected', 'Refused'],
] as const;

/** How often the app syncs by itself, and when it next will. */
function ScheduleControl() {
  const [schedule, setSchedule] = useState<SyncSchedule | null>(null);
  const syncing = useApp((s) => s.syncing);
  useEffect(() => {
    void call('getSyncSchedule', {}).then(setSchedule);
  }, [syncing]);
  if (!schedule) return null;
  const next = schedule.nextAt ? new Date(schedule.nextAt).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }) : null;
  return (
    <label className="schedule muted small">
      Sync by itself{' '}
      <select
        aria-label="Sync by itself"
        value={schedule.minutes}
        onChange={(e) => void call('setSyncSchedule', { minutes: Number(e.target.value) }).then(setSchedule)}
        data-testid="schedule"
      >
        {[...new Set([0, 5, 15, 30, 60, schedule.minutes])]
          .sort((a, b) => a - b)
          .map((m) => (
            <option key={m} value={m}>
              {m === 0 ? 'never' : m === 60 ? 'every hour' : `every ${m} min`}
            </option>
          ))}
      </select>
      {next && <span data-testid="next-sync"> · next at {next}</span>}
    </label>
  );
}

export function SyncView() {
  const {
    status,
    progress,
    syncing,
    syncTrigger,
    syncNow,
    cancelSync,
    lastSyncError,
    contactsVersion,
    setView,
    openPerson,
    fixCredentials,
  } = useApp(
    useShallow((s) => ({
      status: s.status,
      progress: s.progress,
      syncing: s.syncing,
      syncTrigger: s.syncTrigger,
      syncNow: s.syncNow,
      cancelSync: s.cancelSync,
      lastSyncError: s.lastSyncError,
      contactsVersion: s.contactsVersion,
      setView: s.setView,
      openPerson: s.openPerson,
      fixCredentials: s.fixCredentials,
    })),
  );
  const [accounts, setAccounts] = useState<AccountSummary[] | null>(null);
  const [outbox, setOutbox] = useState<OutboxItem[] | null>(null);
  const [tab, setTab] = useState<string>('all');
  const load = useCallback(() => {
    void call('listAccounts', {}).then(setAccounts);
    void call('listOutbox', {}).then(setOutbox);
  }, []);
  useEffect(load, [load, contactsVersion, status]);

  const vendorAccounts = (accounts ?? []).filter((a) => a.kind !== 'csv');
  const waiting = status ? status.outbox.pending + status.outbox.inFlight : 0;
  const shown = (outbox ?? []).filter((o) => tab === 'all' || o.state === tab);
  return (
    <section className="view sync-view">
      <header className="view-header">
        <h1>Sync</h1>
        {status?.offline && (
          <span className="pill pill-offline" data-testid="offline-badge">
            Offline
          </span>
        )}
        <span className="result-count" data-testid="waiting">
          {waiting ? `${status?.offline ? 'offline, ' : ''}${waiting} change${waiting === 1 ? '' : 's'} waiting` : 'Nothing waiting'}
        </span>
        <span className="spacer" />
        <ScheduleControl />
        {syncing ? (
          <button className="btn" onClick={() => void cancelSync()} data-testid="cancel-sync">
            {syncTrigger === 'schedule'
              ? 'Scheduled sync… Cancel'
              : syncTrigger === 'reconnect'
                ? 'Back online, syncing… Cancel'
                : 'Syncing… Cancel'}
          </button>
        ) : (
          <button className="btn primary" disabled={!vendorAccounts.length} onClick={() => void syncNow()} data-testid="sync-now">
            Sync now
          </button>
        )}
      </header>
      {lastSyncError && <div className="banner error">The sync could not run: {lastSyncError}</div>}
      {!!status?.drift?.people && (
        // Re-checked after every sync: linked records that disagree on a field a policy covers.
        <div className="banner warn" data-testid="sync-drift">
          {status.drift.people.toLocaleString()} {status.drift.people === 1 ? 'person drifts' : 'people drift'} from the field policies.{' '}
          <button className="link" onClick={() => setView('reconcile')}>
            Review in Reconcile
          </button>
        </div>
      )}
      {accounts && !vendorAccounts.length ? (
        <EmptyState
          icon="sync"
          title="Nothing to sync yet"
          action={
            <button className="btn primary" onClick={() => setView('accounts')}>
              Connect an account
            </button>
          }
        >
          Connect an account to pull its contacts. Edits you make offline wait here until the next sync.
        </EmptyState>
      ) : (
        <div className="scroll-body">
          <div className="account-cards">
            {vendorAccounts.map((a) => {
              const p = progress[a.id];
              const pct = p?.total
                ? Math.round((100 * p.done) / Math.max(1, p.total))
                : p && (p.phase === 'done' || p.phase === 'error')
                  ? 100
                  : null;
              const running = !!p && syncing && p.phase !== 'done' && p.phase !== 'error';
              return (
                <div className="card" key={a.id} data-testid={`account-${a.kind}`}>
                  <div className="card-head">
                    <VendorBadge kind={a.kind} />
                    <strong>{a.label}</strong>
                    <span className={`health health-${a.health}`}>{healthWord(a.health)}</span>
                  </div>
                  <div
                    className="progress"
                    role="progressbar"
                    aria-label={`${a.label} progress`}
                    aria-valuenow={pct ?? undefined}
                    aria-valuemin={0}
                    aria-valuemax={100}
                  >
                    {/* Only while a sync runs: a bar left full when idle reads as work in progress. */}
                    <div
                      className={`progress-fill ${p?.phase === 'error' ? 'error' : ''} ${pct == null && p && syncing ? 'indeterminate' : ''}`}
                      style={{ width: `${syncing ? (pct ?? (p ? 35 : 0)) : 0}%` }}
                    />
                  </div>
                  <div className="card-sub">
                    {running
                      ? `${p.phase === 'pull' ? 'Pulling' : 'Pushing'} · ${p.done.toLocaleString()}${p.total ? ` of ${p.total.toLocaleString()}` : ' records'}`
                      : `Last pull ${when(a.lastPull)} · last push ${when(a.lastPush)} · ${a.recordCount.toLocaleString()} records`}
                    {running && (
                      // Accounts sync side by side: one slow vendor can be stopped without the others.
                      <>
                        {' '}
                        <button
                          className="link"
                          onClick={() => void cancelSync(a.id)}
                          aria-label={`Cancel ${a.label}'s sync`}
                          data-testid={`cancel-sync-${a.kind}`}
                        >
                          Cancel
                        </button>
                      </>
                    )}
                  </div>
                  {a.health !== 'ok' && a.healthMessage && (
                    <div className="card-error">
                      {plainError(a.health, a.healthMessage)}{' '}
                      {/* Refused credentials do not get better by asking again: they need fixing. */}
                      {a.health === 'auth' ? (
                        <button className="link" onClick={() => fixCredentials(a.id)}>
                          Fix credentials
                        </button>
                      ) : (
                        <button className="link" onClick={() => void syncNow(a.id)} disabled={syncing}>
                          Retry
                        </button>
                      )}
                    </div>
                  )}
                </div>
              );
            })}
          </div>
          <h2 className="section-title">Outbox</h2>
          <div className="tabs" role="tablist">
            <button role="tab" aria-selected={tab === 'all'} onClick={() => setTab('all')}>
              All <span className="count">{outbox?.length ?? 0}</span>
            </button>
            {STATES.map(([k, label]) => (
              <button key={k} role="tab" aria-selected={tab === k} onClick={() => setTab(k)}>
                {label} <span className="count">{(outbox ?? []).filter((o) => o.state === k).length}</span>
              </button>
            ))}
          </div>
          {shown.length === 0 ? (
            <p className="muted pad">{outbox == null ? 'Loading…' : 'Nothing here. Edits you make wait here until they are sent.'}</p>
          ) : (
            <table className="table" data-testid="outbox">
              <thead>
                <tr>
                  <th>Person</th>
                  <th>Vendor</th>
                  <th>Change</th>
                  <th>State</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {shown.map((o) => (
                  <tr key={o.id} className={`outbox-${o.state}`}>
                    <td>{o.name}</td>
                    <td>
                      <VendorBadge kind={o.vendor} /> {o.accountLabel}
                    </td>
                    <td>
                      {o.op === 'update'
                        ? o.fields.map((f) => rowOf(f).label).join(', ')
                        : o.op === 'create'
                          ? 'create'
                          : o.op === 'delete'
                            ? 'delete'
                            : 'merge'}
                    </td>
                    <td>
                      <span className={`state state-${o.state}`}>{STATES.find(([k]) => k === o.state)?.[1] ?? o.state}</span>
                      {o.lastError && <div className="small error-text">{o.lastError}</div>}
                    </td>
                    <td className="row-actions">
                      {o.state === 'rejected' && (
                        <button className="link" onClick={() => openPerson(o.personId)}>
                          Fix…
                        </button>
                      )}
                      {o.state === 'conflict' && (
                        <button className="link" onClick={() => setView('conflicts')}>
                          Settle…
                        </button>
                      )}
                      {o.state === 'pending' && o.lastError && (
                        <button className="link" onClick={() => void syncNow()} disabled={syncing}>
                          Retry
                        </button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      )}
    </section>
  );
}

function when(iso: string | null): string {
  if (!iso) return 'never';
  const d = new Date(iso);
  const mins = Math.round((Date.now() - d.getTime()) / 60000);
  return mins < 1 ? 'just now' : mins < 60 ? `${mins} min ago` : d.toLocaleString();
}

function healthWord(h: string): string {
  return { ok: 'Connected', offline: 'Offline', auth: 'Sign-in needed', error: 'Problem', unknown: 'Not synced yet' }[h] ?? h;
}

/** A vendor error in words a person can act on. */
function plainError(health: string, message: string): string {
  if (health === 'offline') {
    const n = Number(/(\d+) changes? waiting/.exec(message)?.[1] ?? 0);
    return `Can't be reached right now — nothing is lost.${n ? ` ${n} change${n === 1 ? '' : 's'} wait${n === 1 ? 's' : ''} for the next sync that reaches it.` : ''}`;
  }
  if (health === 'auth') return `The vendor refused the credentials: ${message}`;
  return message;
}
