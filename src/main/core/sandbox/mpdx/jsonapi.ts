// MPDX's JSON:API answers (docs/vendors/mpdx.md): the application/vnd.api+json content type,
// error documents, and the serialisation of a stored row with its relationships.
import type { SandboxResponse } from '../server';
import { ACCOUNT_LIST_ID, isoSecond, type MpdxStore, type MpdxType, type Row } from './store';

export const JSONAPI = 'application/vnd.api+json';
const MODEL: Record<MpdxType, string> = {
  contacts: 'Contact',
  people: 'Person',
  phone_numbers: 'PhoneNumber',
  email_addresses: 'EmailAddress',
  addresses: 'Address',
};

export type ErrorEntry = { status: string; source?: { pointer: string }; title: string; detail: string; meta?: Record<string, unknown> };
export const doc = (status: number, body: unknown): SandboxResponse => ({
  status,
  headers: { 'content-type': JSONAPI },
  body: body as object,
});
export const errors = (status: number, list: ErrorEntry[]): SandboxResponse => doc(status, { errors: list });
export const notFound = (type: MpdxType, id: string): SandboxResponse =>
  errors(404, [{ status: '404', title: 'Not Found', detail: `Couldn't find ${MODEL[type]} with 'id'=${id}` }]);

export const v400 = (field: string, title: string): ErrorEntry => ({
  status: '400',
  source: { pointer: `/data/attributes/${field}` },
  title,
  detail: `${field.replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase())} ${title}`,
});

export function serialize(store: MpdxStore, r: Row): Record<string, unknown> {
  const attributes: Record<string, unknown> = {
    ...r.attrs,
    created_at: isoSecond(r.createdAt),
    updated_at: isoSecond(r.updatedAt),
    updated_in_db_at: isoSecond(r.updatedAt),
  };
  if (r.type === 'people') attributes.parent_contacts = r.contactId ? [r.contactId] : [];
  const relationships: Record<string, unknown> = {};
  if (r.type === 'contacts') {
    relationships.account_list = { data: { id: ACCOUNT_LIST_ID, type: 'account_lists' } };
    relationships.people = { data: store.childrenOf('people', { contactId: r.id }).map((p) => ({ id: p.id, type: 'people' })) };
    relationships.addresses = { data: store.childrenOf('addresses', { contactId: r.id }).map((a) => ({ id: a.id, type: 'addresses' })) };
  }
  if (r.type === 'people') {
    relationships.phone_numbers = {
      data: store.childrenOf('phone_numbers', { personId: r.id }).map((p) => ({ id: p.id, type: 'phone_numbers' })),
    };
    relationships.email_addresses = {
      data: store.childrenOf('email_addresses', { personId: r.id }).map((p) => ({ id: p.id, type: 'email_addresses' })),
    };
  }
  return { id: r.id, type: r.type, attributes, ...(Object.keys(relationships).length ? { relationships } : {}) };
}
