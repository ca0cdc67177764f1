// MPDX's contact and people routes (docs/vendors/mpdx.md): contacts, their people, the
// /contacts/merges merge, and /deleted_records. Registered before the child routes, in this
// order: /contacts/people and /contacts/merges must match before /contacts/:cid.
import type { Router } from '../server';
import { doc, errors, notFound, serialize, v400 } from './jsonapi';
import { page } from './paging';
import { body, contactOf, personOf, type Guard } from './requests';
import { isoSecond, type MpdxStore } from './store';
import { contactRules, personRules } from './validation';
import { create, update } from './writes';

export function contactRoutes(router: Router, store: MpdxStore, guarded: Guard): Router {
  return router
    .on(
      'GET',
      '/api/v2/contacts',
      guarded((req) => page(store, req, 'contacts')),
    )
    .on(
      'POST',
      '/api/v2/contacts',
      guarded((req) => {
        const b = body(req);
        if (!b?.data?.relationships?.account_list?.data?.id) return errors(400, [v400('account_list', 'must exist')]);
        return create(store, req, 'contacts', {}, (a) => [
          ...(!String(a.name ?? '').trim() ? [v400('name', "can't be blank")] : []),
          ...contactRules(a),
        ]);
      }),
    )
    .on(
      'GET',
      '/api/v2/contacts/people',
      guarded((req) => page(store, req, 'people')),
    )
    .on(
      'POST',
      '/api/v2/contacts/merges',
      guarded((req) => {
        const b = body(req);
        const winner = store.get('contacts', String(b?.data?.relationships?.winner?.data?.id ?? ''));
        const loser = store.get('contacts', String(b?.data?.relationships?.loser?.data?.id ?? ''));
        if (!winner || !loser) return notFound('contacts', String(b?.data?.relationships?.winner?.data?.id ?? ''));
        for (const r of store.childrenOf('people', { contactId: loser.id })) store.reparent(r, winner.id);
        for (const r of store.childrenOf('addresses', { contactId: loser.id })) store.reparent(r, winner.id);
        store.remove(loser);
        store.update(winner, {});
        return doc(200, { data: serialize(store, winner) });
      }),
    )
    .on(
      'GET',
      '/api/v2/deleted_records',
      guarded((req) => {
        // docs/vendors/mpdx.md: filter[since_date], filter[types] (Contact,Task,Donation), paged like every list.
        const since = Date.parse(req.query.get('filter[since_date]') ?? '1970-01-01T00:00:00Z');
        if (!Number.isFinite(since))
          return errors(400, [{ status: '400', title: 'Bad Request', detail: "Wrong format of date for filter 'since_date'" }]);
        const types = (req.query.get('filter[types]') ?? '')
          .split(',')
          .map((t) => t.trim())
          .filter(Boolean);
        const all = store.deletedRecords.filter((d) => d.deletedAt >= since && (!types.length || types.includes(d.type)));
        const p = Math.max(1, Number(req.query.get('page') ?? '1') || 1);
        const per = Math.max(1, Number(req.query.get('per_page') ?? '25') || 25);
        const data = all.slice((p - 1) * per, p * per).map((d) => ({
          id: d.id,
          type: 'deleted_records',
          attributes: { deletable_id: d.id, deletable_type: d.type, deleted_at: isoSecond(d.deletedAt) },
        }));
        return doc(200, {
          data,
          meta: {
            pagination: {
              page: String(p),
              per_page: String(per),
              total_count: all.length,
              total_pages: Math.max(1, Math.ceil(all.length / per)),
            },
          },
        });
      }),
    )
    .on(
      'GET',
      '/api/v2/contacts/:cid',
      guarded((req) =>
        contactOf(store, req) ? doc(200, { data: serialize(store, contactOf(store, req)!) }) : notFound('contacts', req.params.cid!),
      ),
    )
    .on(
      'PUT',
      '/api/v2/contacts/:cid',
      guarded((req) => update(store, req, contactOf(store, req), 'contacts', req.params.cid!, contactRules)),
    )
    .on(
      'PATCH',
      '/api/v2/contacts/:cid',
      guarded((req) => update(store, req, contactOf(store, req), 'contacts', req.params.cid!, contactRules)),
    )
    .on(
      'DELETE',
      '/api/v2/contacts/:cid',
      guarded((req) =>
        contactOf(store, req) ? (store.remove(contactOf(store, req)!), { status: 204 }) : notFound('contacts', req.params.cid!),
      ),
    )
    .on(
      'GET',
      '/api/v2/contacts/:cid/people',
      guarded((req) =>
        contactOf(store, req)
          ? page(store, req, store.childrenOf('people', { contactId: req.params.cid! }))
          : notFound('contacts', req.params.cid!),
      ),
    )
    .on(
      'POST',
      '/api/v2/contacts/:cid/people',
      guarded((req) =>
        contactOf(store, req)
          ? create(store, req, 'people', { contactId: req.params.cid }, (a) =>
              !String(a.first_name ?? '').trim() ? [v400('first_name', "can't be blank")] : [],
            )
          : notFound('contacts', req.params.cid!),
      ),
    )
    .on(
      'GET',
      '/api/v2/contacts/:cid/people/:pid',
      guarded((req) =>
        personOf(store, req) ? doc(200, { data: serialize(store, personOf(store, req)!) }) : notFound('people', req.params.pid!),
      ),
    )
    .on(
      'PUT',
      '/api/v2/contacts/:cid/people/:pid',
      guarded((req) => update(store, req, personOf(store, req), 'people', req.params.pid!, personRules)),
    )
    .on(
      'PATCH',
      '/api/v2/contacts/:cid/people/:pid',
      guarded((req) => update(store, req, personOf(store, req), 'people', req.params.pid!, personRules)),
    )
    .on(
      'DELETE',
      '/api/v2/contacts/:cid/people/:pid',
      guarded((req) =>
        personOf(store, req) ? (store.remove(personOf(store, req)!), { status: 204 }) : notFound('people', req.params.pid!),
      ),
    );
}
