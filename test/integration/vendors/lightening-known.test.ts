// Known Lightening problems, each pinned by a test written before its fix: the name form a
// record holds, the tel / tel1 / mobile slots, and the simulator's numeric fields (document:
// the vendor's lightening-contacts.txt, "Data requirements & limitations").
import { afterEach, describe, expect, it } from 'vitest';
import { startLighteningSandbox, type LighteningSandbox } from '../../../src/main/core/sandbox/lightening';
import type { Connector } from '../../../src/main/core/vendors/connector';
import { createLighteningConnector } from '../../../src/main/core/vendors/lightening';
import { FAST_RETRY } from '../../helpers/vendor';

let sb: LighteningSandbox | undefined;
afterEach(async () => {
  await sb?.server.close();
  sb = undefined;
});

async function setup(): Promise<{ sb: LighteningSandbox; c: Connector }> {
  sb = await startLighteningSandbox({ seed: 5 });
  return {
    sb,
    c: createLighteningConnector({ baseUrl: sb.baseUrl, credentials: sb.credentials, settings: { customerIds: ['1'] }, retry: FAST_RETRY }),
  };
}

/** A record put straight into the simulator's store, as the vendor could hold it. */
function put(s: LighteningSandbox, fields: Record<string, unknown>): string {
  const id = String(900 + s.store.contacts.size);
  s.store.contacts.set(id, {
    id,
    customer_id: 1,
    name: 'X',
    email: '',
    email2: '',
    email3: '',
    tel: '',
    tel1: '',
    mobile: '',
    fax: '',
    role: '',
    department: '',
    is_active: '1',
    created_at: '2024-01-01 00:00:00',
    updated_at: '2024-01-01 00:00:00',
    ...fields,
  });
  return id;
}

async function edit(c: Connector, id: string, patch: Parameters<Connector['update']>[1]): Promise<Record<string, unknown>> {
  const now = await c.read(id);
  const res = await c.update(id, patch, { raw: now.raw, versions: now.versions });
  return res.record!.raw as Record<string, unknown>;
}

describe('Lightening: name', () => {
  it('a department edit leaves "Lovelace, Ada" as it is', async () => {
    const { sb, c } = await setup();
    const id = put(sb, { name: 'Lovelace, Ada' });
    expect((await edit(c, id, { department: 'Analytical Engines' })).name).toBe('Lovelace, Ada');
  });

  it('a padded or single-word name is not rewritten by an edit of another field', async () => {
    const { sb, c } = await setup();
    const a = put(sb, { name: '  Cher ' });
    expect((await edit(c, a, { role: 'Singer' })).name).toBe('  Cher ');
  });

  it('a given-name edit keeps the record’s "Family, Given" form', async () => {
    const { sb, c } = await setup();
    const id = put(sb, { name: 'Lovelace, Ada' });
    expect((await edit(c, id, { givenName: 'Augusta Ada' })).name).toBe('Lovelace, Augusta Ada');
    const b = put(sb, { name: 'Grace Hopper' });
    expect((await edit(c, b, { familyName: 'Murray Hopper' })).name).toBe('Murray Hopper, Grace'); // "Grace Murray Hopper" would read back as family "Hopper"
    const d = put(sb, { name: 'Grace Hopper' });
    expect((await edit(c, d, { familyName: 'Brewster' })).name).toBe('Grace Brewster');
  });
});

