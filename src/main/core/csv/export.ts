// Export the golden records as CSV. Cells that a spreadsheet would run as a formula
// (=, +, -, @, tab, CR first) are prefixed with an apostrophe (OWASP's CSV-injection advice),
// so a phone like +16505551234 comes out as '+16505551234 — safe to open in Excel.
import { stringify } from 'csv-stringify/sync';
import type { ContactRow } from '../../../shared/contract';

export const EXPORT_COLUMNS = [
  'id', 'given_name', 'family_name', 'full_name', 'email', 'other_emails', 'phone', 'other_phones',
  'street1', 'street2', 'city', 'region', 'postal_code', 'country', 'company', 'department', 'role',
  'birth_date', 'tags', 'notes', 'vendors',
] as const;

export function neutralizeFormula(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

export function exportCsv(rows: Iterable<ContactRow>): string {
  const out: string[][] = [];
  for (const r of rows) {
    const f = r.fields;
    const emails = f.emails ?? [];
    const phones = f.phones ?? [];
    const primaryEmail = emails.find((e) => e.primary) ?? emails[0];
    const primaryPhone = phones.find((p) => p.primary) ?? phones[0];
    const cells = [
      r.id, f.givenName, f.familyName, f.fullName, primaryEmail?.address,
      emails.filter((e) => e !== primaryEmail).map((e) => e.address).join('; '),
      primaryPhone ? (primaryPhone.e164 ?? primaryPhone.raw) : '',
      phones.filter((p) => p !== primaryPhone).map((p) => p.e164 ?? p.raw).join('; '),
      f.address?.street1, f.address?.street2, f.address?.city, f.address?.region, f.address?.postalCode, f.address?.country,
      f.company, f.department, f.role, f.birthDate, (f.tags ?? []).join('; '), f.notes, r.vendors.join('; '),
    ];
    out.push(cells.map((c) => neutralizeFormula(c ?? '')));
  }
  return stringify(out, { header: true, columns: [...EXPORT_COLUMNS], bom: false });
}
