import { useEffect } from 'react';
import { Icon } from './components/Icon';
import { useApp, VIEWS, type View } from './store';
import { useShallow } from 'zustand/react/shallow';
import { AccountsView } from './views/AccountsView';
import { ContactsView } from './views/ContactsView';
import { ActivityView } from './views/ActivityView';
import { ConflictsView } from './views/ConflictsView';
import { DuplicatesView } from './views/duplicates/DuplicatesView';
import { ReconcileView } from './views/ReconcileView';
import { SyncView } from './views/SyncView';
import { CoreBanner } from './components/CoreBanner';
import { StatusBar } from './components/StatusBar';
import { isEditable } from './lib/keys';

const LABELS: Record<View, string> = {
  contacts: 'Contacts',
  conflicts: 'Conflicts',
  duplicates: 'Duplicates',
  reconcile: 'Reconcile',
  sync: 'Sync',
  accounts: 'Accounts',
  activity: 'Activity',
};

// Counts past 9,999 read "28K" in the narrow nav; the exact figure is in the tooltip and the view.
const compact = new Intl.NumberFormat(undefined, { notation: 'compact', maximumFractionDigits: 1 });
const compactWhole = new Intl.NumberFormat(undefined, { notation: 'compact', maximumFractionDigits: 0 });
// Short enough to sit beside the longest label in the sidebar ("284K", not "284.2K"); the full count is its title.
const navCount = (n: number): string => (n < 10_000 ? n.toLocaleString() : n < 100_000 ? compact.format(n) : compactWhole.format(n));

export function App() {
  const { view, setView, status, refreshStatus, undoLast } = useApp(
    useShallow((s) => ({ view: s.view, setView: s.setView, status: s.status, refreshStatus: s.refreshStatus, undoLast: s.undoLast })),
  );
  useEffect(() => {
    void refreshStatus();
  }, [refreshStatus]);

  // Ctrl/Cmd+1..6 switch views, like a mail client's folders.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!(e.ctrlKey || e.metaKey)) return;
      // Ctrl+Z outside a text field takes back the last thing done (a text field keeps its own undo).
      if (e.key.toLowerCase() === 'z' && !e.shiftKey && !isEditable(e.target)) {
        e.preventDefault();
        void undoLast();
        return;
      }
      const i = Number(e.key) - 1;
      const target = VIEWS[i];
      if (target) {
        e.preventDefault();
        setView(target);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [setView, undoLast]);

  const badge = (v: View): number | null => {
    if (!status) return null;
    if (v === 'contacts') return status.counts.people;
    if (v === 'conflicts') return status.openConflicts || null;
    if (v === 'duplicates') return status.duplicates?.waiting || null;
    if (v === 'reconcile') return status.drift?.people || null;
    if (v === 'sync') return status.outbox.pending + status.outbox.inFlight || null;
    if (v === 'accounts') return status.counts.accounts || null;
    return null;
  };

  return (
    <div className="app">
      <nav className="sidebar" aria-label="Main">
        <div className="brand">
          <span className="brand-mark" aria-hidden="true">
            C
          </span>
          <span className="brand-name">Concord</span>
        </div>
        <ul>
          {VIEWS.map((v, i) => (
            <li key={v}>
              <button
                className={`nav-item${view === v ? ' active' : ''}`}
                onClick={() => setView(v)}
                aria-current={view === v ? 'page' : undefined}
                title={`${LABELS[v]} (Ctrl+${i + 1})`}
                data-view={v}
              >
                <Icon name={v} />
                <span className="nav-label">{LABELS[v]}</span>
                {badge(v) != null && (
                  <span className={`nav-count${v === 'conflicts' ? ' warn' : ''}`} title={badge(v)!.toLocaleString()}>
                    {navCount(badge(v)!)}
                  </span>
                )}
              </button>
            </li>
          ))}
        </ul>
      </nav>
      <main className="content">
        <CoreBanner />
        {view === 'contacts' && <ContactsView />}
        {view === 'accounts' && <AccountsView />}
        {view === 'conflicts' && <ConflictsView />}
        {view === 'duplicates' && <DuplicatesView />}
        {view === 'reconcile' && <ReconcileView />}
        {view === 'sync' && <SyncView />}
        {view === 'activity' && <ActivityView />}
      </main>
      <StatusBar />
    </div>
  );
}
