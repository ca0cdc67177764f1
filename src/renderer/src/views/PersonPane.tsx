import type { ContactDetail } from '../../../shared/contract';
import type { CanonicalContact } from '../../../shared/domain';
import { VendorBadge } from '../components/VendorBadge';

// Fields shown in aligned rows: golden value beside each vendor record's value.
const ROWS: { label: string; get: (c: CanonicalContact) => string }[] = [
  { label: 'Given name', get: (c) => c.givenName ?? '' },
  { label: 'Family name', get: (c) => c.familyName ?? '' },
  { label: 'Emails', get: (c) => (c.emails ?? []).map((e) => e.address).join('\n') },
  { label: 'Phones', get: (c) => (c.phones ?? []).map((p) => p.e164 ?? p.raw).join('\n') },
  { label: 'Street', get: (c) => [c.address?.street1, c.address?.street2].filter(Boolean).join(', ') },
  { label: 'City', get: (c) => [c.address?.city, c.address?.region, c.address?.postalCode].filter(Boolean).join(' ') },
  { label: 'Country', get: (c) => c.address?.country ?? '' },
  { label: 'Company', get: (c) => c.company ?? '' },
  { label: 'Role', get: (c) => c.role ?? '' },
  { label: 'Birth date', get: (c) => c.birthDate ?? '' },
  { label: 'Tags', get: (c) => (c.tags ?? []).join(', ') },
];

export function PersonPane({ detail }: { detail: ContactDetail }) {
  const rows = ROWS.filter((r) => r.get(detail.golden) || detail.records.some((rec) => r.get(rec.local)));
  return (
    <div className="person">
      <h2 className="person-name">{detail.displayName}</h2>
      <p className="muted">
        {detail.records.length} vendor record{detail.records.length === 1 ? '' : 's'}
      </p>
      <div className="compare" role="table" aria-label="Golden record and vendor records">
        <div className="compare-row compare-head" role="row">
          <div role="columnheader">Field</div>
          <div role="columnheader">Golden</div>
          {detail.records.map((r) => (
            <div role="columnheader" key={r.id} title={`${r.accountLabel} · ${r.remoteId ?? 'not yet created'}`}>
              <VendorBadge kind={r.vendor} /> <span className="muted">{r.remoteId}</span>
            </div>
          ))}
        </div>
        {rows.map((row) => {
          const golden = row.get(detail.golden);
          return (
            <div className="compare-row" role="row" key={row.label}>
              <div className="field-label" role="rowheader">{row.label}</div>
              <div role="cell" className="golden">{golden || <span className="muted">—</span>}</div>
              {detail.records.map((r) => {
                const v = row.get(r.local);
                return (
                  <div role="cell" key={r.id} className={v && v !== golden ? 'differs' : ''}>
                    {v || <span className="muted">—</span>}
                  </div>
                );
              })}
            </div>
          );
        })}
      </div>
    </div>
  );
}
