import type Database from 'better-sqlite3';
import type { Status } from '../../../shared/contract';
import type { AccountKind } from '../../../shared/domain';
import type { SecretStore } from '../secrets/secret-store';
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
    const count = (sql: string): number => (this.sqlite.prepare(sql).get() as { n: number }).n;
    const outbox = Object.fromEntries(
      (this.sqlite.prepare('SELECT state, count(*) AS n FROM changes GROUP BY state').all() as { state: string; n: number }[]).map((r) => [r.state, r.n]),
    );
    const accounts = this.sqlite
      .prepare('SELECT id, kind, label, last_pull_at, last_push_at, health FROM accounts ORDER BY created_at, id')
      .all() as { id: string; kind: AccountKind; label: string; last_pull_at: string | null; last_push_at: string | null; health: string }[];
    return {
      version: CONCORD_VERSION,
      dataDir: this.dataDir,
      schemaVersion: this.schemaVersion,
      secretStore: { ...this.secrets.info },
      // Offline means: every vendor account was unreachable at its last attempt.
      offline: accounts.some((a) => a.kind !== 'csv') && accounts.filter((a) => a.kind !== 'csv').every((a) => a.health === 'offline'),
      counts: {
        accounts: accounts.length,
        // Kept by triggers (migration 0008): no count over 100,000 rows on every status.
        people: count("SELECT coalesce((SELECT n FROM row_counts WHERE name = 'people'), (SELECT count(*) FROM people)) AS n"),
        records: count("SELECT coalesce((SELECT n FROM row_counts WHERE name = 'records'), (SELECT count(*) FROM records)) AS n"),
      },
      outbox: { pending: outbox.pending ?? 0, inFlight: outbox.in_flight ?? 0, conflict: outbox.conflict ?? 0, rejected: outbox.rejected ?? 0 },
      openConflicts: count("SELECT count(*) AS n FROM conflicts WHERE state = 'open'"),
      duplicates: this.duplicates(),
      drift: this.drift(),
      accounts: accounts.map((a) => ({ id: a.id, vendor: a.kind, label: a.label, lastPull: a.last_pull_at, lastPush: a.last_push_at, health: a.health })),
    };
  }
}
