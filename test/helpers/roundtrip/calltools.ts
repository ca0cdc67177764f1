// The round trip for CallTools, as properties (fast-check): generated raw contacts — in every
// shape the document allows, including ones the API would not make by itself — go straight into
// the simulator's store, a real core pulls them, one field is edited through the real edit path,
// and after a sync the raw record may differ only in the vendor fields that canonical field maps
// to (plus modified_on / modified_by, CallTools' own bookkeeping). A sync with no edit writes nothing.
// Between the pull and the push "another CallTools user" may save something (applyOther): their
// change must still be there after the sync, or the record must hold a conflict.
import fc from 'fast-check';
import { createCore, type Core } from '../../../src/main/core';
import { createLogger, nullSink } from '../../../src/main/core/log';
import { CALLTOOLS_CONTACT_FIELDS, startCallToolsSandbox, type CallToolsSandbox } from '../../../src/main/core/sandbox/calltools';
import { NO_FAULTS } from '../../../src/main/core/sandbox/faults';
import { MemorySecretStore } from '../../../src/main/core/secrets/memory-store';
import { sameValue } from '../../../src/main/core/sync/merge';
import { callToolsToCanonical } from '../../../src/main/core/vendors/calltools/mapping';
import type { CanonicalContact, EmailEntry, PhoneEntry } from '../../../src/shared/domain';
import { writes } from '../sync';
import { tempDir } from '../tmp';
import { FAST_RETRY } from '../fast-retry';

type Json = Record<string, unknown>;
type Field = 'givenName' | 'familyName' | 'address' | 'timeZone' | 'doNotContact' | 'birthDate' | 'phones' | 'emails';

/** Vendor fields each canonical field is written through (the nested lists follow the flat fields). */
export const CALLTOOLS_FIELD_MAP: Record<Field, string[]> = {
  givenName: ['first_name'],
  familyName: ['last_name'],
  address: ['address', 'city', 'state', 'zip_code', 'county', 'country'],
  timeZone: ['time_zone'],
  doNotContact: ['do_not_contact'],
  birthDate: ['birthday'],
  phones: ['home_phone_number', 'mobile_phone_number', 'phone_numbers'],
  emails: ['personal_email_address', 'email_addresses'],
};
/** CallTools' own bookkeeping on every write. */
export const CALLTOOLS_BOOKKEEPING = ['modified_on', 'modified_by'];

// ---- generated raw records -----------------------------------------------------------------

const SLOT_IDS = CALLTOOLS_CONTACT_FIELDS;
const pad = (s: fc.Arbitrary<string>): fc.Arbitrary<string> =>
  fc.tuple(fc.constantFrom('', ' ', '  '), s, fc.constantFrom('', ' ')).map(([a, b, c]) => `${a}${b}${c}`);
/** Text of at most `max` UTF-16 units (the documents' maxLength), unicode included. */
const text = (max: number): fc.Arbitrary<string> =>
  fc
    .oneof(fc.string({ maxLength: Math.min(max, 40) }), fc.string({ maxLength: 12, unit: 'grapheme' }), fc.constant('x'.repeat(max)))
    .filter((s) => s.length <= max);
/** A nullable string field: null, blank, padded, or text. */
const nstr = (max: number): fc.Arbitrary<string | null> => fc.oneof(fc.constant(null), fc.constantFrom('', '   '), text(max));
const str = (max: number): fc.Arbitrary<string> =>
  fc.oneof(fc.constantFrom('', '  '), text(max), pad(fc.constantFrom('Portland', 'OR', '97201', 'Multnomah', 'US')));
// Numbers the record holds: 503-555-01xx, in the spellings people type.
const nationalDigits = fc.integer({ min: 100, max: 199 }).map((n) => `503555${String(n).padStart(4, '0')}`);
const spelled = (d: string) =>
  fc.constantFrom(
    d,
    `(${d.slice(0, 3)}) ${d.slice(3, 6)}-${d.slice(6)}`,
    `${d.slice(0, 3)}.${d.slice(3, 6)}.${d.slice(6)}`,
    `+1${d}`,
    ` ${d.slice(0, 3)}-${d.slice(3, 6)}-${d.slice(6)} `,
  );
