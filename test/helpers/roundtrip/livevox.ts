// The LiveVox round trip, as properties (fast-check). Raw contacts of every shape the document
// allows (high and sparse ordinals, padded number-less slots, phoneBlock and consent flags,
// COL1–COL100 custom fields, dateOfBirth 0 / null / digits-as-string, unknown keys) go straight
// into the simulator's store, are pulled into a real core, get one single-field edit through
// core.edits.edit, and are synced. The raw record must then differ only in the vendor fields
// that canonical field maps to, plus `modifyDate` (the vendor's own bookkeeping, the only key
// the simulator stamps on a write). Every run also checks that no write set a consent flag
// (cellConsent, smsConsent) the number did not already hold, and that the contact's
// accountBlock and every kept number's phoneBlock came back as they were. A pull and a sync
// with no edit write nothing. Between the pull and the push "another LiveVox user" may save
// something (applyOther): their change must still be there after the sync, or the record
// must hold a conflict; a block they set is never lifted.
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { createCore } from '../../../src/main/core';
import { CoreError } from '../../../src/main/core/errors';
import { createLogger, nullSink } from '../../../src/main/core/log';
import { startLiveVoxSandbox, type LiveVoxSandbox } from '../../../src/main/core/sandbox/livevox';
import { MemorySecretStore } from '../../../src/main/core/secrets/memory-store';
import { sameValue } from '../../../src/main/core/sync/merge';
import { isLiveVoxBlock } from '../../../src/main/core/vendors/livevox/blocks';
import { liveVoxEpochOf, liveVoxToCanonical } from '../../../src/main/core/vendors/livevox/mapping';
import type { Address, CanonicalContact } from '../../../src/shared/domain';
import { writes } from '../sync';
import { tempDir } from '../tmp';
import { FAST_RETRY } from '../fast-retry';

type Json = Record<string, unknown>;

// ---- raw records ---------------------------------------------------------------------------

const NY_MIDNIGHT_1989 = 621057600000;
const day = fc
  .date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2010-12-31T00:00:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10));
/** Every way the document (or another client) holds a date of birth; 0 and null mean unset. */
const dateOfBirth = fc.oneof(
  fc.constant(null),
  fc.constant(0),
  fc.constant(NY_MIDNIGHT_1989),
  day.map(liveVoxEpochOf),
  day.map((d) => Date.parse(`${d}T00:00:00Z`)),
  day.map((d) => Date.parse(`${d}T12:00:00Z`)),
  day.map((d) => String(liveVoxEpochOf(d))), // the bulk-create example sends it as a string
);
const text = fc.oneof(
  fc.constant(null),
  fc.constant(''),
  fc.string({ minLength: 1, maxLength: 12 }),
  fc.constantFrom('James', ' Mary ', 'Ñandú', '李', "O'Neil"),
);
const usNumber = fc
  .tuple(fc.integer({ min: 201, max: 989 }), fc.integer({ min: 200, max: 999 }), fc.integer({ min: 0, max: 9999 }))
  .filter(([a]) => a % 100 !== 11)
  .map(([a, b, c]) => `${a}${b}${String(c).padStart(4, '0')}`);
const email = fc.constantFrom('abc@xyz.com', 'Example@LiveVox.com', 'khugft@ghjgh.com', 'kj@nasa.gov');
const jsonish = fc.oneof(
  fc.string({ maxLength: 8 }),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.integer(), { maxLength: 3 }),
  fc.dictionary(fc.string({ minLength: 1, maxLength: 4 }), fc.integer(), { maxKeys: 2 }),
);
const unknownKeys = fc.dictionary(
  fc.string({ minLength: 1, maxLength: 6 }).map((k) => `x_${k}`),
  jsonish,
  { maxKeys: 3 },
);

const phoneEntryArb = (ordinal: number, phone: string) =>
  fc
    .record(
      {
        phoneBlock: fc.constantFrom('NONE', 'DAILY', 'PERMANENT', 'BOTH', 'DAILY_OFF', 'PERMANENT_OFF'),
        smsConsent: fc.boolean(),
        cellConsent: fc.boolean(),
        x_note: jsonish,
      },
      { requiredKeys: [] },
    )
    .map((extra) => ({ phone, ordinal, ...extra }));

