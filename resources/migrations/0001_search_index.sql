-- Full-text search over what the person sees (records.local): names, company, emails, phones.
-- drizzle-kit cannot describe virtual tables, so this migration is hand-written.
-- One FTS row per record, keyed by the record's rowid (stable: Concord never VACUUMs the live
-- file; search.reindex() rebuilds this table after a restore). person_id lets search return people.
CREATE VIRTUAL TABLE `contacts_fts` USING fts5(
	person_id UNINDEXED,
	name,
	company,
	emails,
	phones,
	tokenize = 'unicode61 remove_diacritics 2'
);
--> statement-breakpoint
CREATE TRIGGER `records_fts_insert` AFTER INSERT ON `records` BEGIN
	INSERT INTO contacts_fts (rowid, person_id, name, company, emails, phones)
	VALUES (
		NEW.rowid,
		NEW.person_id,
		trim(coalesce(NEW.local ->> '$.givenName', '') || ' ' || coalesce(NEW.local ->> '$.familyName', '') || ' ' || coalesce(NEW.local ->> '$.fullName', '')),
		coalesce(NEW.local ->> '$.company', ''),
		coalesce((SELECT group_concat(value ->> '$.address', ' ') FROM json_each(NEW.local, '$.emails')), ''),
		coalesce((SELECT group_concat(coalesce(value ->> '$.e164', '') || ' ' || replace(replace(replace(replace(replace(coalesce(value ->> '$.raw', ''), '(', ''), ')', ''), '-', ''), '.', ''), ' ', ''), ' ') FROM json_each(NEW.local, '$.phones')), '')
	);
END;
--> statement-breakpoint
CREATE TRIGGER `records_fts_update` AFTER UPDATE OF `local`, `person_id` ON `records` BEGIN
	DELETE FROM contacts_fts WHERE rowid = OLD.rowid;
	INSERT INTO contacts_fts (rowid, person_id, name, company, emails, phones)
	VALUES (
		NEW.rowid,
		NEW.person_id,
		trim(coalesce(NEW.local ->> '$.givenName', '') || ' ' || coalesce(NEW.local ->> '$.familyName', '') || ' ' || coalesce(NEW.local ->> '$.fullName', '')),
		coalesce(NEW.local ->> '$.company', ''),
		coalesce((SELECT group_concat(value ->> '$.address', ' ') FROM json_each(NEW.local, '$.emails')), ''),
		coalesce((SELECT group_concat(coalesce(value ->> '$.e164', '') || ' ' || replace(replace(replace(replace(replace(coalesce(value ->> '$.raw', ''), '(', ''), ')', ''), '-', ''), '.', ''), ' ', ''), ' ') FROM json_each(NEW.local, '$.phones')), '')
	);
END;
--> statement-breakpoint
CREATE TRIGGER `records_fts_delete` AFTER DELETE ON `records` BEGIN
	DELETE FROM contacts_fts WHERE rowid = OLD.rowid;
END;
