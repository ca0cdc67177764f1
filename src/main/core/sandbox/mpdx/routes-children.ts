// MPDX's child routes (docs/vendors/mpdx.md, the vendor's mpdx-phones.txt): a person's phones
// and email addresses, and a contact's addresses. A child is reached only under its own parent.
import type { Router } from '../server';
import { doc, notFound, serialize, v400 } from './jsonapi';
import { page } from './paging';
import { child, contactOf, personOf, type Guard } from './requests';
import type { MpdxStore } from './store';
import { addressRules, emailRules, phoneRules, typeErrors } from './validation';
import { create, update } from './writes';

export function childRoutes(router: Router, store: MpdxStore, guarded: Guard): void {
  for (const [path, type] of [
    ['phones', 'phone_numbers'],
    ['email_addresses', 'email_addresses'],
  ] as const) {
    const base = `/api/v2/contacts/:cid/people/:pid/${path}`;
    const updateOne = guarded((req) =>
      update(
        store,
        req,
        child(store, type, req, personOf(store, req)),
        type,
        req.params.id!,
        type === 'phone_numbers' ? phoneRules : emailRules(store, req.params.pid!, req.params.id),
      ),
    );
    router
      .on(
        'GET',
        base,
        guarded((req) =>
          personOf(store, req)
            ? page(store, req, store.childrenOf(type, { personId: req.params.pid! }))
            : notFound('people', req.params.pid!),
        ),
      )
      .on(
        'POST',
        base,
        guarded((req) =>
          personOf(store, req)
            ? create(
                store,
                req,
                type,
                { personId: req.params.pid, contactId: req.params.cid },
                type === 'phone_numbers'
                  ? (a) => [...typeErrors(type, a), ...(!String(a.number ?? '').trim() ? [v400('number', "can't be blank")] : [])]
                  : (a) => [...(!('email' in a) ? [v400('email', "can't be blank")] : []), ...emailRules(store, req.params.pid!)(a)],
              )
            : notFound('people', req.params.pid!),
        ),
      )
      .on(
        'GET',
        `${base}/:id`,
        guarded((req) => {
          const r = child(store, type, req, personOf(store, req));
          return r ? doc(200, { data: serialize(store, r) }) : notFound(type, req.params.id!);
        }),
      )
      // PUT and PATCH both reach update (docs/vendors/mpdx.md, from MPDX's config/routes.rb).
      .on('PUT', `${base}/:id`, updateOne)
      .on('PATCH', `${base}/:id`, updateOne)
      .on(
        'DELETE',
        `${base}/:id`,
        guarded((req) => {
          const r = child(store, type, req, personOf(store, req));
          if (!r) return notFound(type, req.params.id!);
          store.remove(r);
          return { status: 204 };
        }),
      );
  }
  const updateAddress = guarded((req) =>
    update(store, req, child(store, 'addresses', req, contactOf(store, req)), 'addresses', req.params.id!, addressRules),
  );
  router
    .on(
      'GET',
      '/api/v2/contacts/:cid/addresses',
      guarded((req) =>
        contactOf(store, req)
          ? page(store, req, store.childrenOf('addresses', { contactId: req.params.cid! }))
          : notFound('contacts', req.params.cid!),
      ),
    )
    .on(
      'POST',
      '/api/v2/contacts/:cid/addresses',
      guarded((req) =>
        contactOf(store, req)
          ? create(store, req, 'addresses', { contactId: req.params.cid }, addressRules)
          : notFound('contacts', req.params.cid!),
      ),
    )
    .on('PUT', '/api/v2/contacts/:cid/addresses/:id', updateAddress)
    .on('PATCH', '/api/v2/contacts/:cid/addresses/:id', updateAddress)
    .on(
      'DELETE',
      '/api/v2/contacts/:cid/addresses/:id',
      guarded((req) => {
        const r = child(store, 'addresses', req, contactOf(store, req));
        if (!r) return notFound('addresses', req.params.id!);
        store.remove(r);
        return { status: 204 };
      }),
    );
}