/** Phones on a sparse set of ordinals (7 and 10 alone, say), optionally padded to ten as search pads them. */
const phones = fc
  .tuple(fc.subarray([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]), fc.uniqueArray(usNumber, { minLength: 10, maxLength: 10 }), fc.boolean())
  .chain(([ordinals, numbers, padded]) =>
    fc.tuple(...ordinals.map((o, i) => phoneEntryArb(o, numbers[i]!))).map((real) => {
      if (!padded) return real as Json[];
      const slot = (o: number): Json => ({
        smsConsent: false,
        cellConsent: false,
        ordinal: o,
        position: o,
        dnd: false,
        dndDaily: false,
        callAttemptsTotal: 0,
        callAttemptsToday: 0,
      });
      return Array.from({ length: 10 }, (_, i) => (real as Json[]).find((p) => p.ordinal === i + 1) ?? slot(i + 1));
    }),
  );

const customFields = fc.oneof(
  fc.constant(null),
  fc.uniqueArray(
    fc.record({
      field: fc.integer({ min: 1, max: 100 }).map((n) => `COL${n}`),
      value: fc.oneof(fc.string({ maxLength: 6 }), fc.integer({ min: 0, max: 999 }), fc.boolean()),
    }),
    { selector: (f) => f.field, maxLength: 4 },
  ),
);

export const rawContact = fc
  .record({
    person: fc.option(
      fc.record(
        {
          firstName: text,
          lastName: text,
          dateOfBirth,
          email: fc.option(email),
          ssn: fc.option(fc.constant('5656')),
          zipCode: fc.option(fc.constantFrom('10010', '560001', ' 94105 ')),
        },
        { requiredKeys: ['firstName'] },
      ),
      { nil: undefined },
    ),
    guarantor: fc.option(fc.record({ firstName: text, lastName: text }), { nil: undefined }),
    phone: phones,
    customFields,
    active: fc.boolean(),
    balance: fc.oneof(
      fc.constant(0),
      fc.double({ min: 0, max: 1e5, noNaN: true, noDefaultInfinity: true }).filter((x) => !Object.is(x, -0)),
    ),
    accountBlock: fc.constantFrom('NONE', 'DAILY', 'PERMANENT'),
    accountToSpeak: fc.option(fc.constant('KA124'), { nil: undefined }),
    originalAccountNumber: fc.option(fc.constant('OrgAcctNum1'), { nil: undefined }),
    address1: text,
    address2: text,
    city: text,
    state: fc.oneof(fc.constant(null), fc.constantFrom('CA', 'ty', 'NY')),
    country: fc.oneof(fc.constant(null), fc.constantFrom('', 'UNITED_STATES_OF_AMERICA', 'UK', 'CANADA', 'United States of America')),
    amountToSpeak: fc.integer({ min: 0, max: 500 }),
    dueDate: fc.oneof(fc.constant(0), day.map(liveVoxEpochOf)),
    groupId: fc.option(fc.integer({ min: 0, max: 99999 }), { nil: undefined }),
    primaryEmailConsent: fc.option(fc.boolean(), { nil: undefined }),
    agentId: fc.option(fc.integer({ min: 0, max: 999999 }), { nil: undefined }),
    callAttemptsToday: fc.integer({ min: 0, max: 5 }),
    callAttemptsTotal: fc.integer({ min: 0, max: 50 }),
    initialLoad: fc.constantFrom(0, 1508931850000),
    lastLoad: fc.constantFrom(null, 1710237709000),
    unknown: unknownKeys,
  })
  .map(({ unknown, ...r }) => Object.fromEntries(Object.entries({ ...unknown, ...r }).filter(([, v]) => v !== undefined)) as Json);

// ---- single-field edits ----------------------------------------------------------------------

