// What the sync state machine hands out and takes in: records and changes as views, the
// outcomes of its transitions, a person's resolution of a conflict. Plain types and the pure
// helpers that word or check them.
import {
  VENDOR_LABELS,
  type AccountKind,
  type CanonicalContact,
  type ChangeOp,
  type ChangeState,
  type RecordState,
} from '../../../shared/domain';
import type { ChangeSqlRow } from '../store/sync-changes';
import type { PersonSnapshotRow } from '../store/sync-people';
import type { CreateProgress } from '../vendors/connector';

export interface RecordView {
  id: string;
  accountId: string;
  vendor: AccountKind;
  remoteId: string | null;
  personId: string;
  server: unknown;
  base: CanonicalContact | null;
  local: CanonicalContact;
  versions: Record<string, string>;
  state: RecordState;
}

export interface ChangeView {
  id: number;
  recordId: string;
  accountId: string;
  op: ChangeOp;
  patch: Record<string, unknown>;
  /** Intent paths: what the person changed (see `intentOf`). */
  intent: string[];
  /** A create's completed steps. */
  progress: CreateProgress;
  /** A create's vendor-only values a person gave (see Connector.previewCreate). */
  createValues: Record<string, string>;
  baseVersions: Record<string, string>;
  idempotencyKey: string;
  state: ChangeState;
  overwrite: boolean;
  attempts: number;
  lastError: string | null;
  nextAttemptAt: string | null;
  createdAt: string;
}

/** What applying a server copy to an edited record came to. */
export type MergeOutcome = 'clean' | 'conflict' | 'already_there';

/** What sync does with a record the vendor sent (see `upsertFromServer`). `held`: it has local edits, so sync merges it instead. */
export type UpsertOutcome = 'created' | 'updated' | 'unchanged' | 'held';

export interface IncomingRecord {
  accountId: string;
  remoteId: string;
  raw: unknown;
  canonical: CanonicalContact;
  versions: Record<string, string>;
  /** See RemoteRecord.rawText. */
  rawText?: string;
  rawSha1?: string;
}

export type Resolution =
  | { take: 'local' | 'remote' }
  | { fields: Record<string, { take: 'local' | 'remote' } | { value: unknown }> }
  | { deleted: 'recreate' | 'drop' }
  | { exists: 'same' }
  | { exists: 'different'; key?: string };

export type ConflictKind = 'fields' | 'deleted' | 'exists';

/**
 * What an `exists` conflict keeps of the record the create met (in `conflicts.remote_versions`,
 * which for this kind holds no version tokens: nothing of that record is the person's yet).
 */
export interface ExistingRecord {
  remoteId: string;
  mergedByVendor: boolean;
  /** The create's value that became the record's id (LiveVox's account key); null where there is none. */
  key: { name: string; label: string } | null;
}

/** The `exists` details kept in remote_versions, or null for another kind. */
export function existingOf(kind: string, remoteVersions: string | null): ExistingRecord | null {
  if (kind !== 'exists' || !remoteVersions) return null;
  const v = JSON.parse(remoteVersions) as Record<string, string>;
  return {
    remoteId: v.existingRemoteId ?? '',
    mergedByVendor: v.mergedByVendor === 'true',
    key: v.keyName ? { name: v.keyName, label: v.keyLabel ?? v.keyName } : null,
  };
}

export type PersonSnapshot = PersonSnapshotRow;
export type MergeSnapshot = {
  records: { id: string; personId: string; local: CanonicalContact; state: string }[];
  people: PersonSnapshot[];
};

export function toChange(c: ChangeSqlRow): ChangeView {
  return {
    id: c.id,
    recordId: c.record_id,
    accountId: c.account_id,
    op: c.op,
    patch: JSON.parse(c.patch) as Record<string, unknown>,
    intent: JSON.parse(c.intent) as string[],
    progress: JSON.parse(c.progress) as CreateProgress,
    createValues: JSON.parse(c.create_values ?? '{}') as Record<string, string>,
    baseVersions: JSON.parse(c.base_versions) as Record<string, string>,
    idempotencyKey: c.idempotency_key,
    state: c.state,
    overwrite: c.overwrite === 1,
    attempts: c.attempts,
    lastError: c.last_error,
    nextAttemptAt: c.next_attempt_at,
    createdAt: c.created_at,
  };
}

export function pick(c: CanonicalContact, fields: string[]): Record<string, unknown> {
  return Object.fromEntries(fields.map((f) => [f, c[f as keyof CanonicalContact] ?? null]));
}

/** Parts of phones/emails an edit changes by themselves that the vendor cannot hold. */
export function unheldParts(intent: string[], writable: readonly string[]): string[] {
  return intent.filter((p) => p.includes('.') && !writable.includes(p));
}

export function partInWords(path: string): string {
  const [field, part] = path.split('.') as [string, string];
  const what = field === 'phones' ? 'phone' : 'email';
  return part === 'primary'
    ? `which ${what} is the primary one`
    : part === 'label'
      ? `${what} labels`
      : part === 'mobile'
        ? 'which phone is the mobile'
        : `a do-not-contact flag per ${what}`;
}

export function refusal(vendor: AccountKind, problems: { field: string; message: string }[]): string {
  return `Not saved — ${VENDOR_LABELS[vendor]} cannot hold this: ${problems.map((p) => p.message).join('; ')}`;
}

export function summaryOf(patch: Record<string, unknown>): string {
  return Object.keys(patch).join(', ') || '(nothing)';
}
