// Writing vendor records into the store. A new record starts as a person of its own;
// the duplicates work later links records into shared people.
import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { displayName, type CanonicalContact } from '../../../shared/domain';
import type { Clock } from '../clock';
import type { Db } from '../store/open';
import { people, records, type RecordRow } from '../store/schema';
import { computeGolden } from './golden';

export interface IncomingRecord {
  accountId: string;
  remoteId: string;
  raw: unknown;
  canonical: CanonicalContact;
  versions: Record<string, string>;
}

export class RecordsRepo {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  /**
   * Store what the server holds for a record with no local edits: server, base and local
   * all fast-forward. (Records with pending edits go through the sync merge instead.)
   * Returns the record id.
   */
  upsertFromServer(rec: IncomingRecord): string {
    return this.db.transaction((tx) => {
      const now = this.clock.now().toISOString();
      const existing = tx.select().from(records).where(eqRemote(rec.accountId, rec.remoteId)).get();
      if (existing) {
        tx.update(records)
          .set({ server: rec.raw, base: rec.canonical, local: rec.canonical, versions: rec.versions, state: 'synced', updatedAt: now })
          .where(eq(records.id, existing.id))
          .run();
        this.refreshPerson(tx as unknown as Db, existing.personId);
        return existing.id;
      }
      const personId = randomUUID();
      tx.insert(people).values({ id: personId, golden: rec.canonical, displayName: displayName(rec.canonical), createdAt: now, updatedAt: now }).run();
      const id = randomUUID();
      tx.insert(records)
        .values({ id, accountId: rec.accountId, remoteId: rec.remoteId, personId, server: rec.raw, base: rec.canonical, local: rec.canonical, versions: rec.versions, state: 'synced', createdAt: now, updatedAt: now })
        .run();
      return id;
    });
  }

  /** Recompute a person's golden record from its records (pinned fields win). */
  refreshPerson(db: Db, personId: string): void {
    const person = db.select().from(people).where(eq(people.id, personId)).get();
    if (!person) return;
    const recs: RecordRow[] = db.select().from(records).where(eq(records.personId, personId)).all();
    const golden = computeGolden(recs.map((r) => ({ local: r.local, updatedAt: r.updatedAt })), person.pinned);
    db.update(people)
      .set({ golden, displayName: displayName(golden), updatedAt: this.clock.now().toISOString() })
      .where(eq(people.id, personId))
      .run();
  }
}

function eqRemote(accountId: string, remoteId: string) {
  return and(eq(records.accountId, accountId), eq(records.remoteId, remoteId));
}