/** One edit, realized against the record as Concord holds it. `refused` names edits LiveVox cannot hold. */
type EditSpec =
  | { kind: 'givenName' | 'familyName'; value: string | null }
  | { kind: 'emails'; value: string | null }
  | { kind: 'birthDate'; value: string | null }
  | { kind: 'address'; part: keyof Address; value: string | null }
  | { kind: 'phones'; op: 'add' | 'change' | 'remove'; at: number; number: string; mobile: boolean }
  | { kind: 'refused'; what: 'second email' | 'county' };

const nameValue = fc.oneof(
  fc.constant(null),
  fc.constantFrom('Katherine', 'Zoë', 'de la Cruz'),
  fc.string({ minLength: 1, maxLength: 10 }).filter((s) => s.trim() !== ''),
);
export const editSpec: fc.Arbitrary<EditSpec> = fc.oneof(
  fc.record({ kind: fc.constantFrom('givenName' as const, 'familyName' as const), value: nameValue }),
  fc.record({ kind: fc.constant('emails' as const), value: fc.option(fc.constantFrom('new.person@example.org', 'kj@nasa.gov')) }),
  fc.record({ kind: fc.constant('birthDate' as const), value: fc.option(day) }),
  fc.record({
    kind: fc.constant('address' as const),
    part: fc.constantFrom<keyof Address>('street1', 'street2', 'city', 'region', 'postalCode', 'country'),
    value: fc.option(fc.constantFrom('1 NASA Dr', 'Hampton', 'VA', '23681', 'US', 'GB', 'CA')),
  }),
  fc.record({
    kind: fc.constant('phones' as const),
    op: fc.constantFrom('add' as const, 'change' as const, 'remove' as const),
    at: fc.nat(),
    number: usNumber,
    mobile: fc.boolean(),
  }),
  fc.record({ kind: fc.constant('refused' as const), what: fc.constantFrom('second email' as const, 'county' as const) }),
);

function patchOf(spec: EditSpec, local: CanonicalContact): { patch: Partial<CanonicalContact>; refusal?: RegExp } {
  switch (spec.kind) {
    case 'givenName':
    case 'familyName':
      return { patch: { [spec.kind]: spec.value } };
    case 'emails':
      return { patch: { emails: spec.value ? [{ address: spec.value, primary: true }] : [] } };
    case 'birthDate':
      return { patch: { birthDate: spec.value } };
    case 'address':
      return { patch: { address: { ...(local.address ?? {}), [spec.part]: spec.value } } };
    case 'refused':
      return spec.what === 'county'
        ? { patch: { address: { ...(local.address ?? {}), county: 'Kings' } }, refusal: /county/ }
        : { patch: { emails: [{ address: 'one@example.org' }, { address: 'two@example.org' }] }, refusal: /at most one email/ };
    case 'phones': {
      const list = local.phones ?? [];
      const e164 = `+1${spec.number}`;
      if (spec.op === 'add' || !list.length) {
        // Typed as a mobile, sometimes: that is no consent to be called on it.
        const next = [...list, { e164, raw: spec.number, ...(spec.mobile ? { mobile: true } : {}) }];
        return list.length >= 10 ? { patch: { phones: next }, refusal: /at most 10 phone numbers/ } : { patch: { phones: next } };
      }
      const i = spec.at % list.length;
      if (spec.op === 'remove') return { patch: { phones: list.filter((_, j) => j !== i) } };
      return { patch: { phones: list.map((p, j) => (j === i ? { ...p, e164, raw: spec.number } : p)) } };
    }
  }
}

// ---- another user --------------------------------------------------------------------------------

/**
 * What "another LiveVox user" saves between Concord's pull and its push: a name, the email, a
 * number (changed in its slot, or a new one), a number's phoneBlock or consent, the contact's
 * accountBlock, the address, or a field Concord does not map (balance, a custom field, the
 * guarantor). LiveVox is last-writer-wins and Concord PUTs the whole contact, so only its
 * re-read before writing stands between their change and its loss.
 */
