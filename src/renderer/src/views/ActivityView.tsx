// Activity: the journal, newest first, filterable by kind, with undo where it is possible.
import { useCallback, useEffect, useState } from 'react';
import type { JournalEntry } from '../../../shared/contract';
import { call } from '../api';
import { EmptyState } from '../components/EmptyState';
import { humanise } from '../lib/fields';
import { useApp } from '../store';

const KINDS = [
  ['', 'Everything'],
  ['edit', 'Edits'],
  ['sync', 'Sent to vendors'],
  ['conflict', 'Conflicts'],
  ['merge', 'Merges'],
  ['dismiss', 'Not the same'],
  ['undo', 'Undos'],
] as const;

export function ActivityView() {
  const { contactsVersion, contactsChanged, refreshStatus } = useApp();
  const [kind, setKind] = useState('');
  const [data, setData] = useState<{ total: number; entries: JournalEntry[] } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(() => {
    call('listJournal', { kind: kind || undefined, limit: 300, offset: 0 }).then(setData, (e: Error) => setError(e.message));
  }, [kind]);
  useEffect(load, [load, contactsVersion]);

  async function undo(e: JournalEntry) {
    try {
      await call('undoJournal', { id: e.id });
      setError(null);
      contactsChanged();
      void refreshStatus();
      load();
    } catch (err) {
      setError((err as Error).message);
    }
  }

  return (
    <section className="view activity-view">
      <header className="view-header">
        <h1>Activity</h1>
        <select value={kind} onChange={(e) => setKind(e.target.value)} aria-label="Filter activity">
          {KINDS.map(([k, label]) => (
            <option key={k} value={k}>{label}</option>
          ))}
        </select>
        <span className="result-count">{data ? `${data.total.toLocaleString()} entries` : '…'}</span>
      </header>
      {error && <div className="banner error" role="alert">{error}</div>}
      {data && data.entries.length === 0 ? (
        <EmptyState icon="activity" title="No activity yet">
          Every edit, sync, merge and resolution is recorded here, with undo where it is possible.
        </EmptyState>
      ) : (
        <div className="scroll-body">
          <table className="table" data-testid="journal">
            <thead>
              <tr>
                <th>When</th>
                <th>What</th>
                <th>By</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {(data?.entries ?? []).map((e) => (
                <tr key={e.id} className={e.undone ? 'undone' : ''}>
                  <td className="nowrap muted">{new Date(e.at).toLocaleString()}</td>
                  <td>
                    <span className={`kind kind-${e.kind.split('.')[0]}`}>{label(e.kind)}</span> {humanise(e.summary)}
                    {e.undone && <span className="muted small"> (undone)</span>}
                  </td>
                  <td className="muted nowrap">{e.actor}</td>
                  <td className="row-actions">{e.undo && <button className="link" onClick={() => void undo(e)}>Undo</button>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function label(kind: string): string {
  return (
    {
      edit: 'Edit', 'sync.push': 'Sent', 'sync.reject': 'Refused', 'conflict.raise': 'Conflict', 'conflict.resolve': 'Resolved', merge: 'Merge', unmerge: 'Unmerged', dismiss: 'Not the same', undo: 'Undo', 'account.add': 'Account',
    } as Record<string, string>
  )[kind] ?? kind;
}
