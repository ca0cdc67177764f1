-- The duplicates queue kept between runs (issue 25: Duplicates opens on its first cluster in
-- ≤ 2 s at a million records, where working the queue out again reads every record and pair).
-- A saved queue is used only while nothing it was worked out from has changed since, which the
-- store's write stamp tells: `store_writes.n` (bumped by the triggers below and by the writers of
-- match pairs and parameters, store/saved-queue.ts) with the records' largest rowid (an insert
-- takes a new one; deleting the largest bumps n). Inserts run no trigger (migration 0011).
CREATE TABLE `store_writes` (
	`id` integer PRIMARY KEY NOT NULL CHECK (`id` = 1),
	`n` integer NOT NULL
);
--> statement-breakpoint
INSERT INTO `store_writes` (`id`, `n`) VALUES (1, 0);
--> statement-breakpoint
CREATE TRIGGER `records_write_update` AFTER UPDATE OF `account_id`, `remote_id`, `person_id`, `local`, `state` ON `records`
BEGIN UPDATE `store_writes` SET `n` = `n` + 1 WHERE `id` = 1; END;
--> statement-breakpoint
CREATE TRIGGER `records_write_delete` AFTER DELETE ON `records`
BEGIN UPDATE `store_writes` SET `n` = `n` + 1 WHERE `id` = 1; END;
--> statement-breakpoint
CREATE TRIGGER `decisions_write_insert` AFTER INSERT ON `match_decisions`
BEGIN UPDATE `store_writes` SET `n` = `n` + 1 WHERE `id` = 1; END;
--> statement-breakpoint
CREATE TRIGGER `decisions_write_update` AFTER UPDATE ON `match_decisions`
BEGIN UPDATE `store_writes` SET `n` = `n` + 1 WHERE `id` = 1; END;
--> statement-breakpoint
CREATE TRIGGER `decisions_write_delete` AFTER DELETE ON `match_decisions`
BEGIN UPDATE `store_writes` SET `n` = `n` + 1 WHERE `id` = 1; END;
--> statement-breakpoint
CREATE TRIGGER `accounts_write_update` AFTER UPDATE OF `label`, `kind` ON `accounts`
BEGIN UPDATE `store_writes` SET `n` = `n` + 1 WHERE `id` = 1; END;
--> statement-breakpoint
CREATE TRIGGER `accounts_write_delete` AFTER DELETE ON `accounts`
BEGIN UPDATE `store_writes` SET `n` = `n` + 1 WHERE `id` = 1; END;
--> statement-breakpoint
-- One row per cluster, in the queue's order (score, then `rank`: its place when worked out). Its
-- members and pairs are JSON, read when the cluster is listed or shown. A cluster a merge or
-- decision took out stays, `gone`, so its undo puts it back in its place even after a restart.
CREATE TABLE `saved_queue` (
	`rank` integer PRIMARY KEY NOT NULL,
	`id` text NOT NULL,
	`score` real NOT NULL,
	`confidence` real NOT NULL,
	`auto` integer NOT NULL,
	`records` text NOT NULL,
	`pairs` text NOT NULL,
	`gone` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE INDEX `saved_queue_id` ON `saved_queue` (`id`);
--> statement-breakpoint
-- The window pages the queue straight from these, in either order, without reading it all.
CREATE INDEX `saved_queue_best` ON `saved_queue` (`gone`, `score` DESC, `rank`, `auto`);
--> statement-breakpoint
CREATE INDEX `saved_queue_unsure` ON `saved_queue` (`gone`, abs(`confidence` - 0.5), `score` DESC, `rank`);
--> statement-breakpoint
-- What the saved queue was worked out from (the write stamp and the thresholds; no row, no queue)
-- and the store's name counts it was worked out with (golden records choose names by them).
CREATE TABLE `saved_queue_state` (
	`id` integer PRIMARY KEY NOT NULL CHECK (`id` = 1),
	`tag` text NOT NULL,
	`names` text NOT NULL
);
