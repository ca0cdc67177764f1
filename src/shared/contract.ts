// The one typed contract between the window and the core (DESIGN §1). Every request and
// event has a zod schema; main validates with it, and the preload and `window.api` types
// derive from it, so a key without a handler or a preload entry does not compile.
import { z } from 'zod';
import type { EventKeyName, RequestKeyName } from './channels';
import { AccountKind, CanonicalContact, RecordState } from './domain';

export { EVENT_KEYS, REQUEST_KEYS, eventChannel, requestChannel } from './channels';

export const ApiError = z.object({ code: z.string(), message: z.string() });
export type ApiError = z.infer<typeof ApiError>;

export const SecretStoreInfo = z.object({
  kind: z.enum(['keychain', 'memory']),
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
});
export type AccountSummary = z.infer<typeof AccountSummary>;

export const Status = z.object({
  version: z.string(),
  dataDir: z.string(),
  schemaVersion: z.number().int(),
  secretStore: SecretStoreInfo,
  offline: z.boolean(),
  counts: z.object({ accounts: z.number().int(), people: z.number().int(), records: z.number().int() }),
  outbox: z.object({ pending: z.number().int(), inFlight: z.number().int(), conflict: z.number().int(), rejected: z.number().int() }),
  openConflicts: z.number().int(),
  accounts: z.array(z.object({ id: z.string(), vendor: AccountKind, label: z.string(), lastPull: z.string().nullable(), lastPush: z.string().nullable(), health: z.string() })),
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
  change: z.object({ id: z.number().int(), op: z.string(), state: z.string(), patch: z.record(z.string(), z.unknown()), lastError: z.string().nullable() }).nullable(),
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
  limit: z.number().int().min(1).max(1000).default(100),
  offset: z.number().int().min(0).default(0),
});

/** Requests: key -> {input, output}. Inputs are always objects so they can grow. */
export const requests = {
  getStatus: { input: z.object({}), output: Status },
  listContacts: { input: ListContactsInput, output: z.object({ total: z.number().int(), rows: z.array(ContactRow) }) },
  getContact: { input: z.object({ id: z.string().min(1) }), output: ContactDetail },
  listAccounts: { input: z.object({}), output: z.array(AccountSummary) },
} as const;

/** Events pushed from the core to the window. */
export const events = {
  /** Contacts were added, changed or removed; lists should re-query. */
  contactsChanged: z.object({ reason: z.string() }),
  /** Status (counts, accounts, offline) may have changed. */
  statusChanged: z.object({}),
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
