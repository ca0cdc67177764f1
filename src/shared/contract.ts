// The one typed contract between the window and the core (docs/design.md#architecture). Every request and
// event has a zod schema; main validates with it, and the preload and `window.api` types
// derive from it, so a key without a handler or a preload entry does not compile.
import { z } from 'zod';
import type { EventKeyName, RequestKeyName } from './channels';
import { AccountKind, CANONICAL_FIELDS, CanonicalContact, RecordState } from './domain';

export { EVENT_KEYS, REQUEST_KEYS, eventChannel, requestChannel } from './channels';

export const ApiError = z.object({ code: z.string(), message: z.string() });
export type ApiError = z.infer<typeof ApiError>;

export const SecretStoreInfo = z.object({
  kind: z.enum(['keychain', 'memory', 'file']),
  persistent: z.boolean(),
  detail: z.string(),
});

export const AccountSummary = z.object({
  id: z.string(),
  kind: AccountKind,
  label: z.string(),
  baseUrl: z.string().nullable(),
  lastPull: z.string().nullable(),
  lastPush: z.string().nullable(),
  health: z.string(),
  healthMessage: z.string().nullable(),
  recordCount: z.number().int(),
  /** Fields golden records take from this account before any other (survivorship). */
  trustedFor: z.array(z.string()),
  /** A sandbox account (its vendor is a simulator on 127.0.0.1). */
  sandbox: z.boolean(),
  /** The non-secret settings the account form shows (BigChange: groupId, defaultLocation), for Edit. */
  settings: z.record(z.string(), z.string()),
});
export type AccountSummary = z.infer<typeof AccountSummary>;

export const SyncSchedule = z.object({
  minutes: z.number().int(),
  /** When the next scheduled sync runs (ISO), null when off or not running in this host. */
  nextAt: z.string().nullable(),
  /** The sync running in the core right now, if any, and who started it. */
  running: z.object({ trigger: z.enum(['person', 'schedule', 'reconnect']), startedAt: z.string() }).nullable(),
});
export type SyncSchedule = z.infer<typeof SyncSchedule>;

/** After a sync: what waits in the duplicates queue, and the people linked without asking (one undo: `linkId`). */
export const SyncDuplicates = z.object({
  waiting: z.number().int(),
  autoLinkable: z.number().int(),
  linked: z.number().int(),
  linkId: z.number().int().nullable(),
});

export const Status = z.object({
  version: z.string(),
  dataDir: z.string(),
  schemaVersion: z.number().int(),
  secretStore: SecretStoreInfo,
  offline: z.boolean(),
  counts: z.object({ accounts: z.number().int(), people: z.number().int(), records: z.number().int() }),
  outbox: z.object({ pending: z.number().int(), inFlight: z.number().int(), conflict: z.number().int(), rejected: z.number().int() }),
  openConflicts: z.number().int(),
  /** Likely duplicates waiting for a person (clusters), and how many are above the auto-link threshold; null before any scan. */
  duplicates: z.object({ waiting: z.number().int(), autoLinkable: z.number().int() }).nullable(),
  /** People whose linked records disagree on a field a policy says should agree; null without policies. */
  drift: z.object({ people: z.number().int(), checkedAt: z.string() }).nullable(),
  accounts: z.array(
    z.object({
      id: z.string(),
      vendor: AccountKind,
      label: z.string(),
      lastPull: z.string().nullable(),
      lastPush: z.string().nullable(),
      health: z.string(),
    }),
  ),
});
export type Status = z.infer<typeof Status>;

export const ContactRow = z.object({
  /** The person (golden record) id. */
  id: z.string(),
  displayName: z.string(),
  vendors: z.array(AccountKind),
  recordCount: z.number().int(),
  states: z.array(RecordState),
  fields: CanonicalContact,
});
export type ContactRow = z.infer<typeof ContactRow>;

export const ContactRecord = z.object({
  id: z.string(),
  accountId: z.string(),
  accountLabel: z.string(),
  vendor: AccountKind,
  remoteId: z.string().nullable(),
  state: RecordState,
  local: CanonicalContact,
  base: CanonicalContact.nullable(),
  versions: z.record(z.string(), z.string()),
  updatedAt: z.string(),
  /** The record's open outbox change, if any: what waits to be sent, and why it could not be. */
  change: z
    .object({
      id: z.number().int(),
      op: z.string(),
      state: z.string(),
      patch: z.record(z.string(), z.unknown()),
      lastError: z.string().nullable(),
    })
    .nullable(),
});
export type ContactRecord = z.infer<typeof ContactRecord>;

