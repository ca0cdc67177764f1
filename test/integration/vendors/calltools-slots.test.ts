// CallTools writes phones and emails through flat fields only (home_phone_number,
// mobile_phone_number, personal_email_address; the nested lists are read-only). These tests pin
// down how Concord uses those slots: blanks clear (the fields are not x-nullable), each number
// stays in the slot it came from unless the person changed its mobile flag, and what does not
// fit is refused rather than dropped.
import { afterEach, describe, expect, it } from 'vitest';
import { startCallToolsSandbox, type CallToolsSandbox } from '../../../src/main/core/sandbox/calltools';
import { createCallToolsConnector } from '../../../src/main/core/vendors/calltools';
import type { Connector } from '../../../src/main/core/vendors/connector';
import { checkEdit } from '../../../src/main/core/vendors/registry';
import type { PhoneEntry } from '../../../src/shared/domain';
import { FAST_RETRY, failure } from '../../helpers/vendor';
import { nodeFetch } from '../../../src/main/core/vendors/node-http-client';

let sb: CallToolsSandbox | undefined;
afterEach(async () => {
  await sb?.server.close();
  sb = undefined;
});

type Sent = { method: string; url: string; body: Record<string, unknown> | null };

async function setup(): Promise<{ sb: CallToolsSandbox; c: Connector; sent: Sent[] }> {
  sb = await startCallToolsSandbox({ seed: 3 });
  const sent: Sent[] = [];
  const spy: typeof fetch = async (url, init) => {
    sent.push({
      method: init?.method ?? 'GET',
      url: String(url),
      body: init?.body ? (JSON.parse(String(init.body)) as Record<string, unknown>) : null,
    });
    return nodeFetch(url, init);
  };
  const c = createCallToolsConnector({ baseUrl: sb.baseUrl, credentials: sb.credentials, retry: FAST_RETRY, fetch: spy });
  return { sb, c, sent };
}

