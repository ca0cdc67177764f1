-- A removed account's rows, kept so the removal can be undone (issue 26). Each row of every
-- table the removal deletes (the account, its records, their people, changes, conflicts, match
-- pairs and decisions, page memory) is copied here as one JSON object, keyed by the removal's
-- journal entry; undo puts them back, and rows older than the undo window are purged
-- (store/removed-accounts.ts).
CREATE TABLE `removed_rows` (
	`journal_id` integer NOT NULL,
	`tbl` text NOT NULL,
	`row` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `removed_rows_table` ON `removed_rows` (`tbl`, `journal_id`);