const OTHER_KINDS = [
  'firstName',
  'lastName',
  'email',
  'phoneNumber',
  'newPhone',
  'phoneBlock',
  'consent',
  'accountBlock',
  'address',
  'unmapped',
] as const;
type OtherKind = (typeof OTHER_KINDS)[number];
type Other = { kind: OtherKind; pick: number; variant: number } | null;
/** The canonical field their change lands in (null: none Concord maps), to know when the person's edit overlaps it. */
const OTHER_FIELD: Record<OtherKind, string | null> = {
  firstName: 'givenName',
  lastName: 'familyName',
  email: 'emails',
  phoneNumber: 'phones',
  newPhone: 'phones',
  phoneBlock: 'phones',
  consent: 'phones',
  accountBlock: 'doNotContact',
  address: 'address',
  unmapped: null,
};
const otherOf = (kinds: readonly OtherKind[]) =>
  fc.record({ kind: fc.constantFrom(...kinds), pick: fc.nat(), variant: fc.nat({ max: 2 }) });
/** Their change, for an edit of `field`: any kind, or (as often) one landing in the same field, where the merge is tested. */
const genOther = (field: string): fc.Arbitrary<Other> => {
  const same = OTHER_KINDS.filter((k) => OTHER_FIELD[k] === field);
  return fc.option(same.length ? fc.oneof(otherOf(OTHER_KINDS), otherOf(same)) : otherOf(OTHER_KINDS), { freq: 3 });
};

interface OtherCheck {
  /** Null while their change is at LiveVox as they left it; else what was lost. */
  survives(): string | null;
  /** A block they set that Concord's write took off (never allowed, conflict or not). */
  lifted(): string | null;
}