async function raw(
  sb: CallToolsSandbox,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${sb.baseUrl}${path}`, {
    method,
    headers: { Authorization: `Token ${sb.credentials.token}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

const H = '+15035550101'; // a landline, in home_phone_number
const M = '+15035550102'; // in mobile_phone_number
const N = '+15035550103'; // new

describe('CallTools flat phone and email slots', () => {
  it('clears phones and the email with blanks, never null (the fields are not x-nullable)', async () => {
    const { sb, c, sent } = await setup();
    const made = await c.create({
      givenName: 'Ann',
      phones: [
        { e164: M, raw: M, mobile: true },
        { e164: H, raw: H },
      ],
      emails: [{ address: 'ann@example.org' }],
    });
    const before = await c.read(made.remoteId);
    await c.update(made.remoteId, { phones: [], emails: [] }, { raw: before.raw, versions: before.versions });
    const patch = sent.find((s) => s.method === 'PATCH')!;
    expect(patch.body).toEqual({ home_phone_number: '', mobile_phone_number: '', personal_email_address: '' });
    const after = sb.store.contacts.get(Number(made.remoteId))!;
    expect(after.phone_numbers).toEqual([]);
    expect(after.email_addresses).toEqual([]);
  });

  it('the simulator refuses null where the document does not mark a field x-nullable', async () => {
    const { c } = await setup();
    const made = await c.create({ givenName: 'Ann', phones: [{ e164: M, raw: M, mobile: true }] });
    const path = `/api/contacts/${made.remoteId}/`;
    for (const field of [
      'home_phone_number',
      'mobile_phone_number',
      'personal_email_address',
      'city',
      'state',
      'zip_code',
      'county',
      'country',
      'status',
      'do_not_contact',
      'ready',
      'calls_outbound',
    ]) {
      const res = await raw(sb!, 'PATCH', path, { [field]: null });
      expect({ field, ...res }).toMatchObject({ field, status: 400, json: { [field]: ['This field may not be null.'] } });
    }
    // x-nullable ones take null.
    for (const field of [
      'first_name',
      'last_name',
      'address',
      'time_zone',
      'birthday',
      'suppress_until',
      'owned_by',
      'user_queue',
      'website',
      'genders',
    ]) {
      expect({ field, status: (await raw(sb!, 'PATCH', path, { [field]: null })).status }).toEqual({ field, status: 200 });
    }
  });

  it('keeps a landline in home_phone_number when a number is added', async () => {
    const { sb, c, sent } = await setup();
    const made = await c.create({ givenName: 'Bo', phones: [{ e164: H, raw: H }] });
    const before = await c.read(made.remoteId);
    expect((before.raw as Record<string, unknown>).home_phone_number).toBe(H);
    await c.update(
      made.remoteId,
      { phones: [...before.canonical.phones!, { e164: N, raw: N }] },
      { raw: before.raw, versions: before.versions },
    );
    // Only the free slot is written; the landline is not re-sent, let alone moved.
    expect(sent.find((s) => s.method === 'PATCH')!.body).toEqual({ mobile_phone_number: N });
    const after = sb.store.contacts.get(Number(made.remoteId))!;
    expect([after.home_phone_number, after.mobile_phone_number]).toEqual([H, N]);
  });

  it('keeps each number in its slot when another is replaced, even if the list order or flags read differently', async () => {
    const { sb, c } = await setup();
    const made = await c.create({
      givenName: 'Cy',
      phones: [
        { e164: M, raw: M, mobile: true },
        { e164: H, raw: H },
      ],
    });
    const before = await c.read(made.remoteId);
    // The person replaces the mobile number; the home one is listed first.
    const next: PhoneEntry[] = [
      { e164: H, raw: H, mobile: false },
      { e164: N, raw: N },
    ];
    await c.update(made.remoteId, { phones: next }, { raw: before.raw, versions: before.versions });
    const after = sb.store.contacts.get(Number(made.remoteId))!;
    expect([after.home_phone_number, after.mobile_phone_number]).toEqual([H, N]);
  });

  it('moves numbers between slots only when the person changes the mobile flag (phones.mobile)', async () => {
    const { sb, c } = await setup();
    const made = await c.create({
      givenName: 'Di',
      phones: [
        { e164: M, raw: M, mobile: true },
        { e164: H, raw: H },
      ],
    });
    const before = await c.read(made.remoteId);
    const swapped = before.canonical.phones!.map((p) => ({ ...p, mobile: !p.mobile }));
    await c.update(made.remoteId, { phones: swapped }, { raw: before.raw, versions: before.versions });
    const after = sb.store.contacts.get(Number(made.remoteId))!;
    expect([after.home_phone_number, after.mobile_phone_number]).toEqual([M, H]);
    const read = await c.read(made.remoteId);
    expect(read.canonical.phones!.find((p) => p.mobile)!.e164).toBe(H);
  });

  it('refuses a mobile flag it cannot express, instead of moving the other number silently', async () => {
    const { sb, c } = await setup();
    const made = await c.create({
      givenName: 'Ed',
      phones: [
        { e164: M, raw: M, mobile: true },
        { e164: H, raw: H },
      ],
    });
    const before = await c.read(made.remoteId);
    // Both marked mobile: CallTools has one mobile field.
    const both = before.canonical.phones!.map((p) => ({ ...p, mobile: true }));
    const e = await failure(c.update(made.remoteId, { phones: both }, { raw: before.raw, versions: before.versions }));
    expect(e.kind).toBe('validation');
    expect(e.message).toMatch(/one mobile/);
    expect(sb.server.requestLog.filter((r) => r.method === 'PATCH')).toHaveLength(0);
  });

  it('refuses to move a number marked do not contact between the fields: the new nested record would not hold the mark', async () => {
    const { sb, c } = await setup();
    const made = await c.create({ givenName: 'Gil', phones: [{ e164: H, raw: H }] });
    // A colleague marks the number do not contact in CallTools (the nested record; the API cannot).
    const stored = sb.store.contacts.get(Number(made.remoteId))!;
    (stored.phone_numbers as Record<string, unknown>[])[0]!.do_not_contact = true;
    const before = await c.read(made.remoteId);
    const toggled = before.canonical.phones!.map((p) => ({ ...p, mobile: true }));
    const e = await failure(c.update(made.remoteId, { phones: toggled }, { raw: before.raw, versions: before.versions }));
    expect(e.kind).toBe('validation');
    expect(e.message).toMatch(/marked do not contact/);
    expect(sb.server.requestLog.filter((r) => r.method === 'PATCH')).toHaveLength(0);
    expect((sb.store.contacts.get(Number(made.remoteId))!.phone_numbers as Record<string, unknown>[]).map((p) => p.do_not_contact)).toEqual(
      [true],
    );
  });

  it('refuses a third phone and a second email as they are typed (count rules), and before a push', async () => {
    const { c } = await setup();
    const three = [H, M, N].map((n) => ({ e164: n, raw: n }));
    expect(checkEdit('calltools', { phones: three }, { region: 'US' })).toEqual([
      { field: 'phones', message: 'phones: CallTools holds at most 2 phone numbers per contact (this one has 3)' },
    ]);
    expect(checkEdit('calltools', { emails: [{ address: 'a@example.org' }, { address: 'b@example.org' }] }, { region: 'US' })).toEqual([
      { field: 'emails', message: 'emails: CallTools holds at most one email address per contact (this one has 2)' },
    ]);
    expect((await failure(c.create({ givenName: 'Fay', phones: three }))).kind).toBe('validation');
    expect(sb!.server.requestLog.filter((r) => r.method === 'POST')).toHaveLength(0);
  });

  it('time_zone is "string, maxLength 50, x-nullable" with no Enum: any text up to 50 is held', async () => {
    const { c } = await setup();
    const made = await c.create({ givenName: 'Gus' });
    const path = `/api/contacts/${made.remoteId}/`;
    expect((await raw(sb!, 'PATCH', path, { time_zone: 'Mars/Olympus_Mons' })).status).toBe(200);
    expect(await raw(sb!, 'PATCH', path, { time_zone: 'X'.repeat(51) })).toMatchObject({
      status: 400,
      json: { time_zone: ['Ensure this field has no more than 50 characters.'] },
    });
    expect(c.validate({ timeZone: 'X'.repeat(51) })).toHaveLength(1);
  });
});