describe('Lightening: tel / tel1 / mobile slots', () => {
  it('a number added to a record with only tel1 takes a free slot; tel1 stays', async () => {
    const { sb, c } = await setup();
    const id = put(sb, { tel1: '503-555-0100' });
    const now = await c.read(id);
    const raw = await edit(c, id, { phones: [...now.canonical.phones!, { e164: '+15035550111', raw: '+1 503 555 0111' }] });
    expect(raw).toMatchObject({ tel1: '503-555-0100', tel: '+15035550111', mobile: '' });
  });

  it('a changed number stays in its slot; a removed one clears only its slot', async () => {
    const { sb, c } = await setup();
    const id = put(sb, { tel: '503-555-0100', tel1: '503-555-0101', mobile: '503-555-0102' });
    const phones = (await c.read(id)).canonical.phones!;
    const changed = phones.map((p) => (p.raw === '503-555-0101' ? { e164: '+15035550199', raw: '503 555 0199' } : p));
    expect(await edit(c, id, { phones: changed })).toMatchObject({ tel: '503-555-0100', tel1: '+15035550199', mobile: '503-555-0102' });
    const phones2 = (await c.read(id)).canonical.phones!;
    expect(await edit(c, id, { phones: phones2.filter((p) => p.raw !== '503-555-0100') })).toMatchObject({
      tel: '',
      tel1: '+15035550199',
      mobile: '503-555-0102',
    });
  });

  it('moving the mobile flag swaps the two numbers’ slots and nothing else', async () => {
    const { sb, c } = await setup();
    const id = put(sb, { tel: '503-555-0100', mobile: '503-555-0102' });
    const phones = (await c.read(id)).canonical.phones!;
    const flipped = phones.map((p) => ({ ...p, mobile: !p.mobile }));
    expect(await edit(c, id, { phones: flipped })).toMatchObject({ tel: '503-555-0102', tel1: '', mobile: '503-555-0100' });
  });

  it('refuses a phone list it cannot hold instead of dropping a number', () => {
    const c = createLighteningConnector({ baseUrl: 'http://127.0.0.1:9', credentials: { token: 'token-12345' } });
    const n = (d: string, mobile = false) => ({ e164: `+1503555010${d}`, raw: `503555010${d}`, mobile });
    expect(
      c
        .validate({ phones: [n('1'), n('2'), n('3'), n('4', true)] })
        .map((p) => p.message)
        .join(' '),
    ).toMatch(/at most 3 phone numbers/);
    expect(
      c
        .validate({ phones: [n('1'), n('2'), n('3')] })
        .map((p) => p.message)
        .join(' '),
    ).toMatch(/two numbers besides the mobile/);
    expect(
      c
        .validate({ phones: [n('1', true), n('2', true)] })
        .map((p) => p.message)
        .join(' '),
    ).toMatch(/one mobile/);
    expect(c.validate({ phones: [n('1'), n('2'), n('3', true)] })).toEqual([]);
  });
});

describe('Lightening simulator: numeric and boolean fields as the document states', () => {
  const post = async (s: LighteningSandbox, body: Record<string, unknown>) =>
    (
      await fetch(`${s.baseUrl}/contact`, {
        method: 'POST',
        headers: { Authorization: s.credentials.token, 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      })
    ).json() as Promise<Record<string, unknown>>;

  it('customer_portal_profile_id is an unsigned integer up to 4294967295', async () => {
    const { sb } = await setup();
    for (const bad of ['abc', -1, '-1', 4294967296, '1.5', 2.5])
      expect(await post(sb, { name: 'N', customer_portal_profile_id: bad }), String(bad)).toMatchObject({
        result: false,
        errors: { customer_portal_profile_id: expect.any(String) },
      });
    for (const good of [0, '7', 4294967295])
      expect(await post(sb, { name: 'N', customer_portal_profile_id: good }), String(good)).toMatchObject({ result: true });
  });

  it('cost_center_id is an int', async () => {
    const { sb } = await setup();
    for (const bad of ['x', '1.5', 3.2])
      expect(await post(sb, { name: 'N', cost_center_id: bad })).toMatchObject({
        result: false,
        errors: { cost_center_id: expect.any(String) },
      });
    expect(await post(sb, { name: 'N', cost_center_id: '12' })).toMatchObject({ result: true });
  });

  it('is_active, portal_active, milestone are 1 or 0, served back as strings', async () => {
    const { sb } = await setup();
    for (const bad of ['yes', 'true', 2, '2'])
      expect(await post(sb, { name: 'N', is_active: bad }), String(bad)).toMatchObject({
        result: false,
        errors: { is_active: expect.any(String) },
      });
    const ok = await post(sb, { name: 'N', is_active: 0, milestone: '1', portal_active: true, cost_center_id: 4 });
    expect(ok).toMatchObject({ result: true, id: expect.any(String) });
    expect(sb.store.contacts.get(String(ok.id))).toMatchObject({ is_active: '0', milestone: '1', portal_active: '1', cost_center_id: '4' });
  });

  it('string fields take strings; portal_password is written, never served', async () => {
    const { sb } = await setup();
    expect(await post(sb, { name: 'N', tel: 5035550100 })).toMatchObject({ result: false, errors: { tel: expect.any(String) } });
    const ok = await post(sb, { name: 'N', portal_password: 'long-enough-1' });
    expect(sb.store.contacts.get(String(ok.id))).not.toHaveProperty('portal_password');
  });
});
