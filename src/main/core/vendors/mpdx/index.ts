// MPDX connector (docs/vendors/mpdx.md): JWT bearer auth (or a CAS ticket exchanged for one), JSON:API
// with application/vnd.api+json, page/per_page paging, incremental pulls by
// filter[updated_at] ranges with a lookback, and every update carrying the stored
// updated_in_db_at of the sub-resource it touches. A stale token comes back as 409; the
// connector reports it as a `conflict` naming the resource and the server's current value,
// and sends `overwrite: true` only when the caller says a person chose "keep mine".
//
// The parts, by what changes together: client.ts (sign-in, `call`, errors), reads.ts (bundles
// and paging), pull.ts (full and incremental pulls), create.ts (the create saga and its
// evidence), update.ts (updates with the children planned by children.ts). This file wires them.
import type { CanonicalContact } from '../../../../shared/domain';
import type { Connector, CreateOptions, CreateProgress, WriteResult } from '../connector';
import { VendorError } from '../errors';
import { withRetry } from '../retry';
import { assertFields } from '../field-rules';
import { asList, createMpdxClient, NAME, type MpdxOptions } from './client';
import { createSteps, findCreated, previewCreate } from './create';
import { MPDX_FIELDS, validateMpdx } from './mapping';
import { pullContacts } from './pull';
import { readBundle, splitId, toRecord } from './reads';
import { updatePerson } from './update';

export { MPDX_DEFAULT_BASE_URL, mpdxCredentialsSchema, type MpdxCredentials, type MpdxOptions } from './client';
export { markerFor } from './create';
export { MPDX_LOOKBACK_MS } from './reads';

export interface MpdxConnector extends Connector {
  /** MPDX's own contact merge (POST /contacts/merges): the loser is destroyed. */
  mergeContacts(winnerContactId: string, loserContactId: string): Promise<void>;
}

export function createMpdxConnector(opts: MpdxOptions): MpdxConnector {
  const client = createMpdxClient(opts);
  const { call, region } = client;
  const read = (remoteId: string) => connector.read(remoteId);

  const connector: MpdxConnector = {
    vendor: 'mpdx',
    fields: MPDX_FIELDS,
    checksVersions: true,
    recordKey: (remoteId) => remoteId.split('/')[1] ?? remoteId,

    pull(cursor, options) {
      return pullContacts(client, cursor, options);
    },

    async read(remoteId) {
      return toRecord(await readBundle(client, remoteId), region);
    },

    previewCreate(contact) {
      return previewCreate(client, contact);
    },

    async create(contact: CanonicalContact, options?: CreateOptions): Promise<WriteResult> {
      assertValid(contact);
      const progress: CreateProgress = { ...(options?.progress ?? {}) };
      // A POST whose answer was a timeout or a 5xx may have landed: it is never re-sent blindly.
      // The whole saga is retried instead, from its progress, looking before each step it redoes.
      return withRetry(() => createSteps(client, read, contact, progress, options), opts.retry, { repeatable: true });
    },

    findCreated(contact, options) {
      return findCreated(client, contact, options);
    },

    async update(remoteId, patch, ctx) {
      assertValid(patch);
      return updatePerson(client, read, remoteId, patch, ctx);
    },

    async delete(remoteId) {
      const [cid, pid] = splitId(remoteId);
      const people = asList(await call('GET', `/api/v2/contacts/${cid}/people?per_page=100`, undefined, [200], 'contact'));
      if (!people.some((p) => p.id === pid)) throw new VendorError({ kind: 'not_found', message: `${NAME}: person not found` });
      // A Concord record is one MPDX *person*, so a delete removes that person only, even the
      // last one: the contact holds what Concord never showed (historic and other addresses,
      // pledges, donations, tasks, the people of its other records…), and MPDX tombstones
      // contacts but hard-deletes people, so a contact delete could not be undone either.
      await call('DELETE', `/api/v2/contacts/${cid}/people/${pid}`, undefined, [204], 'person');
    },

    async mergeContacts(winner, loser) {
      await call(
        'POST',
        '/api/v2/contacts/merges',
        {
          data: {
            type: 'contacts_merges',
            relationships: { winner: { data: { type: 'contacts', id: winner } }, loser: { data: { type: 'contacts', id: loser } } },
          },
        },
        [200],
        'contact',
      );
    },

    async mergeRecords(winner, loser) {
      const [wc] = splitId(winner);
      const [lc, lp] = splitId(loser);
      // One MPDX contact can hold several people: merging the contacts moves the loser's
      // person (with its phones and emails) under the winner; nothing a person typed is lost.
      if (wc !== lc) await connector.mergeContacts(wc, lc);
      return { loserRemoteId: `${wc}/${lp}` };
    },

    async testConnection() {
      const d = await call('GET', '/api/v2/contacts?per_page=1');
      asList(d);
      return { ok: true as const, detail: `Connected to ${NAME}` };
    },

    validate: (patch) => validateMpdx(patch, { region }),
  };

  function assertValid(c: Partial<CanonicalContact>): void {
    assertFields(validateMpdx(c, { region }));
  }
  return connector;
}
