// LiveVox's bulk CSV export (POST /contact/contacts/bulk with exportableFields, the vendor's
// livevox-contacts.txt): rows modified from startDate to endDate, headed by display labels.
import type { SandboxResponse } from '../server';
import { err } from './http';
import type { Json, LiveVoxStore } from './store';

// Export columns are headed by display labels; the document shows "Account" and "Account Due Date".
const EXPORT_LABELS: Record<string, string> = {
  account: 'Account',
  modifyDate: 'Modify Date',
  dueDate: 'Account Due Date',
  firstName: 'First Name',
  lastName: 'Last Name',
  email: 'Email',
  zipCode: 'Zip Code',
  address1: 'Address 1',
  address2: 'Address 2',
  city: 'City',
  state: 'State',
  balance: 'Balance',
  ...Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`phone${i + 1}`, `Phone ${i + 1}`])),
};
/** What `allFields` expands to (the document names the key, not its columns). */
const ALL_FIELDS = [
  'account',
  'firstName',
  'lastName',
  'email',
  'zipCode',
  'address1',
  'address2',
  'city',
  'state',
  'balance',
  'dueDate',
  'modifyDate',
  ...Array.from({ length: 10 }, (_, i) => `phone${i + 1}`),
];

function usDate(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getUTCMonth() + 1)}/${p(d.getUTCDate())}/${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`;
}

/** Dates (dueDate) export as MM/DD/YYYY, as the document's "Account Due Date" column shows. */
function usDay(ms: number): string {
  return usDate(ms).slice(0, 10);
}

function parseLvDate(v: unknown): number | null {
  if (v === undefined || v === null || v === '') return null;
  if (typeof v === 'number') return v;
  if (/^\d+$/.test(String(v))) return Number(v);
  const t = Date.parse(`${String(v)}T00:00:00Z`);
  return Number.isNaN(t) ? NaN : t;
}

/** The export answer for a bulk request `b` that is not a create. */
export function bulkExport(store: LiveVoxStore, b: Json): SandboxResponse {
  const asked = Array.isArray(b.exportableFields) ? (b.exportableFields as string[]) : null;
  const fields = asked?.flatMap((f) => (f === 'allFields' ? ALL_FIELDS : [f])) ?? null;
  if (!fields?.length) return err(400, 400, 'exportableFields is required');
  const start = parseLvDate(b.startDate);
  const end = parseLvDate(b.endDate);
  if (Number.isNaN(start) || Number.isNaN(end)) return err(400, 400, 'startDate/endDate must be CCYY-MM-DD or epoch milliseconds');
  const rows = [...store.contacts.values()].filter(
    (c) =>
      (start === null || (c.modifyDate as number) >= start) &&
      (end === null || (c.modifyDate as number) <= end + (typeof b.endDate === 'string' && !/^\d+$/.test(b.endDate) ? 86_399_999 : 0)),
  );
  const cell = (c: Json, f: string): string => {
    const ph = /^phone(\d+)$/.exec(f);
    const col = /^COL\d+$/.test(f) ? ((c.customFields as Json[] | null) ?? []).find((x) => x.field === f) : undefined;
    const v =
      f === 'modifyDate'
        ? c[f]
          ? usDate(c[f] as number)
          : ''
        : f === 'dueDate'
          ? c[f]
            ? usDay(c[f] as number)
            : ''
          : ph
            ? String(((c.phone as Json[]) ?? []).find((p) => Number(p.ordinal) === Number(ph[1]))?.phone ?? '')
            : /^COL\d+$/.test(f)
              ? String(col?.value ?? '')
              : String(c[f] ?? (c.person as Json)?.[f] ?? '');
    return /[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
  };
  const label = (f: string): string => EXPORT_LABELS[f] ?? store.customFieldLabels.get(f)?.label ?? f;
  const csv =
    [
      fields
        .map((f) => {
          const l = label(f);
          return /[",\n]/.test(l) ? `"${l.replace(/"/g, '""')}"` : l;
        })
        .join(','),
      ...rows.map((c) => fields.map((f) => cell(c, f)).join(',')),
    ].join('\n') + '\n';
  return { status: 200, headers: { 'content-type': 'text/csv' }, body: csv };
}