/** Apply the other user's save to `account` in the simulator's store; null when there is nothing to change. */
function applyOther(sb: LiveVoxSandbox, account: string, o: NonNullable<Other>): OtherCheck | null {
  const s = sb.store;
  const c = s.contacts.get(account)!;
  s.clock.advance(2000); // their save is later than Concord's read
  const now = () => s.contacts.get(account)!;
  const same = (a: unknown, b: unknown) => isDeepStrictEqual(a, b);
  const real = (x: Json) => (Array.isArray(x.phone) ? (x.phone as Json[]) : []).filter(hasNumber);
  // A save through LiveVox (store.touch stamps modifyDate, served as modifiedDate on a read).
  const save = (body: Json, kept: (x: Json) => string | null, lifted: (x: Json) => string | null = () => null): OtherCheck => {
    s.touch(account, body);
    return { survives: () => kept(now()), lifted: () => lifted(now()) };
  };
  const keys = (want: Json, at: (x: Json) => Json) => (x: Json) => {
    const lost = Object.entries(want).filter(([k, v]) => !same(at(x)[k], v));
    return lost.length
      ? `their ${JSON.stringify(want)} is now ${JSON.stringify(Object.fromEntries(lost.map(([k]) => [k, at(x)[k]])))}`
      : null;
  };
  const personSave = (p: Json) => {
    const was = (c.person ?? {}) as Json;
    // No change of theirs (blank and null are one to a person).
    const blank = (v: unknown) => v == null || (typeof v === 'string' && v.trim() === '');
    if (Object.entries(p).every(([k, v]) => same(was[k], v) || (blank(was[k]) && blank(v)))) return null;
    return save(
      { person: p },
      keys(p, (x) => (x.person ?? {}) as Json),
    );
  };
  // One number's entry, by ordinal, with `patch` laid over it: the whole entry as they left it must stay.
  const phoneSave = (patch: (p: Json) => Json | null, blockLifted?: (p: Json) => boolean) => {
    const phones = real(c);
    if (!phones.length) return null;
    const target = phones[o.pick % phones.length]!;
    const next = patch(target);
    if (!next || same(next, target)) return null;
    const list = (c.phone as Json[]).map((p) => (p === target ? next : p));
    const at = (x: Json) => real(x).find((p) => Number(p.ordinal) === Number(next.ordinal));
    return save(
      { phone: structuredClone(list) },
      (x) => (same(at(x), next) ? null : `their phone entry ${JSON.stringify(next)} is now ${JSON.stringify(at(x) ?? 'gone')}`),
      // The number, wherever it is now, is not held unblocked.
      (x) =>
        blockLifted && real(x).some((p) => p.phone === next.phone && blockLifted(p))
          ? `their ${String(next.phoneBlock)} on ${String(next.phone)} was lifted: ${JSON.stringify(x.phone)}`
          : null,
    );
  };
  const fresh = ['5715550123', '2025550199', '3125550147'][o.variant]!;
  switch (o.kind) {
    case 'firstName':
      return personSave({ firstName: ['Set Elsewhere', null, ''][o.variant] });
    case 'lastName':
      return personSave({ lastName: ['Elsewhere', null, 'Ng'][o.variant] });
    case 'email': {
      const gone = (c.person as Json | undefined)?.email;
      if (o.variant !== 1 || typeof gone !== 'string' || !gone.trim())
        return personSave({ email: ['other@example.com', null, 'kj@nasa.gov'][o.variant] });
      // They removed the email: it stays removed (the field is free again for the person's).
      return save({ person: { email: null } }, (x) =>
        ((x.person ?? {}) as Json).email === gone ? `their removal of ${gone} was undone` : null,
      );
    }
    case 'phoneNumber':
      return phoneSave((p) => (real(c).some((x) => x.phone === fresh) ? null : { ...p, phone: fresh }));
    case 'phoneBlock':
      return phoneSave(
        (p) => (isLiveVoxBlock(p.phoneBlock) ? null : { ...p, phoneBlock: ['PERMANENT', 'DAILY', 'BOTH'][o.variant] }),
        (p) => !isLiveVoxBlock(p.phoneBlock),
      );
    case 'consent':
      return phoneSave((p) => ({ ...p, [o.pick % 2 ? 'smsConsent' : 'cellConsent']: o.variant !== 1 }));
    case 'newPhone': {
      const used = new Set(real(c).map((p) => Number(p.ordinal)));
      const free = Array.from({ length: 10 }, (_, i) => i + 1).filter((n) => !used.has(n));
      if (!free.length || real(c).some((x) => x.phone === fresh)) return null;
      const entry: Json = { phone: fresh, ordinal: free[o.pick % free.length]!, phoneBlock: 'NONE' };
      // A padded, number-less slot at that ordinal is the one they filled.
      const list = [...(Array.isArray(c.phone) ? (c.phone as Json[]) : []).filter((p) => Number(p.ordinal) !== entry.ordinal), entry];
      return save({ phone: structuredClone(list) }, (x) =>
        real(x).some((p) => same(p, entry)) ? null : `their new phone ${JSON.stringify(entry)} is now ${JSON.stringify(x.phone)}`,
      );
    }
    case 'accountBlock': {
      if (isLiveVoxBlock(c.accountBlock)) return null;
      const block = ['PERMANENT', 'DAILY', 'BOTH'][o.variant]!;
      return save(
        { accountBlock: block },
        keys({ accountBlock: block }, (x) => x),
        (x) => (isLiveVoxBlock(x.accountBlock) ? null : `their accountBlock ${block} was lifted: ${String(x.accountBlock)}`),
      );
    }
    case 'address': {
      if (o.variant === 2) return personSave({ zipCode: '99501' });
      const body = o.variant === 0 ? { city: 'Elsewhere' } : { address1: '9 Other Rd', state: 'WA' };
      return Object.entries(body).every(([k, v]) => same(c[k], v))
        ? null
        : save(
            body,
            keys(body, (x) => x),
          );
    }
    case 'unmapped': {
      const body: Json = [
        { balance: 1234.5 },
        {
          customFields: [
            ...((c.customFields as Json[] | null) ?? []).filter((f) => f.field !== 'COL9'),
            { field: 'COL9', value: 'Set elsewhere' },
          ],
        },
        { guarantor: { firstName: 'Gus', lastName: 'Elsewhere' } },
      ][o.variant]!;
      return Object.entries(body).every(([k, v]) => same(c[k], v))
        ? null
        : save(
            body,
            keys(body, (x) => x),
          );
    }
  }
  return null;
}

