// Reading an MPDX request: the JSON:API body, and the rows its URL names. A contact, person or
// child is found only under its own parent and only by a UUID (anything else is a 404).
import type { SandboxRequest, SandboxResponse } from '../server';
import type { Attrs, MpdxStore, MpdxType, Row } from './store';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export type MpdxBody = {
  data?: { id?: string; type?: string; attributes?: Attrs; relationships?: Record<string, { data?: { id?: string } }> };
};

export const body = (req: SandboxRequest): MpdxBody | null => {
  try {
    return JSON.parse(req.body) as never;
  } catch {
    return null;
  }
};

export const contactOf = (store: MpdxStore, req: SandboxRequest): Row | undefined =>
  UUID.test(req.params.cid!) ? store.get('contacts', req.params.cid!) : undefined;
export const personOf = (store: MpdxStore, req: SandboxRequest): Row | undefined => {
  const c = contactOf(store, req);
  const p = UUID.test(req.params.pid!) ? store.get('people', req.params.pid!) : undefined;
  return c && p && p.contactId === c.id ? p : undefined;
};
export const child = (store: MpdxStore, type: MpdxType, req: SandboxRequest, parent: Row | undefined): Row | undefined => {
  const r = UUID.test(req.params.id!) ? store.get(type, req.params.id!) : undefined;
  return r && parent && (r.personId === parent.id || r.contactId === parent.id) ? r : undefined;
};

/** A route handler behind the sandbox's gate (auth, Accept, Content-Type). */
export type Guard = (h: (req: SandboxRequest) => SandboxResponse) => (req: SandboxRequest) => SandboxResponse;
