// CSV files as a source: each file is an account of kind `csv` (named by --source); each row a
// record. Headers map by alias (headers.ts). Every row is kept: a bad value drops only that
// field, with a warning naming the line and column. The encoding (UTF-8 with or without BOM,
// UTF-16, Windows-1252) and the delimiter (, ; tab) are detected unless given. Re-importing
// the same source updates rows by their id column, or by a hash of who the row is (names,
// email, phone) when the file has no id column.
import { createHash } from 'node:crypto';
import { splitFullName } from '../normalize/names';
import { parse } from 'csv-parse/sync';
import type { CanonicalContact, EmailEntry, PhoneEntry } from '../../../shared/domain';
import { MAX_CSV_BYTES } from '../../../shared/contract';
import type { AccountsService } from '../accounts/accounts-service';
import type { SyncStore } from '../sync/sync-store';
import type Database from 'better-sqlite3';
import { parseDate, partialDate } from '../normalize/dates';
import { phoneEntry } from '../normalize/phone';
import { mapHeaders, type CsvTarget } from './headers';
import { excerpt } from '../errors';
import { recordLookup } from '../store/records';

export interface CsvRowError {
  line: number;
  message: string;
}

/** One value left out of a row that was still kept. */
export interface CsvWarning {
  line: number;
  column: string;
  /** What kind of problem, for the summary (bad-email, bad-phone, bad-date, too-long, repeat, …). */
  kind: string;
  message: string;
}

/** A value this long is not a contact field but a mistake (a whole file in one cell): it is left out. */
export const MAX_CELL_CHARS = 10_000;
/** Files beyond this are refused with a plain message rather than read into memory. */
export const MAX_FILE_BYTES = MAX_CSV_BYTES; // the contract's limit for importCsv

export interface CsvImportResult {
  accountId: string;
  source: string;
  imported: number;
  created: number;
  updated: number;
  /** Rows that could not be read at all (a quote never closed); everything else is kept. */
  errors: CsvRowError[];
  /** Values left out of kept rows, each with its line and column. */
  warnings: CsvWarning[];
  /** Warnings counted by kind, for a person to read at a glance. */
  summary: Record<string, number>;
  ignoredHeaders: string[];
  encoding: string;
  delimiter: string;
}

export interface CsvImportOptions {
  source: string;
  map?: Record<string, string>;
  region?: string;
  /** utf-8 | utf-16le | utf-16be | windows-1252 (also latin1); detected when absent. */
  encoding?: string;
  /** , ; or tab; detected from the header line when absent. */
  delimiter?: string;
}

