// One validated IPC handler per contract key: check the sender, parse the input with the
// contract, forward to the core worker, and answer {ok,value} or {ok:false,error:{code,message}}.
import type { IpcMain, WebContents, WebFrameMain } from 'electron';
import { REQUEST_KEYS, requestChannel, type Result } from '../../shared/contract';
import { parseRequest } from '../core/api/dispatcher';
import type { CoreClient } from './core-host';

/** Is this the main frame of one of our own windows? (Compared as objects, never as URLs.) */
export type SenderCheck = (event: { sender: WebContents; senderFrame: WebFrameMain | null }) => boolean;

export function registerIpc(ipcMain: Pick<IpcMain, 'handle'>, core: Pick<CoreClient, 'request'>, isTrustedSender: SenderCheck): void {
  for (const key of REQUEST_KEYS) {
    ipcMain.handle(requestChannel(key), async (event, input: unknown): Promise<Result<unknown>> => {
      if (!isTrustedSender(event)) {
        return { ok: false, error: { code: 'forbidden', message: 'Request from an untrusted frame refused' } };
      }
      const parsed = parseRequest(key, input);
      if (!parsed.ok) return parsed;
      try {
        return await core.request(key, parsed.input);
      } catch (e) {
        return { ok: false, error: { code: 'unavailable', message: (e as Error)?.message ?? String(e) } };
      }
    });
  }
}
