// The one interface every vendor connector implements (issue 3). Sync talks only to this.
import type { RetryOptions } from './retry';
import type { VendorLimits } from './limits';
import type { VendorError } from './errors';
import type { Address, CanonicalContact, CanonicalField, Vendor } from '../../../shared/domain';

/** One vendor record as Concord sees it after a read or a pull. */
export interface RemoteRecord {
  /** The vendor's own id (stringified), used in its URLs. */
  remoteId: string;
  /** The raw JSON the vendor returned, kept whole so unknown fields survive an update. */
  raw: unknown;
  canonical: CanonicalContact;
  /**
   * Version tokens verbatim: MPDX `updated_in_db_at` per sub-resource (keys like
   * `person`, `phone:<id>`), CallTools `modified_on`, LiveVox `modifyDate`, Lightening
   * `updated_at`, BigChange a content hash (`hash`).
   */
  versions: Record<string, string>;
  /**
   * `JSON.stringify(raw)`, when a list read cut the record out of its page and found the
   * vendor's own text to be exactly that (same-page.ts, stringify-output.ts), and the hex SHA-1
   * of its UTF-8 bytes, worked out for the page memory: the store neither serialises nor hashes
   * the raw copy again. Both or neither; `raw` is not to be changed once they are set.
   */
  rawText?: string;
  rawSha1?: string;
}

export interface PullPage {
  records: RemoteRecord[];
  /** Ids known to be deleted on the server since the cursor, where the vendor says so. */
  deletedIds?: string[];
  /**
   * Containers the vendor says were deleted since the cursor (MPDX contacts, from its
   * deleted_records): every record whose remote id is `<group>/…` is gone, unless the same
   * record (by `recordKey`) arrives in this pull under another id: a vendor merge moved it.
   */
  deletedGroups?: string[];
  /** Cursor to resume from after this page is committed; null when the pull is complete. */
  nextCursor: string | null;
  /** True when this pull saw every record (so absent ones were deleted remotely). */
  fullScan: boolean;
  /**
   * This page begins the scan again from the start: the cursor it resumed from now points past
   * the vendor's last page (it shrank meanwhile). What earlier pages of this pull saw is
   * forgotten, and a full scan that ends counts as one from the start (absent records are gone).
   */
  restarted?: boolean;
  /**
   * On the last page (nextCursor null): the cursor to keep for the next pull, e.g. an
   * updated_at watermark for an incremental pull. Null or absent: the next pull starts over.
   */
  checkpoint?: string | null;
  /**
   * For vendors read in full every time: the page's request and the SHA-1 of its body, so the
   * store can remember what the page held (see vendors/same-page.ts).
   */
  source?: { key: string; digest: string };
  /**
   * Records of this page the store holds exactly as the vendor sent them again (their bytes'
   * digests are remembered from this page), so they were not parsed: they count as seen and
   * unchanged. With no `records` beside them, the whole body was the same as last time.
   */
  unchangedIds?: string[];
  /** Every record of the page (unchanged and parsed) with its bytes' digest, for the store to remember. */
  remember?: { remoteIds: string[]; itemDigests?: string[] };
}

/** What the store remembers of a page of a full re-read. */
export interface RememberedPage {
  digest: string;
  remoteIds: string[];
  /** The digest of each record's bytes, aligned with remoteIds (absent: the page could not be cut into records). */
  itemDigests?: string[];
  nextCursor: string | null;
}

export interface PullOptions {
  full?: boolean;
  signal?: AbortSignal;
  /** The store's memory of a page by its request (see PullPage.source); absent: always parse. */
  remembered?: (key: string) => RememberedPage | undefined;
  /** Records the store holds for the account: where a vendor states no total, a pull may bring a multiple of it (limits.ts). */
  knownRecords?: number;
  /**
   * The version tokens the store holds for these vendor ids (records the vendor holds as far as
   * Concord knows; others are absent), so an incremental pull can leave out a record whose list
   * entry shows the tokens already held: a push's answer stored them (docs/design.md#pull).
   */
  storedVersions?: (remoteIds: readonly string[]) => Map<string, Record<string, string>>;
}

