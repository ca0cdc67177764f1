// What "add to a vendor" asks of the store before it creates anything: is the person there
// already, is a vendor id in use, who is missing from an account, which records there might be
// this person. Reads only; the creates go through the sync state machine (sync-store.ts).
import type Database from 'better-sqlite3';
import { liveRecord } from './predicates';
import type { SqlColumns } from './rows';
import type { people, records } from './schema';

/** Whether the person has a live record in the account. */
export function personHeldIn(sqlite: Database.Database, personId: string, accountId: string): boolean {
  return (
    sqlite.prepare(`SELECT 1 FROM records WHERE person_id = ? AND account_id = ? AND ${liveRecord()}`).get(personId, accountId) !==
    undefined
  );
}

/** A record by id, its person, and its canonical JSON. */
export type AccountRecordRow = SqlColumns<typeof records, 'id' | 'person_id' | 'local'>;

/**
 * The account's live records, or (`keys`) only those holding one of these keys: "e:" + a
 * lower-cased email, "p:" + an E.164 number without its "+", "x:" + an external reference.
 */
export function accountRecordsByKeys(sqlite: Database.Database, accountId: string, keys?: string[]): AccountRecordRow[] {
  const live = `r.account_id = @account AND ${liveRecord('r')}`;
  return (
    keys
      ? sqlite
          .prepare(
            `SELECT r.id, r.person_id, r.local FROM records r WHERE ${live} AND (
        EXISTS (SELECT 1 FROM json_each(r.local, '$.emails') e WHERE 'e:' || lower(trim(json_extract(e.value, '$.address'))) IN (SELECT value FROM json_each(@keys)))
        OR EXISTS (SELECT 1 FROM json_each(r.local, '$.phones') p WHERE 'p:' || replace(json_extract(p.value, '$.e164'), '+', '') IN (SELECT value FROM json_each(@keys)))
        OR 'x:' || trim(json_extract(r.local, '$.externalRef')) IN (SELECT value FROM json_each(@keys)))`,
          )
          .all({ account: accountId, keys: JSON.stringify(keys) })
      : sqlite.prepare(`SELECT r.id, r.person_id, r.local FROM records r WHERE ${live}`).all({ account: accountId })
  ) as AccountRecordRow[];
}

/** A person by id and name. */
export type PersonNameRow = SqlColumns<typeof people, 'id' | 'display_name'>;

/** People with a live record in `from` and none in `to`, by name. */
export function peopleMissingFrom(sqlite: Database.Database, from: string, to: string): PersonNameRow[] {
  return sqlite
    .prepare(
      `SELECT DISTINCT p.id, p.display_name FROM records r JOIN people p ON p.id = r.person_id
      WHERE r.account_id = ? AND ${liveRecord('r')}
        AND NOT EXISTS (SELECT 1 FROM records o WHERE o.person_id = p.id AND o.account_id = ? AND ${liveRecord('o')})
      ORDER BY p.display_name COLLATE NOCASE, p.id`,
    )
    .all(from, to) as PersonNameRow[];
}

/** People whose golden record carries this tag (any case). */
export function peopleTagged(sqlite: Database.Database, tag: string): Set<string> {
  return new Set(
    (
      sqlite
        .prepare("SELECT p.id FROM people p, json_each(p.golden, '$.tags') t WHERE lower(t.value) = ?")
        .all(tag.toLowerCase()) as SqlColumns<typeof people, 'id'>[]
    ).map((r) => r.id),
  );
}

/** One value read out of a JSON column with json_extract. */
interface ExtractedRow {
  value: string | null;
}

/** Vendor ids (LiveVox account keys) given to creates in this account that are not sent yet. */
export function idsOfUnsentCreates(sqlite: Database.Database, accountId: string): string[] {
  return (
    sqlite
      .prepare(
        "SELECT json_extract(c.create_values, '$.account') AS value FROM changes c WHERE c.account_id = ? AND c.op = 'create' AND c.state IN ('pending', 'in_flight')",
      )
      .all(accountId) as ExtractedRow[]
  ).flatMap((r) => (r.value ? [r.value] : []));
}

/** A person's golden external reference ('' when none). */
export function goldenExternalRef(sqlite: Database.Database, personId: string): string {
  return (
    (
      sqlite.prepare("SELECT json_extract(golden, '$.externalRef') AS value FROM people WHERE id = ?").get(personId) as
        ExtractedRow | undefined
    )?.value ?? ''
  );
}
