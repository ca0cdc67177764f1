import { useEffect, useState } from 'react';
import type { AccountSummary } from '../../../shared/contract';
import { VENDOR_LABELS } from '../../../shared/domain';
import { call } from '../api';
import { EmptyState } from '../components/EmptyState';
import { VendorBadge } from '../components/VendorBadge';
import { useApp } from '../store';

export function AccountsView() {
  const { status } = useApp();
  const [accounts, setAccounts] = useState<AccountSummary[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    call('listAccounts', {}).then(setAccounts, (e: Error) => setError(e.message));
  }, []);

  return (
    <section className="view">
      <header className="view-header">
        <h1>Accounts</h1>
      </header>
      {status && !status.secretStore.persistent && (
        <div className="banner warn" role="alert">
          {status.secretStore.detail} Install and unlock a keychain (on Linux: GNOME Keyring or KWallet with libsecret) to keep them.
        </div>
      )}
      {error && <div className="banner error">Could not load accounts: {error}</div>}
      {accounts == null ? (
        <div className="loading">Loading…</div>
      ) : accounts.length === 0 ? (
        <EmptyState icon="accounts" title="No accounts connected">
          Add CallTools, MPDX, LiveVox, Lightening or BigChange with your credentials, or run <code>concord sandbox</code> and{' '}
          <code>concord accounts add-sandbox</code> to try Concord without any.
        </EmptyState>
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th>Account</th>
              <th>Vendor</th>
              <th>Records</th>
              <th>Last pull</th>
              <th>Health</th>
            </tr>
          </thead>
          <tbody>
            {accounts.map((a) => (
              <tr key={a.id}>
                <td>
                  <VendorBadge kind={a.kind} /> {a.label}
                  <div className="muted small">{a.baseUrl}</div>
                </td>
                <td>{VENDOR_LABELS[a.kind]}</td>
                <td className="num">{a.recordCount.toLocaleString()}</td>
                <td>{a.lastPull ? new Date(a.lastPull).toLocaleString() : 'never'}</td>
                <td>
                  <span className={`health health-${a.health}`}>{a.health}</span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
