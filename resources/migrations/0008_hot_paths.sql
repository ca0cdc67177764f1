-- Hot paths at 100,000 people (issue 14). Hand-finished: drizzle-kit wrote the first five
-- statements; the counts' triggers are beyond it.
-- 1. The contacts list sorts by a case-folded name key SQLite computes itself, on an index
--    that matches the sort (sort_key, id): no temp sort per page, and keyset paging.
-- 2. match_candidates.record_b is looked up on its own (a record's open pairs).
-- 3. People and records counts are kept by triggers, not counted on every status.
CREATE TABLE `row_counts` (
	`name` text PRIMARY KEY NOT NULL,
	`n` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
DROP INDEX `people_display_name`;--> statement-breakpoint
ALTER TABLE `people` ADD `sort_key` text GENERATED ALWAYS AS (lower(display_name)) VIRTUAL;--> statement-breakpoint
CREATE INDEX `people_sort` ON `people` (`sort_key`,`id`);--> statement-breakpoint
CREATE INDEX `match_record_b` ON `match_candidates` (`record_b`);--> statement-breakpoint
INSERT INTO `row_counts` (`name`, `n`) SELECT 'people', count(*) FROM `people`;--> statement-breakpoint
INSERT INTO `row_counts` (`name`, `n`) SELECT 'records', count(*) FROM `records`;--> statement-breakpoint
CREATE TRIGGER `people_count_insert` AFTER INSERT ON `people` BEGIN
	UPDATE `row_counts` SET `n` = `n` + 1 WHERE `name` = 'people';
END;--> statement-breakpoint
CREATE TRIGGER `people_count_delete` AFTER DELETE ON `people` BEGIN
	UPDATE `row_counts` SET `n` = `n` - 1 WHERE `name` = 'people';
END;--> statement-breakpoint
CREATE TRIGGER `records_count_insert` AFTER INSERT ON `records` BEGIN
	UPDATE `row_counts` SET `n` = `n` + 1 WHERE `name` = 'records';
END;--> statement-breakpoint
CREATE TRIGGER `records_count_delete` AFTER DELETE ON `records` BEGIN
	UPDATE `row_counts` SET `n` = `n` - 1 WHERE `name` = 'records';
END;
