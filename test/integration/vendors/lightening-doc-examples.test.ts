// The examples in the vendor's lightening-contacts.txt, verbatim: the list entity mapped to canonical
// and back (the fields survive, and a write of what was read changes nothing), and each
// documented answer read by the connector as the document means it.
import { afterEach, describe, expect, it } from 'vitest';
import { startLighteningSandbox, type LighteningSandbox } from '../../../src/main/core/sandbox/lightening';
import { createLighteningConnector } from '../../../src/main/core/vendors/lightening';
import { canonicalToLightening, lighteningToCanonical, lighteningUpdateBody } from '../../../src/main/core/vendors/lightening/mapping';
import { FAST_RETRY, failure } from '../../helpers/vendor';

// "Get the list of Contacts" → Example result → entities[0], as printed.
const ENTITY = {
  email: 'Email Address',
  tel: '123456789',
  tel1: '1234567890',
  fax: '',
  mobile: '',
  role: 'User Role',
  department: 'Department name',
  milestone: '1',
  cost_center_id: '0',
  email2: '',
  email3: '',
  customer_portal_profile_id: '1',
  customer_name: 'Name of the Customer',
  customer_account: 'Customer account number',
  customer_id: 1,
  portal_profile: 'Portal profile id',
  name: 'Contact Name',
  cost_center_name: '',
  customer_custom_identifier: '',
  portal_fullname: '',
  portal_branch_id: '',
  vendor_account: '',
  vendor_id: '',
  vendor_name: '',
  vendor_type: 1,
  id: 'Internal Id',
  created_at: 'Creation Date',
  updated_at: 'Last Update Time',
  is_active: '1',
  portal_active: '1',
  locale: 'en_US',
  customer_portal_profile_name: '',
};
const CREATED = { msg: 'Successfully created entity.', id: '1', result: true };
const UPDATED = { msg: 'Successfully updated entity.', result: true };
const EMPTY = { error: 'Nothing sent for request.', result: false };
const DELETED = { msg: 'Entity has been successfully deleted.', result: false };
const NOT_FOUND = { msg: 'Entity not found.', result: false };
const FIELD_ERRORS = { errors: { name: 'Field is required.' }, result: false };

let sb: LighteningSandbox | undefined;
afterEach(async () => {
  await sb?.server.close();
  sb = undefined;
});

describe('Lightening document examples: mapping', () => {
  it('the list entity maps to canonical', () => {
    expect(lighteningToCanonical(ENTITY)).toEqual({
      fullName: 'Contact Name',
      givenName: 'Contact',
      familyName: 'Name',
      emails: [{ address: 'Email Address', primary: true }],
      phones: [
        { e164: null, raw: '123456789', label: 'work', mobile: false, primary: true },
        { e164: '+11234567890', raw: '1234567890', label: 'other', mobile: false, primary: false },
      ],
      company: 'Name of the Customer',
      department: 'Department name',
      role: 'User Role',
    });
  });

  it('mapped back, every field survives: an update of what was read sends nothing but the required name', () => {
    const c = lighteningToCanonical(ENTITY);
    const { company: _company, ...writable } = c; // customer_name is the customer's, never written
    expect(lighteningUpdateBody(writable, ENTITY)).toEqual({ name: 'Contact Name' });
  });

  it('mapped back as a create body, the fields keep their values and slots', () => {
    const body = canonicalToLightening(lighteningToCanonical(ENTITY), {});
    expect(body).toMatchObject({
      name: 'Contact Name',
      email: 'Email Address',
      tel: '123456789',
      mobile: '',
      role: 'User Role',
      department: 'Department name',
    });
    expect(body.tel1).toBe('+11234567890'); // the same number, sent in E.164
    expect(body).not.toHaveProperty('customer_name');
  });

  it('through the simulator: the entity read and written back unchanged keeps every byte but updated_at', async () => {
    sb = await startLighteningSandbox({ seed: 9 });
    sb.store.contacts.set('Internal Id', structuredClone(ENTITY));
    const c = createLighteningConnector({
      baseUrl: sb.baseUrl,
      credentials: sb.credentials,
      settings: { customerIds: ['1'] },
      retry: FAST_RETRY,
    });
    const read = await c.read('Internal Id');
    const { company: _company, ...writable } = read.canonical;
    await c.update('Internal Id', writable, { raw: read.raw, versions: read.versions });
    const { updated_at: after, ...rest } = sb.store.contacts.get('Internal Id')!;
    const { updated_at: before, ...was } = ENTITY;
    expect(rest).toEqual(was);
    expect(after).not.toBe(before);
  });
});

describe('Lightening document examples: answers', () => {
  /** A connector whose vendor answers with `replies` in turn (always HTTP 200, as documented). */
  function answering(...replies: unknown[]) {
    const sent: { method: string; url: string; body: unknown }[] = [];
    const fetchImpl = (async (url: string, init?: RequestInit) => {
      sent.push({ method: init?.method ?? 'GET', url: String(url), body: init?.body ? JSON.parse(String(init.body)) : undefined });
      return new Response(JSON.stringify(replies.shift()), { status: 200, headers: { 'content-type': 'application/json' } });
    }) as typeof fetch;
    return {
      sent,
      c: createLighteningConnector({
        baseUrl: 'https://vendor.test',
        credentials: { token: 'token-12345' },
        settings: { customerIds: ['1'] },
        fetch: fetchImpl,
        retry: { maxRetries: 0 },
      }),
    };
  }

  it('create: "Successfully created entity." with a string id', async () => {
    const { c, sent } = answering(CREATED, { entity: { ...ENTITY, id: '1' }, result: true });
    const res = await c.create({ givenName: 'Ada', familyName: 'Lovelace' }, { idempotencyKey: 'k' });
    expect(res.remoteId).toBe('1');
    expect(sent[0]).toMatchObject({ method: 'POST', url: 'https://vendor.test/contact', body: { name: 'Ada Lovelace', customer_id: 1 } });
  });

  it('update: "Successfully updated entity." is success; POST /contact/{id}', async () => {
    const { c, sent } = answering(UPDATED, { entity: ENTITY, result: true });
    await c.update('Internal Id', { role: 'Lead' }, { raw: ENTITY, versions: {} });
    expect(sent[0]).toMatchObject({
      method: 'POST',
      url: 'https://vendor.test/contact/Internal%20Id',
      body: { name: 'Contact Name', role: 'Lead' },
    });
  });

  it('failures: empty request, field errors, not found — each read from result:false', async () => {
    expect((await failure(answering(EMPTY).c.update('1', { role: 'x' }, { raw: ENTITY, versions: {} }))).message).toMatch(
      /Nothing sent for request/,
    );
    const fe = await failure(answering(FIELD_ERRORS).c.update('1', { role: 'x' }, { raw: ENTITY, versions: {} }));
    expect(fe).toMatchObject({ kind: 'validation', fieldErrors: { name: ['Field is required.'] } });
    expect((await failure(answering(NOT_FOUND).c.read('9'))).kind).toBe('not_found');
  });

  it('delete: GET /contact/{id}/delete; "successfully deleted" with result:false is success, "Entity not found." is not', async () => {
    const ok = answering(DELETED);
    await ok.c.delete('1');
    expect(ok.sent[0]).toMatchObject({ method: 'GET', url: 'https://vendor.test/contact/1/delete' });
    expect((await failure(answering(NOT_FOUND).c.delete('1'))).kind).toBe('not_found');
  });
});
