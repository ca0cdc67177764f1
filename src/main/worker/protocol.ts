// Messages between the Electron main process and the core worker (a utilityProcess).
import type { EventKey, Result } from '../../shared/contract';

export interface WorkerInit {
  dataDir: string;
  migrationsDir: string;
  nativeBinding?: string;
  keytarPath?: string;
  /** The person chose to restore the latest backup over a damaged store (the old file is kept). */
  restoreLatestBackup?: boolean;
}

export type ToWorker =
  { type: 'init'; options: WorkerInit } | { type: 'request'; id: number; key: string; input: unknown } | { type: 'shutdown' };

export type FromWorker =
  | { type: 'ready' }
  | { type: 'fatal'; message: string; /** CoreError code when there is one (store_damaged, not_writable, disk_full, …). */ code?: string }
  | { type: 'response'; id: number; result: Result<unknown> }
  | { type: 'event'; event: EventKey; payload: unknown };
