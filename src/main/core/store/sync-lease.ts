// The store-wide sync lease (schema `sync_lease`): one sync at a time, whoever runs it.
import type Database from 'better-sqlite3';
import type { syncLease } from './schema';
import type { SqlRow } from './rows';

/** A store-wide sync lease (see schema `sync_lease`). */
export interface Lease {
  owner: string;
  holder: string;
  startedAt: string;
  expiresAt: string;
}

const LEASE = 'sync';
type LeaseRow = Pick<SqlRow<typeof syncLease>, 'owner' | 'holder' | 'started_at' | 'expires_at'>;

const leaseRow = (sqlite: Database.Database): LeaseRow | undefined =>
  sqlite.prepare('SELECT owner, holder, started_at, expires_at FROM sync_lease WHERE name = ?').get(LEASE) as LeaseRow | undefined;
const toLease = (r: LeaseRow): Lease => ({ owner: r.owner, holder: r.holder, startedAt: r.started_at, expiresAt: r.expires_at });

/**
 * Take the lease, or say who holds it. One transaction that takes SQLite's write lock first
 * (BEGIN IMMEDIATE), so two processes cannot both see it free. `gone`: the holder is known to
 * have died (a killed process on this machine), so its lease need not run out first.
 */
export function takeLease(
  sqlite: Database.Database,
  owner: string,
  holder: string,
  ttlMs: number,
  now: () => Date,
  gone: (owner: string) => boolean,
): { ok: true } | { ok: false; lease: Lease } {
  const take = sqlite.transaction(() => {
    const at = now();
    const cur = leaseRow(sqlite);
    if (cur && cur.owner !== owner && Date.parse(cur.expires_at) > at.getTime() && !gone(cur.owner))
      return { ok: false as const, lease: toLease(cur) };
    const iso = at.toISOString();
    sqlite
      .prepare(
        'INSERT INTO sync_lease (name, owner, holder, started_at, heartbeat_at, expires_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(name) DO UPDATE SET owner = excluded.owner, holder = excluded.holder, started_at = excluded.started_at, heartbeat_at = excluded.heartbeat_at, expires_at = excluded.expires_at',
      )
      .run(LEASE, owner, holder, iso, iso, new Date(at.getTime() + ttlMs).toISOString());
    return { ok: true as const };
  });
  return take.immediate();
}

/** Push the lease's expiry on; false when `owner` no longer holds it. */
export function extendLease(sqlite: Database.Database, owner: string, at: Date, ttlMs: number): boolean {
  return (
    sqlite
      .prepare('UPDATE sync_lease SET heartbeat_at = ?, expires_at = ? WHERE name = ? AND owner = ?')
      .run(at.toISOString(), new Date(at.getTime() + ttlMs).toISOString(), LEASE, owner).changes > 0
  );
}

export function dropLease(sqlite: Database.Database, owner: string): void {
  sqlite.prepare('DELETE FROM sync_lease WHERE name = ? AND owner = ?').run(LEASE, owner);
}

/** The lease if it has not run out by now (the clock is read only when there is one). */
export function liveLease(sqlite: Database.Database, now: () => Date): Lease | null {
  const cur = leaseRow(sqlite);
  return !cur || Date.parse(cur.expires_at) <= now().getTime() ? null : toLease(cur);
}
