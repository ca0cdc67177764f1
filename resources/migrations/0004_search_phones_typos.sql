-- Search as people type (hand-written: drizzle-kit cannot describe virtual tables or triggers).
-- 1. Phones are indexed as every trailing run of four or more of their digits (E.164 digits
--    when parsed, else the typed digits), so "(402) 762-1915", "+1 402 762 1915" and the last
--    digits "762-1915" all find the number: the query is reduced to digits and matched as a prefix.
-- 2. names_trigram (FTS5's trigram tokenizer) finds candidates for a name with one typo; the
--    core confirms the one-edit distance.
DROP TRIGGER IF EXISTS `records_fts_insert`;
--> statement-breakpoint
DROP TRIGGER IF EXISTS `records_fts_update`;
--> statement-breakpoint
DROP TRIGGER IF EXISTS `records_fts_delete`;
--> statement-breakpoint
CREATE VIRTUAL TABLE `names_trigram` USING fts5(person_id UNINDEXED, name, tokenize = 'trigram remove_diacritics 1');
--> statement-breakpoint
CREATE TRIGGER `records_fts_insert` AFTER INSERT ON `records` BEGIN
	INSERT INTO contacts_fts (rowid, person_id, name, company, emails, phones)
	VALUES (
		NEW.rowid,
		NEW.person_id,
		trim(coalesce(NEW.local ->> '$.givenName', '') || ' ' || coalesce(NEW.local ->> '$.familyName', '') || ' ' || coalesce(NEW.local ->> '$.fullName', '')),
		coalesce(NEW.local ->> '$.company', ''),
		coalesce((SELECT group_concat(value ->> '$.address', ' ') FROM json_each(NEW.local, '$.emails')), ''),
		coalesce((SELECT group_concat(substr(replace(replace(replace(replace(replace(replace(replace(coalesce(ph.value ->> '$.e164', ph.value ->> '$.raw', ''), '+', ''), '(', ''), ')', ''), '-', ''), '.', ''), ' ', ''), '/', ''), kk.k), ' ') FROM json_each(NEW.local, '$.phones') AS ph, (SELECT 1 AS k UNION ALL SELECT 2 AS k UNION ALL SELECT 3 AS k UNION ALL SELECT 4 AS k UNION ALL SELECT 5 AS k UNION ALL SELECT 6 AS k UNION ALL SELECT 7 AS k UNION ALL SELECT 8 AS k UNION ALL SELECT 9 AS k UNION ALL SELECT 10 AS k UNION ALL SELECT 11 AS k UNION ALL SELECT 12 AS k) AS kk WHERE length(replace(replace(replace(replace(replace(replace(replace(coalesce(ph.value ->> '$.e164', ph.value ->> '$.raw', ''), '+', ''), '(', ''), ')', ''), '-', ''), '.', ''), ' ', ''), '/', '')) - kk.k + 1 >= 4), '')
	);
	INSERT INTO names_trigram (rowid, person_id, name) VALUES (NEW.rowid, NEW.person_id, trim(coalesce(NEW.local ->> '$.givenName', '') || ' ' || coalesce(NEW.local ->> '$.familyName', '') || ' ' || coalesce(NEW.local ->> '$.fullName', '')));
END;
--> statement-breakpoint
CREATE TRIGGER `records_fts_update` AFTER UPDATE OF `local`, `person_id` ON `records` BEGIN
	DELETE FROM contacts_fts WHERE rowid = OLD.rowid;
	DELETE FROM names_trigram WHERE rowid = OLD.rowid;
	INSERT INTO contacts_fts (rowid, person_id, name, company, emails, phones)
	VALUES (
		NEW.rowid,
		NEW.person_id,
		trim(coalesce(NEW.local ->> '$.givenName', '') || ' ' || coalesce(NEW.local ->> '$.familyName', '') || ' ' || coalesce(NEW.local ->> '$.fullName', '')),
		coalesce(NEW.local ->> '$.company', ''),
		coalesce((SELECT group_concat(value ->> '$.address', ' ') FROM json_each(NEW.local, '$.emails')), ''),
		coalesce((SELECT group_concat(substr(replace(replace(replace(replace(replace(replace(replace(coalesce(ph.value ->> '$.e164', ph.value ->> '$.raw', ''), '+', ''), '(', ''), ')', ''), '-', ''), '.', ''), ' ', ''), '/', ''), kk.k), ' ') FROM json_each(NEW.local, '$.phones') AS ph, (SELECT 1 AS k UNION ALL SELECT 2 AS k UNION ALL SELECT 3 AS k UNION ALL SELECT 4 AS k UNION ALL SELECT 5 AS k UNION ALL SELECT 6 AS k UNION ALL SELECT 7 AS k UNION ALL SELECT 8 AS k UNION ALL SELECT 9 AS k UNION ALL SELECT 10 AS k UNION ALL SELECT 11 AS k UNION ALL SELECT 12 AS k) AS kk WHERE length(replace(replace(replace(replace(replace(replace(replace(coalesce(ph.value ->> '$.e164', ph.value ->> '$.raw', ''), '+', ''), '(', ''), ')', ''), '-', ''), '.', ''), ' ', ''), '/', '')) - kk.k + 1 >= 4), '')
	);
	INSERT INTO names_trigram (rowid, person_id, name) VALUES (NEW.rowid, NEW.person_id, trim(coalesce(NEW.local ->> '$.givenName', '') || ' ' || coalesce(NEW.local ->> '$.familyName', '') || ' ' || coalesce(NEW.local ->> '$.fullName', '')));
END;
--> statement-breakpoint
CREATE TRIGGER `records_fts_delete` AFTER DELETE ON `records` BEGIN
	DELETE FROM contacts_fts WHERE rowid = OLD.rowid;
	DELETE FROM names_trigram WHERE rowid = OLD.rowid;
END;
--> statement-breakpoint
DELETE FROM contacts_fts;
--> statement-breakpoint
INSERT INTO contacts_fts (rowid, person_id, name, company, emails, phones)
SELECT r.rowid, r.person_id, trim(coalesce(r.local ->> '$.givenName', '') || ' ' || coalesce(r.local ->> '$.familyName', '') || ' ' || coalesce(r.local ->> '$.fullName', '')), coalesce(r.local ->> '$.company', ''),
	coalesce((SELECT group_concat(value ->> '$.address', ' ') FROM json_each(r.local, '$.emails')), ''),
	coalesce((SELECT group_concat(substr(replace(replace(replace(replace(replace(replace(replace(coalesce(ph.value ->> '$.e164', ph.value ->> '$.raw', ''), '+', ''), '(', ''), ')', ''), '-', ''), '.', ''), ' ', ''), '/', ''), kk.k), ' ') FROM json_each(r.local, '$.phones') AS ph, (SELECT 1 AS k UNION ALL SELECT 2 AS k UNION ALL SELECT 3 AS k UNION ALL SELECT 4 AS k UNION ALL SELECT 5 AS k UNION ALL SELECT 6 AS k UNION ALL SELECT 7 AS k UNION ALL SELECT 8 AS k UNION ALL SELECT 9 AS k UNION ALL SELECT 10 AS k UNION ALL SELECT 11 AS k UNION ALL SELECT 12 AS k) AS kk WHERE length(replace(replace(replace(replace(replace(replace(replace(coalesce(ph.value ->> '$.e164', ph.value ->> '$.raw', ''), '+', ''), '(', ''), ')', ''), '-', ''), '.', ''), ' ', ''), '/', '')) - kk.k + 1 >= 4), '')
FROM records r;
--> statement-breakpoint
INSERT INTO names_trigram (rowid, person_id, name) SELECT r.rowid, r.person_id, trim(coalesce(r.local ->> '$.givenName', '') || ' ' || coalesce(r.local ->> '$.familyName', '') || ' ' || coalesce(r.local ->> '$.fullName', '')) FROM records r;