export interface WriteResult {
  remoteId: string;
  /** The record as the server holds it after the write (re-read where the vendor returns nothing). */
  record: RemoteRecord | null;
  /**
   * True when the vendor said the record already existed (LiveVox 202, CallTools MERGE): the
   * create met someone's existing record. Sync raises an `exists` conflict; nothing of that
   * record is taken as the person's own until a person says they are the same.
   */
  alreadyExisted?: boolean;
  /** The vendor wrote the values sent over that existing record (CallTools' upsert "MERGE"). */
  mergedByVendor?: boolean;
}

/** Remote ids of the steps of a create already done, by step name (`contact`, `person`, `phone:0`, …). */
export type CreateProgress = Record<string, string>;

export interface CreateOptions {
  idempotencyKey: string;
  /** Steps an earlier, interrupted attempt completed. */
  progress?: CreateProgress;
  /** Awaited after each step, before the next request, so a crash cannot lose a step. */
  onStep?: (progress: CreateProgress) => void | Promise<void>;
  /** Values the vendor needs that a contact does not carry, given by a person (see `previewCreate`). */
  values?: Record<string, string>;
  /** Vendor ids Concord already holds for other records: never the record this create made. */
  taken?: (remoteId: string) => boolean;
}

/** Something a vendor requires to create a contact that the contact itself does not give. */
export interface CreateNeed {
  key: string;
  label: string;
  /** Why the vendor needs it, in words a person can act on. */
  why: string;
  /** Set when the value fills a contact field (a phone, a name) rather than a vendor-only value. */
  field?: 'phones' | 'givenName' | 'fullName';
  /** Where the value came from when it is already known (an account setting); absent when it must be asked for. */
  from?: string;
  value?: string;
  /** The value becomes the record's id at the vendor (LiveVox's account key): it must not be in use. */
  becomesId?: boolean;
}

/** What a create would send, request by request, before anything is sent. */
export interface CreatePreview {
  requests: { method: string; path: string; body: unknown }[];
  /** What it needs that is not there yet (asked for, never invented), and what was taken from settings. */
  needs: CreateNeed[];
}

/** A part of a phone or email entry a person can change by itself (see sync/merge `intentOf`). */
export type FieldPart = `${'phones' | 'emails'}.${'primary' | 'label' | 'doNotContact' | 'mobile'}`;

export interface FieldSupport {
  read: readonly CanonicalField[];
  write: readonly CanonicalField[];
  /**
   * Parts of phones and emails the vendor can hold and Concord writes (which one is primary,
   * its label, …). An edit of only a part the vendor cannot hold is refused with that reason.
   */
  parts?: readonly FieldPart[];
  /**
   * The parts of an address the vendor keeps, where it writes addresses (absent: every part).
   * A value typed for another part is refused for that record, and a create from the golden
   * record leaves it out and says so (field-rules.ts, addressPartsNotHeld).
   */
  addressParts?: readonly AddressPart[];
}

export type AddressPart = keyof Address;

