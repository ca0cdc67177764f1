// MPDX's writes (docs/vendors/mpdx.md): a create, and an update behind the optimistic
// concurrency check, each normalising what was sent and keeping one primary per owner.
import type { SandboxRequest, SandboxResponse } from '../server';
import { defaults, normalise } from './attributes';
import { doc, errors, notFound, serialize, type ErrorEntry } from './jsonapi';
import { body } from './requests';
import type { Attrs, MpdxStore, MpdxType, Row } from './store';
import { concurrencyErrors, sourceLocked } from './validation';

/** Update with the concurrency check; `validate` returns 400 entries for bad attributes. */
export function update(
  store: MpdxStore,
  req: SandboxRequest,
  row: Row | undefined,
  type: MpdxType,
  id: string,
  validate: (a: Attrs) => ErrorEntry[] = () => [],
): SandboxResponse {
  if (!row) return notFound(type, id);
  const b = body(req);
  if (!b?.data || b.data.type !== type) return errors(409, [{ status: '409', title: 'Conflict', detail: `Resource type must be ${type}` }]);
  if (b.data.id !== undefined && b.data.id !== id)
    return errors(409, [{ status: '409', title: 'Conflict', detail: 'Resource id does not match the URL' }]);
  const attrs = { ...(b.data.attributes ?? {}) };
  for (const k of Object.keys(attrs))
    if (k === 'id' || /_id$/.test(k))
      return errors(409, [{ status: '409', title: 'Conflict', detail: `${k} is not allowed in attributes` }]);
  const conflict = concurrencyErrors(row, attrs);
  if (conflict === 'unparseable')
    return { status: 500, headers: { 'content-type': 'text/html' }, body: "<h1>We're sorry, but something went wrong.</h1>" };
  const invalid = validate(attrs);
  // Other validation errors ride along in the same 409 when the token is stale.
  if (conflict.length) return errors(409, [...conflict, ...invalid.map((e) => ({ ...e, status: '409' }))]);
  if (invalid.length) return errors(400, invalid);
  const { updated_in_db_at: _t, overwrite: _o, created_at: _c, updated_at: _u, ...rest } = attrs;
  const next = normalise(type, rest);
  const locked = sourceLocked(row, next);
  if (locked.length) return errors(400, locked);
  store.update(row, next);
  onePrimary(store, row);
  return doc(200, { data: serialize(store, row) });
}

/**
 * The document: "Ultimately there should only be one of these" primary numbers per owner.
 * A saved primary clears the flag on the owner's other phones (emails) with update_column,
 * so their updated_at does not move (docs/vendors/mpdx.md#optimistic-concurrency, HasPrimary). No primary is ever invented.
 */
export function onePrimary(store: MpdxStore, row: Row): void {
  if ((row.type !== 'phone_numbers' && row.type !== 'email_addresses') || row.attrs.primary !== true) return;
  for (const r of store.childrenOf(row.type, { personId: row.personId! }).filter((x) => x.id !== row.id && x.attrs.primary === true))
    r.attrs.primary = false;
}

export function create(
  store: MpdxStore,
  req: SandboxRequest,
  type: MpdxType,
  parent: { contactId?: string; personId?: string },
  validate: (a: Attrs) => ErrorEntry[] = () => [],
): SandboxResponse {
  const b = body(req);
  if (!b?.data || b.data.type !== type) return errors(409, [{ status: '409', title: 'Conflict', detail: `Resource type must be ${type}` }]);
  const attrs = { ...(b.data.attributes ?? {}) };
  const invalid = validate(attrs);
  if (invalid.length) return errors(400, invalid);
  const { updated_in_db_at: _t, overwrite: _o, created_at: _c, updated_at: _u, ...rest } = attrs;
  const row = store.insert(type, defaults(type, normalise(type, rest)), parent);
  onePrimary(store, row);
  return doc(201, { data: serialize(store, row) });
}
