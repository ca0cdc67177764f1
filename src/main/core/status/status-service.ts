import type Database from 'better-sqlite3';
import type { Status } from '../../../shared/contract';
import type { SecretStore } from '../secrets/secret-store';
import { readStatusCounts } from '../store/status-counts';
import { CONCORD_VERSION } from '../version';

export class StatusService {
  constructor(
    private readonly sqlite: Database.Database,
    private readonly secrets: SecretStore,
    private readonly dataDir: string,
    private readonly schemaVersion: number,
    private readonly duplicates: () => { waiting: number; autoLinkable: number } | null = () => null,
    private readonly drift: () => { people: number; checkedAt: string } | null = () => null,
  ) {}

  get(): Status {
    const c = readStatusCounts(this.sqlite);
    const vendors = c.accounts.filter((a) => a.kind !== 'csv');
    return {
      version: CONCORD_VERSION,
      dataDir: this.dataDir,
      schemaVersion: this.schemaVersion,
      secretStore: { ...this.secrets.info },
      // Offline means: every vendor account was unreachable at its last attempt.
      offline: vendors.length > 0 && vendors.every((a) => a.health === 'offline'),
      counts: { accounts: c.accounts.length, people: c.people, records: c.records },
      outbox: {
        pending: c.outbox.pending ?? 0,
        inFlight: c.outbox.in_flight ?? 0,
        conflict: c.outbox.conflict ?? 0,
        rejected: c.outbox.rejected ?? 0,
      },
      openConflicts: c.openConflicts,
      duplicates: this.duplicates(),
      drift: this.drift(),
      accounts: c.accounts.map((a) => ({
        id: a.id,
        vendor: a.kind,
        label: a.label,
        lastPull: a.lastPull,
        lastPush: a.lastPush,
        health: a.health,
      })),
    };
  }
}
