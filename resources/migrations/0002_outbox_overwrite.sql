ALTER TABLE `changes` ADD `overwrite` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `conflicts` ADD `kind` text DEFAULT 'fields' NOT NULL;