export const ContactDetail = z.object({
  id: z.string(),
  displayName: z.string(),
  golden: CanonicalContact,
  pinned: z.array(z.string()),
  records: z.array(ContactRecord),
});
export type ContactDetail = z.infer<typeof ContactDetail>;

export const ListContactsInput = z.object({
  search: z.string().max(200).optional(),
  vendor: AccountKind.optional(),
  /** People with a record in this state (changed here, in conflict, refused). */
  state: z.enum(['modified', 'conflicted', 'rejected']).optional(),
  /** Only people in an open duplicate candidate pair. */
  duplicates: z.boolean().optional(),
  limit: z.number().int().min(1).max(1000).default(100),
  offset: z.number().int().min(0).default(0),
  /** Keyset paging: the page after this row (the `next` of the page before); `offset` is then ignored. */
  after: z.object({ key: z.string(), id: z.string() }).optional(),
  /** Only what a list row shows: `fields` holds the primary email, the primary phone and the city, nothing else. */
  brief: z.boolean().optional(),
});

/** Where the page after this one starts (keyset), null after the last row. */
export const ContactsCursor = z.object({ key: z.string(), id: z.string() }).nullable();

const Patch = CanonicalContact.partial();

export const AccountSyncSummary = z.object({
  accountId: z.string(),
  vendor: AccountKind,
  label: z.string(),
  pulled: z.number().int(),
  created: z.number().int(),
  updated: z.number().int(),
  deleted: z.number().int(),
  pushed: z.number().int(),
  conflicts: z.number().int(),
  rejected: z.number().int(),
  waiting: z.number().int(),
  complete: z.boolean(),
  errors: z.array(z.object({ kind: z.string(), message: z.string() })),
});
export type AccountSyncSummary = z.infer<typeof AccountSyncSummary>;

export const FieldConflict = z.object({ field: z.string(), base: z.unknown(), local: z.unknown(), remote: z.unknown() });
export const ConflictItem = z.object({
  id: z.string(),
  recordId: z.string(),
  personId: z.string(),
  account: z.string(),
  accountLabel: z.string(),
  vendor: AccountKind,
  /** fields: changed both sides · deleted: gone there, edited here · exists: a create met a record already at the vendor */
  kind: z.enum(['fields', 'deleted', 'exists']),
  fields: z.array(FieldConflict),
  /** kind "exists": the vendor's record the create met (fields: local = this person, remote = that record). */
  existing: z
    .object({
      remoteId: z.string(),
      /** The vendor wrote this person's values over that record already (CallTools' upsert). */
      mergedByVendor: z.boolean(),
      /** The create's key that is taken (LiveVox's account key), which "a different person" replaces. */
      key: z.object({ name: z.string(), label: z.string(), value: z.string() }).nullable(),
    })
    .optional(),
  createdAt: z.string(),
  /** The person's display name. */
  name: z.string(),
});
export type ConflictItem = z.infer<typeof ConflictItem>;

/** Text a person typed per field, parsed by the core (one parser for the window and the CLI). */
export const TypedValues = z.record(z.string().max(80), z.string().max(20_000));

export const Resolution = z.union([
  z.object({ take: z.enum(['local', 'remote']) }),
  z.object({
    fields: z.record(
      z.string(),
      z.union([
        z.object({ take: z.enum(['local', 'remote']) }),
        z.object({ value: z.unknown() }),
        /** as typed; the core parses it */ z.object({ typed: z.string().max(20_000) }),
      ]),
    ),
  }),
  z.object({ deleted: z.enum(['recreate', 'drop']) }),
  /** kind "exists": the same person (link them), or a different one (create under a new key, or not at all where the vendor has no key). */
  z.object({ exists: z.literal('same') }),
  z.object({ exists: z.literal('different'), key: z.string().trim().min(1).max(255).optional() }),
]);

export const OutboxItem = z.object({
  id: z.number().int(),
  recordId: z.string(),
  personId: z.string(),
  name: z.string(),
  vendor: AccountKind,
  accountLabel: z.string(),
  op: z.string(),
  state: z.string(),
  fields: z.array(z.string()),
  lastError: z.string().nullable(),
  attempts: z.number().int(),
  createdAt: z.string(),
});
export type OutboxItem = z.infer<typeof OutboxItem>;