// ---- the comparison ----------------------------------------------------------------------------

const BOOKKEEPING = ['modifyDate'];
const hasNumber = (p: Json): boolean => typeof p?.phone === 'string' && p.phone.trim() !== '';
const e164Of = (p: Json): string =>
  `+1${String(p.phone)
    .replace(/\D/g, '')
    .replace(/^1(\d{10})$/, '$1')}`;

/** The raw record with what an edit of `field` may change taken out (and the bookkeeping). */
function outside(raw: Json, field: string, changedParts: string[]): Json {
  const r: Json = structuredClone(raw);
  for (const k of BOOKKEEPING) delete r[k];
  const person = { ...((r.person as Json) ?? {}) };
  if (field === 'givenName') delete person.firstName;
  if (field === 'familyName') delete person.lastName;
  if (field === 'emails') delete person.email;
  if (field === 'birthDate') delete person.dateOfBirth;
  if (field === 'address') {
    const key: Record<string, string> = { street1: 'address1', street2: 'address2', city: 'city', region: 'state', country: 'country' };
    for (const p of changedParts)
      if (p === 'postalCode') delete person.zipCode;
      else if (key[p]) delete r[key[p]];
  }
  // A person block the edit had to create holds only the edited field.
  if (Object.keys(person).length) r.person = person;
  else delete r.person;
  return r;
}

/** Every consent flag a number holds after the write, it held before (same number, same value). */
function noConsentInvented(before: Json, after: Json): void {
  const had = new Map((Array.isArray(before.phone) ? (before.phone as Json[]) : []).filter(hasNumber).map((p) => [e164Of(p), p]));
  for (const p of (Array.isArray(after.phone) ? (after.phone as Json[]) : []).filter(hasNumber)) {
    for (const k of ['cellConsent', 'smsConsent']) {
      if (p[k] !== undefined && had.get(e164Of(p))?.[k] !== p[k])
        fail(`a write set ${k} on a number that did not hold it`, { before: before.phone, after: after.phone });
    }
  }
}

async function withCore<T>(
  sb: LiveVoxSandbox,
  fn: (core: Awaited<ReturnType<typeof createCore>>, accountId: string) => Promise<T>,
): Promise<T> {
  const tmp = tempDir('concord-rt-livevox-');
  const core = await createCore({
    dataDir: tmp.dir,
    secretStore: new MemorySecretStore(),
    log: createLogger(nullSink),
    retry: FAST_RETRY,
    syncTuning: { roundDelayMs: 0 },
  });
  try {
    const acc = await core.accounts.add({ kind: 'livevox', label: 'livevox', baseUrl: sb.baseUrl, credentials: sb.credentials });
    return await fn(core, acc.id);
  } finally {
    core.close();
    tmp.cleanup();
  }
}

function expectClean(summary: { accounts: { errors: unknown[]; rejected?: number }[] }, what: string): void {
  const a = summary.accounts[0]!;
  if (a.errors.length || a.rejected) throw new Error(`${what}: sync reported ${JSON.stringify(a)}`);
}

const fail = (msg: string, detail: unknown): never => {
  throw new Error(`${msg}\n${JSON.stringify(detail, null, 1)}`);
};

