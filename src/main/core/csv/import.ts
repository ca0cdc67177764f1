// CSV files as a source: each file is an account of kind `csv` (named by --source); each row a
// record. Headers map by alias (headers.ts); a bad row is reported with its line number and
// the rest still loads. Re-importing the same source updates rows by their id column, or by a
// hash of who the row is (names, email, phone) when the file has no id column.
import { createHash } from 'node:crypto';
import { splitFullName } from '../normalize/names';
import { parse } from 'csv-parse/sync';
import type { CanonicalContact, EmailEntry, PhoneEntry } from '../../../shared/domain';
import type { AccountsService } from '../accounts/accounts-service';
import type { SyncStore } from '../sync/sync-store';
import type Database from 'better-sqlite3';
import { parseDate } from '../normalize/dates';
import { phoneEntry } from '../normalize/phone';
import { mapHeaders, type CsvTarget } from './headers';

export interface CsvRowError {
  line: number;
  message: string;
}

export interface CsvImportResult {
  accountId: string;
  source: string;
  imported: number;
  created: number;
  updated: number;
  errors: CsvRowError[];
  ignoredHeaders: string[];
}

export interface CsvImportOptions {
  source: string;
  map?: Record<string, string>;
  region?: string;
}

const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function rowToContact(cells: string[], mapping: (CsvTarget | null)[], region: string): { contact: CanonicalContact; problems: string[] } {
  const c: CanonicalContact = {};
  const problems: string[] = [];
  const emails: EmailEntry[] = [];
  const phones: PhoneEntry[] = [];
  const address: NonNullable<CanonicalContact['address']> = {};
  cells.forEach((raw, i) => {
    const target = mapping[i];
    const v = (raw ?? '').trim();
    if (!target || !v) return;
    switch (target) {
      case 'email':
        for (const e of v.split(/[;,\s]+/).filter(Boolean)) {
          if (EMAIL_RE.test(e)) emails.push({ address: e.toLowerCase(), primary: emails.length === 0 });
          else problems.push(`"${e}" is not an email address`);
        }
        return;
      case 'phone':
      case 'mobile':
      case 'homePhone':
      case 'workPhone': {
        const label = target === 'phone' ? null : target === 'mobile' ? 'mobile' : target === 'homePhone' ? 'home' : 'work';
        for (const p of v.split(/[;,]+/).map((x) => x.trim()).filter(Boolean)) {
          const entry = phoneEntry(p, { region, label, mobile: target === 'mobile' ? true : undefined });
          if (!entry.e164 && p.replace(/\D/g, '').length < 5) problems.push(`"${p}" is not a phone number`);
          else phones.push(entry);
        }
        return;
      }
      case 'street1':
      case 'street2':
      case 'city':
      case 'region':
      case 'postalCode':
      case 'county':
      case 'country':
        address[target] = v;
        return;
      case 'birthDate': {
        const d = parseDate(v);
        if (d) c.birthDate = d;
        else problems.push(`"${v}" is not a date (use YYYY-MM-DD)`);
        return;
      }
      case 'tags':
        c.tags = v.split(/[;,|]+/).map((t) => t.trim()).filter(Boolean);
        return;
      case 'doNotContact':
        c.doNotContact = /^(1|y|yes|true|x)$/i.test(v);
        return;
      default:
        c[target] = v;
    }
  });
  if (!c.givenName && !c.familyName && c.fullName) {
    // "Ada Lovelace" (or "Lovelace, Ada") in a single name column.
    const { given, family } = splitFullName(c.fullName);
    if (family) {
      c.givenName = given;
      c.familyName = family;
    }
  }
  if (emails.length) c.emails = emails;
  if (phones.length) {
    phones[0]!.primary = true;
    c.phones = phones;
  }
  if (Object.keys(address).length) c.address = address;
  if (!c.givenName && !c.familyName && !c.fullName && !c.company && !emails.length && !phones.length) {
    problems.push('the row has no name, company, email or phone');
  }
  return { contact: c, problems };
}

