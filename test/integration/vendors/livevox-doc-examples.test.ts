// The document's own example payloads (the vendor's livevox-contacts.txt) mapped to
// canonical and back: every value survives, and the write carries the server's own bytes.
import { describe, expect, it } from 'vitest';
import { canonicalToLiveVox, liveVoxCreateBody, liveVoxToCanonical } from '../../../src/main/core/vendors/livevox/mapping';
import { vendorDefinition } from '../../../src/main/core/vendors/registry';

type Json = Record<string, unknown>;
const pad = (real: Json[]): Json[] =>
  Array.from({ length: 10 }, (_, i) => ({
    smsConsent: false,
    cellConsent: false,
    ...(real.find((p) => p.ordinal === i + 1) ?? {}),
    ordinal: i + 1,
    position: i + 1,
    dnd: false,
    dndDaily: false,
    callAttemptsTotal: 0,
    callAttemptsToday: 0,
  }));

const READ: Json = {
  person: { firstName: 'james', lastName: 'bond', dateOfBirth: null, email: 'khugft@ghjgh.com', ssn: '5656', zipCode: '454455' },
  guarantor: { firstName: 'jam', lastName: 'bond' },
  phone: [
    { phone: '6565556666', ordinal: 1, phoneBlock: 'DAILY' },
    { phone: '6564445559', ordinal: 7, phoneBlock: 'DAILY' },
  ],
  active: true,
  balance: 1,
  accountBlock: 'DAILY',
  accountToSpeak: 'KA124',
  originalAccountNumber: 'Oan123',
  address1: 'rttrrt',
  address2: 'uyuyu',
  city: 'trt',
  state: 'ty',
  country: 'UK',
  amountToSpeak: 1,
  dueDate: 0,
  groupId: 12345,
  account: '1234567',
  callAttemptsToday: 0,
  callAttemptsTotal: 0,
  initialLoad: 0,
  lastLoad: null,
  createdDate: 1484673045000,
  modifiedDate: 1484673045000,
};
const LIST: Json = {
  person: { firstName: 'Agent', lastName: 'One', dateOfBirth: 1187841600000, email: 'abc@xyz.com', ssn: '0095', zipCode: null },
  guarantor: { firstName: 'Gua', lastName: 'Tor' },
  phone: [
    { phone: '4158149720', ordinal: 1, phoneBlock: 'PERMANENT' },
    { phone: '4042168962', ordinal: 2, phoneBlock: 'NONE' },
  ],
  customFields: null,
  account: '2222',
  active: true,
  balance: 100,
  accountBlock: 'NONE',
  accountToSpeak: '2222',
  originalAccountNumber: 'ABC2222',
  address1: 'Route 66',
  address2: null,
  city: null,
  state: 'CA',
  country: 'UNITED_STATES_OF_AMERICA',
  amountToSpeak: 100,
  dueDate: 0,
  groupId: 0,
  callAttemptsToday: 0,
  callAttemptsTotal: 8,
  initialLoad: 0,
  lastLoad: null,
  createDate: 1500954412000,
  modifyDate: 1509550250000,
};
const CREATE: Json = {
  person: {
    firstName: 'James',
    lastName: '22',
    dateOfBirth: 621057600000,
    email: 'example@liveox.com',
    ssn: '123DonotChange',
    zipCode: '560001',
  },
  guarantor: { firstName: 'aa', lastName: 'bbb' },
  phone: [{ phone: '6503517500', ordinal: 1, phoneBlock: 'DAILY_OFF', smsConsent: true, cellConsent: true }],
  customFields: [{ field: 'COL1', value: 123 }],
  account: '1234556',
  active: true,
  balance: 100.0,
  accountBlock: 'DAILY_OFF',
  accountToSpeak: '123DonotChange',
  originalAccountNumber: 'oan123',
  address1: 'ABC',
  address2: 'XYZ',
  city: 'San Francisco',
  state: 'CA',
  country: 'UNITED_STATES_OF_AMERICA',
  amountToSpeak: 100.0,
  dueDate: 1641963600000,
  groupId: '12371',
  primaryEmailConsent: true,
};
const SEARCH: Json = {
  id: 1278281788,
  person: { firstName: 'Mary', lastName: 'Shelley' },
  phone: pad([{ smsConsent: true, cellConsent: true, phone: '9742573688', ordinal: 1 }]),
  account: '1003',
  active: true,
  balance: 0.0,
  accountBlock: 'NONE',
  city: 'California',
  country: '',
  amountToSpeak: 0.0,
  groupId: 0,
  primaryEmailConsent: false,
  agentId: 0,
  happinessIndex: 0,
  createdDate: 1635853113000,
  modifiedDate: 1637130335000,
  lastLoad: 1710237709000,
  initialLoad: 1635853113000,
  callAttemptsToday: 0,
  callAttemptsLifetime: 0,
};

