-- No trigger runs on an insert into `people` or `records` (issue 14: a first pull's cost per
-- record). An AFTER INSERT trigger makes SQLite build the new row for it, a raw copy included:
-- with the people/records count triggers and the search trigger, about 10 µs of a record's store
-- time at 100,000 people (`npm run bench -- store-floor`). SyncStore is the only writer of both
-- tables (README, "One owner of sync state"), so it does their work itself, in the same
-- transaction:
-- 1. the counts of row_counts (migration 0008), once per transaction instead of once per row.
--    The delete triggers go too, so one place keeps the counts; they are taken again here.
DROP TRIGGER `people_count_insert`;--> statement-breakpoint
DROP TRIGGER `people_count_delete`;--> statement-breakpoint
DROP TRIGGER `records_count_insert`;--> statement-breakpoint
DROP TRIGGER `records_count_delete`;--> statement-breakpoint
UPDATE `row_counts` SET `n` = (SELECT count(*) FROM `people`) WHERE `name` = 'people';--> statement-breakpoint
UPDATE `row_counts` SET `n` = (SELECT count(*) FROM `records`) WHERE `name` = 'records';--> statement-breakpoint
-- 2. a record it inserts is indexed for search as it is written (store/search-index.ts `add`),
--    not noted in search_pending and indexed at the end of the transaction. Updates of `local`
--    are still noted by records_search_update, and a delete still leaves the index by trigger.
DROP TRIGGER `records_search_insert`;
