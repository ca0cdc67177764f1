-- What each page of a full re-read last held (issue 14: a sync with nothing changed). CallTools,
-- Lightening and BigChange have no changed-since filter, so every sync reads them in full; when
-- a page's body is byte-for-byte the one stored last time (same request, same SHA-1), its
-- records are the ones already stored and the pull skips parsing and comparing them. Written by
-- SyncStore with the page's records, in the same transaction; a page with records held by local
-- edits is not remembered, so it is always read again.
CREATE TABLE `pull_pages` (
	`account_id` text NOT NULL,
	`page_key` text NOT NULL,
	`digest` text NOT NULL,
	`remote_ids` text NOT NULL,
	`next_cursor` text,
	PRIMARY KEY(`account_id`, `page_key`),
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE cascade
);
