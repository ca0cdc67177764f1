// Export the golden records as CSV, safe to open in a spreadsheet (OWASP's CSV-injection
// advice): every cell is quoted, and a cell a spreadsheet could run as a formula is prefixed
// with an apostrophe — one that starts with =, +, -, @, tab, CR or NUL, or has one right after a
// character a spreadsheet may split cells on (`,` `;` tab, or a line break), since splitting
// "Acme;=cmd|' /C calc'!A0" there would start a cell with the formula. So a phone like
// +16505551234 comes out as '+16505551234; ordinary values come out as they are.
import { stringify } from 'csv-stringify/sync';
import type { ContactRow } from '../../../shared/contract';

export const EXPORT_COLUMNS = [
  'id',
  'given_name',
  'family_name',
  'full_name',
  'email',
  'other_emails',
  'phone',
  'other_phones',
  'street1',
  'street2',
  'city',
  'region',
  'postal_code',
  'country',
  'company',
  'department',
  'role',
  'birth_date',
  'tags',
  'notes',
  'vendors',
] as const;

// A formula starter at the start or after a separator, spaces allowed between (some spreadsheets trim them).
const FORMULA_AT_A_CELL_START = /(?:^|[,;\t\r\n]) *[=+\-@\t\r\0]/;

export function neutralizeFormula(value: string): string {
  return FORMULA_AT_A_CELL_START.test(value) ? `'${value}` : value;
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
      r.id,
      f.givenName,
      f.familyName,
      f.fullName,
      primaryEmail?.address,
      emails
        .filter((e) => e !== primaryEmail)
        .map((e) => e.address)
        .join('; '),
      primaryPhone ? (primaryPhone.e164 ?? primaryPhone.raw) : '',
      phones
        .filter((p) => p !== primaryPhone)
        .map((p) => p.e164 ?? p.raw)
        .join('; '),
      f.address?.street1,
      f.address?.street2,
      f.address?.city,
      f.address?.region,
      f.address?.postalCode,
      f.address?.country,
      f.company,
      f.department,
      f.role,
      f.birthDate,
      (f.tags ?? []).join('; '),
      f.notes,
      r.vendors.join('; '),
    ];
    out.push(cells.map((c) => neutralizeFormula(c ?? '')));
  }
  // Every cell quoted (empty ones too), so no reader splits a cell at a separator inside it.
  return stringify(out, { header: true, columns: [...EXPORT_COLUMNS], bom: false, quoted: true, quoted_empty: true });
}
