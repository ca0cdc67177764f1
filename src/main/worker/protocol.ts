// Messages between the Electron main process and the core worker (a utilityProcess).
import type { EventKey, Result } from '../../shared/contract';

export interface WorkerInit {
  dataDir: string;
  migrationsDir: string;
  nativeBinding?: string;
  keytarPath?: string;
}

export type ToWorker =
  | { type: 'init'; options: WorkerInit }
  | { type: 'request'; id: number; key: string; input: unknown }
  | { type: 'shutdown' };

export type FromWorker =
  | { type: 'ready' }
  | { type: 'fatal'; message: string }
  | { type: 'response'; id: number; result: Result<unknown> }
  | { type: 'event'; event: EventKey; payload: unknown };
