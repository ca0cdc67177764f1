ALTER TABLE `journal` ADD `action_id` text;--> statement-breakpoint
ALTER TABLE `journal` ADD `cause` text;--> statement-breakpoint
CREATE INDEX `journal_action` ON `journal` (`action_id`);