export const Reason = z.object({ code: z.string(), text: z.string(), weight: z.number() });
export type Reason = z.infer<typeof Reason>;
export const DuplicateCluster = z.object({
  id: z.string(),
  score: z.number(),
  confidence: z.number(),
  auto: z.boolean(),
  records: z.array(
    z.object({
      recordId: z.string(),
      personId: z.string(),
      account: z.string(),
      accountLabel: z.string(),
      vendor: AccountKind,
      remoteId: z.string().nullable(),
      name: z.string(),
      contact: CanonicalContact,
    }),
  ),
  reasons: z.array(Reason),
  pairs: z.array(z.object({ a: z.string(), b: z.string(), score: z.number(), reasons: z.array(Reason) })),
});
export type DuplicateCluster = z.infer<typeof DuplicateCluster>;

/** A queue row: enough to list a cluster; `getDuplicate` has the rest. */
export const DuplicateSummary = z.object({
  id: z.string(),
  score: z.number(),
  confidence: z.number(),
  auto: z.boolean(),
  names: z.array(z.string()),
  vendors: z.array(AccountKind),
  size: z.number().int(),
});
export type DuplicateSummary = z.infer<typeof DuplicateSummary>;

export const BulkMergePlan = z.object({
  clusters: z.number().int(),
  accounts: z.array(
    z.object({
      vendor: AccountKind,
      accountLabel: z.string(),
      update: z.number().int(),
      delete: z.number().int(),
      merge: z.number().int(),
      link: z.number().int(),
    }),
  ),
  deletions: z.array(z.object({ vendor: AccountKind, accountLabel: z.string(), remoteId: z.string().nullable(), name: z.string() })),
  deletionsTotal: z.number().int(),
});
export type BulkMergePlan = z.infer<typeof BulkMergePlan>;

export const MergePlan = z.object({
  clusterId: z.string(),
  golden: CanonicalContact,
  writes: z.array(
    z.object({
      recordId: z.string(),
      vendor: AccountKind,
      accountLabel: z.string(),
      remoteId: z.string().nullable(),
      op: z.enum(['update', 'delete', 'merge', 'link']),
      fields: Patch.optional(),
      note: z.string(),
    }),
  ),
  /** Golden values fewer than half of the records with the field hold. */
  minority: z.array(z.object({ field: z.string(), held: z.number().int(), of: z.number().int() })),
});
export type MergePlan = z.infer<typeof MergePlan>;

export const JournalRow = z.object({
  id: z.number().int(),
  at: z.string(),
  actor: z.string(),
  kind: z.string(),
  entityType: z.string(),
  entityId: z.string(),
  summary: z.string(),
  undone: z.boolean(),
  /** What "undo" would do here, if anything. */
  undo: z.enum(['edit', 'merge', 'dismiss', 'add', 'agree', 'account']).nullable(),
  /** Who the row is about, named as they are now (a dismissal is about several). */
  people: z.array(z.object({ id: z.string(), name: z.string() })),
  /** The vendor of the record it is about. */
  vendor: z.string().nullable(),
  /** The action that caused it, in words: "the merge of Ann Lee and Ann Leigh". */
  cause: z.string().nullable(),
});
export type JournalRow = z.infer<typeof JournalRow>;

/** One action (a merge, a person edit sent to several vendors, a sync): its lead and its other rows. */
export const JournalEntry = JournalRow.extend({
  rows: z.array(JournalRow),
  /** All its rows; `rows` holds the first ENTRY_ROWS_SHOWN. */ rowCount: z.number().int(),
});
export type JournalEntry = z.infer<typeof JournalEntry>;

const Picks = z.record(z.string(), z.string());

