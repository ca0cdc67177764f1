import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultMigrationsDir } from '../../src/main/core';
import { openStore } from '../../src/main/core/store/open';
import { SearchIndex } from '../../src/main/core/store/search-index';
import { tempDir } from '../helpers/tmp';

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

function schemaOf(file: string): string {
  const db = new Database(file, { readonly: true });
  const rows = db.prepare("SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name").all();
  db.close();
  return JSON.stringify(rows);
}

function rowCounts(file: string): Record<string, number> {
  const db = new Database(file, { readonly: true });
  // The search index is derived from records (rebuilt from them by a migration or at open), so it is not counted here.
  const tables = db
    .prepare(
      "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'contacts_fts%' AND name NOT LIKE 'names_trigram%' AND name <> 'search_pending'",
    )
    .all() as { name: string }[];
  const out = Object.fromEntries(
    tables.map((t) => [t.name, (db.prepare(`SELECT count(*) AS n FROM "${t.name}"`).get() as { n: number }).n]),
  );
  db.close();
  return out;
}

/** Put one row in every table so a migration that drops or rebuilds a table would show. */
function fillEveryTable(sqlite: Database.Database): void {
  sqlite.exec(`
    INSERT INTO accounts (id, kind, label) VALUES ('a1', 'mpdx', 'MPDX');
    INSERT INTO people (id, golden, display_name) VALUES ('p1', '{"givenName":"Ada","familyName":"Lovelace"}', 'Ada Lovelace');
    INSERT INTO records (id, account_id, remote_id, person_id, local) VALUES ('r1', 'a1', 'x1', 'p1', '{"givenName":"Ada","familyName":"Lovelace","emails":[{"address":"ada@example.org"}]}');
    INSERT INTO records (id, account_id, remote_id, person_id, local) VALUES ('r2', 'a1', 'x2', 'p1', '{"givenName":"Augusta"}');
    INSERT INTO changes (record_id, account_id, op, patch, idempotency_key) VALUES ('r1', 'a1', 'update', '{"givenName":"Ada"}', 'k1');
    INSERT INTO conflicts (id, record_id, change_id, fields) VALUES ('c1', 'r1', 1, '[]');
    INSERT INTO match_candidates (record_a, record_b, score) VALUES ('r1', 'r2', 0.9);
    INSERT INTO match_decisions (key_a, key_b, decision) VALUES ('a1:x1', 'a1:x2', 'different');
    INSERT INTO journal (kind, entity_type, entity_id) VALUES ('edit', 'record', 'r1');
  `);
  // From migration 0011 no trigger counts or indexes an insert: SyncStore, the only writer,
  // does both, so a store written at that step holds them; write them as it would.
  const tables = sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all();
  const triggered = sqlite
    .prepare("SELECT 1 FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'records' AND sql LIKE '%AFTER INSERT%'")
    .get();
  if (tables.includes('row_counts') && tables.includes('search_pending') && !triggered) {
    sqlite.exec(
      "INSERT OR REPLACE INTO row_counts (name, n) VALUES ('people', (SELECT count(*) FROM people)), ('records', (SELECT count(*) FROM records))",
    );
    const index = new SearchIndex(sqlite);
    for (const r of sqlite.prepare('SELECT rowid, local FROM records').all() as { rowid: number; local: string }[])
      index.add(r.rowid, JSON.parse(r.local));
  }
}

/** Tables a migration may drop and rebuild: they are computed from records (the search index). */
const DERIVED = new Set(['contacts_fts', 'names_trigram']);

