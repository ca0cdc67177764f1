-- What each page of a full re-read last held (issue 14: re-syncs). CallTools, Lightening and
-- BigChange have no changed-since filter, so every sync reads them in full. When a page's body is
-- byte-for-byte the one stored last time (same request, same SHA-1) its records are the ones
-- already stored; otherwise a record whose own bytes match a digest in `item_digests` is, and
-- only the rest is parsed and compared (vendors/same-page.ts). Written by SyncStore with the
-- page's records, in the same transaction; a page with records held by local edits is not
-- remembered, so it is always read again.
CREATE TABLE `pull_pages` (
	`account_id` text NOT NULL,
	`page_key` text NOT NULL,
	`digest` text NOT NULL,
	`remote_ids` text NOT NULL,
	`item_digests` text,
	`next_cursor` text,
	PRIMARY KEY(`account_id`, `page_key`),
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE cascade
);
