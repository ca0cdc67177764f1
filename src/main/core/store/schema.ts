// The local store (docs/design.md#data-model). JSON columns hold vendor payloads and canonical contacts
// verbatim; everything sync needs to query on is a real column with an index.
import { sql } from 'drizzle-orm';
import { index, integer, real, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import type { CanonicalContact } from '../../../shared/domain';

const now = sql`(strftime('%Y-%m-%dT%H:%M:%fZ','now'))`;

export const accounts = sqliteTable('accounts', {
  id: text('id').primaryKey(),
  /** calltools | mpdx | livevox | lightening | bigchange | csv */
  kind: text('kind').notNull(),
  label: text('label').notNull(),
  baseUrl: text('base_url'),
  /** Non-secret settings (default phone region, customer ids, …). Secrets live in the keychain. */
  settings: text('settings', { mode: 'json' }).$type<Record<string, unknown>>().notNull().default({}),
  pullCursor: text('pull_cursor'),
  lastPullAt: text('last_pull_at'),
  lastPushAt: text('last_push_at'),
  /** ok | offline | auth | error | unknown */
  health: text('health').notNull().default('unknown'),
  healthMessage: text('health_message'),
  createdAt: text('created_at').notNull().default(now),
});

export const people = sqliteTable(
  'people',
  {
    id: text('id').primaryKey(),
    /** The golden record, recomputed by survivorship rules unless fields are pinned. */
    golden: text('golden', { mode: 'json' }).$type<CanonicalContact>().notNull(),
    /** Field name -> value a person chose; survivorship never overrides these. */
    pinned: text('pinned', { mode: 'json' }).$type<Partial<CanonicalContact>>().notNull().default({}),
    displayName: text('display_name').notNull().default(''),
    createdAt: text('created_at').notNull().default(now),
    updatedAt: text('updated_at').notNull().default(now),
    /**
     * What the contacts list sorts by (the name, case folded), computed by SQLite from
     * display_name so no writer can forget it; `people_sort` (sort_key, id) serves the list's
     * order and its keyset paging without a sort.
     */
    sortKey: text('sort_key').generatedAlwaysAs(sql`lower(display_name)`, { mode: 'virtual' }),
  },
  (t) => [index('people_sort').on(t.sortKey, t.id)],
);

export const records = sqliteTable(
  'records',
  {
    id: text('id').primaryKey(),
    accountId: text('account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'restrict' }),
    remoteId: text('remote_id'),
    personId: text('person_id')
      .notNull()
      .references(() => people.id, { onDelete: 'restrict' }),
    /**
     * Last raw JSON from the vendor, whole, so unknown fields survive a round trip; larger copies
     * are stored deflated (a BLOB): read and write it only through sync/server-copy.ts.
     */
    server: text('server', { mode: 'json' }),
    /** Canonical fields both sides agreed on at the last successful sync; '=' when the same as `local` (sync-store BASE_IS_LOCAL). */
    base: text('base', { mode: 'json' }).$type<CanonicalContact>(),
    /** What the person sees: base plus pending local edits. */
    local: text('local', { mode: 'json' }).$type<CanonicalContact>().notNull(),
    /** Vendor version tokens, verbatim. */
    versions: text('versions', { mode: 'json' }).$type<Record<string, string>>().notNull().default({}),
    state: text('state').notNull().default('synced'),
    remoteUpdatedAt: text('remote_updated_at'),
    createdAt: text('created_at').notNull().default(now),
    updatedAt: text('updated_at').notNull().default(now),
  },
  (t) => [
    uniqueIndex('records_account_remote').on(t.accountId, t.remoteId),
    index('records_person').on(t.personId),
    index('records_state').on(t.state),
  ],
);

export const changes = sqliteTable(
  'changes',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    recordId: text('record_id')
      .notNull()
      .references(() => records.id, { onDelete: 'restrict' }),
    accountId: text('account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'restrict' }),
    /** create | update | delete | merge */
    op: text('op').notNull(),
    /** Canonical field patch (or merge instructions). */
    patch: text('patch', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
    /** The version tokens of the base the edit was made against. */
    baseVersions: text('base_versions', { mode: 'json' }).$type<Record<string, string>>().notNull().default({}),
    idempotencyKey: text('idempotency_key').notNull(),
    /**
     * What the person meant to change: canonical fields, and for phones/emails which parts
     * (`phones.primary`, `emails.label`, `phones.doNotContact`, …). Push sends these fields only.
     */
    intent: text('intent', { mode: 'json' }).$type<string[]>().notNull().default([]),
    /** A create's saga: remote ids of the steps already done, stored as each becomes known. */
    progress: text('progress', { mode: 'json' }).$type<Record<string, string>>().notNull().default({}),
    /** A create's vendor-only values a person gave (LiveVox account key, Lightening customer, BigChange group). */
    createValues: text('create_values', { mode: 'json' }).$type<Record<string, string>>().notNull().default({}),
    /** pending | in_flight | done | conflict | rejected | cancelled (CHANGE_STATES) */
    state: text('state').notNull().default('pending'),
    /**
     * Set only after a person chose "keep mine" in a conflict: MPDX gets `overwrite: true`, the
     * other vendors are written without the re-read guard.
     */
    overwrite: integer('overwrite', { mode: 'boolean' }).notNull().default(false),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    nextAttemptAt: text('next_attempt_at'),
    createdAt: text('created_at').notNull().default(now),
    updatedAt: text('updated_at').notNull().default(now),
  },
  (t) => [
    uniqueIndex('changes_idempotency').on(t.idempotencyKey),
    index('changes_state').on(t.state),
    index('changes_record').on(t.recordId),
    index('changes_account_state').on(t.accountId, t.state),
  ],
);

/**
 * One sync at a time per store, whoever runs it (the app, the CLI): a lease with an owner
 * and a heartbeat. A lease whose holder stopped beating (a crash, a kill) expires by itself.
 */
export const syncLease = sqliteTable('sync_lease', {
  name: text('name').primaryKey(),
  owner: text('owner').notNull(),
  /** Who holds it, in words: "concord sync (pid 4242)", "the app". */
  holder: text('holder').notNull(),
  startedAt: text('started_at').notNull(),
  heartbeatAt: text('heartbeat_at').notNull(),
  expiresAt: text('expires_at').notNull(),
});

export const conflicts = sqliteTable(
  'conflicts',
  {
    id: text('id').primaryKey(),
    recordId: text('record_id')
      .notNull()
      .references(() => records.id, { onDelete: 'restrict' }),
    changeId: integer('change_id').references(() => changes.id, { onDelete: 'restrict' }),
    /** fields: the same field changed on both sides | deleted: gone on the server while edited here */
    kind: text('kind').notNull().default('fields'),
    /** [{field, base, local, remote}] */
    fields: text('fields', { mode: 'json' }).$type<{ field: string; base: unknown; local: unknown; remote: unknown }[]>().notNull(),
    remoteVersions: text('remote_versions', { mode: 'json' }).$type<Record<string, string>>(),
    /** open | resolved */
    state: text('state').notNull().default('open'),
    resolution: text('resolution', { mode: 'json' }).$type<Record<string, unknown>>(),
    resolvedBy: text('resolved_by'),
    createdAt: text('created_at').notNull().default(now),
    resolvedAt: text('resolved_at'),
  },
  (t) => [index('conflicts_state').on(t.state), index('conflicts_record').on(t.recordId)],
);

export const matchCandidates = sqliteTable(
  'match_candidates',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    recordA: text('record_a')
      .notNull()
      .references(() => records.id, { onDelete: 'cascade' }),
    recordB: text('record_b')
      .notNull()
      .references(() => records.id, { onDelete: 'cascade' }),
    score: real('score').notNull(),
    reasons: text('reasons', { mode: 'json' }).$type<{ code: string; text: string; weight: number }[]>().notNull().default([]),
    /** open | linked | dismissed */
    status: text('status').notNull().default('open'),
    createdAt: text('created_at').notNull().default(now),
  },
  (t) => [uniqueIndex('match_pair').on(t.recordA, t.recordB), index('match_score').on(t.score), index('match_record_b').on(t.recordB)],
);

export const matchDecisions = sqliteTable(
  'match_decisions',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    /** Stable vendor keys "<accountId>:<remoteId>" so decisions survive re-syncs; keyA < keyB. */
    keyA: text('key_a').notNull(),
    keyB: text('key_b').notNull(),
    /** same | different */
    decision: text('decision').notNull(),
    decidedBy: text('decided_by'),
    createdAt: text('created_at').notNull().default(now),
    reversedAt: text('reversed_at'),
  },
  (t) => [index('match_decision_pair').on(t.keyA, t.keyB)],
);

export const journal = sqliteTable(
  'journal',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    at: text('at').notNull().default(now),
    actor: text('actor').notNull().default('user'),
    /** edit | sync.pull | sync.push | conflict.resolve | merge | unmerge | account.add | … */
    kind: text('kind').notNull(),
    entityType: text('entity_type').notNull(),
    entityId: text('entity_id').notNull(),
    summary: text('summary').notNull().default(''),
    before: text('before', { mode: 'json' }),
    after: text('after', { mode: 'json' }),
    undoOf: integer('undo_of'),
    undone: integer('undone', { mode: 'boolean' }).notNull().default(false),
    /** The rows of one action (a merge, a person edit fanned out to vendors, one sync) share it; null: a row of its own. */
    actionId: text('action_id'),
    /** Why this happened when a person did not do it directly, in words: "the merge of Ann Lee and Ann Leigh". */
    cause: text('cause'),
  },
  (t) => [index('journal_entity').on(t.entityType, t.entityId), index('journal_at').on(t.at), index('journal_action').on(t.actionId)],
);

/** App-wide preferences a person sets (e.g. how often the app syncs by itself), one JSON value per key. */
export const appSettings = sqliteTable('app_settings', {
  key: text('key').primaryKey(),
  value: text('value', { mode: 'json' }).notNull(),
  updatedAt: text('updated_at').notNull().default(now),
});

/**
 * Row counts kept by triggers (migration 0008), so status and the contacts list read a
 * number instead of counting 100,000 rows each time: `people`, `records`.
 */
export const rowCounts = sqliteTable('row_counts', {
  name: text('name').primaryKey(),
  n: integer('n').notNull().default(0),
});

export type AccountRow = typeof accounts.$inferSelect;
export type PersonRow = typeof people.$inferSelect;
export type RecordRow = typeof records.$inferSelect;
export type ChangeRow = typeof changes.$inferSelect;
export type ConflictRow = typeof conflicts.$inferSelect;
export type JournalRow = typeof journal.$inferSelect;
