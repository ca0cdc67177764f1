// What a pull keeps about an account between runs: where it stopped (the cursor), when a full
// scan last saw everything, when it last finished. Written page by page inside the pull's
// transaction, so a page and its cursor commit together.
import type Database from 'better-sqlite3';
import type { AccountKind } from '../../../shared/domain';
import type { AccountSqlRow, Narrowed, SqlColumns } from './rows';
import type { records } from './schema';

export interface PullState {
  id: string;
  kind: AccountKind;
  label: string;
  pullCursor: string | null;
  lastFullScanAt: string | null;
}

/** What a pull keeps in its account's settings JSON (markFullScan writes it). */
interface PullSettings {
  lastFullScanAt?: string;
}

export function pullState(sqlite: Database.Database, accountId: string): PullState | undefined {
  const r = sqlite.prepare('SELECT id, kind, label, pull_cursor, settings FROM accounts WHERE id = ?').get(accountId) as
    Pick<AccountSqlRow, 'id' | 'kind' | 'label' | 'pull_cursor' | 'settings'> | undefined;
  if (!r) return undefined;
  const s = JSON.parse(r.settings) as PullSettings;
  return { id: r.id, kind: r.kind, label: r.label, pullCursor: r.pull_cursor, lastFullScanAt: s.lastFullScanAt ?? null };
}

/** A cursor saver, prepared once for a pull's pages. */
export function cursorSaver(sqlite: Database.Database): (accountId: string, cursor: string | null) => void {
  const st = sqlite.prepare('UPDATE accounts SET pull_cursor = ? WHERE id = ?');
  return (accountId, cursor) => void st.run(cursor, accountId);
}

/** A full scan ran start to end at `at`: it saw everything the vendor holds. */
export function markFullScan(sqlite: Database.Database, accountId: string, at: string): void {
  sqlite.prepare("UPDATE accounts SET settings = json_set(settings, '$.lastFullScanAt', ?) WHERE id = ?").run(at, accountId);
}

/** A pull finished at `at`: the account answered, so it is healthy. */
export function markPulled(sqlite: Database.Database, accountId: string, at: string): void {
  sqlite.prepare("UPDATE accounts SET last_pull_at = ?, health = 'ok', health_message = NULL WHERE id = ?").run(at, accountId);
}

export function recordCountOfAccount(sqlite: Database.Database, accountId: string): number {
  return sqlite.prepare('SELECT count(*) FROM records WHERE account_id = ?').pluck().get(accountId) as number;
}

/** A record the vendor holds under its vendor id. */
export type RecordAtVendorRow = Narrowed<SqlColumns<typeof records, 'id' | 'remote_id' | 'state'>, { remote_id: string }>;

/** Records of the account a full scan should have seen (those the vendor holds as far as Concord knows). */
export function recordsAtVendor(sqlite: Database.Database, accountId: string): RecordAtVendorRow[] {
  return sqlite
    .prepare(
      "SELECT id, remote_id, state FROM records WHERE account_id = ? AND remote_id IS NOT NULL AND state IN ('synced', 'modified', 'rejected', 'conflicted')",
    )
    .all(accountId) as RecordAtVendorRow[];
}

/** The version tokens stored for these vendor ids, of records the vendor holds as far as Concord knows (one lookup per call). */
export function storedVersionsOf(
  sqlite: Database.Database,
  accountId: string,
): (remoteIds: readonly string[]) => Map<string, Record<string, string>> {
  const st = sqlite.prepare(
    "SELECT remote_id, versions FROM records WHERE account_id = ? AND remote_id IN (SELECT value FROM json_each(?)) AND state IN ('synced', 'modified', 'rejected', 'conflicted')",
  );
  return (remoteIds) => {
    const rows = st.all(accountId, JSON.stringify(remoteIds)) as { remote_id: string; versions: string }[];
    return new Map(rows.map((r) => [r.remote_id, JSON.parse(r.versions) as Record<string, string>]));
  };
}

/** What a page of a full re-read held when it was stored (migration 0010; not in schema.ts, which drizzle-kit would migrate). */
export interface PullPageRow {
  digest: string;
  /** JSON list of the page's vendor ids. */
  remote_ids: string;
  /** JSON list of the page's records' own digests. */
  item_digests: string | null;
  next_cursor: string | null;
}

export type PullPages = ReturnType<typeof pullPages>;

/** The pull's page memory, statements prepared once (see SyncStore.rememberPage). */
export function pullPages(sqlite: Database.Database) {
  const st = {
    remembered: sqlite.prepare(
      'SELECT digest, remote_ids, item_digests, next_cursor FROM pull_pages WHERE account_id = ? AND page_key = ?',
    ),
    remember: sqlite.prepare(
      'INSERT INTO pull_pages (account_id, page_key, digest, remote_ids, item_digests, next_cursor) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (account_id, page_key) DO UPDATE SET digest = excluded.digest, remote_ids = excluded.remote_ids, item_digests = excluded.item_digests, next_cursor = excluded.next_cursor',
    ),
    forget: sqlite.prepare('DELETE FROM pull_pages WHERE account_id = ? AND page_key = ?'),
    forgetAll: sqlite.prepare('DELETE FROM pull_pages WHERE account_id = ?'),
  };
  return {
    remembered: (accountId: string, key: string) => st.remembered.get(accountId, key) as PullPageRow | undefined,
    remember: (accountId: string, key: string, page: PullPageRow): void =>
      void st.remember.run(accountId, key, page.digest, page.remote_ids, page.item_digests, page.next_cursor),
    forget: (accountId: string, key: string): void => void st.forget.run(accountId, key),
    /** Every page of the account: a server copy was stored outside a page. */
    forgetAll: (accountId: string): void => void st.forgetAll.run(accountId),
  };
}