function rowIdentity(c: CanonicalContact): string {
  const key = [c.givenName, c.familyName, c.fullName, c.company, c.emails?.[0]?.address, c.phones?.[0]?.e164 ?? c.phones?.[0]?.raw]
    .map((x) => (x ?? '').toLowerCase().trim())
    .join('|');
  return 'row:' + createHash('sha256').update(key).digest('hex').slice(0, 16);
}

const MAX_LINES_PER_RECORD = 50;

export interface CsvRecord {
  line: number;
  cells: string[];
}

/**
 * Read CSV text into records, each with the line it starts on. A quoted value may span lines;
 * a record that does not parse is reported and reading resumes on its next line, so one stray
 * quote cannot swallow the rest of the file.
 */
export function readRecords(text: string): { records: CsvRecord[]; errors: CsvRowError[] } {
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/);
  const records: CsvRecord[] = [];
  const errors: CsvRowError[] = [];
  for (let i = 0; i < lines.length; ) {
    if (lines[i]!.trim() === '') {
      i++;
      continue;
    }
    let buf = lines[i]!;
    let quotes = countQuotes(buf);
    let j = i;
    while (quotes % 2 === 1 && j + 1 < lines.length && j - i < MAX_LINES_PER_RECORD) {
      j++;
      buf += '\n' + lines[j];
      quotes += countQuotes(lines[j]!);
    }
    try {
      if (quotes % 2 === 1) throw new Error('a quoted value is never closed');
      const [cells] = parse(buf, { relax_column_count: true }) as string[][];
      if (cells && cells.some((c) => c.trim() !== '')) records.push({ line: i + 1, cells });
      i = j + 1;
    } catch (e) {
      const msg = j > i ? 'a quoted value is not closed properly' : (e as Error).message.replace(/ at line \d+/, '');
      errors.push({ line: i + 1, message: msg });
      i++;
    }
  }
  return { records, errors };
}

function countQuotes(s: string): number {
  let n = 0;
  for (let k = 0; k < s.length; k++) if (s.charCodeAt(k) === 34) n++;
  return n;
}

export async function importCsv(
  text: string,
  opts: CsvImportOptions,
  deps: { accounts: AccountsService; records: SyncStore; sqlite: Database.Database },
): Promise<CsvImportResult> {
  const { records: rows, errors } = readRecords(text);
  if (!rows.length) throw new Error('The file has no header row');
  const [header, ...body] = rows;
  const { mapping, ignored } = mapHeaders(header!.cells, opts.map);
  if (!mapping.some(Boolean)) {
    throw new Error(`No column could be matched to a contact field (headers: ${header!.cells.join(', ')}). Use --map HEADER=field.`);
  }

  const existing = deps.accounts.list().find((a) => a.kind === 'csv' && a.label === opts.source);
  const account = existing ?? (await deps.accounts.add({ kind: 'csv', label: opts.source, settings: { region: opts.region ?? 'US' } }));
  const seen = new Set<string>();
  let created = 0;
  let updated = 0;
  const exists = deps.sqlite.prepare('SELECT 1 FROM records WHERE account_id = ? AND remote_id = ?');
  for (const { cells: record, line } of body) {
    const { contact, problems } = rowToContact(record, mapping, opts.region ?? 'US');
    if (problems.length) {
      errors.push({ line: line, message: problems.join('; ') });
      continue;
    }
    const remoteId = contact.externalRef ? `id:${contact.externalRef}` : rowIdentity(contact);
    if (seen.has(remoteId)) {
      errors.push({ line: line, message: `repeats an earlier row (${contact.externalRef ? `id ${contact.externalRef}` : 'same name, email and phone'}); skipped` });
      continue;
    }
    seen.add(remoteId);
    const raw = Object.fromEntries(header!.cells.map((h, i) => [h, record[i] ?? '']));
    if (exists.get(account.id, remoteId)) updated++;
    else created++;
    deps.records.upsertFromServer({ accountId: account.id, remoteId, raw, canonical: contact, versions: {} });
  }
  errors.sort((a, b) => a.line - b.line);
  return { accountId: account.id, source: opts.source, imported: created + updated, created, updated, errors, ignoredHeaders: ignored };
}