const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function rowToContact(
  cells: string[],
  mapping: (CsvTarget | null)[],
  region: string,
  headers: string[] = [],
): { contact: CanonicalContact; problems: { column: string; kind: string; message: string }[] } {
  const c: CanonicalContact = {};
  const problems: { column: string; kind: string; message: string }[] = [];
  const emails: EmailEntry[] = [];
  const phones: PhoneEntry[] = [];
  const address: NonNullable<CanonicalContact['address']> = {};
  let streetNumber = '';
  cells.forEach((raw, i) => {
    const target = mapping[i];
    const v = (raw ?? '').trim();
    if (!target || !v) return;
    const column = headers[i]?.trim() || `column ${i + 1}`;
    const drop = (kind: string, message: string): void => void problems.push({ column, kind, message });
    if (v.length > MAX_CELL_CHARS)
      return drop(
        'too-long',
        `a value of ${v.length.toLocaleString()} characters was left out (at most ${MAX_CELL_CHARS.toLocaleString()})`,
      );
    switch (target) {
      case 'email':
        for (const e of v.split(/[;,\s]+/).filter(Boolean)) {
          if (EMAIL_RE.test(e)) emails.push({ address: e.toLowerCase(), primary: emails.length === 0 });
          else drop('bad-email', `"${excerpt(e)}" is not an email address; left out`);
        }
        return;
      case 'streetNumber':
        streetNumber = v;
        return;
      case 'phone':
      case 'mobile':
      case 'homePhone':
      case 'workPhone': {
        const label = target === 'phone' ? null : target === 'mobile' ? 'mobile' : target === 'homePhone' ? 'home' : 'work';
        for (const p of v
          .split(/[;,]+/)
          .map((x) => x.trim())
          .filter(Boolean)) {
          const entry = phoneEntry(p, { region, label, mobile: target === 'mobile' ? true : undefined });
          if (!entry.e164 && p.replace(/\D/g, '').length < 5) drop('bad-phone', `"${excerpt(p)}" is not a phone number; left out`);
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
        else if (partialDate(v)) {
          c.birthDateText = v; // the year (and what else is readable) still tells people apart
          drop('bad-date', `"${excerpt(v)}" is not a whole date (YYYY-MM-DD, YYYYMMDD, MM/DD/YYYY); kept for finding duplicates only`);
        } else drop('bad-date', `"${excerpt(v)}" is not a date (YYYY-MM-DD, YYYYMMDD, MM/DD/YYYY); left out`);
        return;
      }
      case 'tags':
        c.tags = v
          .split(/[;,|]+/)
          .map((t) => t.trim())
          .filter(Boolean);
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
  if (streetNumber) address.street1 = address.street1 ? `${streetNumber} ${address.street1}` : streetNumber;
  if (Object.keys(address).length) c.address = address;
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
export function readRecords(text: string, delimiter = ','): { records: CsvRecord[]; errors: CsvRowError[] } {
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/);
  const records: CsvRecord[] = [];
  const errors: CsvRowError[] = [];
  for (let i = 0; i < lines.length;) {
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
      const [cells] = parse(buf, { relax_column_count: true, delimiter }) as string[][];
      if (cells && cells.some((c) => c.trim() !== '')) records.push({ line: i + 1, cells });
      i = j + 1;
    } catch (e) {
      const msg = j > i ? 'a quoted value is not closed properly' : excerpt((e as Error).message.replace(/ at line \d+/, ''), 200);
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

/**
 * Bytes to text. A BOM decides (UTF-8, UTF-16 LE/BE); else UTF-16 without a BOM shows as every
 * other byte zero; else strict UTF-8 if it decodes, else Windows-1252 (what Excel on Windows
 * writes, and a superset of Latin-1's printable characters).
 */
export function decodeCsv(bytes: Uint8Array, encoding?: string): { text: string; encoding: string } {
  const named = encoding
    ?.toLowerCase()
    .replace(/^latin-?1$|^iso-?8859-?1$/, 'windows-1252')
    .replace(/^utf8$/, 'utf-8')
    .replace(/^cp1252$/, 'windows-1252');
  if (named) {
    try {
      return { text: new TextDecoder(named).decode(bytes).replace(/^\uFEFF/, ''), encoding: named };
    } catch {
      throw new Error(`Unknown encoding "${excerpt(encoding ?? '')}" (utf-8, utf-16le, utf-16be, windows-1252, latin1)`);
    }
  }
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf)
    return { text: new TextDecoder('utf-8').decode(bytes.subarray(3)), encoding: 'utf-8 (BOM)' };
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { text: new TextDecoder('utf-16le').decode(bytes.subarray(2)), encoding: 'utf-16le' };
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { text: new TextDecoder('utf-16be').decode(bytes.subarray(2)), encoding: 'utf-16be' };
  const sample = bytes.subarray(0, 4096);
  let zeroEven = 0;
  let zeroOdd = 0;
  for (let i = 0; i < sample.length; i++) {
    if (sample[i] !== 0) continue;
    if (i % 2) zeroOdd++;
    else zeroEven++;
  }
  if (zeroOdd > sample.length / 4) return { text: new TextDecoder('utf-16le').decode(bytes), encoding: 'utf-16le' };
  if (zeroEven > sample.length / 4) return { text: new TextDecoder('utf-16be').decode(bytes), encoding: 'utf-16be' };
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), encoding: 'utf-8' };
  } catch {
    return { text: new TextDecoder('windows-1252').decode(bytes), encoding: 'windows-1252' };
  }
}

/** The delimiter the header line uses most, outside quotes: comma, semicolon or tab. */
export function detectDelimiter(text: string): string {
  const first = text.split(/\r\n|\n|\r/).find((l) => l.trim() !== '') ?? '';
  const counts = new Map<string, number>([
    [',', 0],
    [';', 0],
    ['\t', 0],
  ]);
  let quoted = false;
  for (const ch of first) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && counts.has(ch)) counts.set(ch, counts.get(ch)! + 1);
  }
  const [best] = [...counts.entries()].sort((a, b) => b[1] - a[1]);
  return best![1] > 0 ? best![0] : ',';
}