describe('store migrations', () => {
  it('creates the schema on a fresh directory with WAL, busy timeout and foreign keys on', () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const store = openStore({ dataDir: t.dir, migrationsDir: defaultMigrationsDir() });
    cleanups.push(() => store.close());
    expect(store.migrationsApplied).toBeGreaterThanOrEqual(2);
    expect(store.backupFile).toBeNull(); // nothing to back up on a brand-new file
    expect(store.sqlite.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(store.sqlite.pragma('busy_timeout', { simple: true })).toBe(5000);
    expect(store.sqlite.pragma('foreign_keys', { simple: true })).toBe(1);
    const names = (store.sqlite.prepare("SELECT name FROM sqlite_master WHERE type IN ('table')").all() as { name: string }[]).map(
      (r) => r.name,
    );
    for (const t of [
      'accounts',
      'records',
      'people',
      'changes',
      'conflicts',
      'match_candidates',
      'match_decisions',
      'journal',
      'contacts_fts',
    ]) {
      expect(names).toContain(t);
    }
  });

  it('a second start changes nothing', () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const first = openStore({ dataDir: t.dir, migrationsDir: defaultMigrationsDir() });
    fillEveryTable(first.sqlite);
    first.close();
    const schemaBefore = schemaOf(path.join(t.dir, 'concord.db'));
    const countsBefore = rowCounts(path.join(t.dir, 'concord.db'));

    const second = openStore({ dataDir: t.dir, migrationsDir: defaultMigrationsDir() });
    expect(second.migrationsApplied).toBe(0);
    expect(second.backupFile).toBeNull();
    second.close();
    expect(schemaOf(path.join(t.dir, 'concord.db'))).toBe(schemaBefore);
    expect(rowCounts(path.join(t.dir, 'concord.db'))).toEqual(countsBefore);
    expect(fs.existsSync(path.join(t.dir, 'backups'))).toBe(false);
  });

  it('no migration deletes rows: each step applied on a filled store keeps every row, after a backup', () => {
    const all = fs
      .readdirSync(defaultMigrationsDir())
      .filter((f) => f.endsWith('.sql'))
      .sort();
    const journal = JSON.parse(fs.readFileSync(path.join(defaultMigrationsDir(), 'meta', '_journal.json'), 'utf8')) as {
      entries: unknown[];
    };
    expect(journal.entries.length).toBe(all.length);
    // For every prefix that already has the base tables, fill the store, then apply the rest.
    for (let k = 1; k < all.length; k++) {
      const t = tempDir();
      cleanups.push(t.cleanup);
      const partial = path.join(t.dir, 'migrations-partial');
      fs.mkdirSync(path.join(partial, 'meta'), { recursive: true });
      for (const f of all.slice(0, k)) fs.copyFileSync(path.join(defaultMigrationsDir(), f), path.join(partial, f));
      fs.writeFileSync(path.join(partial, 'meta', '_journal.json'), JSON.stringify({ ...journal, entries: journal.entries.slice(0, k) }));
      const data = path.join(t.dir, 'data');
      const old = openStore({ dataDir: data, migrationsDir: partial });
      fillEveryTable(old.sqlite);
      old.close();
      const before = rowCounts(path.join(data, 'concord.db'));

      const upgraded = openStore({ dataDir: data, migrationsDir: defaultMigrationsDir() });
      expect(upgraded.migrationsApplied).toBe(all.length - k);
      expect(upgraded.backupFile).not.toBeNull();
      expect(fs.existsSync(upgraded.backupFile!)).toBe(true);
      // The kept counts are the rows (migration 0011 takes them again), and no trigger runs on an
      // insert into people or records: SyncStore does that work (counts, search) itself.
      for (const table of ['people', 'records']) {
        expect(
          upgraded.sqlite.prepare('SELECT n FROM row_counts WHERE name = ?').pluck().get(table),
          `${table} count after migrating from step ${k}`,
        ).toBe(upgraded.sqlite.prepare(`SELECT count(*) FROM ${table}`).pluck().get());
      }
      expect(
        upgraded.sqlite
          .prepare(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name IN ('people', 'records') AND sql LIKE '%AFTER INSERT%'",
          )
          .pluck()
          .all(),
      ).toEqual([]);
      upgraded.close();
      const after = rowCounts(path.join(data, 'concord.db'));
      for (const [table, n] of Object.entries(before))
        expect(after[table], `rows in ${table} after migrating from step ${k}`).toBeGreaterThanOrEqual(n);
      // The backup holds the pre-migration data.
      expect(rowCounts(upgraded.backupFile!).records).toBe(before.records);
      // And the records are found by search once the core has indexed what the migrations left pending.
      const reopened = openStore({ dataDir: data, migrationsDir: defaultMigrationsDir() });
      expect(new SearchIndex(reopened.sqlite).flush()).toBeLessThanOrEqual(before.records!);
      expect(
        reopened.sqlite
          .prepare("SELECT r.person_id FROM contacts_fts f JOIN records r ON r.rowid = f.rowid WHERE contacts_fts MATCH 'lovelace'")
          .pluck()
          .all(),
        `search after migrating from step ${k}`,
      ).toEqual(['p1']);
      expect(reopened.sqlite.prepare("SELECT count(*) FROM names_trigram WHERE names_trigram MATCH 'gus'").pluck().get()).toBe(1);
      reopened.close();
    }
  });

  it('no migration file contains a bare DELETE or a DROP TABLE that is not part of a copy-rebuild', () => {
    for (const f of fs.readdirSync(defaultMigrationsDir()).filter((x) => x.endsWith('.sql'))) {
      const sql = fs.readFileSync(path.join(defaultMigrationsDir(), f), 'utf8');
      // DELETE inside the FTS triggers maintains the index; anything else would lose data.
      // The search indexes are derived from records and may be emptied to be rebuilt from them.
      const outsideTriggers = sql
        .replace(/CREATE TRIGGER[\s\S]*?END;/g, '')
        .replace(/DELETE FROM `?(contacts_fts|names_trigram)`?;\s*--> statement-breakpoint\s*INSERT INTO `?\1`?/g, '');
      expect(outsideTriggers, f).not.toMatch(/\bDELETE\s+FROM\b/i);
      for (const m of outsideTriggers.matchAll(/DROP TABLE\s+(?:IF EXISTS\s+)?`?(\w+)`?/gi)) {
        if (DERIVED.has(m[1]!)) continue;
        expect(outsideTriggers, `${f} drops ${m[1]} without copying it`).toMatch(new RegExp(`INSERT INTO\\s+\`?__new_${m[1]}\`?`, 'i'));
      }
    }
  });

  it('refuses a data file written by a newer Concord', () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const s = openStore({ dataDir: t.dir, migrationsDir: defaultMigrationsDir() });
    s.sqlite.prepare('INSERT INTO __drizzle_migrations (hash, created_at) VALUES (?, ?)').run('future', Date.now());
    s.close();
    expect(() => openStore({ dataDir: t.dir, migrationsDir: defaultMigrationsDir() })).toThrow(/newer Concord/);
  });
});
