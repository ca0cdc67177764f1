-- Incremental duplicate scans proportional to what changed (issue 25). A scan after a sync used
-- to read, parse and block every live record to find the partners of the few that changed; at a
-- million records that is a minute. These tables keep what a full scan worked out, so the next
-- scan reads only the changed records, the records sharing a blocking key with them, and the
-- clusters around them (dedupe/scan-incremental.ts).
--
-- Each record's blocking keys (hashed to 53 bits) by key, to find a changed record's partners.
CREATE TABLE `match_keys` (
	`key` integer NOT NULL,
	`rec` integer NOT NULL,
	PRIMARY KEY(`key`, `rec`)
) WITHOUT ROWID;
--> statement-breakpoint
-- How many live records hold each value the weights count (a family or given name, a phone, an
-- email, a company; hashed with its kind): a common value is weak evidence.
CREATE TABLE `match_values` (
	`value` integer PRIMARY KEY NOT NULL,
	`n` integer NOT NULL
);
--> statement-breakpoint
-- Per record (by records.rowid, with its id to catch a rowid that no longer names it): the keys
-- and values above as they were when last counted, so a change takes out exactly what it put in;
-- and what a big block is sorted by (dedupe/blocking.ts), to find a record's neighbours there.
CREATE TABLE `match_record_keys` (
	`rec` integer PRIMARY KEY NOT NULL,
	`id` text NOT NULL,
	`keys` blob NOT NULL,
	`vals` blob NOT NULL,
	`sort` text NOT NULL
);
--> statement-breakpoint
-- How many records have keys kept (a count(*) of the table above reads all its pages).
CREATE TABLE `match_keys_state` (
	`id` integer PRIMARY KEY NOT NULL CHECK (`id` = 1),
	`kept` integer NOT NULL
);
--> statement-breakpoint
INSERT INTO `match_keys_state` (`id`, `kept`) VALUES (1, 0);
--> statement-breakpoint
-- A second stamp, `s`, for the writes an incremental scan cannot follow record by record (a
-- record relinked or deleted outright, a decision, an account renamed, pairs written): the saved
-- queue is patched by an incremental scan only while `s` is where it was when the queue was
-- saved. A contact's own edit (local, state) moves `n` alone; its `updated_at` tells the scan.
ALTER TABLE `store_writes` ADD `s` integer DEFAULT 0 NOT NULL;
--> statement-breakpoint
DROP TRIGGER `records_write_update`;
--> statement-breakpoint
-- The records a contact edit or a state change wrote since the last scan (an insert takes a rowid
-- past every kept one, and runs no trigger: migration 0011).
CREATE TABLE `match_dirty` (
	`rec` integer PRIMARY KEY NOT NULL
);
--> statement-breakpoint
CREATE TRIGGER `records_write_update` AFTER UPDATE OF `local`, `state` ON `records`
BEGIN
  UPDATE `store_writes` SET `n` = `n` + 1 WHERE `id` = 1;
  INSERT OR IGNORE INTO `match_dirty` (`rec`) VALUES (NEW.rowid);
END;
--> statement-breakpoint
CREATE TRIGGER `records_write_relink` AFTER UPDATE OF `account_id`, `remote_id`, `person_id` ON `records`
BEGIN UPDATE `store_writes` SET `n` = `n` + 1, `s` = `s` + 1 WHERE `id` = 1; END;
--> statement-breakpoint
DROP TRIGGER `records_write_delete`;
--> statement-breakpoint
CREATE TRIGGER `records_write_delete` AFTER DELETE ON `records`
BEGIN UPDATE `store_writes` SET `n` = `n` + 1, `s` = `s` + 1 WHERE `id` = 1; END;
--> statement-breakpoint
DROP TRIGGER `decisions_write_insert`;
--> statement-breakpoint
CREATE TRIGGER `decisions_write_insert` AFTER INSERT ON `match_decisions`
BEGIN UPDATE `store_writes` SET `n` = `n` + 1, `s` = `s` + 1 WHERE `id` = 1; END;
--> statement-breakpoint
DROP TRIGGER `decisions_write_update`;
--> statement-breakpoint
CREATE TRIGGER `decisions_write_update` AFTER UPDATE ON `match_decisions`
BEGIN UPDATE `store_writes` SET `n` = `n` + 1, `s` = `s` + 1 WHERE `id` = 1; END;
--> statement-breakpoint
DROP TRIGGER `decisions_write_delete`;
--> statement-breakpoint
CREATE TRIGGER `decisions_write_delete` AFTER DELETE ON `match_decisions`
BEGIN UPDATE `store_writes` SET `n` = `n` + 1, `s` = `s` + 1 WHERE `id` = 1; END;
--> statement-breakpoint
DROP TRIGGER `accounts_write_update`;
--> statement-breakpoint
CREATE TRIGGER `accounts_write_update` AFTER UPDATE OF `label`, `kind` ON `accounts`
BEGIN UPDATE `store_writes` SET `n` = `n` + 1, `s` = `s` + 1 WHERE `id` = 1; END;
--> statement-breakpoint
DROP TRIGGER `accounts_write_delete`;
--> statement-breakpoint
CREATE TRIGGER `accounts_write_delete` AFTER DELETE ON `accounts`
BEGIN UPDATE `store_writes` SET `n` = `n` + 1, `s` = `s` + 1 WHERE `id` = 1; END;
--> statement-breakpoint
-- The queue's order within one score is its first record's place in the store (what working it
-- out gives), kept as `first`, so a cluster an incremental scan adds goes exactly where working
-- the queue out again would put it. A queue saved before has no `first`; its tag (two-part
-- stamp) never matches a stamp now, so it is worked out again and replaced on first use.
ALTER TABLE `saved_queue` ADD `first` integer DEFAULT 0 NOT NULL;
--> statement-breakpoint
DROP INDEX `saved_queue_best`;
--> statement-breakpoint
DROP INDEX `saved_queue_unsure`;
--> statement-breakpoint
CREATE INDEX `saved_queue_best` ON `saved_queue` (`gone`, `score` DESC, `first`, `auto`);
--> statement-breakpoint
CREATE INDEX `saved_queue_unsure` ON `saved_queue` (`gone`, abs(`confidence` - 0.5), `score` DESC, `first`);
--> statement-breakpoint
-- Which saved clusters hold a record: an incremental scan takes out those around what changed.
CREATE TABLE `saved_queue_members` (
	`record` text NOT NULL,
	`rank` integer NOT NULL,
	PRIMARY KEY(`record`, `rank`)
) WITHOUT ROWID;
