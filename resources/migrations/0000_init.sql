CREATE TABLE `accounts` (
	`id` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`label` text NOT NULL,
	`base_url` text,
	`settings` text DEFAULT '{}' NOT NULL,
	`pull_cursor` text,
	`last_pull_at` text,
	`last_push_at` text,
	`health` text DEFAULT 'unknown' NOT NULL,
	`health_message` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL
);
--> statement-breakpoint
CREATE TABLE `changes` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`record_id` text NOT NULL,
	`account_id` text NOT NULL,
	`op` text NOT NULL,
	`patch` text NOT NULL,
	`base_versions` text DEFAULT '{}' NOT NULL,
	`idempotency_key` text NOT NULL,
	`state` text DEFAULT 'pending' NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`last_error` text,
	`next_attempt_at` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	FOREIGN KEY (`record_id`) REFERENCES `records`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
CREATE UNIQUE INDEX `changes_idempotency` ON `changes` (`idempotency_key`);--> statement-breakpoint
CREATE INDEX `changes_state` ON `changes` (`state`);--> statement-breakpoint
CREATE INDEX `changes_record` ON `changes` (`record_id`);--> statement-breakpoint
CREATE TABLE `conflicts` (
	`id` text PRIMARY KEY NOT NULL,
	`record_id` text NOT NULL,
	`change_id` integer,
	`fields` text NOT NULL,
	`remote_versions` text,
	`state` text DEFAULT 'open' NOT NULL,
	`resolution` text,
	`resolved_by` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	`resolved_at` text,
	FOREIGN KEY (`record_id`) REFERENCES `records`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`change_id`) REFERENCES `changes`(`id`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
CREATE INDEX `conflicts_state` ON `conflicts` (`state`);--> statement-breakpoint
CREATE INDEX `conflicts_record` ON `conflicts` (`record_id`);--> statement-breakpoint
CREATE TABLE `journal` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	`actor` text DEFAULT 'user' NOT NULL,
	`kind` text NOT NULL,
	`entity_type` text NOT NULL,
	`entity_id` text NOT NULL,
	`summary` text DEFAULT '' NOT NULL,
	`before` text,
	`after` text,
	`undo_of` integer,
	`undone` integer DEFAULT false NOT NULL
);
--> statement-breakpoint
CREATE INDEX `journal_entity` ON `journal` (`entity_type`,`entity_id`);--> statement-breakpoint
CREATE INDEX `journal_at` ON `journal` (`at`);--> statement-breakpoint
CREATE TABLE `match_candidates` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`record_a` text NOT NULL,
	`record_b` text NOT NULL,
	`score` real NOT NULL,
	`reasons` text DEFAULT '[]' NOT NULL,
	`status` text DEFAULT 'open' NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	FOREIGN KEY (`record_a`) REFERENCES `records`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`record_b`) REFERENCES `records`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `match_pair` ON `match_candidates` (`record_a`,`record_b`);--> statement-breakpoint
CREATE INDEX `match_score` ON `match_candidates` (`score`);--> statement-breakpoint
CREATE TABLE `match_decisions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`key_a` text NOT NULL,
	`key_b` text NOT NULL,
	`decision` text NOT NULL,
	`decided_by` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	`reversed_at` text
);
--> statement-breakpoint
CREATE INDEX `match_decision_pair` ON `match_decisions` (`key_a`,`key_b`);--> statement-breakpoint
CREATE TABLE `people` (
	`id` text PRIMARY KEY NOT NULL,
	`golden` text NOT NULL,
	`pinned` text DEFAULT '{}' NOT NULL,
	`display_name` text DEFAULT '' NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL
);
--> statement-breakpoint
CREATE INDEX `people_display_name` ON `people` (`display_name`);--> statement-breakpoint
CREATE TABLE `records` (
	`id` text PRIMARY KEY NOT NULL,
	`account_id` text NOT NULL,
	`remote_id` text,
	`person_id` text NOT NULL,
	`server` text,
	`base` text,
	`local` text NOT NULL,
	`versions` text DEFAULT '{}' NOT NULL,
	`state` text DEFAULT 'synced' NOT NULL,
	`remote_updated_at` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`person_id`) REFERENCES `people`(`id`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
CREATE UNIQUE INDEX `records_account_remote` ON `records` (`account_id`,`remote_id`);--> statement-breakpoint
CREATE INDEX `records_person` ON `records` (`person_id`);--> statement-breakpoint
CREATE INDEX `records_state` ON `records` (`state`);