export interface Connector {
  readonly vendor: Vendor;
  readonly fields: FieldSupport;
  /**
   * True when the vendor checks the version token itself and answers a stale write with a
   * conflict (MPDX's updated_in_db_at). Otherwise sync re-reads and compares before writing.
   */
  readonly checksVersions?: boolean;
  /**
   * The vendor's create is an upsert on this field: a new record sharing a value with an
   * existing one is merged into it (CallTools matches the phone and overwrites).
   */
  readonly createMergesOn?: 'phones';
  /**
   * What stays the same when the vendor moves a record (MPDX: the person's id, when a merge of
   * two contacts moves the person under the winner), so the record is re-keyed, not duplicated.
   */
  recordKey?(remoteId: string): string;
  /** Start (cursor null) or resume a pull. Each yielded page must be committed before the next is asked for. */
  pull(cursor: string | null, options?: PullOptions): AsyncGenerator<PullPage>;
  read(remoteId: string): Promise<RemoteRecord>;
  /**
   * Create a record. A create that takes several requests (MPDX: contact, person, phones,
   * emails, address) is a saga: after each step the connector calls `onStep` with every step
   * done so far, and sync stores it before the next request; given `progress` from an
   * interrupted attempt, the connector resumes after the last completed step instead of
   * starting again.
   */
  create(contact: CanonicalContact, options?: CreateOptions): Promise<WriteResult>;
  /**
   * The requests `create` would send for this contact with these values, without sending
   * anything: the body per the vendor's mapping, and what the vendor requires that is missing.
   * Ids the vendor assigns during a multi-request create are shown as `{contact}`, `{person}`.
   */
  previewCreate(contact: CanonicalContact, values: Record<string, string>): CreatePreview;
  /**
   * Update with the fields in `patch` only. `base` is the last raw server JSON (the body is
   * rebuilt from it), `versions` the tokens the patch was made against. `overwrite` is
   * set only after a person chose "keep mine" for the disputed fields.
   */
  update(
    remoteId: string,
    patch: Partial<CanonicalContact>,
    context: { raw: unknown; versions: Record<string, string>; overwrite?: boolean },
  ): Promise<WriteResult>;
  delete(remoteId: string): Promise<void>;
  /**
   * Batches (issue 25), where the vendor documents bulk routes: the most records one
   * `readMany` or `updateMany` takes. Absent: every change goes out by itself.
   */
  readonly batchSize?: number;
  /**
   * Read many records in one request (LiveVox's search by account). A record the vendor no
   * longer holds is absent from the answer.
   */
  readMany?(remoteIds: readonly string[]): Promise<Map<string, RemoteRecord>>;
  /**
   * Send many plain updates in one request, each as `update` would build it. The vendor's answer
   * says nothing per item, so sync re-reads (`readMany`) to learn which landed. `beforeSend`
   * is called with the ids about to go, before the request (sync claims them there, so a crash
   * is resolved by re-reading). Items refused before sending are in `refused`; items a batch
   * cannot carry (LiveVox's DND route) are in `alone`, untouched, for `update`.
   */
  updateMany?(items: readonly BatchUpdate[], beforeSend: (remoteIds: string[]) => void): Promise<BatchAnswer>;
  /**
   * The vendor's own merge of two of its records (MPDX contacts/merges). Returns the loser's
   * id afterwards where the vendor keeps it under the winner, null when it is gone.
   */
  mergeRecords?(winnerRemoteId: string, loserRemoteId: string): Promise<{ loserRemoteId: string | null }>;
  /**
   * After a create whose answer never arrived (timeout, cut connection, crash): the record
   * that create made, if it landed. Strong evidence only — the stored step ids, an
   * idempotency marker the vendor keeps, or an exact email / phone / external ref — never a
   * name alone, so recovery cannot adopt a stranger.
   */
  findCreated(
    contact: CanonicalContact,
    options: { idempotencyKey: string; progress?: CreateProgress; values?: Record<string, string>; taken?: (remoteId: string) => boolean },
  ): Promise<RemoteRecord | null>;
  testConnection(): Promise<{ ok: true; detail: string }>;
  /** Check a change against the vendor's constraints before sending; [] when it is fine. */
  validate(contact: Partial<CanonicalContact>): { field: string; message: string }[];
}

/** One update of a batch: what `update` would be given. */
export interface BatchUpdate {
  remoteId: string;
  patch: Partial<CanonicalContact>;
  context: { raw: unknown; versions: Record<string, string> };
}

export interface BatchAnswer {
  /** Items refused before anything was sent, by remote id (a value the vendor cannot hold). */
  refused: Map<string, VendorError>;
  /** Items left out of the batch, to be sent by `update` alone. */
  alone: string[];
}

/** What a connector factory receives. Credentials come from the SecretStore, never from SQLite. */
export interface ConnectorOptions<C = Record<string, unknown>> {
  baseUrl: string;
  credentials: C;
  settings?: Record<string, unknown>;
  fetch?: typeof fetch;
  /** Default phone region for E.164 normalisation (ISO 3166 alpha-2). */
  defaultRegion?: string;
  now?: () => Date;
  /** Per-request retry policy (tests shorten the waits). */
  retry?: RetryOptions;
  /** What the connector accepts from its vendor (limits.ts); absent parts take the defaults. */
  limits?: Partial<VendorLimits>;
  /** Aborts every request of this connector, with a VendorError as its reason (the sync's deadline). */
  signal?: AbortSignal;
}

/** What every request of a connector carries to httpRequest: its name, limits and deadline. */
export function transportOf(
  opts: Pick<ConnectorOptions, 'limits' | 'signal'>,
  vendorName: string,
): { vendorName: string; limits?: Partial<VendorLimits>; signal?: AbortSignal } {
  return { vendorName, limits: opts.limits, signal: opts.signal };
}
