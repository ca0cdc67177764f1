// A create that met a record the vendor already holds (LiveVox's 202 "Contact already exists!",
// CallTools' upsert merge): this person beside that record, and the two answers a person can
// give. Nothing of that record is this person's until "the same person" is chosen.
import { useEffect, useState } from 'react';
import type { ConflictItem } from '../../../shared/contract';
import { VENDOR_LABELS } from '../../../shared/domain';
import { rowOf } from '../lib/fields';

type ExistsResolution = { exists: 'same' } | { exists: 'different'; key?: string };

export function ExistsConflict({
  conflict,
  busy,
  onResolve,
}: {
  conflict: ConflictItem;
  busy: boolean;
  onResolve: (r: ExistsResolution) => void;
}) {
  const vendor = VENDOR_LABELS[conflict.vendor];
  const existing = conflict.existing;
  const [key, setKey] = useState('');
  useEffect(() => setKey(''), [conflict.id]);
  if (!existing) return null;
  const keyLabel = existing.key?.label ?? 'key';
  return (
    <div className="conflict">
      <h2 className="person-name">{conflict.name || `Record ${conflict.recordId.slice(0, 8)}`}</h2>
      <p className="muted">
        {conflict.accountLabel !== vendor ? `${vendor} · ${conflict.accountLabel} — ` : ''}
        {existing.mergedByVendor
          ? `${vendor} merged this new contact into its contact ${existing.remoteId} (same phone): review it there.`
          : `${vendor} already has a contact under ${keyLabel} ${existing.remoteId}.`}{' '}
        Is it the same person?
      </p>
      <div className="three-way exists" role="table" aria-label={`This person and the contact already at ${vendor}`}>
        <div className="tw-row tw-head" role="row">
          <div role="columnheader">Field</div>
          <div role="columnheader">This person</div>
          <div role="columnheader">Already at {vendor}</div>
        </div>
        {conflict.fields.map((f) => {
          const row = rowOf(f.field);
          const [l, r] = [row.show(f.local), row.show(f.remote)];
          return (
            <div className="tw-row" role="row" key={f.field} data-field={f.field}>
              <div className="field-label" role="rowheader">
                {row.label}
              </div>
              <div role="cell" className="tw-local" data-label="This person">
                {l || <span className="muted">—</span>}
              </div>
              <div role="cell" className="tw-remote" data-label={`At ${vendor}`}>
                {r || <span className="muted">—</span>}
              </div>
            </div>
          );
        })}
      </div>
      <div className="actions">
        <button className="btn primary" disabled={busy} onClick={() => onResolve({ exists: 'same' })} data-testid="exists-same">
          The same person — link them
        </button>
        {existing.key ? (
          <form
            className="inline-form"
            onSubmit={(e) => {
              e.preventDefault();
              if (key.trim()) onResolve({ exists: 'different', key: key.trim() });
            }}
          >
            <label>
              New {keyLabel} <input value={key} maxLength={255} onChange={(e) => setKey(e.target.value)} aria-label={`New ${keyLabel}`} />
            </label>
            <button className="btn" type="submit" disabled={busy || !key.trim()} data-testid="exists-different">
              A different person — create under this key
            </button>
          </form>
        ) : (
          <button className="btn" disabled={busy} onClick={() => onResolve({ exists: 'different' })} data-testid="exists-different">
            A different person — do not link
          </button>
        )}
      </div>
      <p className="muted">Linking writes nothing to the contact at {vendor}; it only joins it to this person.</p>
    </div>
  );
}
