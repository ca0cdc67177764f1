// Activity: the journal, newest first, one entry per action (its steps folded in), each naming
// the person it is about; filterable by kind, with undo where it is possible.
import { Fragment, useCallback, useEffect, useState } from 'react';
import type { JournalEntry, JournalRow } from '../../../shared/contract';
import { call } from '../api';
import { EmptyState } from '../components/EmptyState';
import { humanise } from '../lib/fields';
import { useApp } from '../store';
import { useShallow } from 'zustand/react/shallow';
import { VENDOR_LABELS, type Vendor } from '../../../shared/domain';

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
  const { contactsVersion, undoEntry, openPerson } = useApp(
    useShallow((s) => ({ contactsVersion: s.contactsVersion, undoEntry: s.undo, openPerson: s.openPerson })),
  );
  const [expanded, setExpanded] = useState<Set<number>>(new Set());
  const [kind, setKind] = useState('');
  const [data, setData] = useState<{ total: number; entries: JournalEntry[] } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(() => {
    call('listJournal', { kind: kind || undefined, limit: 300, offset: 0 }).then(setData, (e: Error) => setError(e.message));
  }, [kind]);
  useEffect(load, [load, contactsVersion]);

  function toggle(id: number) {
    setExpanded((x) => {
      const next = new Set(x);
      if (!next.delete(id)) next.add(id);
      return next;
    });
  }

  async function undo(e: JournalRow) {
    try {
      await undoEntry(e.id);
      setError(null);
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
            <option key={k} value={k}>
              {label}
            </option>
          ))}
        </select>
        <span className="result-count">{data ? `${data.total.toLocaleString()} entries` : '…'}</span>
      </header>
      {error && (
        <div className="banner error" role="alert">
          {error}
        </div>
      )}
      {data && data.entries.length === 0 ? (
        <EmptyState icon="activity" title="No activity yet">
          Every edit, sync, merge and resolution is recorded here, with undo where it is possible.
        </EmptyState>
      ) : (
        <div className="scroll-body">
          <table className="table journal-table" data-testid="journal">
            <thead>
              <tr>
                <th>When</th>
                <th>Who</th>
                <th>What</th>
                <th>By</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {(data?.entries ?? []).map((e) => {
                const open = expanded.has(e.id);
                return (
                  <Fragment key={e.id}>
                    <tr className={`journal-entry${e.undone ? ' undone' : ''}`} data-entry={e.id}>
                      <td className="nowrap muted">{new Date(e.at).toLocaleString()}</td>
                      <td>
                        <People people={e.people} open={openPerson} />
                      </td>
                      <td>
                        {e.rows.length > 0 && (
                          <button
                            className="link expand"
                            aria-expanded={open}
                            onClick={() => toggle(e.id)}
                            title={open ? 'Hide the steps' : 'Show each step'}
                          >
                            {open ? '▾' : '▸'} {e.rowCount.toLocaleString()}
                          </button>
                        )}
                        <span className={`kind kind-${e.kind.split('.')[0]}`}>
                          {e.kind === 'bulk-merge' && e.actor === 'auto' ? 'Linked' : label(e.kind)}
                        </span>{' '}
                        {humanise(e.summary)}
                        {e.cause && e.kind === 'merge' && <span className="muted"> — {e.cause}</span>}
                        {e.undone && <span className="muted small"> (undone)</span>}
                      </td>
                      <td className="muted nowrap">{e.actor}</td>
                      <td className="row-actions">
                        {e.undo && (
                          <button className="link" onClick={() => void undo(e)}>
                            Undo
                          </button>
                        )}
                      </td>
                    </tr>
                    {open &&
                      e.rows.map((r) => (
                        <tr key={r.id} className={`journal-step${r.undone ? ' undone' : ''}`}>
                          <td className="nowrap muted small">{new Date(r.at).toLocaleTimeString()}</td>
                          {/* The entry names them already; a step names only someone else. */}
                          <td>{samePeople(r.people, e.people) ? null : <People people={r.people} open={openPerson} />}</td>
                          <td>
                            <span className={`kind kind-${r.kind.split('.')[0]}`}>{label(r.kind)}</span>
                            {r.vendor && <span className="vendor-tag">{VENDOR_LABELS[r.vendor as Vendor] ?? r.vendor}</span>}{' '}
                            {humanise(r.summary)}
                            {r.undone && <span className="muted small"> (undone)</span>}
                          </td>
                          <td className="muted nowrap">{r.actor}</td>
                          <td className="row-actions">
                            {r.undo && (
                              <button className="link" onClick={() => void undo(r)}>
                                Undo
                              </button>
                            )}
                          </td>
                        </tr>
                      ))}
                    {open && e.rowCount > e.rows.length && (
                      <tr className="journal-step">
                        <td />
                        <td />
                        <td className="muted small">…and {(e.rowCount - e.rows.length).toLocaleString()} more steps</td>
                        <td />
                        <td />
                      </tr>
                    )}
                  </Fragment>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

/** People named before "and N more": a row about ninety people stays one line, not a screen. */
const PEOPLE_SHOWN = 3;

/** The people a row is about, each a link that opens them in Contacts. */
function People({ people, open }: { people: JournalRow['people']; open: (id: string) => void }) {
  const [all, setAll] = useState(false);
  if (!people.length) return <span className="muted">—</span>;
  const shown = all ? people : people.slice(0, PEOPLE_SHOWN);
  return (
    <span className="journal-people">
      {shown.map((p, i) => (
        <Fragment key={p.id}>
          {i > 0 && ', '}
          <button className="link person-link" onClick={() => open(p.id)}>
            {p.name}
          </button>
        </Fragment>
      ))}
      {people.length > shown.length && (
        <>
          {' '}
          <button className="link muted more-people" onClick={() => setAll(true)}>
            and {(people.length - shown.length).toLocaleString()} more
          </button>
        </>
      )}
    </span>
  );
}

function samePeople(a: JournalRow['people'], b: JournalRow['people']): boolean {
  return a.length === b.length && a.every((p, i) => p.id === b[i]!.id);
}

function label(kind: string): string {
  return (
    (
      {
        edit: 'Edit',
        'sync.push': 'Sent',
        'sync.reject': 'Refused',
        'conflict.raise': 'Conflict',
        'conflict.resolve': 'Resolved',
        merge: 'Merge',
        'bulk-merge': 'Bulk merge',
        'bulk-unmerge': 'Bulk merge undone',
        unmerge: 'Unmerged',
        dismiss: 'Not the same',
        undo: 'Undo',
        'account.add': 'Account',
        'account.remove': 'Account removed',
        'account.edit': 'Account changed',
        'policy-apply': 'Make them agree',
        'add-to': 'Added',
        'bulk-add': 'Bulk add',
        'dedupe.scan': 'Duplicate scan',
      } as Record<string, string>
    )[kind] ?? kind.replace(/[-._]/g, ' ').replace(/^./, (c) => c.toUpperCase())
  ); // a kind not listed still reads as words
}
