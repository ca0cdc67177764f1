// The whole bridge: each contract key becomes window.api[key] -> ipcRenderer.invoke, and
// window.api.on subscribes to contract events. Nothing else of Electron reaches the page.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { EVENT_KEYS, REQUEST_KEYS, eventChannel, requestChannel, type EventKeyName } from '../shared/channels';

const api: Record<string, unknown> = {};
for (const key of REQUEST_KEYS) api[key] = (input: unknown) => ipcRenderer.invoke(requestChannel(key), input ?? {});
api.on = (event: EventKeyName, listener: (payload: unknown) => void) => {
  if (!(EVENT_KEYS as readonly string[]).includes(event)) throw new Error(`Unknown event "${event}"`);
  const handler = (_e: IpcRendererEvent, payload: unknown): void => listener(payload);
  ipcRenderer.on(eventChannel(event), handler);
  return () => ipcRenderer.removeListener(eventChannel(event), handler);
};

contextBridge.exposeInMainWorld('api', api);