// ---- reconciling across vendors (add-to, field policies, drift) ----
const Values = z.record(z.string().max(100), z.string().max(300));
export const CreateNeed = z.object({
  key: z.string(),
  label: z.string(),
  why: z.string(),
  field: z.enum(['phones', 'givenName', 'fullName']).optional(),
  from: z.string().optional(),
  value: z.string().optional(),
  becomesId: z.boolean().optional(),
  missing: z.boolean(),
});
export type CreateNeed = z.infer<typeof CreateNeed>;
export const AddToPreview = z.object({
  personId: z.string(),
  name: z.string(),
  accountId: z.string(),
  accountLabel: z.string(),
  vendor: AccountKind,
  contact: CanonicalContact,
  requests: z.array(z.object({ method: z.string(), path: z.string(), body: z.unknown() })),
  needs: z.array(CreateNeed),
  notHeld: z.array(z.string()),
  blocks: z.array(z.string()),
  problems: z.array(z.object({ field: z.string(), message: z.string() })),
  likelyThere: z.array(z.object({ recordId: z.string(), personId: z.string(), name: z.string() })),
  ready: z.boolean(),
});
export type AddToPreview = z.infer<typeof AddToPreview>;
const BulkAddQuery = z.object({
  from: z.string().min(1),
  to: z.string().min(1),
  search: z.string().max(200).optional(),
  tag: z.string().max(100).optional(),
  values: Values.optional(),
});
export const BulkAddPlan = z.object({
  from: z.string(),
  to: z.string(),
  count: z.number().int(),
  sample: z.array(z.object({ personId: z.string(), name: z.string() })),
  needs: z.array(CreateNeed),
  notHeld: z.array(z.string()),
});
export type BulkAddPlan = z.infer<typeof BulkAddPlan>;
export const FieldPolicy = z.object({ field: z.enum(CANONICAL_FIELDS), accounts: z.array(z.string()) });
export type FieldPolicy = z.infer<typeof FieldPolicy>;
export const DriftReport = z.object({
  policies: z.array(FieldPolicy),
  cells: z.array(z.object({ field: z.enum(CANONICAL_FIELDS), a: z.string(), b: z.string(), count: z.number().int() })),
  people: z.number().int(),
  checkedAt: z.string(),
});
export type DriftReport = z.infer<typeof DriftReport>;
export const AgreeGroup = z.object({
  field: z.enum(CANONICAL_FIELDS),
  accountId: z.string(),
  accountLabel: z.string(),
  vendor: AccountKind,
  count: z.number().int(),
});
export type AgreeGroup = z.infer<typeof AgreeGroup>;
export const AgreePlan = z.object({
  people: z.number().int(),
  total: z.number().int(),
  offset: z.number().int(),
  /** One page of the writes, grouped by field, then account, then person. */
  writes: z.array(
    z.object({
      key: z.string(),
      recordId: z.string(),
      personId: z.string(),
      name: z.string(),
      vendor: AccountKind,
      accountLabel: z.string(),
      accountId: z.string(),
      field: z.enum(CANONICAL_FIELDS),
      from: z.unknown(),
      to: z.unknown(),
      note: z.string().optional(),
      held: z.number().int(),
      of: z.number().int(),
      contested: z.boolean(),
    }),
  ),
  groups: z.array(AgreeGroup),
});
export type AgreePlan = z.infer<typeof AgreePlan>;
/** The largest CSV file an import takes (split bigger ones and import the parts into one source). */
export const MAX_CSV_BYTES = 200 * 1024 * 1024;

export const CsvImportResult = z.object({
  accountId: z.string(),
  source: z.string(),
  imported: z.number().int(),
  created: z.number().int(),
  updated: z.number().int(),
  errors: z.array(z.object({ line: z.number().int(), message: z.string() })),
  warnings: z.array(z.object({ line: z.number().int(), column: z.string(), kind: z.string(), message: z.string() })),
  summary: z.record(z.string(), z.number().int()),
  ignoredHeaders: z.array(z.string()),
  encoding: z.string(),
  delimiter: z.string(),
});

export const AccountForm = z.object({
  credentials: z.array(z.object({ key: z.string(), label: z.string(), secret: z.boolean().optional(), optional: z.boolean().optional() })),
  settings: z.array(z.object({ key: z.string(), label: z.string(), placeholder: z.string() })),
});
export type AccountForm = z.infer<typeof AccountForm>;

