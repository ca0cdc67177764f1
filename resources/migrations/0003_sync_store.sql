CREATE TABLE `sync_lease` (
	`name` text PRIMARY KEY NOT NULL,
	`owner` text NOT NULL,
	`holder` text NOT NULL,
	`started_at` text NOT NULL,
	`heartbeat_at` text NOT NULL,
	`expires_at` text NOT NULL
);
--> statement-breakpoint
ALTER TABLE `changes` ADD `intent` text DEFAULT '[]' NOT NULL;--> statement-breakpoint
ALTER TABLE `changes` ADD `progress` text DEFAULT '{}' NOT NULL;--> statement-breakpoint
CREATE INDEX `changes_account_state` ON `changes` (`account_id`,`state`);--> statement-breakpoint
-- Open updates made before intent was recorded: their patch keys are what the person changed.
UPDATE `changes` SET `intent` = (SELECT json_group_array(key) FROM json_each(`changes`.`patch`)) WHERE `op` = 'update';
