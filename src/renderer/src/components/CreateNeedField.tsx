// One value a vendor needs to create a record (contract CreateNeed): what it is, whether it is
// required, and either where Concord takes it from or a box to type it in. Shared by adding one
// person (AddToPanel) and adding everyone missing (Reconcile).
import type { CreateNeed } from '../../../shared/contract';

export function CreateNeedField({
  need: n,
  value,
  onChange,
  placeholder,
  hint,
}: {
  need: CreateNeed;
  value: string;
  onChange: (value: string) => void;
  placeholder: string;
  /** Said after the vendor's reason, e.g. how to make a key unique per person. */
  hint?: string;
}) {
  return (
    <label className={`need${n.missing ? ' missing' : ''}`}>
      <span className="need-label">
        {n.label}
        {n.missing ? ' (required)' : ''}
      </span>
      {n.from ? (
        <span className="muted small">
          {n.value} — from {n.from}
        </span>
      ) : (
        <input value={value} onChange={(e) => onChange(e.target.value)} aria-label={n.label} placeholder={placeholder} />
      )}
      <span className="muted small">
        {n.why}
        {hint ?? ''}
      </span>
    </label>
  );
}
