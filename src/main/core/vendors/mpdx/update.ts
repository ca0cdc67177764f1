// Updating an MPDX person: contact first, person second, children last, every PUT carrying the
// stored updated_in_db_at of the resource it touches (`overwrite: true` only when the caller
// says a person chose "keep mine"); phones and emails are planned by children.ts.
import type { CanonicalContact } from '../../../../shared/domain';
import type { RemoteRecord, WriteResult } from '../connector';
import { VendorError } from '../errors';
import { planChildren, type ChildIo } from './children';
import { ADDRESS_KEYS, asList, asOne, NAME, write, type MpdxClient } from './client';
import {
  addressAttrs,
  contactAttrs,
  isSourceLocked,
  mpdxNumber,
  mpdxVersions,
  personAttrs,
  phoneKey,
  primaryAddress,
  type JsonApiResource,
  type MpdxBundle,
} from './mapping';
import { readBundle, splitId, toRecord } from './reads';

/** A child's requests: PUTs carry its own token; a POST is sent once (a lost answer is looked for, not re-sent). */
const childIo = (client: MpdxClient, path: string, type: string, key: string, overwrite: boolean): ChildIo => ({
  put: async (id, attrs, token) => {
    try {
      await client.call('PUT', `${path}/${id}`, write(type, id, attrs, token, overwrite), [200], `${key}:${id}`);
    } catch (e) {
      // Another user removed it (MPDX hard-deletes phones and emails): retiring it is done;
      // changing it is a conflict for the person, never a silent re-create.
      if (!(e instanceof VendorError && e.kind === 'not_found')) throw e;
      if (attrs.historic === true) return;
      throw new VendorError({
        kind: 'conflict',
        status: 404,
        resource: `${key}:${id}`,
        message: `${NAME} ${key} was removed by someone else since it was read`,
      });
    }
  },
  post: async (attrs) => void (await client.call('POST', path, write(type, undefined, attrs, undefined, false), [201], key, client.once)),
  list: async () => asList(await client.call('GET', `${path}?per_page=100`)),
});

/**
 * The shown address: changed with its token, retired (historic) when the person removed it
 * (MPDX keeps its history; a DELETE would hide it for good), or added once: an address
 * already there with the same parts (an earlier attempt's POST) is not posted again.
 */
async function writeAddress(
  client: MpdxClient,
  cid: string,
  address: CanonicalContact['address'] | null,
  current: JsonApiResource | undefined,
  v: Record<string, string>,
  overwrite: boolean,
): Promise<void> {
  const { call, once: ONCE } = client;
  const path = `/api/v2/contacts/${cid}/addresses`;
  if (address && current) {
    await call(
      'PUT',
      `${path}/${current.id}`,
      write('addresses', current.id, addressAttrs(address), v[`address:${current.id}`], overwrite),
      [200],
      `address:${current.id}`,
    );
  } else if (address) {
    const attrs = addressAttrs(address);
    const there = asList(await call('GET', `${path}?per_page=100`)).find(
      (r) =>
        r.attributes.deleted !== true &&
        r.attributes.historic !== true &&
        ADDRESS_KEYS.every((f) => (r.attributes[f] ?? null) === (attrs[f] ?? null)),
    );
    if (!there)
      await call(
        'POST',
        path,
        write('addresses', undefined, { ...attrs, location: 'Home', primary_mailing_address: true }, undefined, false),
        [201],
        'address',
        ONCE,
      );
  } else if (current) {
    const retire = { historic: true, ...(current.attributes.primary_mailing_address === true ? { primary_mailing_address: false } : {}) };
    await childIo(client, path, 'addresses', 'address', overwrite).put(
      current.id,
      retire,
      v[`address:${current.id}`] ?? String(current.attributes.updated_in_db_at ?? ''),
    );
  }
}

export async function updatePerson(
  client: MpdxClient,
  read: (remoteId: string) => Promise<RemoteRecord>,
  remoteId: string,
  patch: Partial<CanonicalContact>,
  ctx: { raw: unknown; versions: Record<string, string>; overwrite?: boolean },
): Promise<WriteResult> {
  const { call, region } = client;
  const [cid, pid] = splitId(remoteId);
  const raw = ctx.raw as MpdxBundle | undefined;
  const bundle = raw?.contact && raw.person ? raw : await readBundle(client, remoteId);
  const v = { ...mpdxVersions(bundle), ...ctx.versions };
  const overwrite = ctx.overwrite === true;
  // Every refusal MPDX would give for a source-locked resource is found before any request.
  const current = primaryAddress(bundle);
  if (patch.address && current && isSourceLocked(current)) {
    throw new VendorError({
      kind: 'validation',
      resource: `address:${current.id}`,
      fieldErrors: { address: ['this address cannot be changed'] },
      message: `${NAME} cannot change this address: its source is ${String(current.attributes.source)}, and MPDX lets only MPDX, TntImport or manual addresses change`,
    });
  }
  const base = `/api/v2/contacts/${cid}/people/${pid}`;
  const phones =
    'phones' in patch
      ? planChildren(
          bundle.phones,
          patch.phones ?? [],
          v,
          { key: 'phone', attr: 'number', of: (x) => mpdxNumber(x, region), same: phoneKey },
          childIo(client, `${base}/phones`, 'phone_numbers', 'phone', overwrite),
        )
      : null;
  const emails =
    'emails' in patch
      ? planChildren(
          bundle.emails,
          patch.emails ?? [],
          v,
          {
            key: 'email',
            attr: 'email',
            of: (x) => x.address.trim().toLowerCase(),
            same: (e) =>
              String(e ?? '')
                .trim()
                .toLowerCase(),
          },
          childIo(client, `${base}/email_addresses`, 'email_addresses', 'email', overwrite),
        )
      : null;
  // Contact first, person second, children last: child saves touch their parent's token.
  const ca = contactAttrs(patch);
  let contact = bundle.contact;
  let person = bundle.person;
  if (Object.keys(ca).length)
    contact = asOne(await call('PUT', `/api/v2/contacts/${cid}`, write('contacts', cid, ca, v.contact, overwrite), [200], 'contact'));
  const pa = personAttrs(patch);
  if (Object.keys(pa).length)
    person = asOne(
      await call('PUT', `/api/v2/contacts/${cid}/people/${pid}`, write('people', pid, pa, v.person, overwrite), [200], 'person'),
    );
  if ('address' in patch) await writeAddress(client, cid, patch.address ?? null, current, v, overwrite);
  await phones?.();
  await emails?.();
  // The answers to PUT contact and PUT person carry them as saved, and a person edit does
  // not touch its contact (docs/vendors/mpdx.md, "What moves a token"): with no child
  // written, the record is the bundle with those answers, and no read is needed. A child
  // save moves its parent's token, so then the record is read again. So does a write with
  // `overwrite`: it passed even if another user saved a phone or email since the copy held,
  // and its answer's token would then vouch for children the store does not have (a pull
  // leaves out a person whose token it holds).
  const reread = 'address' in patch || phones !== null || emails !== null || overwrite;
  return { remoteId, record: reread ? await read(remoteId) : toRecord({ ...bundle, contact, person }, region) };
}
