// The pull's transitions: what the vendor sent, stored against what is held (a record with no
// local edits fast-forwards; one with edits is left for the merge), the pull's page memory,
// records gone or moved at the vendor. The ingest runs per record on prepared statements.
import { displayName, type AccountKind } from '../../../shared/domain';
import { uuidv7 } from '../ids';
import { BASE_IS_LOCAL, type StoredCopyRow } from '../store/sync-records';
import { packServerCopy, sameServerCopy } from '../sync/server-copy';
import type { RememberedPage } from '../vendors/connector';
import type { SyncState } from './sync-state';
import type { IncomingRecord, UpsertOutcome } from './types';

export type Upserted = { id: string; outcome: UpsertOutcome; moved?: boolean };

/** See SyncStore.upsertFromServer. */
export function upsertFromServer(s: SyncState, rec: IncomingRecord): Upserted {
  return s.tx(() => {
    s.pages.forgetAll(rec.accountId); // a server copy stored outside a page (see rememberPage)
    const existing = s.records.storedCopy(rec.accountId, rec.remoteId);
    const touched = new Set<string>();
    const out = upsertOne(s, rec.accountId, s.records.kindOf(rec.accountId), rec, existing, touched, s.now());
    for (const p of touched) s.refreshPerson(p);
    return out;
  });
}

/** See SyncStore.upsertPage. */
export function upsertPage(s: SyncState, accountId: string, recs: Omit<IncomingRecord, 'accountId'>[]): Upserted[] {
  return s.tx(() => {
    const stored = new Map<string, StoredCopyRow>(
      s.records
        .storedCopies(
          accountId,
          recs.map((r) => r.remoteId),
        )
        .map((r) => [r.remote_id, r]),
    );
    const touched = new Set<string>();
    const kind = s.records.kindOf(accountId);
    /** Records this page has written so far: the same record twice in one page is read again. */
    const written = new Set<string>();
    // One time for the page's rows, as they commit together.
    const now = s.now();
    const out = recs.map((r) => {
      // The same record twice in one page: the second sees what the first stored.
      const existing = written.has(r.remoteId) ? s.records.storedCopy(accountId, r.remoteId) : stored.get(r.remoteId);
      const res = upsertOne(s, accountId, kind, r, existing, touched, now);
      if (res.outcome === 'created' || res.outcome === 'updated') written.add(r.remoteId);
      return res;
    });
    for (const p of touched) s.refreshPerson(p);
    return out;
  });
}

/** One record of a pull against its stored copy; people whose golden record must be recomputed go to `touched`. */
function upsertOne(
  s: SyncState,
  accountId: string,
  kind: AccountKind | undefined,
  rec: Omit<IncomingRecord, 'accountId'>,
  existing: StoredCopyRow | undefined,
  touched: Set<string>,
  now: string,
): Upserted {
  // A record read from a list may come serialised and hashed already (RemoteRecord.rawText).
  const raw = rec.rawText ?? JSON.stringify(rec.raw ?? null);
  const rawSha1 = rec.rawText === undefined ? undefined : rec.rawSha1;
  const versions = JSON.stringify(rec.versions);
  // Asked for only when needed: a connector may map a record lazily (see vendors/lazy-record),
  // and an unchanged record (same version, same raw copy) never needs its canonical form.
  if (existing) {
    let canonicalJson: string | undefined;
    const canonical = (): string => (canonicalJson ??= JSON.stringify(rec.canonical));
    // `moved`: the server's copy is not the one the edit was last merged with.
    if (existing.state !== 'synced' && existing.state !== 'deleted_remote')
      return { id: existing.id, outcome: 'held', moved: existing.versions !== versions };
    if (existing.state === 'synced' && existing.versions === versions) {
      const sameRaw = sameServerCopy(existing.server, raw, rawSha1);
      if (sameRaw || (existing.base === BASE_IS_LOCAL ? existing.local : existing.base) === canonical()) {
        // Same version, same meaning: a different endpoint's shape of the same record (LiveVox
        // read vs list) is kept as the raw copy without counting as a change.
        if (!sameRaw) s.records.setServer(existing.id, packServerCopy(raw, kind, rawSha1));
        return { id: existing.id, outcome: 'unchanged' };
      }
    }
    s.records.fastForward(existing.id, packServerCopy(raw, kind, rawSha1), BASE_IS_LOCAL, canonical(), versions, now);
    touched.add(existing.person_id);
    return { id: existing.id, outcome: 'updated' };
  }
  const canonical = JSON.stringify(rec.canonical);
  const personId = uuidv7();
  s.people.insert(personId, canonical, displayName(rec.canonical), now);
  s.counted('people', 1);
  const id = uuidv7();
  const rowid = s.records.insert(
    id,
    accountId,
    rec.remoteId,
    personId,
    packServerCopy(raw, kind, rawSha1),
    BASE_IS_LOCAL,
    canonical,
    versions,
    'synced',
    now,
  );
  s.inserted(rowid, rec.canonical);
  return { id, outcome: 'created' };
}

/** See SyncStore.rememberedPage. */
export function rememberedPage(s: SyncState, accountId: string, key: string): RememberedPage | undefined {
  const row = s.pages.remembered(accountId, key);
  if (!row) return undefined;
  const itemDigests = row.item_digests ? (JSON.parse(row.item_digests) as string[]) : undefined;
  return {
    digest: row.digest,
    remoteIds: JSON.parse(row.remote_ids) as string[],
    ...(itemDigests ? { itemDigests } : {}),
    nextCursor: row.next_cursor,
  };
}

/** See SyncStore.rememberPage. */
export function rememberPage(s: SyncState, accountId: string, key: string, page: RememberedPage | null): void {
  if (page)
    s.pages.remember(accountId, key, {
      digest: page.digest,
      remote_ids: JSON.stringify(page.remoteIds),
      item_digests: page.itemDigests ? JSON.stringify(page.itemDigests) : null,
      next_cursor: page.nextCursor,
    });
  else s.pages.forget(accountId, key);
}

/** See SyncStore.markDeletedRemote. */
export function markDeletedRemote(s: SyncState, accountId: string, remoteId: string): boolean {
  return s.records.markDeletedRemote(accountId, remoteId, s.now());
}

/** See SyncStore.adoptMoved. */
export function adoptMoved(s: SyncState, accountId: string, remoteId: string, keyOf: (remoteId: string) => string): boolean {
  if (s.records.storedCopy(accountId, remoteId)) return false;
  const key = keyOf(remoteId);
  const gone = s.records.deletedRemoteHolding(accountId, key).filter((r) => r.remote_id !== remoteId && keyOf(r.remote_id) === key);
  if (gone.length !== 1) return false; // none, or not one clear match: store it as new
  s.tx(() => {
    s.records.adopt(gone[0]!.id, remoteId, s.now());
    s.pages.forgetAll(accountId);
  });
  return true;
}
