// Writing vendor records into the store. A new record starts as a person of its own;
// the duplicates work later links records into shared people.
import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import { displayName, type CanonicalContact } from '../../../shared/domain';
import type { Clock } from '../clock';
import { computeGolden } from './golden';

export interface IncomingRecord {
  accountId: string;
  remoteId: string;
  raw: unknown;
  canonical: CanonicalContact;
  versions: Record<string, string>;
}

/** What happened to an incoming record. `held`: it has local edits, so sync merges it instead. */
export type UpsertOutcome = 'created' | 'updated' | 'unchanged' | 'held';

export class RecordsRepo {
  private readonly stmts;

  constructor(
    private readonly sqlite: Database.Database,
    private readonly clock: Clock,
  ) {
    this.stmts = {
      byRemote: sqlite.prepare('SELECT id, person_id, state, server, base, versions FROM records WHERE account_id = ? AND remote_id = ?'),
      setServer: sqlite.prepare('UPDATE records SET server = ? WHERE id = ?'),
      fastForward: sqlite.prepare("UPDATE records SET server = ?, base = ?, local = ?, versions = ?, state = 'synced', updated_at = ? WHERE id = ?"),
      insertPerson: sqlite.prepare('INSERT INTO people (id, golden, display_name, created_at, updated_at) VALUES (?, ?, ?, ?, ?)'),
      insertRecord: sqlite.prepare(
        "INSERT INTO records (id, account_id, remote_id, person_id, server, base, local, versions, state, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'synced', ?, ?)",
      ),
      person: sqlite.prepare('SELECT pinned FROM people WHERE id = ?'),
      personRecords: sqlite.prepare("SELECT r.local, r.updated_at, a.settings FROM records r JOIN accounts a ON a.id = r.account_id WHERE r.person_id = ? AND r.state NOT IN ('deleted_local', 'deleted_remote')"),
      updatePerson: sqlite.prepare('UPDATE people SET golden = ?, display_name = ?, updated_at = ? WHERE id = ?'),
      markDeleted: sqlite.prepare("UPDATE records SET state = 'deleted_remote', updated_at = ? WHERE account_id = ? AND remote_id = ? AND state = 'synced'"),
    };
  }

  private inTx<T>(fn: () => T): T {
    return this.sqlite.inTransaction ? fn() : this.sqlite.transaction(fn)();
  }

  /**
   * Store what the server holds for a record with no local edits: server, base and local all
   * fast-forward. A record with pending local edits is left for the sync merge.
   */
  upsertFromServer(rec: IncomingRecord): { id: string; outcome: UpsertOutcome } {
    return this.inTx(() => {
      const now = this.clock.now().toISOString();
      const raw = JSON.stringify(rec.raw ?? null);
      const versions = JSON.stringify(rec.versions);
      const canonical = JSON.stringify(rec.canonical);
      const existing = this.stmts.byRemote.get(rec.accountId, rec.remoteId) as { id: string; person_id: string; state: string; server: string | null; base: string | null; versions: string } | undefined;
      if (existing) {
        if (existing.state !== 'synced' && existing.state !== 'deleted_remote') return { id: existing.id, outcome: 'held' };
        if (existing.state === 'synced' && existing.versions === versions && (existing.server === raw || existing.base === canonical)) {
          // Same version, same meaning: a different endpoint's shape of the same record (LiveVox
          // read vs list) is kept as the raw copy without counting as a change.
          if (existing.server !== raw) this.stmts.setServer.run(raw, existing.id);
          return { id: existing.id, outcome: 'unchanged' };
        }
        this.stmts.fastForward.run(raw, canonical, canonical, versions, now, existing.id);
        this.refreshPerson(existing.person_id);
        return { id: existing.id, outcome: 'updated' };
      }
      const personId = randomUUID();
      this.stmts.insertPerson.run(personId, canonical, displayName(rec.canonical), now, now);
      const id = randomUUID();
      this.stmts.insertRecord.run(id, rec.accountId, rec.remoteId, personId, raw, canonical, canonical, versions, now, now);
      return { id, outcome: 'created' };
    });
  }

  /** The vendor says this record is gone; records with local edits are left for the sync merge. */
  markDeletedRemote(accountId: string, remoteId: string): boolean {
    return this.stmts.markDeleted.run(this.clock.now().toISOString(), accountId, remoteId).changes > 0;
  }

  /** Recompute a person's golden record from its records (pinned fields win). */
  refreshPerson(personId: string): void {
    const person = this.stmts.person.get(personId) as { pinned: string } | undefined;
    if (!person) return;
    const recs = this.stmts.personRecords.all(personId) as { local: string; updated_at: string; settings: string }[];
    const golden = computeGolden(
      recs.map((r) => ({ local: JSON.parse(r.local) as CanonicalContact, updatedAt: r.updated_at, trusted: trustedFor(r.settings) })),
      JSON.parse(person.pinned) as Partial<CanonicalContact>,
    );
    this.stmts.updatePerson.run(JSON.stringify(golden), displayName(golden), this.clock.now().toISOString(), personId);
  }
}

function trustedFor(settings: string): string[] | undefined {
  const t = (JSON.parse(settings) as { trustedFor?: unknown }).trustedFor;
  return Array.isArray(t) ? t.map(String) : undefined;
}
