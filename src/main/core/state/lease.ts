// The sync lease as the state machine holds it: while held, the sync's own journal rows
// (actor 'sync') are one action.
import { randomUUID } from 'node:crypto';
import { dropLease, extendLease, liveLease, takeLease, type Lease } from '../store/sync-lease';
import type { SyncState } from './sync-state';

/** See SyncStore.acquireLease. */
export function acquireLease(
  s: SyncState,
  owner: string,
  holder: string,
  ttlMs: number,
  gone: (owner: string) => boolean = () => false,
): { ok: true } | { ok: false; lease: Lease } {
  const got = takeLease(s.sqlite, owner, holder, ttlMs, () => s.clock.now(), gone);
  if (got.ok) s.syncAction = randomUUID();
  return got;
}

/** See SyncStore.heartbeat. */
export function heartbeat(s: SyncState, owner: string, ttlMs: number): boolean {
  return extendLease(s.sqlite, owner, s.clock.now(), ttlMs);
}

/** See SyncStore.releaseLease. */
export function releaseLease(s: SyncState, owner: string): void {
  s.syncAction = null;
  dropLease(s.sqlite, owner);
}

/** See SyncStore.currentLease. */
export function currentLease(s: SyncState): Lease | null {
  return liveLease(s.sqlite, () => s.clock.now());
}