/** Requests: key -> {input, output}. Inputs are always objects so they can grow. */
export const requests = {
  getStatus: { input: z.object({}), output: Status },
  listContacts: {
    input: ListContactsInput,
    output: z.object({ total: z.number().int(), rows: z.array(ContactRow), next: ContactsCursor }),
  },
  getContact: { input: z.object({ id: z.string().min(1) }), output: ContactDetail },
  listAccounts: { input: z.object({}), output: z.array(AccountSummary) },
  addAccount: {
    input: z.object({
      kind: AccountKind.exclude(['csv']),
      label: z.string().max(100).optional(),
      baseUrl: z.string().max(500).nullable().optional(),
      credentials: z.record(z.string(), z.unknown()),
      /** Non-secret settings the vendor needs (BigChange: groupId and defaultLocation for new contacts). */
      settings: z
        .record(
          z.string(),
          z.union([z.string().max(200), z.number(), z.boolean(), z.record(z.string(), z.union([z.string().max(200), z.number()]))]),
        )
        .optional(),
      /** A sandbox account (loopback only): its test tokens stay with the account, no keychain needed. */
      sandbox: z.boolean().optional(),
    }),
    output: AccountSummary,
  },
  testAccount: { input: z.object({ id: z.string().min(1) }), output: z.object({ ok: z.boolean(), detail: z.string() }) },
  /** Start the five sandbox vendors inside Concord and connect an account to each — once: again, it reuses them. */
  startSandbox: {
    input: z.object({ seed: z.number().int().optional(), people: z.number().int().min(1).max(5000).optional() }),
    output: z.object({
      accounts: z.array(AccountSummary),
      /** Accounts it had to add (0 when the sandbox's were here). */ added: z.number().int(),
      /** The simulators were running already: nothing was started. */ reused: z.boolean(),
    }),
  },
  sync: {
    input: z.object({
      accountId: z.string().optional(),
      full: z.boolean().optional(),
      /** Wait for a sync another host is running instead of failing busy. */ wait: z.boolean().optional(),
    }),
    output: z.object({
      accounts: z.array(AccountSyncSummary),
      offline: z.boolean(),
      cancelled: z.boolean(),
      duplicates: SyncDuplicates.nullable(),
    }),
  },
  /** Golden records take these fields from this account first; every affected person is recomputed. */
  setAccountTrust: {
    input: z.object({ id: z.string().min(1), fields: z.array(z.enum(CANONICAL_FIELDS)) }),
    output: z.object({ peopleUpdated: z.number().int() }),
  },
  /** Stop the sync running in the core (whoever started it): between pages and changes, nothing half-sent. */
  /** Stop the running sync, or only one account of it (the others go on). */
  cancelSync: { input: z.object({ accountId: z.string().min(1).optional() }), output: z.object({ cancelled: z.boolean() }) },
  /** How often the app syncs by itself (minutes; 0 = never), and when it next will. */
  getSyncSchedule: { input: z.object({}), output: SyncSchedule },
  setSyncSchedule: {
    input: z.object({
      minutes: z
        .number()
        .int()
        .min(0)
        .max(24 * 60),
    }),
    output: SyncSchedule,
  },
  /** Edit a record, or a person (fans out to its records). Works offline. */
  editContact: {
    input: z.object({
      id: z.string().min(1),
      patch: Patch.default({}),
      /** Text as typed per field (`address.city` reaches inside); the core parses it. */ typed: TypedValues.optional(),
    }),
    output: z.object({
      records: z.array(z.object({ recordId: z.string(), vendor: AccountKind, changeId: z.number().int().nullable() })),
      pinned: z.array(z.string()),
      notHeld: z.array(z.object({ recordId: z.string(), vendor: AccountKind, reason: z.string() })),
    }),
  },
  undoEdit: { input: z.object({ id: z.string().min(1) }), output: z.object({ undone: z.number().int() }) },
  listOutbox: { input: z.object({}), output: z.array(OutboxItem) },
  listConflicts: { input: z.object({}), output: z.array(ConflictItem) },
  resolveConflict: {
    input: z.object({ id: z.string().min(1), resolution: Resolution }),
    output: z.object({ changeId: z.number().int().nullable() }),
  },
  scanDuplicates: {
    input: z.object({
      full: z.boolean().optional(),
      /** Link every cluster above the auto-link threshold whose records are in different vendors (undoable). */
      autoLink: z.boolean().optional(),
      /** Thresholds in bits, for this scan and the core's later ones. */
      review: z.number().finite().optional(),
      autoThreshold: z.number().finite().optional(),
    }),
    output: z.object({
      total: z.number().int(),
      autoLinkable: z.number().int(),
      records: z.number().int(),
      rescored: z.number().int(),
      comparisons: z.number().int(),
      ms: z.number(),
      autoLinked: z.number().int(),
    }),
  },
  /** One page of the duplicates queue, best first. */
  listDuplicates: {
    input: z.object({
      offset: z.number().int().min(0).default(0),
      limit: z.number().int().min(1).max(500).default(100),
      /** best first, or least certain first (their answers teach the matcher most) */ order: z.enum(['best', 'unsure']).default('best'),
    }),
    output: z.object({ total: z.number().int(), autoLinkable: z.number().int(), items: z.array(DuplicateSummary) }),
  },
  /** One cluster in full; null once it is gone (merged, dismissed, changed by a scan). */
  getDuplicate: { input: z.object({ id: z.string().min(1) }), output: DuplicateCluster.nullable() },
  /** What merging every cluster above the auto-link threshold would write, deletions named. */
  planBulkMerge: { input: z.object({}), output: BulkMergePlan },
  /** Merge them all as one job in the core (progress: bulkMergeProgress); `expected` is the count confirmed. */
  bulkMerge: {
    input: z.object({ expected: z.number().int().min(0) }),
    output: z.object({ merged: z.number().int(), total: z.number().int(), cancelled: z.boolean(), bulkId: z.number().int().nullable() }),
  },
  cancelBulkMerge: { input: z.object({}), output: z.object({ cancelled: z.boolean() }) },
  planMerge: { input: z.object({ clusterId: z.string().min(1), picks: Picks.default({}) }), output: MergePlan },
  mergeDuplicates: {
    input: z.object({ clusterId: z.string().min(1), picks: Picks.default({}) }),
    output: z.object({ mergeId: z.number().int(), personId: z.string(), plan: MergePlan }),
  },
  dismissDuplicates: { input: z.object({ clusterId: z.string().min(1) }), output: z.object({ dismissId: z.number().int() }) },
  listJournal: {
    input: z.object({
      kind: z.string().max(40).optional(),
      entityIds: z.array(z.string()).max(100).optional(),
      limit: z.number().int().min(1).max(1000).default(200),
      offset: z.number().int().min(0).default(0),
    }),
    output: z.object({ total: z.number().int(), entries: z.array(JournalEntry) }),
  },
  /** Undo a journal entry: an edit not yet pushed, a merge, or a dismissal. */
  undoJournal: {
    input: z.object({
      id: z.number().int(),
      /** Refuse unless the entry is of this kind (the CLI's typed undo commands). */ kind: z.string().optional(),
    }),
    output: z.object({
      undone: z.string(),
      /** Writes a merge's undo sends to vendors at the next sync. */ compensating: z.number().int().optional(),
    }),
  },
  /** Adding a person to an account where they are missing: the exact requests, what it cannot hold, what it needs. */
  previewAddTo: {
    input: z.object({ personId: z.string().min(1), accountId: z.string().min(1), values: Values.default({}) }),
    output: AddToPreview,
  },
  addTo: {
    input: z.object({ personId: z.string().min(1), accountId: z.string().min(1), values: Values.default({}) }),
    output: z.object({ recordId: z.string(), changeId: z.number().int(), journalId: z.number().int() }),
  },
  /** Everyone in one account missing from another (optionally a search or a tag): a count and a sample. */
  planBulkAddTo: { input: BulkAddQuery, output: BulkAddPlan },
  /** Add them as one job (progress: bulkAddProgress); `expected` is the count confirmed. */
  bulkAddTo: {
    input: BulkAddQuery.extend({ expected: z.number().int().min(0) }),
    output: z.object({
      added: z.number().int(),
      total: z.number().int(),
      cancelled: z.boolean(),
      bulkId: z.number().int().nullable(),
      refused: z.array(z.object({ personId: z.string(), name: z.string(), reason: z.string() })),
    }),
  },
  cancelBulkAddTo: { input: z.object({}), output: z.object({ cancelled: z.boolean() }) },
  listPolicies: { input: z.object({}), output: z.array(FieldPolicy) },
  setPolicy: { input: FieldPolicy, output: z.array(FieldPolicy) },
  clearPolicy: { input: z.object({ field: z.enum(CANONICAL_FIELDS).optional() }), output: z.array(FieldPolicy) },
  /** The drift matrix now: account pairs × fields, with counts. */
  getDrift: { input: z.object({ field: z.enum(CANONICAL_FIELDS).optional() }), output: DriftReport },
  listDriftPeople: {
    input: z.object({
      field: z.enum(CANONICAL_FIELDS),
      a: z.string(),
      b: z.string(),
      limit: z.number().int().min(1).max(500).default(100),
      offset: z.number().int().min(0).default(0),
    }),
    output: z.object({
      total: z.number().int(),
      people: z.array(z.object({ personId: z.string(), name: z.string(), a: z.unknown(), b: z.unknown() })),
    }),
  },
  /** The writes that would make the policy's accounts agree (from the golden record). */
  planAgree: {
    input: z.object({
      field: z.enum(CANONICAL_FIELDS).optional(),
      offset: z.number().int().min(0).optional(),
      limit: z.number().int().min(1).max(500).optional(),
    }),
    output: AgreePlan,
  },
  applyAgree: {
    input: z.object({
      field: z.enum(CANONICAL_FIELDS).optional(),
      expected: z.number().int().min(0),
      exclude: z
        .object({
          keys: z.array(z.string()).max(100_000).optional(),
          groups: z
            .array(z.object({ field: z.enum(CANONICAL_FIELDS), accountId: z.string() }))
            .max(1000)
            .optional(),
        })
        .optional(),
    }),
    output: z.object({
      written: z.number().int(),
      refused: z.array(z.object({ recordId: z.string(), name: z.string(), reason: z.string() })),
      applyId: z.number().int(),
    }),
  },
  /** The lines the model drew (decision.ts) with what it expects of them, and whether a sync links the near-certain. */
  getDuplicateSettings: {
    input: z.object({}),
    output: z.object({
      linkAfterSync: z.boolean(),
      review: z.number(),
      autoLink: z.number(),
      expectedPrecision: z.number().nullable(),
      expectedRecall: z.number().nullable(),
    }),
  },
  setLinkAfterSync: { input: z.object({ on: z.boolean() }), output: z.object({ linkAfterSync: z.boolean() }) },
  // ── Matching weights and review order (issue #13) ──
  /** What the matcher learnt from this store: per field, per comparison level, m, u and the weight in bits (log2 m/u). */
  getMatchWeights: {
    input: z.object({}),
    output: z.object({
      source: z.enum(['default', 'estimated']),
      estimatedAt: z.string().nullable(),
      records: z.number().int(),
      pairs: z.number().int(),
      labels: z.number().int(),
      lambda: z.number(),
      priorBits: z.number(),
      fields: z.array(
        z.object({
          field: z.string(),
          label: z.string(),
          levels: z.array(z.object({ level: z.string(), m: z.number(), u: z.number(), weight: z.number() })),
        }),
      ),
    }),
  },
  /** Candidate pairs whose answer would teach the matcher most (closest to even odds), most informative first. */
  listInformativePairs: {
    input: z.object({ limit: z.number().int().min(1).max(200).optional() }),
    output: z.array(
      z.object({
        a: z.string(),
        b: z.string(),
        score: z.number(),
        confidence: z.number(),
        reasons: z.array(z.object({ code: z.string(), text: z.string(), weight: z.number() })),
      }),
    ),
  },
  // ── end of matching weights ──
  // --- Requests the CLI needed to be a host like the window, and core rules the renderer used to copy (issue #14) ---
  /** Changes a vendor refused, with its message. */
  listRejected: {
    input: z.object({}),
    output: z.array(
      z.object({
        changeId: z.number().int(),
        recordId: z.string(),
        personId: z.string(),
        vendor: AccountKind,
        accountLabel: z.string(),
        message: z.string(),
      }),
    ),
  },
  /** Load a CSV file as a source; every row is kept, bad values are reported by line and column. */
  importCsv: {
    input: z.object({
      bytes: z
        .instanceof(Uint8Array)
        .refine((b) => b.byteLength <= MAX_CSV_BYTES, `Concord imports files up to ${MAX_CSV_BYTES / 1024 / 1024} MB`),
      source: z.string().min(1).max(100),
      map: z.record(z.string(), z.string()).optional(),
      region: z.string().max(2).optional(),
      encoding: z.string().max(20).optional(),
      delimiter: z.string().max(5).optional(),
    }),
    output: CsvImportResult,
  },
  /** The golden records as CSV (formula-injection safe). */
  exportCsv: {
    input: z.object({ search: z.string().max(200).optional() }),
    output: z.object({ text: z.string(), rows: z.number().int() }),
  },
  /** What resolving a conflict this way would send to the vendor: each field whose final value differs from theirs. */
  previewResolution: {
    input: z.object({ id: z.string().min(1), resolution: Resolution }),
    output: z.object({ sends: z.array(z.object({ field: z.string(), value: z.unknown() })) }),
  },
  /** What each vendor asks for when an account is added (credential keys, settings). */
  getAccountForms: { input: z.object({}), output: z.record(AccountKind.exclude(['csv']), AccountForm) },
  // ── Accounts a person can manage (issue #26) ──
  /** The door's own credentials rule, problem by problem with its key, so the form says it as it is typed. `partial`: an edit, where keys left out keep what is stored. */
  checkCredentials: {
    input: z.object({
      kind: AccountKind.exclude(['csv']),
      credentials: z.record(z.string(), z.unknown()),
      partial: z.boolean().optional(),
    }),
    output: z.object({ problems: z.array(z.object({ key: z.string().nullable(), message: z.string() })) }),
  },
  /** Try credentials before they are saved (over an account's stored ones when `accountId` is given: keys left out keep theirs). Nothing is kept. */
  testCredentials: {
    input: z.object({
      kind: AccountKind.exclude(['csv']),
      accountId: z.string().optional(),
      baseUrl: z.string().max(500).nullable().optional(),
      credentials: z.record(z.string(), z.unknown()),
      settings: z.record(z.string(), z.string().max(200)).optional(),
    }),
    output: z.object({ ok: z.boolean(), detail: z.string() }),
  },
  /** Change an account's label, base URL, credentials (keys left out keep theirs) or settings. */
  updateAccount: {
    input: z.object({
      id: z.string().min(1),
      label: z.string().max(100).optional(),
      baseUrl: z.string().max(500).nullable().optional(),
      credentials: z.record(z.string(), z.unknown()).optional(),
      settings: z.record(z.string(), z.string().max(200)).optional(),
    }),
    output: AccountSummary,
  },
  /** What removing an account would do: its records, the people only there and those linked elsewhere, its open changes. */
  planRemoveAccount: {
    input: z.object({ id: z.string().min(1) }),
    output: z.object({
      records: z.number().int(),
      peopleOnlyHere: z.number().int(),
      peopleLinked: z.number().int(),
      waiting: z.number().int(),
      conflicts: z.number().int(),
    }),
  },
  /** Remove it (final; refused while any of its changes is open or a sync runs). */
  removeAccount: {
    input: z.object({ id: z.string().min(1) }),
    output: z.object({ records: z.number().int(), people: z.number().int(), undoId: z.number().int() }),
  },
  /** Whether the sandbox vendors run in this core now. */
  getSandbox: { input: z.object({}), output: z.object({ running: z.boolean() }) },
  /** Canonical fields (and parts) each vendor can hold, so an edit can say at once where a value cannot go. */
  getVendorFields: { input: z.object({}), output: z.record(AccountKind, z.array(z.string())) },
} as const;