export async function roundTrip(opts: { numRuns: number; seed: number }): Promise<void> {
  const sb = await startLiveVoxSandbox({ seed: opts.seed });
  let n = 0;
  try {
    // 1. One edit changes only what it maps to.
    await fc.assert(
      fc.asyncProperty(
        rawContact,
        editSpec.chain((e) => fc.tuple(fc.constant(e), genOther(e.kind))),
        async (raw, [spec, other]) => {
          const account = `RT${++n}`;
          const clockNow = sb.store.clock.now().getTime();
          sb.store.contacts.clear();
          sb.store.contacts.set(account, {
            id: 1_600_000_000_000 + n,
            ...structuredClone(raw),
            account,
            createDate: clockNow - 86_400_000,
            modifyDate: clockNow - 3_600_000,
          });
          await withCore(sb, async (core, accountId) => {
            expectClean(await core.sync.sync(), 'first pull');
            const rec = core.store.sqlite
              .prepare('SELECT id, local FROM records WHERE account_id = ? AND remote_id = ?')
              .get(accountId, account) as { id: string; local: string };
            const local = JSON.parse(rec.local) as CanonicalContact;
            const { patch, refusal } = patchOf(spec, local);
            // Another LiveVox user saves after Concord's read, before its push.
            const theirs = other ? applyOther(sb, account, other) : null;
            const before = structuredClone(sb.store.contacts.get(account)!);
            try {
              core.edits.edit(rec.id, patch);
            } catch (e) {
              if (refusal && e instanceof CoreError && e.code === 'bad_request' && refusal.test(e.message)) return; // LiveVox cannot hold it, and says so
              throw e;
            }
            if (refusal) fail(`an edit LiveVox cannot hold was taken (${spec.kind})`, patch);
            sb.store.clock.advance(1000);
            const field = Object.keys(patch)[0]!;
            const overlap = !!other && OTHER_FIELD[other.kind] === field;
            const summary = await core.sync.sync();
            let rejected: string | null = null;
            if (summary.accounts[0]!.rejected && !summary.accounts[0]!.errors.length) {
              // Their new number can leave no free ordinal for the person's, their email no room for
              // the person's (LiveVox holds one): refused, and said so; theirs stays.
              rejected =
                (
                  core.store.sqlite.prepare("SELECT last_error FROM changes WHERE record_id = ? AND state = 'rejected'").get(rec.id) as
                    { last_error: string } | undefined
                )?.last_error ?? null;
              if (!overlap || !/at most (10 phone numbers|one email address)/.test(rejected ?? ''))
                fail(`the push refused what the edit took: ${rejected}`, { spec, other });
            } else expectClean(summary, 'sync after the edit');
            const after = sb.store.contacts.get(account)!;
            // Their change is still at LiveVox as they left it, or it is a conflict for a person to
            // settle; never lost silently. A block they set is never lifted, conflict or not.
            const raised = core.edits.conflicts().some((c) => c.recordId === rec.id);
            const lifted = theirs?.lifted() ?? null;
            if (lifted) fail(`another user's block was lifted (Concord's ${field} edit): ${lifted}`, { other, spec });
            const lost = theirs?.survives() ?? null;
            if (lost && !raised) fail(`another user's change lost (Concord's ${field} edit): ${lost}`, { other, spec, before, after });
            const was = liveVoxToCanonical(before);
            const now = liveVoxToCanonical(after);
            // The edited field now holds what was typed (unless it waits for a person, was refused,
            // or the other user changed the same field: then the merge of the two is what it holds).
            const held = !raised && !rejected && !overlap;
            if (!held) {
              // checked below: nothing else moved
            } else if (field === 'phones') {
              const want = (patch.phones ?? []).map((p) => p.e164).sort();
              if (!isDeepStrictEqual((now.phones ?? []).map((p) => p.e164).sort(), want))
                fail('the phones did not land', { want, after: after.phone });
            } else if (!sameValue(field, now[field as keyof CanonicalContact], patch[field as keyof CanonicalContact])) {
              fail(`${field} did not land`, { patch, now: now[field as keyof CanonicalContact] });
            }
            if (
              held &&
              field === 'birthDate' &&
              patch.birthDate &&
              patch.birthDate !== was.birthDate &&
              (after.person as Json).dateOfBirth !== liveVoxEpochOf(patch.birthDate)
            ) {
              fail('a new birth date is not midnight New York', after.person);
            }
            noConsentInvented(before, after);
            if (before.accountBlock !== after.accountBlock)
              fail('the account block changed', { before: before.accountBlock, after: after.accountBlock });
            // Everything else is as it was, byte for byte.
            const parts =
              field === 'address'
                ? (['street1', 'street2', 'city', 'region', 'postalCode', 'country'] as const).filter(
                    (p) => (was.address?.[p] ?? null) !== (now.address?.[p] ?? null),
                  )
                : [];
            const a = outside(before, field, parts);
            const b = outside(after, field, parts);
            if (field === 'phones') {
              // Numbers still there are the same entries (ordinal, phoneBlock, consents…); untouched padded slots stay.
              const had = new Set((local.phones ?? []).map((p) => p.e164));
              const kept = new Set((patch.phones ?? []).map((p) => p.e164).filter((x) => had.has(x)));
              const stay = (list: unknown): Json[] =>
                (Array.isArray(list) ? (list as Json[]) : []).filter((p) => (hasNumber(p) ? kept.has(e164Of(p)) : true));
              const beforeStay = stay(before.phone);
              const afterStay = stay(after.phone).filter((p) => hasNumber(p) || beforeStay.some((x) => isDeepStrictEqual(x, p)));
              const keptBefore = beforeStay.filter((p) => hasNumber(p) || afterStay.some((x) => isDeepStrictEqual(x, p)));
              if (!isDeepStrictEqual(keptBefore.filter(hasNumber), afterStay.filter(hasNumber)))
                fail('a kept number changed its entry', { before: before.phone, after: after.phone });
              const ordinals = (after.phone as Json[]).map((p) => Number(p.ordinal));
              if (new Set(ordinals).size !== ordinals.length || ordinals.some((o) => o < 1 || o > 10))
                fail('ordinals clash or leave 1–10', after.phone);
              const changedAt =
                spec.kind === 'phones' && spec.op === 'change'
                  ? (local.phones ?? [])[spec.at % Math.max(1, (local.phones ?? []).length)]
                  : undefined;
              if (held && changedAt?.label) {
                // A number changed in place keeps its slot's fields.
                const o = Number(/\d+/.exec(changedAt.label)![0]);
                const old = (before.phone as Json[]).find((p) => hasNumber(p) && Number(p.ordinal) === o)!;
                const neu = (after.phone as Json[]).find((p) => hasNumber(p) && Number(p.ordinal) === o);
                // …but not the old number's consents: they were not given for the new one.
                const { cellConsent: _c, smsConsent: _s, ...slot } = old;
                if (!isDeepStrictEqual({ ...slot, phone: neu?.phone }, neu))
                  fail("a changed number lost its slot fields, or kept the old number's consents", { old, neu });
              }
              delete a.phone;
              delete b.phone;
            }
            if (!isDeepStrictEqual(a, b)) fail(`an edit of ${field} changed other vendor fields`, { spec, before, after });
          });
        },
      ),
      { numRuns: opts.numRuns, seed: opts.seed },
    );

    // 2. Pull, then sync with nothing edited: no write at all, the record untouched.
    await fc.assert(
      fc.asyncProperty(fc.array(rawContact, { minLength: 1, maxLength: 3 }), async (raws) => {
        sb.store.contacts.clear();
        const clockNow = sb.store.clock.now().getTime();
        raws.forEach((raw, i) =>
          sb.store.contacts.set(`NE${++n}-${i}`, {
            id: 1_700_000_000_000 + n * 10 + i,
            ...structuredClone(raw),
            account: `NE${n}-${i}`,
            createDate: clockNow - 7_200_000,
            modifyDate: clockNow - 3_600_000,
          }),
        );
        const snapshot = structuredClone([...sb.store.contacts.entries()]);
        await withCore(sb, async (core) => {
          expectClean(await core.sync.sync(), 'first pull');
          const mark = sb.server.requestLog.length;
          sb.store.clock.advance(60_000);
          expectClean(await core.sync.sync(), 'second sync');
          const log = { requestLog: sb.server.requestLog.slice(mark) } as Parameters<typeof writes>[0];
          const w = writes(log);
          if (w.length) fail('a sync with no edit wrote', w);
          if (!isDeepStrictEqual([...sb.store.contacts.entries()], snapshot)) fail('a sync with no edit changed the vendor record', null);
        });
      }),
      { numRuns: Math.max(5, Math.ceil(opts.numRuns / 5)), seed: opts.seed + 1 },
    );
  } finally {
    await sb.server.close();
  }
}
