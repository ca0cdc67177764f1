// LiveVox's contact routes (the vendor's livevox-contacts.txt, docs/vendors/livevox.md): the
// count/offset list following `next`, search, bulk update and DND, custom fields, and
// read/create/update/delete by account, each behind the session check. Registered in this
// order: the fixed paths (bulk, dnd, customFields) must match before /contact/contacts/:account.
import type { SimClock } from '../clock';
import type { Router, SandboxRequest, SandboxResponse } from '../server';
import { applyDnd } from './blocks';
import { bulkExport } from './export';
import { err, json } from './http';
import { asRead, compare, fieldValue, padPhones, searchTest, withoutNulls } from './search';
import type { Json, LiveVoxStore } from './store';
import { validate } from './validate';

export function contactRoutes(
  router: Router,
  store: LiveVoxStore,
  clock: SimClock,
  session: (req: SandboxRequest) => SandboxResponse | null,
): Router {
  return router
    .on('GET', '/contact/contacts', (req) => {
      const denied = session(req);
      if (denied) return denied;
      const count = Number(req.query.get('count'));
      const offset = Number(req.query.get('offset'));
      if (
        !req.query.has('count') ||
        !req.query.has('offset') ||
        !Number.isInteger(count) ||
        !Number.isInteger(offset) ||
        count < 1 ||
        offset < 0
      )
        return err(400, 400, 'count and offset are required');
      if (count > 1000) return err(400, 400, 'count must not exceed 1000');
      const all = store.contacts.ordered();
      const page = all.slice(offset, offset + count).map(({ id: _id, ...c }) => c);
      return {
        status: 200,
        body: {
          listContactDetails: page,
          ...(offset + count < all.length ? { next: `contact/contacts?offset=${offset + count}&count=${count}` } : {}),
        },
      };
    })
    .on('POST', '/contact/contacts/search', (req) => {
      const denied = session(req);
      if (denied) return denied;
      const b = json(req);
      const count = Number(req.query.get('count'));
      const offset = Number(req.query.get('offset'));
      // Both are documented as mandatory here too.
      if (
        !req.query.has('count') ||
        !req.query.has('offset') ||
        !Number.isInteger(count) ||
        !Number.isInteger(offset) ||
        count < 1 ||
        offset < 0
      )
        return err(400, 400, 'count and offset are required');
      if (count > 1000) return err(400, 400, 'count must not exceed 1000');
      if (!b?.search || typeof b.search !== 'object') return err(400, 400, 'search is required');
      let test: (c: Json) => boolean;
      try {
        test = searchTest(b.search as Json);
      } catch (e) {
        return err(400, 400, (e as Error).message);
      }
      const hits = [...store.contacts.values()].filter(test);
      for (const s of [...(Array.isArray(b.sort) ? (b.sort as Json[]) : [])].reverse()) {
        const dir = String(s.order ?? 'ASC').toUpperCase() === 'DESC' ? -1 : 1;
        hits.sort((x, y) => dir * compare(fieldValue(x, String(s.field)), fieldValue(y, String(s.field))));
      }
      const page = hits.slice(offset, offset + count).map((c) => {
        const zip = (c.person as Json | undefined)?.zipCode;
        // Search answers carry the internal id and a top-level postalCode beside person.zipCode.
        // Null values are left out, as in the document's search answers (withoutNulls).
        return withoutNulls({ id: c.id, ...padPhones(asRead(c)), ...(zip != null ? { postalCode: zip } : {}) });
      });
      // The document's `next` here has a leading slash (the list's has none).
      return {
        status: 200,
        body: {
          findMatchingContactsDetails: page,
          ...(offset + count < hits.length ? { next: `/contact/contacts/search?offset=${offset + count}&count=${count}` } : {}),
        },
      };
    })
    .on('PUT', '/contact/contacts/bulk', (req) => {
      const denied = session(req);
      if (denied) return denied;
      const list = json(req)?.updateContactDetails;
      if (!Array.isArray(list)) return err(400, 400, 'updateContactDetails is required');
      let updated = 0;
      for (const d of list as Json[]) {
        const c = typeof d?.account === 'string' ? store.contacts.get(d.account) : undefined;
        if (!c || validate({ ...c, ...d })) continue; // missing or invalid ones are not counted
        const { account: _a, ...rest } = d;
        store.apply(c, rest);
        updated++;
      }
      // Documented as "204" with a message body; see README.md for what HTTP lets through.
      return { status: 204, body: { message: `Successfully updated contacts ${updated}` } };
    })
    .on('POST', '/contact/contacts/dnd', (req) => {
      const denied = session(req);
      if (denied) return denied;
      const list = json(req)?.contactDnd;
      if (!Array.isArray(list)) return err(400, 400, 'contactDnd is required');
      let updated = 0;
      for (const d of list as Json[]) {
        const c = typeof d?.account === 'string' ? store.contacts.get(d.account) : undefined;
        if (!c) continue; // a missing account is not an error: it is just not counted
        const problem = applyDnd(c, d, clock.now().getTime());
        if (problem) return err(400, 400, problem);
        updated++;
      }
      return { status: 200, body: { updated } };
    })
    .on('PUT', '/contact/contacts/:account/dnd', (req) => {
      const denied = session(req);
      if (denied) return denied;
      const c = store.contacts.get(req.params.account!);
      if (!c) return err(404, 203, 'No Record Found');
      const problem = applyDnd(c, json(req) ?? {}, clock.now().getTime());
      if (problem) return err(400, 400, problem);
      return { status: 204 };
    })
    .on('GET', '/contact/contacts/customFields', (req) => {
      const denied = session(req);
      if (denied) return denied;
      return {
        status: 200,
        body: { customFields: [...store.customFieldLabels].map(([field, f]) => ({ field, label: f.label, dataType: f.dataType })) },
      };
    })
    .on('GET', '/contact/contacts/customFields/:field', (req) => {
      const denied = session(req);
      if (denied) return denied;
      const f = store.customFieldLabels.get(req.params.field!);
      if (!f) return err(404, 203, 'No Record Found');
      return {
        status: 200,
        body: { ...(f.listValues ? { listValues: f.listValues } : {}), field: req.params.field, label: f.label, dataType: f.dataType },
      };
    })
    .on('PUT', '/contact/contacts/customFields', (req) => {
      const denied = session(req);
      if (denied) return denied;
      const list = json(req)?.customFields;
      if (!Array.isArray(list) || !list.length) return err(400, 400, 'customFields is required');
      for (const f of list as Json[])
        if (!/^COL([1-9]\d?|100)$/.test(String(f.field)) || typeof f.label !== 'string')
          return err(400, 400, `Invalid custom field ${String(f.field)}`);
      for (const f of list as Json[])
        store.customFieldLabels.set(String(f.field), {
          dataType: 'STRING',
          ...store.customFieldLabels.get(String(f.field)),
          label: String(f.label),
        });
      return { status: 204 };
    })
    .on('GET', '/contact/contacts/:account', (req) => {
      const denied = session(req);
      if (denied) return denied;
      const c = store.contacts.get(req.params.account!);
      if (!c) return err(404, 203, 'No Record Found');
      const { account: _a, ...rest } = asRead(c);
      return { status: 200, body: { readContactDetails: { ...rest, account: c.account } } };
    })
    .on('POST', '/contact/contacts/', (req) => {
      const denied = session(req);
      if (denied) return denied;
      const b = json(req);
      const details = b?.createContactDetails as Json | undefined;
      if (!details || typeof details.account !== 'string' || !details.account)
        return err(400, 400, 'createContactDetails.account is required');
      if (store.contacts.has(details.account)) return err(202, 202, 'Contact already exists!');
      const problem = validate(details);
      if (problem) return err(400, 400, problem);
      const c = store.create(details);
      return { status: 201, body: { id: String(c.id) } };
    })
    .on('POST', '/contact/contacts/bulk', (req) => {
      const denied = session(req);
      if (denied) return denied;
      const b = json(req);
      if (!b) return err(400, 400, 'Invalid request body');
      if (Array.isArray(b.createContactDetails)) {
        let created = 0;
        for (const d of b.createContactDetails as Json[]) {
          if (typeof d.account !== 'string' || store.contacts.has(d.account)) continue;
          store.create(d);
          created++;
        }
        // The document: 200 OK, and its example's message reads "updated" even for a create.
        return { status: 200, body: { message: `Successfully updated contacts ${created}` } };
      }
      return bulkExport(store, b);
    })
    .on('PUT', '/contact/contacts/:account', (req) => {
      const denied = session(req);
      if (denied) return denied;
      const c = store.contacts.get(req.params.account!);
      if (!c) return { status: 404 }; // empty body, as documented
      const details = json(req)?.updateContactDetails as Json | undefined;
      if (!details) return err(400, 400, 'updateContactDetails is required');
      const problem = validate({ ...c, ...details });
      if (problem) return err(400, 400, problem);
      store.apply(c, details);
      return { status: 204 };
    })
    .on('DELETE', '/contact/contacts/:account', (req) => {
      const denied = session(req);
      if (denied) return denied;
      return store.contacts.delete(req.params.account!) ? { status: 204 } : { status: 404 };
    });
}