/** Events pushed from the core to the window. */
export const events = {
  /** Contacts were added, changed or removed; lists should re-query. */
  contactsChanged: z.object({ reason: z.string() }),
  /** Status (counts, accounts, offline) may have changed. */
  statusChanged: z.object({}),
  /** A sync began in the core, whoever started it (a person, the schedule, connectivity returning). */
  syncStarted: z.object({ trigger: z.enum(['person', 'schedule', 'reconnect']) }),
  /** A sync ended: what it came to, so the window can say so quietly. */
  syncFinished: z.object({
    trigger: z.enum(['person', 'schedule', 'reconnect']),
    cancelled: z.boolean(),
    failed: z.boolean(),
    conflicts: z.number().int(),
    rejected: z.number().int(),
    pushed: z.number().int(),
    pulled: z.number().int(),
    /** People the sync linked because the model was near-certain (nothing sent), and the journal entry that undoes them. */
    linked: z.number().int(),
    linkId: z.number().int().nullable(),
  }),
  /** Progress of a bulk add running in the core. */
  bulkAddProgress: z.object({ done: z.number().int(), total: z.number().int() }),
  /** From the window's host, not the core: the core process stopped and is restarting, is back, or gave up. */
  coreStatus: z.object({ state: z.enum(['restarting', 'ready', 'down']), message: z.string() }),
  /** Progress of a bulk merge running in the core. */
  bulkMergeProgress: z.object({ done: z.number().int(), total: z.number().int() }),
  /** Progress of a sync, per account. `total` is null where the vendor does not say. */
  syncProgress: z.object({
    accountId: z.string(),
    vendor: AccountKind,
    phase: z.enum(['pull', 'push', 'done', 'error']),
    done: z.number().int(),
    total: z.number().int().nullable(),
    message: z.string().nullable(),
  }),
} as const;

export type RequestKey = keyof typeof requests;
export type EventKey = keyof typeof events;
export type Input<K extends RequestKey> = z.input<(typeof requests)[K]['input']>;
export type ParsedInput<K extends RequestKey> = z.output<(typeof requests)[K]['input']>;
export type Output<K extends RequestKey> = z.output<(typeof requests)[K]['output']>;
export type EventPayload<E extends EventKey> = z.output<(typeof events)[E]>;

export type Result<T> = { ok: true; value: T } | { ok: false; error: ApiError };

// The name lists in channels.ts must be exactly the contract's keys (both ways).
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const requestKeysMatch: Same<RequestKey, RequestKeyName> = true;
const eventKeysMatch: Same<EventKey, EventKeyName> = true;
void requestKeysMatch;
void eventKeysMatch;

/** What the renderer sees as `window.api`. */
export type Api = { [K in RequestKey]: (input: Input<K>) => Promise<Result<Output<K>>> } & {
  on<E extends EventKey>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
};
