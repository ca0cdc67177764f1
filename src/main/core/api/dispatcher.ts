// The single entry for requests from any host (Electron IPC via the core worker, the e2e
// harness): check the key, parse the input with the contract, run the handler, and turn
// every failure into {code, message} — nothing else crosses the boundary.
import { z } from 'zod';
import { requests, type ApiError, type RequestKey, type Result } from '../../../shared/contract';
import { CoreError, excerpt } from '../errors';
import { storageError } from '../store/health';
import type { Logger } from '../log';
import type { Handlers } from './handlers';

/** Longest message that crosses to a host: a few lines of prose, never a quoted file. */
const MAX_MESSAGE = 2000;

export type Dispatch = (key: string, input: unknown) => Promise<Result<unknown>>;

export function isRequestKey(key: string): key is RequestKey {
  return Object.prototype.hasOwnProperty.call(requests, key);
}

/** Validate an input against the contract without running anything (main process uses this before forwarding). */
export function parseRequest(key: string, input: unknown): { ok: true; key: RequestKey; input: unknown } | { ok: false; error: ApiError } {
  if (!isRequestKey(key)) return { ok: false, error: { code: 'unknown_request', message: `Unknown request "${excerpt(key)}"` } };
  const parsed = requests[key].input.safeParse(input ?? {});
  if (!parsed.success)
    return {
      ok: false,
      error: { code: 'bad_request', message: excerpt(`Invalid ${key} request: ${z.prettifyError(parsed.error)}`, MAX_MESSAGE) },
    };
  return { ok: true, key, input: parsed.data };
}

export function createDispatcher(handlers: Handlers, log: Logger, dataDir = ''): Dispatch {
  return async (key, rawInput) => {
    const req = parseRequest(key, rawInput);
    if (!req.ok) return req;
    try {
      const handler = handlers[req.key] as (input: unknown) => unknown;
      const value = await handler(req.input);
      return { ok: true, value };
    } catch (e) {
      return { ok: false, error: toApiError(e, key, log, dataDir) };
    }
  };
}

export function toApiError(e: unknown, key: string, log: Logger, dataDir = ''): ApiError {
  // Every message is bounded here too, whatever a deeper layer quoted (issue 23).
  if (e instanceof CoreError) return { code: e.code, message: excerpt(e.message, MAX_MESSAGE) };
  // A full disk, a read-only directory or a damaged file mid-session: say which, plainly.
  const storage = dataDir ? storageError(e, dataDir) : null;
  if (storage) {
    log.error(`request ${key} failed`, { error: (e as Error)?.message ?? String(e) });
    return { code: storage.code, message: excerpt(storage.message, MAX_MESSAGE) };
  }
  log.error(`request ${key} failed`, { error: e instanceof Error ? (e.stack ?? e.message) : String(e) });
  return { code: 'internal', message: excerpt(`Concord could not complete "${key}": ${(e as Error)?.message ?? String(e)}`, MAX_MESSAGE) };
}
