// LiveVox's error body ({code, message}) and the JSON object a request carries.
import type { SandboxRequest, SandboxResponse } from '../server';
import type { Json } from './store';

export const err = (status: number, code: number, message: string): SandboxResponse => ({ status, body: { code, message } });
export const json = (req: SandboxRequest): Json | null => {
  try {
    const b = JSON.parse(req.body) as unknown;
    return b && typeof b === 'object' && !Array.isArray(b) ? (b as Json) : null;
  } catch {
    return null;
  }
};