const ALL = ['givenName', 'familyName', 'emails', 'phones', 'address', 'birthDate', 'doNotContact'] as const;

describe('LiveVox document examples', () => {
  it('read (ordinals 1 and 7, country "UK")', () => {
    const c = liveVoxToCanonical(READ);
    expect(c).toMatchObject({
      givenName: 'james',
      familyName: 'bond',
      emails: [{ address: 'khugft@ghjgh.com' }],
      externalRef: '1234567',
      address: { street1: 'rttrrt', street2: 'uyuyu', city: 'trt', region: 'ty', postalCode: '454455', country: 'UK' },
    });
    expect(c.phones!.map((p) => [p.e164, p.label])).toEqual([
      ['+16565556666', 'ordinal 1'],
      ['+16564445559', 'ordinal 7'],
    ]);
    expect(c.birthDate).toBeUndefined();
  });

  it('list (dateOfBirth 1187841600000 is 2007-08-23)', () => {
    const c = liveVoxToCanonical(LIST);
    expect(c).toMatchObject({
      givenName: 'Agent',
      familyName: 'One',
      birthDate: '2007-08-23',
      address: { street1: 'Route 66', region: 'CA', country: 'US' },
    });
  });

  it('create (dateOfBirth 621057600000 is 1989-09-06; groupId a string in requests)', () => {
    const c = liveVoxToCanonical(CREATE);
    expect(c).toMatchObject({
      birthDate: '1989-09-06',
      phones: [{ e164: '+16503517500', consent: { call: true, sms: true }, doNotContact: false }],
      custom: { COL1: '123' },
      address: { postalCode: '560001', country: 'US' },
    });
    // Consent to be called on a cell phone says nothing of whether the number is a mobile.
    expect(c.phones![0]).not.toHaveProperty('mobile');
    // DAILY_OFF is the action that takes a daily block off: not a block.
    expect(c.doNotContact).toBe(false);
  });

  it("create preview: the document's own create body shape — createContactDetails with the account key a person gave, active, person names, email, zip and the number at ordinal 1", () => {
    const def = vendorDefinition('livevox')!;
    const lv = def.create({
      baseUrl: 'http://127.0.0.1:9',
      credentials: def.credentialsSchema.parse({ accessToken: 't', clientName: 'c', userName: 'u', password: 'p' }),
    });
    const p = lv.previewCreate(liveVoxToCanonical(CREATE), { account: '1234556' });
    expect(p.requests).toHaveLength(1);
    expect(p.requests[0]).toMatchObject({ method: 'POST', path: '/contact/contacts/' });
    const body = (p.requests[0]!.body as { createContactDetails: Json }).createContactDetails;
    expect(body).toMatchObject({
      account: '1234556',
      active: true,
      person: { firstName: 'James', lastName: '22', email: 'example@liveox.com', zipCode: '560001', dateOfBirth: 621057600000 },
    });
    expect((body.phone as Json[])[0]).toMatchObject({ phone: '6503517500', ordinal: 1 });
    expect(p.needs).toEqual([expect.objectContaining({ key: 'account', value: '1234556', becomesId: true })]);
    // Without a key the preview says it is needed instead of inventing one.
    expect(lv.previewCreate(liveVoxToCanonical(CREATE), {}).needs[0]).not.toHaveProperty('value');
  });

  it("blocks: the list example's phoneBlock PERMANENT and the read example's accountBlock DAILY read as do-not-contact, with the reason", () => {
    const list = liveVoxToCanonical(LIST);
    expect(list.doNotContact).toBe(false); // accountBlock NONE
    expect(list.phones!.map((p) => [p.e164, p.doNotContact, p.doNotContactWhy ?? null])).toEqual([
      ['+14158149720', true, 'blocked in LiveVox: PERMANENT'],
      ['+14042168962', false, null],
    ]);
    const read = liveVoxToCanonical(READ);
    expect(read).toMatchObject({ doNotContact: true, doNotContactWhy: 'blocked in LiveVox: DAILY' });
    expect(read.phones!.every((p) => p.doNotContact && p.doNotContactWhy === 'blocked in LiveVox: DAILY')).toBe(true);
    // The bulk-update example's accountBlock PERMANENT; PERMANENT_OFF (the update example) is the action that lifts it.
    expect(liveVoxToCanonical({ account: 'account10', accountBlock: 'PERMANENT' })).toMatchObject({
      doNotContact: true,
      doNotContactWhy: 'blocked in LiveVox: PERMANENT',
    });
    expect(liveVoxToCanonical({ account: 'x', accountBlock: 'PERMANENT_OFF' }).doNotContact).toBe(false);
    // The search shape says it of a phone as dnd.
    expect(liveVoxToCanonical({ phone: [{ phone: '9742573688', ordinal: 1, dnd: true, dndDaily: false }] }).phones![0]).toMatchObject({
      doNotContact: true,
      doNotContactWhy: 'blocked in LiveVox: do not dial (dnd)',
    });
  });

  it('a create never writes a consent flag, and a person blocked elsewhere is created blocked', () => {
    const body = liveVoxCreateBody({
      givenName: 'A',
      doNotContact: true,
      phones: [
        { e164: '+16503517500', raw: '6503517500', mobile: true, consent: { call: true, sms: true } },
        { e164: '+14155550123', raw: '4155550123', doNotContact: true },
      ],
    });
    expect(body.phone).toEqual([
      { phone: '6503517500', ordinal: 1 },
      { phone: '4155550123', ordinal: 2, phoneBlock: 'PERMANENT' },
    ]);
    expect(body.accountBlock).toBe('PERMANENT');
    expect(liveVoxCreateBody({ givenName: 'A' })).not.toHaveProperty('accountBlock');
  });

  it('a create puts the primary phone at ordinal 1 and the rest after it (the lowest ordinal reads back as primary)', () => {
    const phones = [
      { e164: '+14155550101', raw: '4155550101' },
      { e164: '+14155550102', raw: '4155550102' },
      { e164: '+14155550103', raw: '4155550103', primary: true },
    ];
    const body = liveVoxCreateBody({ phones });
    expect(body.phone).toEqual([
      { phone: '4155550103', ordinal: 1 },
      { phone: '4155550101', ordinal: 2 },
      { phone: '4155550102', ordinal: 3 },
    ]);
    const back = liveVoxToCanonical(body).phones!;
    expect(back.find((p) => p.primary)!.e164).toBe('+14155550103');
  });

  it('search (padded to ten; only the real number is a phone)', () => {
    const c = liveVoxToCanonical(SEARCH);
    expect(c.phones!.map((p) => p.e164)).toEqual(['+19742573688']);
    expect(c.address).toEqual({ city: 'California' });
  });

  it.each([
    ['read', READ],
    ['list', LIST],
    ['create', CREATE],
    ['search', SEARCH],
  ])('%s: every mapped field written back from its own canonical is the same bytes', (_name, raw) => {
    const c = liveVoxToCanonical(raw);
    const patch = Object.fromEntries(ALL.map((f) => [f, c[f] ?? null]));
    const body = canonicalToLiveVox(patch, raw);
    const {
      createDate: _1,
      modifyDate: _2,
      createdDate: _3,
      modifiedDate: _4,
      id: _5,
      callAttemptsToday: _6,
      callAttemptsTotal: _7,
      callAttemptsLifetime: _8,
      initialLoad: _9,
      lastLoad: _10,
      agentId: _11,
      ...rest
    } = raw;
    expect(body).toEqual({
      ...rest,
      ...(rest.groupId !== undefined ? { groupId: String(rest.groupId) } : {}),
      ...(raw.person === undefined ? { person: {} } : {}),
    });
    expect(liveVoxToCanonical({ ...body, account: raw.account })).toEqual(c);
  });
});
