// The LiveVox simulator answers as the document says (the vendor's livevox-contacts.txt).
import { parse } from 'csv-parse/sync';
import { afterEach, describe, expect, it } from 'vitest';
import { startLiveVoxSandbox, type LiveVoxSandbox } from '../../../src/main/core/sandbox/livevox';

type Json = Record<string, unknown>;
let sb: LiveVoxSandbox | undefined;
afterEach(async () => {
  await sb?.server.close();
  sb = undefined;
});

async function api(): Promise<{
  sb: LiveVoxSandbox;
  call: (method: string, path: string, body?: unknown) => Promise<{ status: number; text: string; json: () => Json }>;
}> {
  sb = await startLiveVoxSandbox({ seed: 5 });
  const s = sb;
  const login = await fetch(`${s.baseUrl}/session/login`, {
    method: 'POST',
    headers: { 'LV-Access': s.credentials.accessToken, 'content-type': 'application/json' },
    body: JSON.stringify({ ...s.credentials, agent: false }),
  });
  const { sessionId } = (await login.json()) as { sessionId: string };
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${s.baseUrl}${path}`, {
      method,
      headers: { 'LV-Session': sessionId, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, text, json: () => JSON.parse(text) as Json };
  };
  const now = s.store.clock.now().getTime();
  const put = (account: string, zip: string | null, balance: number, phone: Json[] = []) =>
    s.store.contacts.set(account, {
      id: 1_000_000 + s.store.contacts.size,
      account,
      person: { firstName: `F${account}`, lastName: 'L', zipCode: zip },
      phone,
      balance,
      groupId: 12345,
      createDate: now,
      modifyDate: now,
      dueDate: Date.UTC(2018, 7, 27, 4),
      customFields: [{ field: 'COL9', value: 'Acme, Inc' }],
    });
  put('100', '10010', 50, [{ phone: '6564445559', ordinal: 7, phoneBlock: 'DAILY', dnd: true }]);
  put('1003', '94105', 150);
  put('1234', '10020', 500);
  put('999', '10010', 0);
  return { sb: s, call };
}

describe('LiveVox simulator per the document', () => {
  it('search: rule trees of AND/OR over the documented conditions, sorted, padded to ten ordinals, read-shape names', async () => {
    const { call } = await api();
    const tree = {
      rule: 'OR',
      right: {
        rule: 'AND',
        right: { field: 'account', criteria: '10', condition: 'STARTS_WITH' },
        left: { field: 'postalcode', criteria: '10', condition: 'STARTS_WITH' },
      },
      left: {
        rule: 'AND',
        right: { field: 'paymentbalance', criteria: '100', condition: 'GREATER' },
        left: {
          rule: 'AND',
          left: { field: 'account', criteria: '123', condition: 'STARTS_WITH' },
          right: { field: 'postalcode', criteria: '10', condition: 'STARTS_WITH' },
        },
      },
    };
    const res = await call('POST', '/contact/contacts/search?offset=0&count=5', {
      search: tree,
      sort: [{ field: 'account', order: 'DESC' }],
    });
    expect(res.status).toBe(200);
    const hits = res.json().findMatchingContactsDetails as Json[];
    expect(hits.map((h) => h.account)).toEqual(['1234', '100']);
    const h = hits[1]!;
    expect(h).toMatchObject({
      id: expect.any(Number),
      postalCode: '10010',
      groupId: 12345,
      createdDate: expect.any(Number),
      modifiedDate: expect.any(Number),
    });
    expect(h).not.toHaveProperty('modifyDate');
    const phones = h.phone as Json[];
    expect(phones.map((p) => p.ordinal)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(phones[0]).not.toHaveProperty('phone');
    expect(phones[6]).toMatchObject({ phone: '6564445559', ordinal: 7, position: 7, phoneBlock: 'DAILY', dnd: true });
    for (const [condition, criteria, want] of [
      ['ENDS_WITH', '03', ['1003']],
      ['CONTAINS', '23', ['1234']],
      ['EQUALS', '999', ['999']],
      ['LESS', '100', ['999', '100']],
      ['GREATER_EQUAL', '150', ['1003', '1234']],
    ] as const) {
      const field = condition === 'LESS' || condition === 'GREATER_EQUAL' ? 'paymentbalance' : 'account';
      const r = await call('POST', '/contact/contacts/search?offset=0&count=10', {
        search: { field, criteria, condition },
        sort: [{ field: 'paymentbalance', order: 'ASC' }],
      });
      expect(
        (r.json().findMatchingContactsDetails as Json[]).map((x) => x.account),
        condition,
      ).toEqual(want);
    }
    const paged = await call('POST', '/contact/contacts/search?offset=0&count=1', {
      search: { field: 'account', criteria: '1', condition: 'STARTS_WITH' },
    });
    expect(paged.json().next).toBe('/contact/contacts/search?offset=1&count=1');
    expect(
      (await call('POST', '/contact/contacts/search?offset=0&count=5', { search: { field: 'account', criteria: '1', condition: 'LIKE' } }))
        .status,
    ).toBe(400);
    expect(
      (await call('POST', '/contact/contacts/search', { search: { field: 'account', criteria: '1', condition: 'EQUALS' } })).status,
    ).toBe(400);
  });

  it('search answers leave null values out, as the examples do; a read keeps them', async () => {
    const { sb, call } = await api();
    sb.store.touch('999', { person: { firstName: null, lastName: null, zipCode: null }, address1: null });
    const hit = (
      (
        await call('POST', '/contact/contacts/search?offset=0&count=5', {
          search: { field: 'account', criteria: '999', condition: 'EQUALS' },
        })
      ).json().findMatchingContactsDetails as Json[]
    )[0]!;
    // The document's first search example: no `person` at all, no empty address keys.
    expect(hit).not.toHaveProperty('person');
    expect(hit).not.toHaveProperty('address1');
    expect(hit).not.toHaveProperty('postalCode');
    expect(hit).toMatchObject({ account: '999', balance: 0, modifiedDate: expect.any(Number) });
    const read = (await call('GET', '/contact/contacts/999')).json().readContactDetails as Json;
    expect(read.person).toMatchObject({ firstName: null, zipCode: null });
    expect(read.address1).toBeNull();
  });

  it('list uses createDate/modifyDate, read createdDate/modifiedDate; groupId is a number out and a string in', async () => {
    const { sb, call } = await api();
    const list = (await call('GET', '/contact/contacts?count=10&offset=0')).json().listContactDetails as Json[];
    expect(list[0]).toMatchObject({ createDate: expect.any(Number), modifyDate: expect.any(Number), groupId: 12345 });
    expect(list[0]).not.toHaveProperty('id');
    const read = (await call('GET', '/contact/contacts/100')).json().readContactDetails as Json;
    expect(read).toMatchObject({ createdDate: expect.any(Number), modifiedDate: expect.any(Number) });
    expect(read).not.toHaveProperty('modifyDate');
    expect((await call('PUT', '/contact/contacts/100', { updateContactDetails: { groupId: '6460' } })).status).toBe(204);
    expect(sb.store.contacts.get('100')!.groupId).toBe(6460);
  });

  it('bulk update: 204 (its documented message cannot travel on a 204), missing accounts not counted', async () => {
    const { sb, call } = await api();
    const res = await call('PUT', '/contact/contacts/bulk', {
      updateContactDetails: [
        { account: '100', balance: 101 },
        { account: 'nope', balance: 1 },
        { account: '1003', person: { lastName: 'Shelley' } },
      ],
    });
    expect(res.status).toBe(204);
    expect(sb.store.contacts.get('100')!.balance).toBe(101);
    expect((sb.store.contacts.get('1003')!.person as Json).lastName).toBe('Shelley');
  });

  it('DND: PUT one account (204, 404 {code:203}) and POST many ({updated:n})', async () => {
    const { sb, call } = await api();
    expect(
      (
        await call('PUT', '/contact/contacts/100/dnd', {
          updateContactDND: [{ phone: '6564445559', ordinal: 7, phoneBlock: 'BOTH', smsConsent: true, cellConsent: true }],
        })
      ).status,
    ).toBe(204);
    expect((sb.store.contacts.get('100')!.phone as Json[])[0]).toMatchObject({
      phone: '6564445559',
      ordinal: 7,
      phoneBlock: 'BOTH',
      smsConsent: true,
      cellConsent: true,
    });
    const missing = await call('PUT', '/contact/contacts/5555555/dnd', {
      updateContactDND: [{ phone: '4085550384', ordinal: '1', phoneBlock: 'DAILY' }],
    });
    expect([missing.status, missing.json()]).toEqual([404, { code: 203, message: 'No Record Found' }]);
    const many = await call('POST', '/contact/contacts/dnd', {
      contactDnd: [
        { account: '1003', accountBlock: 'DAILY', updateContactDND: [{ phone: '4565553748', ordinal: '1', phoneBlock: 'NONE' }] },
        { account: 'nyts0', accountBlock: 'NONE', updateContactDND: [] },
      ],
    });
    expect([many.status, many.json()]).toEqual([200, { updated: 1 }]);
    expect(sb.store.contacts.get('1003')).toMatchObject({
      accountBlock: 'DAILY',
      phone: [{ phone: '4565553748', ordinal: 1, phoneBlock: 'NONE' }],
    });
  });

  it('bulk export: CSV headed by display labels, due dates as MM/DD/YYYY, phoneN and COLn columns; bulk create answers 200', async () => {
    const { call } = await api();
    const res = await call('POST', '/contact/contacts/bulk', {
      startDate: '2000-01-01',
      exportableFields: ['account', 'dueDate', 'phone7', 'COL9'],
    });
    expect(res.status).toBe(200);
    const rows = parse(res.text) as string[][];
    expect(rows[0]).toEqual(['Account', 'Account Due Date', 'Phone 7', 'Company']);
    expect(rows.find((r) => r[0] === '100')).toEqual(['100', '08/27/2018', '6564445559', 'Acme, Inc']);
    const create = await call('POST', '/contact/contacts/bulk', {
      createContactDetails: [{ account: 'Doc1', person: { firstName: 'James' } }, { account: '100' }],
    });
    expect([create.status, create.json()]).toEqual([200, { message: 'Successfully updated contacts 1' }]);
  });
});