const ZONES = [
  'America/New_York',
  'America/Chicago',
  'America/Denver',
  'America/Los_Angeles',
  'US/Eastern',
  'EST5EDT',
  'Pacific',
  'UTC-5',
  'Central Time (US & Canada)',
];
const stamp = fc.date({ min: new Date('2015-01-01T00:00:00Z'), max: new Date('2024-12-31T00:00:00Z'), noInvalidDate: true }).chain((d) => {
  const iso = d.toISOString();
  return fc.constantFrom(
    iso,
    iso.replace('Z', '123Z'),
    iso.replace(/\.\d+Z$/, 'Z'),
    iso.replace(/\.\d+Z$/, '+00:00'),
    iso.replace('T', ' ').replace(/\.\d+Z$/, ''),
  );
});
const uuid = fc.uuid();

interface Shape {
  record: Json;
}

const nestedPhone = (d: string, field: number | null, mobile: boolean, id: number, contact: number, when: string): Json => ({
  id,
  account_id: 7,
  contact,
  destination: null,
  contact_field: field,
  e164_country_code: 1,
  phone_number: d,
  area_code: d.slice(0, 3),
  do_not_contact: false,
  is_fdnc: false,
  is_mobile: mobile,
  time_zone: null,
  created_on: when,
  created_by: null,
  modified_on: when,
  modified_by: null,
});
const nestedEmail = (email: string, field: number | null, id: number, contact: number, when: string): Json => ({
  id,
  account_id: 7,
  contact,
  contact_field: field,
  email,
  do_not_contact: false,
  created_on: when,
  created_by: null,
  modified_on: when,
  modified_by: null,
});

