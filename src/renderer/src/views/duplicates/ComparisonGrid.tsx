// The records of one cluster side by side, fields in aligned rows (agreeing and differing cells
// marked), a pick per field for the golden record. Beside the queue, ↑/↓ choose a field and
// 1…9 pick that record's value for it (no Tab marathon).
import { useEffect, useState } from 'react';
import type { DuplicateCluster } from '../../../../shared/contract';
import { VENDOR_LABELS } from '../../../../shared/domain';
import { Breakable } from '../../components/Breakable';
import { VendorBadge } from '../../components/VendorBadge';
import { FIELD_ROWS, shortId } from '../../lib/fields';
import { ignoredKey, inQueue } from './keys';

export type Picks = Record<string, string>;

/**
 * How the grid is looked at: kept by the view, not the grid, because the grid comes and goes
 * between clusters and the choices outlive it (from one cluster to the next, as before).
 */
export function useGridOptions() {
  const [differencesOnly, setDifferencesOnly] = useState(false);
  const [activeField, setActiveField] = useState<string | null>(null);
  return { differencesOnly, setDifferencesOnly, activeField, setActiveField };
}
export type GridOptions = ReturnType<typeof useGridOptions>;

type Props = {
  cluster: DuplicateCluster;
  picks: Picks;
  onPick: (field: string, recordId: string) => void;
  options: GridOptions;
  bulk: boolean;
};

export function ComparisonGrid({ cluster, picks, onPick, options, bulk }: Props) {
  const { differencesOnly, setDifferencesOnly, activeField, setActiveField } = options;
  const allRows = FIELD_ROWS.filter((r) => cluster.records.some((rec) => r.show(rec.contact[r.field])));
  // "Differences only": rows where the records do not all say the same thing.
  const differs = (r: (typeof FIELD_ROWS)[number]): boolean =>
    new Set(cluster.records.map((rec) => r.show(rec.contact[r.field]).toLowerCase())).size > 1;
  const rows = differencesOnly ? allRows.filter(differs) : allRows;

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (ignoredKey(e, bulk)) return;
      if (!inQueue(e.target) && (e.key === 'ArrowDown' || e.key === 'ArrowUp')) {
        e.preventDefault();
        const at = rows.findIndex((r) => r.field === activeField);
        const next = rows[Math.max(0, Math.min(rows.length - 1, at + (e.key === 'ArrowDown' ? 1 : -1)))];
        if (next) setActiveField(next.field);
      } else if (activeField && /^[1-9]$/.test(e.key)) {
        const rec = cluster.records[Number(e.key) - 1];
        const row = rows.find((r) => r.field === activeField);
        if (rec && row && row.show(rec.contact[row.field])) {
          e.preventDefault();
          onPick(activeField, rec.recordId);
        }
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });

  return (
    <>
      <label className="small muted differences-only">
        <input type="checkbox" checked={differencesOnly} onChange={(e) => setDifferencesOnly(e.target.checked)} /> Differences only (
        {allRows.filter(differs).length} of {allRows.length} fields)
      </label>
      <div
        className="cards"
        role="table"
        aria-label="Records side by side"
        style={{ gridTemplateColumns: `110px repeat(${cluster.records.length}, minmax(160px, 1fr))` }}
      >
        <div role="columnheader" className="cards-corner">
          Field
        </div>
        {cluster.records.map((r) => (
          <div
            role="columnheader"
            key={r.recordId}
            className="card-col-head"
            title={`${r.accountLabel} · ${r.remoteId ?? 'not yet created'}`}
          >
            <VendorBadge kind={r.vendor} /> {VENDOR_LABELS[r.vendor]} <span className="muted small">{shortId(r.remoteId)}</span>
          </div>
        ))}
        {rows.map((row) => {
          const values = cluster.records.map((r) => row.show(r.contact[row.field]));
          const filled = values.filter(Boolean);
          const agree = filled.length > 1 && filled.every((v) => v.toLowerCase() === filled[0]!.toLowerCase());
          const pickedId = picks[row.field];
          return [
            <div
              role="rowheader"
              key={`${row.field}-h`}
              className={`field-label${activeField === row.field ? ' active' : ''}`}
              onClick={() => setActiveField(row.field)}
            >
              {row.label}
            </div>,
            ...cluster.records.map((r, i) => {
              const v = values[i]!;
              const picked = pickedId === r.recordId;
              const cls = !v ? 'empty' : agree ? 'agree' : filled.length > 1 ? 'differ' : '';
              return (
                <button
                  role="cell"
                  key={`${row.field}-${r.recordId}`}
                  className={`cell ${cls}${picked ? ' picked' : ''}`}
                  disabled={!v}
                  onClick={() => onPick(row.field, r.recordId)}
                  title={v ? (picked ? 'Picked for the golden record (click to unpick)' : 'Use this value for everyone') : undefined}
                  data-field={row.field}
                >
                  {v ? <Breakable text={v} /> : '—'}
                </button>
              );
            }),
          ];
        })}
      </div>
    </>
  );
}
