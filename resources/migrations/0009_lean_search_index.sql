-- A leaner search index (issue 14: a pull's cost per record and the store's bytes per record).
-- Hand-written: drizzle-kit cannot describe virtual tables or triggers.
-- 1. Both FTS5 tables are contentless (content=''): the words are indexed, the text is not kept
--    a second time. A match names a record by rowid; its person and name are read from
--    `records` (rowid is stable: Concord never VACUUMs the live file). So a merge, which
--    re-points records to another person, re-indexes nothing.
-- 2. The index is written by the core (store/search-index.ts), not computed in triggers: a
--    trigger's JSON extraction and per-row FTS5 statements cost about four times as much. The
--    triggers below only note which records must be (re)indexed, in `search_pending`; the core
--    indexes them before the transaction that wrote them commits, and at every open (which is
--    how the records already here are indexed after this migration).
DROP TRIGGER IF EXISTS `records_fts_insert`;
--> statement-breakpoint
DROP TRIGGER IF EXISTS `records_fts_update`;
--> statement-breakpoint
DROP TRIGGER IF EXISTS `records_fts_delete`;
--> statement-breakpoint
DROP TABLE IF EXISTS `contacts_fts`;
--> statement-breakpoint
DROP TABLE IF EXISTS `names_trigram`;
--> statement-breakpoint
CREATE VIRTUAL TABLE `contacts_fts` USING fts5(name, company, emails, phones, content = '', contentless_delete = 1, tokenize = 'unicode61 remove_diacritics 2');
--> statement-breakpoint
CREATE VIRTUAL TABLE `names_trigram` USING fts5(name, content = '', contentless_delete = 1, tokenize = 'trigram remove_diacritics 1');
--> statement-breakpoint
-- `indexed`: 1 when the record is in the index already (its old entry must go first).
CREATE TABLE `search_pending` (
	`rowid` integer PRIMARY KEY NOT NULL,
	`indexed` integer NOT NULL
);
--> statement-breakpoint
CREATE TRIGGER `records_search_insert` AFTER INSERT ON `records` BEGIN
	INSERT OR IGNORE INTO search_pending (rowid, indexed) VALUES (NEW.rowid, 0);
END;
--> statement-breakpoint
CREATE TRIGGER `records_search_update` AFTER UPDATE OF `local` ON `records` WHEN NEW.local IS NOT OLD.local BEGIN
	INSERT OR IGNORE INTO search_pending (rowid, indexed) VALUES (NEW.rowid, 1);
END;
--> statement-breakpoint
INSERT INTO search_pending (rowid, indexed) SELECT rowid, 0 FROM records;
--> statement-breakpoint
-- Concord keeps records (their state says what happened), but a deleted one must leave the index.
CREATE TRIGGER `records_search_delete` AFTER DELETE ON `records` BEGIN
	DELETE FROM contacts_fts WHERE rowid = OLD.rowid AND NOT EXISTS (SELECT 1 FROM search_pending WHERE rowid = OLD.rowid AND indexed = 0);
	DELETE FROM names_trigram WHERE rowid = OLD.rowid AND NOT EXISTS (SELECT 1 FROM search_pending WHERE rowid = OLD.rowid AND indexed = 0);
	DELETE FROM search_pending WHERE rowid = OLD.rowid;
END;