/** A whole raw contact, as CallTools' document allows it; `id` is set by the caller. */
export function rawContactArb(id: number): fc.Arbitrary<Shape> {
  const phones = fc.uniqueArray(nationalDigits, { minLength: 0, maxLength: 4 });
  const emails = fc.uniqueArray(
    fc.integer({ min: 1, max: 60 }).map((n) => `person${n}@example.org`),
    { minLength: 0, maxLength: 3 },
  );
  return fc
    .record({
      first_name: nstr(255),
      last_name: nstr(255),
      address: nstr(255),
      city: str(50),
      state: str(50),
      zip_code: str(50),
      county: str(50),
      country: str(50),
      time_zone: fc.oneof(fc.constant(null), fc.constant(''), fc.constantFrom(...ZONES), text(50)),
      do_not_contact: fc.boolean(),
      status: fc.constantFrom('new', 'Contacted', 'x'.repeat(255)),
      ready: fc.boolean(),
      birthday: fc.oneof(
        fc.constant(null),
        fc.date({ min: new Date('1920-01-01'), max: new Date('2010-12-31'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)),
      ),
      phones,
      emails,
      // Which of the numbers feed the flat fields (the rest come from elsewhere: imports, other fields).
      homeAt: fc.integer({ min: -1, max: 3 }),
      mobileAt: fc.integer({ min: -1, max: 3 }),
      emailAt: fc.integer({ min: -1, max: 2 }),
      mobiles: fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
      homeSpelling: fc.nat(4),
      mobileSpelling: fc.nat(4),
      emailCase: fc.constantFrom('same', 'upper', 'padded'),
      blankSlots: fc.constantFrom('', '   '),
      extraField: fc.constantFrom(null, 77),
      order: fc.boolean(),
      modified_on: stamp,
      created_on: stamp,
      modified_by: fc.option(uuid),
      owned_by: fc.option(uuid),
      tags: fc.option(fc.uniqueArray(fc.integer({ min: 1, max: 500 }), { maxLength: 4 })),
      buckets: fc.option(fc.uniqueArray(fc.integer({ min: 1, max: 50 }), { maxLength: 3 })),
      calls_outbound: fc.nat(50),
      last_call_outbound: fc.option(stamp),
      user_queue: fc.option(fc.nat(9)),
      custom: fc.record({
        car_model: nstr(1024),
        genders: fc.constantFrom(null, 'Male', 'Female', 'Non-Binary'),
        website: nstr(1024),
        crm_id: nstr(40),
        bill_discount: fc.option(fc.boolean()),
      }),
      unknown: fc.dictionary(
        fc.constantFrom('legacy_score', 'x_vendor_note', 'sms_optin_source', 'zz_flags'),
        fc.jsonValue({ maxDepth: 2 }),
        { maxKeys: 2 },
      ),
    })
    .chain((g) =>
      fc.tuple(spelled(g.phones[g.homeAt] ?? '5035550100'), spelled(g.phones[g.mobileAt] ?? '5035550100')).map(([homeText, mobileText]) => {
        const when = g.modified_on;
        const home = g.homeAt >= 0 && g.homeAt < g.phones.length ? g.homeAt : -1;
        const mobile = g.mobileAt >= 0 && g.mobileAt < g.phones.length && g.mobileAt !== home ? g.mobileAt : -1;
        let sub = id * 10;
        let nested = g.phones.map((d, i) =>
          nestedPhone(
            d,
            i === home ? SLOT_IDS.home_phone_number : i === mobile ? SLOT_IDS.mobile_phone_number : g.extraField,
            i === mobile ? true : g.mobiles[i]!,
            ++sub,
            id,
            when,
          ),
        );
        if (g.order) nested = nested.reverse();
        const email = g.emailAt >= 0 && g.emailAt < g.emails.length ? g.emails[g.emailAt]! : null;
        const nestedEmails = g.emails.map((e) =>
          nestedEmail(e, e === email ? SLOT_IDS.personal_email_address : g.extraField, ++sub, id, when),
        );
        const flatEmail =
          email === null ? g.blankSlots : g.emailCase === 'upper' ? email.toUpperCase() : g.emailCase === 'padded' ? ` ${email} ` : email;
        const record: Json = {
          id,
          account_id: 7,
          uuid: `00000000-0000-4000-8000-${String(id).padStart(12, '0')}`,
          system_disposition: null,
          ready: g.ready,
          status: g.status,
          do_not_contact: g.do_not_contact,
          first_name: g.first_name,
          last_name: g.last_name,
          address: g.address,
          city: g.city,
          state: g.state,
          zip_code: g.zip_code,
          county: g.county,
          country: g.country,
          time_zone: g.time_zone,
          suppress_until: null,
          last_call_outbound: g.last_call_outbound,
          calls_outbound: g.calls_outbound,
          created_on: g.created_on,
          created_by: null,
          modified_on: g.modified_on,
          modified_by: g.modified_by,
          owned_by: g.owned_by,
          user_queue: g.user_queue,
          tags: g.tags,
          buckets: g.buckets,
          next_agent_script: null,
          next_sms_template: null,
          phone_numbers: nested,
          email_addresses: nestedEmails,
          home_phone_number: home >= 0 ? [...[homeText]][0] : g.blankSlots,
          mobile_phone_number: mobile >= 0 ? mobileText : g.blankSlots,
          personal_email_address: flatEmail,
          call_uuid: null,
          message: null,
          duplicate_action: null,
          duplicate_contacts: [],
          birthday: g.birthday,
          ...g.custom,
          ...g.unknown,
        };
        return { record };
      }),
    );
}

// ---- generated edits -----------------------------------------------------------------------

type PhoneOp =
  | { op: 'add'; n: number; mobile: boolean | undefined }
  | { op: 'remove' | 'toggle'; at: number }
  | { op: 'replace'; at: number; n: number }
  | { op: 'swap' }
  | { op: 'clear' };
type EmailOp = { op: 'add'; n: number } | { op: 'remove'; at: number } | { op: 'replace'; at: number; n: number } | { op: 'clear' };
export type EditSpec =
  | { field: 'givenName' | 'familyName'; value: string | null }
  | { field: 'address'; value: CanonicalContact['address'] }
  | { field: 'timeZone'; value: string | null }
  | { field: 'doNotContact'; value: boolean }
  | { field: 'birthDate'; value: string | null }
  | { field: 'phones'; op: PhoneOp }
  | { field: 'emails'; op: EmailOp };

const part = (max: number) =>
  fc.option(fc.oneof(text(max), fc.constantFrom('Salem', 'Oregon', '97301', 'Marion', 'United States')), { nil: null });
export const editArb: fc.Arbitrary<EditSpec> = fc.oneof(
  fc.record({
    field: fc.constantFrom('givenName' as const, 'familyName' as const),
    value: fc.oneof(fc.constant(null), fc.constant(''), text(255)),
  }),
  fc.record({
    field: fc.constant('address' as const),
    value: fc.oneof(
      fc.constant(null),
      fc.record({ street1: part(255), city: part(50), region: part(50), postalCode: part(50), county: part(50), country: part(50) }),
    ),
  }),
  fc.record({ field: fc.constant('timeZone' as const), value: fc.oneof(fc.constant(null), fc.constantFrom(...ZONES), text(50)) }),
  fc.record({ field: fc.constant('doNotContact' as const), value: fc.boolean() }),
  fc.record({
    field: fc.constant('birthDate' as const),
    value: fc.oneof(
      fc.constant(null),
      fc.date({ min: new Date('1920-01-01'), max: new Date('2010-12-31'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)),
    ),
  }),
  // Phones and emails weigh more: the flat slots are where CallTools is awkward.
  {
    weight: 4,
    arbitrary: fc.record({
      field: fc.constant('phones' as const),
      op: fc.oneof(
        fc.record({
          op: fc.constant('add' as const),
          n: fc.integer({ min: 200, max: 299 }),
          mobile: fc.constantFrom(undefined, true, false),
        }),
        fc.record({ op: fc.constantFrom('remove' as const, 'toggle' as const), at: fc.nat(3) }),
        fc.record({ op: fc.constant('replace' as const), at: fc.nat(3), n: fc.integer({ min: 200, max: 299 }) }),
        fc.record({ op: fc.constantFrom('swap' as const, 'clear' as const) }),
      ),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      field: fc.constant('emails' as const),
      op: fc.oneof(
        fc.record({ op: fc.constant('add' as const), n: fc.integer({ min: 100, max: 199 }) }),
        fc.record({ op: fc.constant('remove' as const), at: fc.nat(2) }),
        fc.record({ op: fc.constant('replace' as const), at: fc.nat(2), n: fc.integer({ min: 100, max: 199 }) }),
        fc.record({ op: fc.constant('clear' as const) }),
      ),
    }),
  },
);

const newPhone = (n: number): PhoneEntry => ({
  e164: `+1971555${String(n).padStart(4, '0')}`,
  raw: `971-555-${String(n).padStart(4, '0')}`,
});

/** The patch an EditSpec means for a record as Concord holds it (null: no such edit here). */
export function patchOf(e: EditSpec, local: CanonicalContact): Partial<CanonicalContact> | null {
  if (e.field === 'phones') {
    const list = (local.phones ?? []).map((p) => ({ ...p }));
    const o = e.op;
    if (o.op === 'add') return { phones: [...list, { ...newPhone(o.n), ...(o.mobile === undefined ? {} : { mobile: o.mobile }) }] };
    if (o.op === 'clear') return { phones: [] };
    if (o.op === 'swap') return list.length ? { phones: list.map((p) => ({ ...p, mobile: !p.mobile })) } : null;
    if (o.at >= list.length) return null;
    if (o.op === 'remove') return { phones: list.filter((_, i) => i !== o.at) };
    if (o.op === 'toggle') return { phones: list.map((p, i) => (i === o.at ? { ...p, mobile: !p.mobile } : p)) };
    const n = o.op === 'replace' ? o.n : 0;
    return { phones: list.map((p, i) => (i === o.at ? newPhone(n) : p)) };
  }
  if (e.field === 'emails') {
    const list: EmailEntry[] = (local.emails ?? []).map((x) => ({ ...x }));
    const o = e.op;
    const addr = (n: number): EmailEntry => ({ address: `edited${n}@example.net` });
    if (o.op === 'add') return { emails: [...list, addr(o.n)] };
    if (o.op === 'clear') return { emails: [] };
    if (o.at >= list.length) return null;
    if (o.op === 'remove') return { emails: list.filter((_, i) => i !== o.at) };
    const n = o.op === 'replace' ? o.n : 0;
    return { emails: list.map((x, i) => (i === o.at ? addr(n) : x)) };
  }
  return { [e.field]: e.value };
}

// ---- another user --------------------------------------------------------------------------

/**
 * What "another CallTools user" saves between Concord's pull and its push: a name, a phone field
 * (a new number), a number's or email's do-not-contact flag, the email field, the address, the
 * contact's do_not_contact, or a field Concord does not map. CallTools is last-writer-wins, so
 * only Concord's re-read before writing stands between their change and its loss.
 */
const OTHER_KINDS = [
  'firstName',
  'lastName',
  'homePhone',
  'mobilePhone',
  'phoneDnc',
  'email',
  'emailDnc',
  'address',
  'doNotContact',
  'unmapped',
] as const;
type OtherKind = (typeof OTHER_KINDS)[number];
export type Other = { kind: OtherKind; pick: number; variant: number } | null;
/** The canonical field their change lands in (null: none Concord maps), to know when the person's edit overlaps it. */
const OTHER_FIELD: Record<OtherKind, Field | null> = {
  firstName: 'givenName',
  lastName: 'familyName',
  homePhone: 'phones',
  mobilePhone: 'phones',
  phoneDnc: 'phones',
  email: 'emails',
  emailDnc: 'emails',
  address: 'address',
  doNotContact: 'doNotContact',
  unmapped: null,
};
const otherOf = (kinds: readonly OtherKind[]) =>
  fc.record({ kind: fc.constantFrom(...kinds), pick: fc.nat(), variant: fc.nat({ max: 2 }) });
/** Their change, for an edit of `field`: any kind, or (as often) one landing in the same field, where the merge is tested. */
export const genOther = (field: Field): fc.Arbitrary<Other> => {
  const same = OTHER_KINDS.filter((k) => OTHER_FIELD[k] === field);
  return fc.option(same.length ? fc.oneof(otherOf(OTHER_KINDS), otherOf(same)) : otherOf(OTHER_KINDS), { freq: 3 });
};
/** Who the colleague is (modified_by): not the API token's user. */
const OTHER_USER = '2a7d9c41-0b3e-4f6a-8c15-7e90d2b4a6f3';

interface OtherCheck {
  /** Null while their change is at CallTools as they left it; else what was lost. */
  survives(): string | null;
  /** A do-not-contact they set that Concord's write took off (never allowed, conflict or not). */
  lifted(): string | null;
}

/** Apply the other user's save to contact `id` in the simulator's store; null when there is nothing to change. */
export function applyOther(sb: CallToolsSandbox, id: number, o: NonNullable<Other>): OtherCheck | null {
  const s = sb.store;
  const c = s.contacts.get(id)!;
  s.clock.advance(2000); // their save is later than Concord's read
  const stamp = s.clock.now().toISOString().replace('Z', '000Z'); // as the store stamps (DRF microseconds)
  const contact = () => s.contacts.get(id);
  const none = () => null;
  // A save through the UI: the flat fields as the API applies them (nested records follow), by them.
  const save = (sent: Json): OtherCheck => {
    // What they changed: a value sent as it already was is no change of theirs to keep.
    // (Blank and null are one to a person: '' -> null changes nothing they could see.)
    const blank = (v: unknown) => v == null || (typeof v === 'string' && v.trim() === '');
    const body = Object.fromEntries(
      Object.entries(sent).filter(([k, v]) => JSON.stringify(c[k]) !== JSON.stringify(v) && !(blank(c[k]) && blank(v))),
    );
    const before = structuredClone(c);
    s.touch(id, sent);
    c.modified_by = OTHER_USER;
    for (const sub of [...((c.phone_numbers as Json[]) ?? []), ...((c.email_addresses as Json[]) ?? [])])
      if (sub.modified_on === c.modified_on) sub.modified_by = OTHER_USER;
    const survives = () => {
      const now = contact()!;
      for (const [k, v] of Object.entries(body)) {
        const field = CALLTOOLS_CONTACT_FIELDS[k as keyof typeof CALLTOOLS_CONTACT_FIELDS];
        const email = k === 'personal_email_address';
        const list = (now[email ? 'email_addresses' : 'phone_numbers'] as Json[] | undefined) ?? [];
        const norm = (x: unknown) =>
          email
            ? String(x ?? '')
                .trim()
                .toLowerCase()
            : String(x ?? '')
                .replace(/\D/g, '')
                .replace(/^1(\d{10})$/, '$1');
        if (field !== undefined && blank(v)) {
          // A phone or email field they cleared: the number or address it held is gone (the field
          // itself is free again, and may take a number the person added).
          const gone = norm(before[k]);
          const still = list.filter((x) => norm(x.phone_number ?? x.email) === gone);
          if (still.length) return `their removal of ${gone} (${k}) was undone: ${JSON.stringify(still)}`;
          continue;
        }
        if (JSON.stringify(now[k]) !== JSON.stringify(v)) return `their ${k} ${JSON.stringify(v)} is now ${JSON.stringify(now[k])}`;
        if (field === undefined) continue;
        // A phone or email field they filled feeds one nested record holding it.
        const nested = list.filter((x) => x.contact_field === field);
        if (nested.length !== 1 || norm(nested[0]!.phone_number ?? nested[0]!.email) !== norm(v))
          return `their ${k} ${JSON.stringify(v)} has nested ${JSON.stringify(nested)}`;
      }
      return null;
    };
    const lifted = () => (body.do_not_contact === true && contact()?.do_not_contact !== true ? 'their do_not_contact was lifted' : null);
    return { survives, lifted };
  };
  // A flag set on one nested number or email (the UI's, not the API's: nested records are read-only there).
  const flag = (list: 'phone_numbers' | 'email_addresses'): OtherCheck | null => {
    const subs = ((c[list] as Json[] | undefined) ?? []).filter((x) => x.do_not_contact !== true);
    if (!subs.length) return null;
    const sub = subs[o.pick % subs.length]!;
    const value = String(sub.phone_number ?? sub.email);
    Object.assign(sub, { do_not_contact: true, modified_on: stamp, modified_by: OTHER_USER });
    Object.assign(c, { modified_on: stamp, modified_by: OTHER_USER });
    const held = () => ((contact()?.[list] as Json[] | undefined) ?? []).filter((x) => String(x.phone_number ?? x.email) === value);
    return {
      survives: () =>
        held().some((x) => x.id === sub.id && x.do_not_contact === true)
          ? null
          : `their do_not_contact on ${value} is gone: ${JSON.stringify(held())}`,
      // Whatever became of the entry, the number or address is never held again without the flag.
      lifted: () =>
        held().some((x) => x.do_not_contact !== true) ? `their do_not_contact on ${value} was lifted: ${JSON.stringify(held())}` : null,
    };
  };
  switch (o.kind) {
    case 'firstName':
      return save({ first_name: ['Set Elsewhere', null, ''][o.variant] });
    case 'lastName':
      return save({ last_name: ['Elsewhere', null, 'Ng'][o.variant] });
    case 'homePhone':
      return save({ home_phone_number: ['5035550777', '(503) 555-0778', ''][o.variant] });
    case 'mobilePhone':
      return save({ mobile_phone_number: ['5035550779', '+15035550780', ''][o.variant] });
    case 'email':
      return save({ personal_email_address: [`other${o.pick % 10}@example.com`, `Other${o.pick % 10}@Example.com`, ''][o.variant] });
    case 'address':
      return save([{ city: 'Elsewhere' }, { address: '9 Other Rd', zip_code: '97999' }, { state: '' }][o.variant]!);
    case 'doNotContact':
      return save({ do_not_contact: c.do_not_contact !== true });
    case 'unmapped':
      return save([{ status: 'Called back' }, { car_model: 'Set elsewhere' }, { tags: [9, 8] }][o.variant]!);
    case 'phoneDnc':
      return flag('phone_numbers');
    case 'emailDnc':
      return flag('email_addresses');
  }
  return { survives: none, lifted: none };
}

// ---- the rig -------------------------------------------------------------------------------

interface Rig {
  sb: CallToolsSandbox;
  core: Core;
  accountId: string;
  close(): Promise<void>;
}

async function rig(records: Json[]): Promise<Rig> {
  const sb = await startCallToolsSandbox({ faults: { ...NO_FAULTS }, seed: 1 });
  for (const r of records) sb.store.put(structuredClone(r));
  const tmp = tempDir('concord-rt-calltools-');
  const core = await createCore({
    dataDir: tmp.dir,
    secretStore: new MemorySecretStore(),
    log: createLogger(nullSink),
    retry: FAST_RETRY,
    syncTuning: { roundDelayMs: 5 },
  });
  const acc = await core.accounts.add({
    kind: 'calltools',
    label: 'calltools',
    baseUrl: sb.baseUrl,
    credentials: sb.credentials as Record<string, unknown>,
  });
  return {
    sb,
    core,
    accountId: acc.id,
    close: async () => {
      core.close();
      tmp.cleanup();
      await sb.server.close();
    },
  };
}

function recordId(core: Core, accountId: string, remoteId: number): string {
  return (
    core.store.sqlite.prepare('SELECT id FROM records WHERE account_id = ? AND remote_id = ?').get(accountId, String(remoteId)) as {
      id: string;
    }
  ).id;
}

const key = (p: PhoneEntry): string => p.e164 ?? p.raw.replace(/\D/g, '');

/** Fields of `after` that differ from `before` (keys on either side). */
function changedKeys(before: Json, after: Json): string[] {
  return [...new Set([...Object.keys(before), ...Object.keys(after)])].filter(
    (k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]),
  );
}

/** Nested entries may change only where a flat field that feeds them was written. */
function nestedMovedOnlyWithSlots(before: Json, after: Json, list: 'phone_numbers' | 'email_addresses', written: string[]): string | null {
  const ids = new Set(written.map((k) => SLOT_IDS[k as keyof typeof SLOT_IDS]).filter((x) => x !== undefined));
  const keep = (xs: unknown) =>
    ((xs as Json[] | undefined) ?? []).filter((x) => !ids.has(x.contact_field as never)).map((x) => JSON.stringify(x));
  return JSON.stringify(keep(before[list])) === JSON.stringify(keep(after[list]))
    ? null
    : `${list} entries not fed by ${written.join(', ') || 'any written field'} changed`;
}

const COUNT_REFUSAL = /CallTools holds at most (2 phone numbers|one email address) per contact/;
const SLOT_REFUSAL =
  /CallTools (decides whether|holds one mobile|has two phone fields|has one email field)|cannot be removed here; remove it in CallTools|is a mobile number cannot be changed from Concord/;

/** How the runs ended, for ROUNDTRIP_STATS=1. */
export const outcomes: Record<string, number> = {};
const saw = (what: string): void => void (outcomes[what] = (outcomes[what] ?? 0) + 1);

async function oneEdit(records: Json[], edit: EditSpec, other: Other = null): Promise<void> {
  const r = await rig(records);
  try {
    const s1 = await r.core.sync.sync();
    if (s1.accounts[0]!.errors.length) throw new Error(`pull failed: ${JSON.stringify(s1.accounts[0]!.errors)}`);
    const target = records[0]!.id as number;
    const id = recordId(r.core, r.accountId, target);
    const local = r.core.syncStore.record(id).local;
    const patch = patchOf(edit, local);
    if (!patch) return saw('no such edit');
    // Another CallTools user saves after Concord's read, before its push.
    const theirs = other ? applyOther(r.sb, target, other) : null;
    const before = structuredClone(r.sb.store.contacts.get(target)!);
    const others = records.slice(1).map((x) => structuredClone(r.sb.store.contacts.get(x.id as number)!));
    try {
      r.core.edits.edit(id, patch);
    } catch (e) {
      // Refused as typed: only for what CallTools cannot hold (its two phone fields, one email
      // field), counted or placed against the record as last read.
      const msg = (e as Error).message;
      if (!COUNT_REFUSAL.test(msg) && !SLOT_REFUSAL.test(msg)) throw new Error(`edit refused without a reason CallTools has: ${msg}`);
      if (r.core.store.sqlite.prepare('SELECT count(*) FROM changes WHERE record_id = ?').pluck().get(id) !== 0)
        throw new Error('a refused edit was queued');
      return saw(`${edit.field}: refused as typed`);
    }
    const intended = r.core.syncStore.record(id).local;
    const s2 = await r.core.sync.sync();
    const acc = s2.accounts[0]!;
    if (acc.errors.length) throw new Error(`sync failed: ${JSON.stringify(acc.errors)}`);
    const after = r.sb.store.contacts.get(target)!;
    for (const o of others)
      if (JSON.stringify(r.sb.store.contacts.get(o.id as number)) !== JSON.stringify(o))
        throw new Error(`contact ${String(o.id)} changed, but it was not edited`);
    const state = r.core.syncStore.record(id).state;
    // Their change is still at CallTools as they left it, or it is a conflict for a person to
    // settle; never lost silently. A do-not-contact they set is never taken off, conflict or not.
    const raised = r.core.edits.conflicts().some((c) => c.recordId === id);
    const lifted = theirs?.lifted() ?? null;
    if (lifted) throw new Error(`another user's block was lifted (${JSON.stringify(other)}, Concord's ${edit.field} edit): ${lifted}`);
    const lost = theirs?.survives() ?? null;
    if (lost && !raised) throw new Error(`another user's change lost (${JSON.stringify(other)}, Concord's ${edit.field} edit): ${lost}`);
    let rejected: string | null = null;
    if (acc.rejected) {
      const err = (
        r.core.store.sqlite.prepare("SELECT last_error FROM changes WHERE record_id = ? AND state = 'rejected'").get(id) as {
          last_error: string;
        }
      ).last_error;
      // With nothing changed at CallTools since the read, the edit's check saw what the push sees:
      // a refusal belongs at the edit.
      // Another user's save can fill the slot, or add the number, the edit counted on: refused then.
      if (!theirs || OTHER_FIELD[other!.kind] !== edit.field || !(SLOT_REFUSAL.test(err) || COUNT_REFUSAL.test(err)))
        throw new Error(`the push refused what the edit took: ${err}`);
      rejected = err;
    }
    if (state !== (raised ? 'conflicted' : rejected ? 'rejected' : 'synced'))
      throw new Error(`record is ${state} after the sync${raised ? ' (a conflict is open)' : ''}`);
    // Only the mapped vendor fields and the bookkeeping moved.
    const allowed = new Set([...CALLTOOLS_FIELD_MAP[edit.field], ...CALLTOOLS_BOOKKEEPING]);
    const moved = changedKeys(before, after);
    const stray = moved.filter((k) => !allowed.has(k));
    if (stray.length)
      throw new Error(
        `editing ${edit.field} changed ${stray.join(', ')}: ${stray.map((k) => `${JSON.stringify(before[k])} -> ${JSON.stringify(after[k])}`).join('; ')}`,
      );
    if (edit.field === 'phones' || edit.field === 'emails') {
      const written = moved.filter((k) => k in SLOT_IDS);
      const bad = nestedMovedOnlyWithSlots(before, after, edit.field === 'phones' ? 'phone_numbers' : 'email_addresses', written);
      if (bad) throw new Error(bad);
    }
    // And what was meant is what CallTools now holds — unless it waits for a person, was refused,
    // or the other user changed the same field (then the merge of the two is what it holds).
    if (other) saw(`another user: ${other.kind} × ${edit.field}: ${raised ? 'conflict' : rejected ? 'refused' : 'their change kept'}`);
    if (raised || rejected || (other && OTHER_FIELD[other.kind] === edit.field))
      return saw(`${edit.field}: ${raised ? 'conflict' : rejected ? 'refused at the push' : 'merged with theirs'}`);
    const held = callToolsToCanonical(after);
    if (edit.field === 'phones') {
      const want = (intended.phones ?? []).map(key).sort();
      const got = (held.phones ?? []).map(key).sort();
      if (JSON.stringify(want) !== JSON.stringify(got))
        throw new Error(`phones: meant ${want.join(',')}, CallTools holds ${got.join(',')}`);
      if (edit.op.op === 'add' && edit.op.mobile !== undefined) {
        const added = newPhone(edit.op.n);
        if (!!held.phones!.find((h) => key(h) === key(added))!.mobile !== edit.op.mobile)
          throw new Error(`phones: ${key(added)} was added with mobile=${String(edit.op.mobile)}`);
      }
      if (edit.op.op === 'toggle' || edit.op.op === 'swap') {
        for (const p of intended.phones ?? [])
          if (!!held.phones!.find((h) => key(h) === key(p))!.mobile !== !!p.mobile)
            throw new Error(`phones: ${key(p)} meant mobile=${String(!!p.mobile)}`);
      }
    } else if (!sameValue(edit.field, held[edit.field], intended[edit.field])) {
      throw new Error(`${edit.field}: meant ${JSON.stringify(intended[edit.field])}, CallTools holds ${JSON.stringify(held[edit.field])}`);
    }
    saw(`${edit.field}: ${moved.length ? 'written' : 'nothing to write'}`);
  } finally {
    await r.close();
  }
}

async function noEditNoWrite(records: Json[]): Promise<void> {
  const r = await rig(records);
  try {
    await r.core.sync.sync();
    const before = records.map((x) => JSON.stringify(r.sb.store.contacts.get(x.id as number)));
    const s = await r.core.sync.sync();
    if (s.accounts[0]!.errors.length) throw new Error(`sync failed: ${JSON.stringify(s.accounts[0]!.errors)}`);
    const w = writes(r.sb.server);
    if (w.length) throw new Error(`a sync with no edit wrote: ${w.map((x) => `${x.method} ${x.path}`).join(', ')}`);
    if (records.some((x, i) => JSON.stringify(r.sb.store.contacts.get(x.id as number)) !== before[i]))
      throw new Error('a record changed with no edit');
  } finally {
    await r.close();
  }
}

const recordsArb = fc
  .tuple(rawContactArb(1001), fc.option(rawContactArb(1002), { nil: undefined }))
  .map(([a, b]) => [a.record, ...(b ? [b.record] : [])]);

export async function roundTrip(opts: { numRuns: number; seed: number }): Promise<void> {
  const editAndOther = editArb.chain((edit) => fc.tuple(fc.constant(edit), genOther(edit.field)));
  await fc.assert(
    fc.asyncProperty(recordsArb, editAndOther, (records, [edit, other]) => oneEdit(records, edit, other)),
    { numRuns: opts.numRuns, seed: opts.seed },
  );
  await fc.assert(
    fc.asyncProperty(recordsArb, (records) => noEditNoWrite(records)),
    { numRuns: Math.max(1, Math.ceil(opts.numRuns / 4)), seed: opts.seed + 1 },
  );
  if (process.env.ROUNDTRIP_STATS) console.log('calltools round trip outcomes', outcomes);
}
