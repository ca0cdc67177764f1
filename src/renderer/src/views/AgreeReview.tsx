// "Make them agree", reviewed before anything is queued: every write, grouped by field and
// account in a virtual list paged from the core (thousands stay smooth), each row and each
// group can be left out, and a value only one of the person's records holds is flagged — the
// golden value may be the odd one out. What is queued is exactly what is ticked here.
import { useVirtualizer } from '@tanstack/react-virtual';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { AgreePlan } from '../../../shared/contract';
import { VendorBadge } from '../components/VendorBadge';
import { call } from '../api';
import { rowOf } from '../lib/fields';

type Write = AgreePlan['writes'][number];
type Group = AgreePlan['groups'][number];
type Row = { kind: 'group'; group: Group } | { kind: 'write'; at: number };

const PAGE = 500;
const ROW = 30;
const show = (field: string, v: unknown): string => rowOf(field).show(v).replace(/\n/g, ', ');
const groupKey = (g: { field: string; accountId: string }): string => `${g.field}|${g.accountId}`;

export function AgreeReview({
  first,
  onQueue,
  onCancel,
}: {
  first: AgreePlan;
  onQueue: (expected: number, exclude: { keys: string[]; groups: { field: Group['field']; accountId: string }[] }) => void;
  onCancel: () => void;
}) {
  // Writes by their index in the core's order; pages are fetched as they scroll into view.
  const [writes, setWrites] = useState<(Write | undefined)[]>(() => {
    const all = new Array<Write | undefined>(first.total).fill(undefined);
    first.writes.forEach((w, i) => (all[first.offset + i] = w));
    return all;
  });
  const asked = useRef(new Set<number>([0]));
  // Writes left out one by one: key -> their group, so a group left out whole counts them once.
  const [leftOut, setLeftOut] = useState<Map<string, string>>(new Map());
  const [groupsOut, setGroupsOut] = useState<Set<string>>(new Set());

  // Rows: a header per field × account group, then its writes (the core's order is grouped the same way).
  const rows = useMemo<Row[]>(() => {
    const out: Row[] = [];
    let at = 0;
    for (const g of first.groups) {
      out.push({ kind: 'group', group: g });
      for (let i = 0; i < g.count; i++) out.push({ kind: 'write', at: at++ });
    }
    return out;
  }, [first.groups]);

  const fetchPage = useCallback((page: number) => {
    if (asked.current.has(page)) return;
    asked.current.add(page);
    call('planAgree', { offset: page * PAGE, limit: PAGE }).then(
      (p) => {
        setWrites((prev) => {
          const next = [...prev];
          p.writes.forEach((w, i) => (next[p.offset + i] = w));
          return next;
        });
      },
      () => asked.current.delete(page),
    );
  }, []);

  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW,
    overscan: 20,
  });
  const items = virtualizer.getVirtualItems();
  useEffect(() => {
    for (const it of items) {
      const r = rows[it.index];
      if (r?.kind === 'write' && !writes[r.at]) fetchPage(Math.floor(r.at / PAGE));
    }
  }, [items, rows, writes, fetchPage]);

  const excludedCount =
    first.groups.reduce((n, g) => n + (groupsOut.has(groupKey(g)) ? g.count : 0), 0) +
    [...leftOut.values()].filter((g) => !groupsOut.has(g)).length;
  const queued = first.total - excludedCount;
  const minority = writes.filter((w) => w && w.held <= 1 && w.contested).length;

  const toggleGroup = (key: string) => {
    const next = new Set(groupsOut);
    if (next.has(key)) next.delete(key);
    else next.add(key);
    setGroupsOut(next);
  };
  const toggleWrite = (w: Write) => {
    const next = new Map(leftOut);
    if (next.has(w.key)) next.delete(w.key);
    else next.set(w.key, groupKey(w));
    setLeftOut(next);
  };

  return (
    <div className="agree-review" role="dialog" aria-label="Make them agree" data-testid="agree-plan">
      <p>
        {first.total.toLocaleString()} write{first.total === 1 ? '' : 's'} for {first.people.toLocaleString()}{' '}
        {first.people === 1 ? 'person' : 'people'}, each record given the golden value. Untick what should stay as it is.
        {minority > 0 && (
          <span className="muted small"> ⚑ marks a value only one of the person’s records holds while another says otherwise.</span>
        )}
      </p>
      <div className="agree-list" ref={scrollRef} data-testid="agree-list">
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {items.map((it) => {
            const r = rows[it.index]!;
            const style = { position: 'absolute' as const, top: 0, left: 0, right: 0, height: ROW, transform: `translateY(${it.start}px)` };
            if (r.kind === 'group') {
              const k = groupKey(r.group);
              return (
                <label key={`g-${k}`} className="agree-group" style={style} data-testid="agree-group">
                  <input
                    type="checkbox"
                    checked={!groupsOut.has(k)}
                    onChange={() => toggleGroup(k)}
                    aria-label={`${rowOf(r.group.field).label} at ${r.group.accountLabel}`}
                  />
                  <strong>{rowOf(r.group.field).label}</strong> · <VendorBadge kind={r.group.vendor} /> {r.group.accountLabel}{' '}
                  <span className="muted small">{r.group.count.toLocaleString()}</span>
                </label>
              );
            }
            const w = writes[r.at];
            if (!w)
              return (
                <div key={`w-${r.at}`} className="agree-write muted" style={style}>
                  …
                </div>
              );
            const off = groupsOut.has(groupKey(w)) || leftOut.has(w.key);
            return (
              <label key={w.key} className={`agree-write${off ? ' off' : ''}`} style={style} data-testid="agree-write">
                <input
                  type="checkbox"
                  checked={!off}
                  disabled={groupsOut.has(groupKey(w))}
                  onChange={() => toggleWrite(w)}
                  aria-label={`${w.name}: ${rowOf(w.field).label}`}
                />
                <span className="agree-name">{w.name}</span>
                <span className="agree-from">{show(w.field, w.from) || '—'}</span>
                <span aria-hidden="true">→</span>
                <strong className="agree-to">{show(w.field, w.to) || '—'}</strong>
                {w.held <= 1 && w.contested && (
                  <span className="flag" title={`Only ${w.held} of ${w.of} records hold this value`}>
                    ⚑ {w.held} of {w.of}
                  </span>
                )}
                {w.note && <span className="muted small">{w.note}</span>}
              </label>
            );
          })}
        </div>
      </div>
      <div className="actions">
        <button
          className="btn primary small"
          disabled={queued === 0}
          onClick={() =>
            onQueue(queued, {
              keys: [...leftOut.keys()],
              groups: first.groups.filter((g) => groupsOut.has(groupKey(g))).map((g) => ({ field: g.field, accountId: g.accountId })),
            })
          }
          data-testid="apply-agree"
        >
          Queue {queued.toLocaleString()} write{queued === 1 ? '' : 's'}
        </button>
        <button className="btn small" onClick={onCancel}>
          Cancel
        </button>
        {excludedCount > 0 && <span className="muted small">{excludedCount.toLocaleString()} left out</span>}
      </div>
    </div>
  );
}
