// Issue 23, point 8: input is checked at the door. Credentials against each vendor's documented
// shape before anything is saved, naming the key (never the value); time zones as IANA names;
// and no error quotes more than a short excerpt of what it was given.
import { afterEach, describe, expect, it } from 'vitest';
import { typedValue } from '../../src/main/core/contacts/typed-values';
import { credentialsProblem } from '../../src/main/core/accounts/credentials-check';
import { checkBaseUrl } from '../../src/main/core/vendors/base-url';
import { makeTestCore, seedAccount, type TestCore } from '../helpers/core';

const TOKEN = 'a1b2c3d4e5f6a7b8c9d0a1b2c3d4e5f6a7b8c9d0';
const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJ1c2VyX2lkIjoxfQ.c2lnbmF0dXJl';

let t: TestCore | null = null;
afterEach(() => {
  t?.cleanup();
  t = null;
});

describe('credentials are checked before they are saved', () => {
  it('refuses what each vendor cannot use, naming the key, and keeps nothing', async () => {
    t = await makeTestCore();
    const refused = async (
      kind: 'calltools' | 'mpdx' | 'livevox' | 'lightening' | 'bigchange',
      credentials: Record<string, unknown>,
      message: RegExp,
    ) => {
      const r = await t!.core.dispatch('addAccount', { kind, baseUrl: 'https://example.org', credentials });
      expect(r, JSON.stringify(credentials)).toMatchObject({
        ok: false,
        error: { code: 'bad_request', message: expect.stringMatching(message) },
      });
      // The message names keys and rules, never a value typed for them.
      for (const v of Object.values(credentials))
        if (typeof v === 'string' && v.length > 3) expect((r as { error: { message: string } }).error.message).not.toContain(v);
    };
    await refused('calltools', { token: 'deadbeef' }, /CallTools credentials: "token": a CallTools API token is 40 hexadecimal characters/);
    await refused('calltools', { token: `${TOKEN.slice(0, 39)}g` }, /"token"/);
    await refused('calltools', {}, /"token" is missing/);
    await refused('calltools', { tokn: TOKEN }, /"token" is missing; "tokn" is not a CallTools credential \(it takes "token"\)/);
    await refused('mpdx', {}, /MPDX needs "jwt" \(a JSON web token\) or "casTicket"/);
    await refused('mpdx', { jwt: 'not-a-jwt-at-all' }, /"jwt": a JSON web token is three base64url parts/);
    await refused('mpdx', { casTicket: 'ST 123' }, /"casTicket": a CAS ticket is one word/);
    await refused('livevox', { accessToken: 'lv-access-1', clientName: 'c', userName: 'u' }, /LiveVox credentials: "password" is missing/);
    await refused('livevox', { accessToken: 'lv-access-1', clientName: 'c', userName: 'u', password: 7 }, /"password": /);
    await refused('lightening', { token: 'short' }, /"token": the Lightening API token is missing/);
    await refused(
      'bigchange',
      { clientId: 'id', clientSecret: 'secret-1', customerId: 'acme' },
      /"customerId": the customer id is a number/,
    );
    expect(t.core.accounts.list()).toEqual([]);
  });

  it('takes what each vendor documents', async () => {
    t = await makeTestCore();
    const ok = {
      calltools: { token: TOKEN },
      mpdx: { jwt: JWT },
      livevox: { accessToken: 'a', clientName: 'c', userName: 'u', password: 'p' },
      lightening: { token: 'lightening-token' },
      bigchange: { clientId: 'i', clientSecret: 's', customerId: 123 },
    };
    for (const [kind, credentials] of Object.entries(ok)) expect(credentialsProblem(kind as never, credentials), kind).toBeNull();
    expect(credentialsProblem('mpdx', { casTicket: 'ST-12345-abc' })).toBeNull();
    expect(credentialsProblem('calltools', [TOKEN])).toMatch(/must be a JSON object/);
    await expect(
      t.core.accounts.add({ kind: 'calltools', baseUrl: 'https://example.org', credentials: ok.calltools }),
    ).resolves.toMatchObject({ kind: 'calltools' });
  });
});

describe('time zones are IANA names wherever one is typed', () => {
  it('refuses Mars/Olympus_Mons for a CallTools record with a clear message, and takes a real zone', async () => {
    t = await makeTestCore();
    const acc = await seedAccount(t.core, 'calltools', [{ givenName: 'Ada', familyName: 'Lovelace', timeZone: 'America/New_York' }]);
    const id = t.core.contacts.list({ limit: 1, offset: 0 }).rows[0]!.id;
    const bad = await t.core.dispatch('editContact', { id, typed: { timeZone: 'Mars/Olympus_Mons' } });
    expect(bad).toMatchObject({
      ok: false,
      error: {
        code: 'bad_request',
        message: 'timeZone: "Mars/Olympus_Mons" is not a time zone; use an IANA name such as America/New_York, Europe/London or UTC',
      },
    });
    expect(await t.core.dispatch('editContact', { id, patch: { timeZone: 'Mars/Olympus_Mons' } })).toMatchObject({
      ok: false,
      error: { code: 'bad_request' },
    });
    expect(await t.core.dispatch('editContact', { id, typed: { timeZone: 'Europe/London' } })).toMatchObject({ ok: true });
    expect(t.core.accounts.get(acc).kind).toBe('calltools');
    expect(typedValue('timeZone', ' UTC ')).toBe('UTC');
    for (const z of ['+05:00', 'EST5EDT5', 'America/Nowhere', ''])
      expect(() => typedValue('timeZone', z || ' x')).toThrow(/not a time zone/);
  });
});

describe('errors quote a short excerpt of what they were given', () => {
  it('a CSV of one 5 MB line answers with a short message (the bound does not grow with the line)', async () => {
    t = await makeTestCore();
    const bytes = new Uint8Array(5 * 1024 * 1024).fill(0x78); // "xxxx…", no line break, no comma
    const r = await t.core.dispatch('importCsv', { bytes, source: 'huge' });
    expect(r).toMatchObject({ ok: false });
    const message = (r as { error: { message: string } }).error.message;
    expect(message.length).toBeLessThan(400);
    expect(message).toMatch(/No column could be matched|too|at most/);
  });

  it('an URL, a field name or a time zone quote at most 80 characters and "…"', () => {
    const long = 'y'.repeat(100_000);
    expect(() => checkBaseUrl(long)).toThrow(new RegExp(`^"${'y'.repeat(80)}…" is not a valid URL$`));
    expect(() => typedValue('timeZone', long)).toThrow(/^timeZone: "y{80}…" is not a time zone/);
  });
});
