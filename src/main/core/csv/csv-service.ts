import type Database from 'better-sqlite3';
import type { ContactRow } from '../../../shared/contract';
import type { AccountsService } from '../accounts/accounts-service';
import type { ContactsService } from '../contacts/contacts-service';
import type { SyncStore } from '../sync/sync-store';
import { exportCsv } from './export';
import { importCsv, type CsvImportOptions, type CsvImportResult } from './import';

export class CsvService {
  constructor(
    private readonly sqlite: Database.Database,
    private readonly accounts: AccountsService,
    private readonly records: SyncStore,
    private readonly contacts: ContactsService,
  ) {}

  import(text: string | Uint8Array, opts: CsvImportOptions): Promise<CsvImportResult> {
    return importCsv(text, opts, { accounts: this.accounts, records: this.records, sqlite: this.sqlite });
  }

  /** Every golden record (optionally filtered by a search), paged through the store. */
  export(search?: string): { text: string; rows: number } {
    const contacts = this.contacts;
    let rows = 0;
    function* all(): Generator<ContactRow> {
      for (let offset = 0; ;) {
        const page = contacts.list({ search, limit: 1000, offset });
        rows += page.rows.length;
        yield* page.rows;
        offset += page.rows.length;
        if (!page.rows.length || offset >= page.total) return;
      }
    }
    const text = exportCsv(all());
    return { text, rows };
  }
}