export async function importCsv(
  input: string | Uint8Array,
  opts: CsvImportOptions,
  deps: { accounts: AccountsService; records: SyncStore; sqlite: Database.Database },
): Promise<CsvImportResult> {
  if (typeof input !== 'string' && input.byteLength > MAX_FILE_BYTES) {
    throw new Error(
      `The file is ${(input.byteLength / 1024 / 1024).toFixed(0)} MB; Concord imports files up to ${MAX_FILE_BYTES / 1024 / 1024} MB (split it and import the parts into the same --source)`,
    );
  }
  const { text, encoding } = typeof input === 'string' ? { text: input, encoding: 'utf-8' } : decodeCsv(input, opts.encoding);
  const delimiter = opts.delimiter === 'tab' ? '\t' : (opts.delimiter ?? detectDelimiter(text));
  const { records: rows, errors } = readRecords(text, delimiter);
  const warnings: CsvWarning[] = [];
  if (!rows.length) throw new Error('The file has no header row');
  const [header, ...body] = rows;
  const { mapping, ignored } = mapHeaders(header!.cells, opts.map);
  if (!mapping.some(Boolean)) {
    // The headers are quoted short: a file of one 50 MB line is one 50 MB "header".
    const shown =
      header!.cells
        .slice(0, 12)
        .map((h) => excerpt(h))
        .join(', ') + (header!.cells.length > 12 ? `, … (${header!.cells.length} columns)` : '');
    throw new Error(`No column could be matched to a contact field (headers: ${shown}). Use --map HEADER=field.`);
  }

  const existing = deps.accounts.list().find((a) => a.kind === 'csv' && a.label === opts.source);
  const account = existing ?? (await deps.accounts.add({ kind: 'csv', label: opts.source, settings: { region: opts.region ?? 'US' } }));
  const seen = new Set<string>();
  let created = 0;
  let updated = 0;
  const exists = recordLookup(deps.sqlite);
  for (const { cells: record, line } of body) {
    const { contact, problems } = rowToContact(record, mapping, opts.region ?? 'US', header!.cells);
    for (const p of problems) warnings.push({ line, ...p });
    if (!Object.keys(contact).some((k) => k !== 'externalRef')) {
      warnings.push({ line, column: '', kind: 'empty', message: 'no value in any mapped column; nothing to keep' });
      continue;
    }
    let remoteId = contact.externalRef ? `id:${contact.externalRef}` : rowIdentity(contact);
    if (seen.has(remoteId)) {
      // The same id (or the same person) twice in one file: both rows are kept, the second under
      // its line number, so nothing typed is lost and duplicates can find them.
      warnings.push({
        line,
        column: contact.externalRef ? 'id' : '',
        kind: 'repeat',
        message: `repeats an earlier row (${contact.externalRef ? `id ${excerpt(contact.externalRef)}` : 'same name, email and phone'}); kept as line ${line}`,
      });
      remoteId = `${remoteId}#line${line}`;
    }
    seen.add(remoteId);
    const raw = Object.fromEntries(header!.cells.map((h, i) => [h, record[i] ?? '']));
    if (exists(account.id, remoteId)) updated++;
    else created++;
    deps.records.upsertFromServer({ accountId: account.id, remoteId, raw, canonical: contact, versions: {} });
  }
  errors.sort((a, b) => a.line - b.line);
  const summary: Record<string, number> = {};
  for (const w of warnings) summary[w.kind] = (summary[w.kind] ?? 0) + 1;
  return {
    accountId: account.id,
    source: opts.source,
    imported: created + updated,
    created,
    updated,
    errors,
    warnings,
    summary,
    ignoredHeaders: ignored,
    encoding,
    delimiter: delimiter === '\t' ? 'tab' : delimiter,
  };
}
