import { useApp } from '../store';
import { useShallow } from 'zustand/react/shallow';
import { Icon } from './Icon';

export function StatusBar() {
  const { status, statusError, notice, dismissNotice, setView, syncing, syncTrigger, linked, undoLinked, dismissLinked } = useApp(
    useShallow((s) => ({
      status: s.status,
      statusError: s.statusError,
      notice: s.notice,
      dismissNotice: s.dismissNotice,
      setView: s.setView,
      syncing: s.syncing,
      syncTrigger: s.syncTrigger,
      linked: s.linked,
      undoLinked: s.undoLinked,
      dismissLinked: s.dismissLinked,
    })),
  );
  if (statusError) {
    return (
      <footer className="statusbar error" role="status">
        <Icon name="warn" size={13} /> Cannot reach the Concord core: {statusError}
      </footer>
    );
  }
  if (!status) return <footer className="statusbar">Starting…</footer>;
  const waiting = status.outbox.pending + status.outbox.inFlight;
  const online = status.accounts.some((a) => a.health === 'ok');
  const pill = status.offline ? ['pill-offline', 'Offline'] : online ? ['pill-online', 'Online'] : ['pill-idle', 'Not synced yet'];
  return (
    <footer className="statusbar" role="status">
      <span className={`pill ${pill[0]}`}>{pill[1]}</span>
      <span>
        {status.counts.people.toLocaleString()} people · {status.counts.records.toLocaleString()} records · {status.counts.accounts}{' '}
        accounts
      </span>
      {waiting > 0 && (
        <span>
          {status.offline ? 'offline, ' : ''}
          {waiting} change{waiting === 1 ? '' : 's'} waiting
        </span>
      )}
      {syncing && syncTrigger !== 'person' && (
        <span data-testid="auto-sync">{syncTrigger === 'reconnect' ? 'Back online — syncing…' : 'Syncing by itself…'}</span>
      )}
      {notice && (
        <span className="notice" data-testid="notice" title={notice}>
          {/conflict/.test(notice) ? (
            <button className="link" onClick={() => setView('conflicts')}>
              {notice}
            </button>
          ) : /refused/.test(notice) ? (
            <button className="link" onClick={() => setView('sync')}>
              {notice}
            </button>
          ) : (
            <span>{notice}</span>
          )}{' '}
          <button className="link muted" aria-label="Dismiss" onClick={dismissNotice}>
            ×
          </button>
        </span>
      )}
      {linked && (
        <span
          className="notice"
          data-testid="linked"
          role="status"
          title="Records the model is near-certain are one person, now shown as one. Nothing was sent to a vendor."
        >
          <span>
            Linked automatically: {linked.count.toLocaleString()} {linked.count === 1 ? 'person' : 'people'}
          </span>{' '}
          <button className="link" onClick={() => void undoLinked()}>
            Undo
          </button>{' '}
          <button className="link muted" aria-label="Dismiss" onClick={dismissLinked}>
            ×
          </button>
        </span>
      )}
      <span className="spacer" />
      <span
        className={`secret-store ${status.secretStore.persistent ? '' : 'warn'}`}
        title={
          status.secretStore.persistent
            ? status.secretStore.detail
            : `Keychain unavailable — secrets kept for this session only. ${status.secretStore.detail}`
        }
      >
        <Icon name={status.secretStore.persistent ? 'key' : 'warn'} size={13} />
        {/* The tail gives way first when the bar is short; the title keeps the whole story. */}
        <span className="secret-text">
          {status.secretStore.persistent ? (
            'Secrets in system keychain'
          ) : (
            <>
              Keychain unavailable<span className="secret-more"> — secrets kept for this session only</span>
            </>
          )}
        </span>
      </span>
      <span className="muted">v{status.version}</span>
    </footer>
  );
}
