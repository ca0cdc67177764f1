// Round-trip property for MPDX: generated raw MPDX data (several people on a contact, historic
// and source-locked phones and emails, `;ext` suffixes, historic/seasonal/deleted addresses,
// attributes Concord does not know) is put straight into the simulator's store, pulled into a
// real core, edited in ONE canonical field through the real edit path, and synced. The raw
// store may then differ only in the vendor attributes that field maps to; `updated_at` (the
// store's updatedAt, served also as updated_in_db_at) is MPDX's own bookkeeping and ignored.
// A second property: pull → sync with no edit writes nothing.
import fc from 'fast-check';
import { createCore, type Core } from '../../../src/main/core';
import { createLogger, nullSink } from '../../../src/main/core/log';
import { startMpdxSandbox, type MpdxSandbox } from '../../../src/main/core/sandbox/mpdx';
import type { Attrs, MpdxType, Row } from '../../../src/main/core/sandbox/mpdx/store';
import { MemorySecretStore } from '../../../src/main/core/secrets/memory-store';
import { mpdxToCanonical, type JsonApiResource, type MpdxBundle } from '../../../src/main/core/vendors/mpdx/mapping';
import { serialize } from '../../../src/main/core/sandbox/mpdx';
import type { CanonicalContact, EmailEntry, PhoneEntry } from '../../../src/shared/domain';
import { writes } from '../sync';
import { tempDir } from '../tmp';
import { FAST_RETRY } from '../fast-retry';

/** Sources whose number/email/location/address fields MPDX lets a client change (docs/vendors/mpdx.md). */
export const EDITABLE_SOURCES = ['MPDX', 'TntImport', 'manual'];
const SOURCES = [...EDITABLE_SOURCES, 'DataServer', 'GoogleImport', 'Siebel'];

// ---- generated raw data ------------------------------------------------------------------

const unknownAttrs = fc.dictionary(
  fc.constantFrom('x_legacy_id', 'remote_id', 'custom_ref', 'import_batch', 'flags'),
  fc.oneof(fc.string({ maxLength: 6 }), fc.integer(), fc.constant(null), fc.boolean(), fc.record({ a: fc.integer() })),
  { maxKeys: 2 },
);
const usNumber = fc.integer({ min: 0, max: 9999 }).map((n) => `+1503555${String(n).padStart(4, '0')}`);
const ukNumber = fc.integer({ min: 0, max: 9999 }).map((n) => `+44207946${String(n).padStart(4, '0')}`);
const phoneNumber = fc
  .tuple(fc.oneof(usNumber, usNumber, ukNumber), fc.option(fc.integer({ min: 1, max: 9999 }), { freq: 3 }))
  .map(([n, ext]) => (ext === null ? n : `${n};ext=${ext}`));

interface GenChild {
  attrs: Attrs;
}
const genPhone = fc
  .record({
    number: phoneNumber,
    country_code: fc.constantFrom(1, 44),
    location: fc.constantFrom('mobile', 'home', 'work', 'office', 'other', null),
    historic: fc.boolean(),
    source: fc.constantFrom(...SOURCES),
    valid_values: fc.boolean(),
    extra: unknownAttrs,
  })
  .map(({ extra, ...a }): GenChild => ({ attrs: { ...extra, ...a, primary: false } }));
const genEmail = fc
  .record({
    user: fc.constantFrom('ann', 'bo', 'cy', 'di', 'ed', 'flo'),
    n: fc.integer({ min: 0, max: 99 }),
    location: fc.constantFrom('home', 'work', 'other', null),
    historic: fc.boolean(),
    source: fc.constantFrom(...SOURCES),
    valid_values: fc.boolean(),
    extra: unknownAttrs,
  })
  .map(({ user, n, extra, ...a }): GenChild => ({ attrs: { ...extra, email: `${user}${n}@example.org`, ...a, primary: false } }));
const genAddress = fc
  .record({
    street: fc.option(fc.constantFrom('1 Main St', '22 Oak Ave', 'PO Box 9'), { nil: null }),
    city: fc.option(fc.constantFrom('Portland', 'Leeds', 'Orlando'), { nil: null }),
    state: fc.option(fc.constantFrom('OR', 'FL', 'WYK'), { nil: null }),
    postal_code: fc.option(fc.constantFrom('97201', '32801', 'LS1 1AA'), { nil: null }),
    country: fc.option(fc.constantFrom('United States', 'United Kingdom', 'Canada'), { nil: null }),
    location: fc.constantFrom('Home', 'Business', 'Mailing', 'Seasonal', 'Other', 'Temporary', 'Rep Address'),
    primary_mailing_address: fc.boolean(),
    historic: fc.boolean(),
    seasonal: fc.boolean(),
    source: fc.constantFrom(...SOURCES),
    start_date: fc.constantFrom(null, '2020-11-01'),
    end_date: fc.constantFrom(null, '2021-03-31'),
    deleted: fc.boolean(),
    extra: unknownAttrs,
  })
  .map(({ extra, deleted, ...a }) => ({
    deleted,
    attrs: { ...extra, ...a, region: null, metro_area: null, geo: null, remote_id: null, valid_values: true },
  }));

/** One primary at most among a person's phones (or emails), as the document wants. */
const withPrimary = (list: GenChild[], at: number | null): GenChild[] => list.map((c, i) => ({ attrs: { ...c.attrs, primary: i === at } }));
const children = <T extends GenChild>(g: fc.Arbitrary<T>, key: (c: T) => string) =>
  fc
    .uniqueArray(g, { maxLength: 4, selector: key })
    .chain((list) => fc.tuple(fc.constant(list), fc.option(fc.nat({ max: Math.max(0, list.length - 1) }), { nil: null })))
    .map(([list, at]) => withPrimary(list, list.length ? at : null));
// Unique by number without the extension, so two live entries never share the digits Concord matches on.
const genPerson = fc.record({
  first_name: fc.constantFrom('Ann', 'Bo', 'Cyrus', 'Dee'),
  last_name: fc.option(fc.constantFrom('Ng', 'Okafor', 'Smith'), { nil: null }),
  employer: fc.option(fc.constantFrom('Acme', 'Grace Church'), { nil: null }),
  occupation: fc.option(fc.constantFrom('Nurse', 'Pilot'), { nil: null }),
  birthday: fc.option(fc.tuple(fc.integer({ min: 1930, max: 2005 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 28 })), {
    nil: null,
  }),
  extra: unknownAttrs,
  phones: children(genPhone, (c) => String(c.attrs.number).split(';')[0]!),
  emails: children(genEmail, (c) => String(c.attrs.email)),
});
const genWorld = fc.record({
  contact: fc.record({
    name: fc.constantFrom('Ng, Ann', 'Okafor Family', 'Smith, Bo and Dee'),
    status: fc.constantFrom('Partner - Financial', 'Ask in Future', null),
    notes: fc.option(fc.constantFrom('Met at camp', 'Prefers email'), { nil: null }),
    tag_list: fc.uniqueArray(fc.constantFrom('donor', 'board', 'prayer'), { maxLength: 2 }),
    timezone: fc.option(fc.constantFrom('America/Chicago', 'Europe/London'), { nil: null }),
    church_name: fc.option(fc.constant('Grace'), { nil: null }),
    pledge_amount: fc.option(fc.constant('50.0'), { nil: null }),
    extra: unknownAttrs,
  }),
  people: fc.array(genPerson, { minLength: 1, maxLength: 3 }),
  addresses: fc.array(genAddress, { maxLength: 3 }),
});
type World = typeof genWorld extends fc.Arbitrary<infer T> ? T : never;

function plant(sb: MpdxSandbox, w: World): { cid: string; pids: string[] } {
  const s = sb.store;
  const { extra, ...c } = w.contact;
  const contact = s.insert('contacts', {
    ...extra,
    ...c,
    likely_to_give: null,
    send_newsletter: null,
    greeting: null,
    pledge_currency: 'USD',
    no_appeals: false,
    deceased: false,
  });
  const pids: string[] = [];
  for (const p of w.people) {
    const [y, m, d] = p.birthday ?? [null, null, null];
    const person = s.insert(
      'people',
      {
        ...p.extra,
        first_name: p.first_name,
        middle_name: null,
        last_name: p.last_name,
        employer: p.employer,
        occupation: p.occupation,
        birthday_year: y,
        birthday_month: m,
        birthday_day: d,
        deceased: false,
        optout_enewsletter: false,
      },
      { contactId: contact.id },
    );
    pids.push(person.id);
    for (const ph of p.phones) s.insert('phone_numbers', ph.attrs, { personId: person.id, contactId: contact.id });
    for (const e of p.emails) s.insert('email_addresses', e.attrs, { personId: person.id, contactId: contact.id });
  }
  for (const a of w.addresses) {
    const row = s.insert('addresses', a.attrs, { contactId: contact.id });
    if (a.deleted) row.deleted = true;
  }
  // A second contact nobody edits: it must stay exactly as it was.
  const other = s.insert('contacts', { name: 'Bystander', notes: 'untouched', tag_list: ['x'] });
  const op = s.insert('people', { first_name: 'Bystander' }, { contactId: other.id });
  s.insert(
    'phone_numbers',
    { number: '+15035559999', location: 'home', primary: true, historic: false, source: 'MPDX' },
    { personId: op.id, contactId: other.id },
  );
  s.clock.advance(5000);
  return { cid: contact.id, pids };
}

// ---- snapshots and diffs -----------------------------------------------------------------

type Snap = Map<
  string,
  { type: MpdxType; attrs: string; created: number; contactId?: string; personId?: string; deleted: boolean; a: Attrs }
>;
function snapshot(sb: MpdxSandbox): Snap {
  return new Map(
    [...sb.store.rows.values()].map((r) => [
      r.id,
      {
        type: r.type,
        attrs: JSON.stringify(r.attrs),
        a: structuredClone(r.attrs),
        created: r.createdAt,
        contactId: r.contactId,
        personId: r.personId,
        deleted: !!r.deleted,
      },
    ]),
  );
}
const changedKeys = (a: Attrs, b: Attrs): string[] =>
  [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k]));

function bundleOf(sb: MpdxSandbox, cid: string, pid: string): MpdxBundle {
  const s = sb.store;
  const ser = (r: Row): JsonApiResource => {
    const x = serialize(s, r) as unknown as JsonApiResource;
    return r.deleted ? { ...x, attributes: { ...x.attributes, deleted: true } } : x;
  };
  return {
    contact: ser(s.get('contacts', cid)!),
    person: ser(s.get('people', pid)!),
    phones: s.list('phone_numbers', (r) => r.personId === pid).map(ser),
    emails: s.list('email_addresses', (r) => r.personId === pid).map(ser),
    addresses: [...s.rows.values()].filter((r) => r.type === 'addresses' && r.contactId === cid).map(ser),
  };
}

// ---- edits -------------------------------------------------------------------------------

type Edit = { field: keyof CanonicalContact; value: unknown };
const newPhone = fc
  .tuple(usNumber, fc.constantFrom('home', 'work', 'office', undefined))
  .map(([n, label]): PhoneEntry => ({ e164: n, raw: n, ...(label ? { label } : {}) }));
const newEmail = fc
  .tuple(fc.constantFrom('new', 'zed', 'yan'), fc.integer({ min: 0, max: 99 }), fc.constantFrom('home', 'work', undefined))
  .map(([u, n, label]): EmailEntry => ({ address: `${u}${n}@example.net`, ...(label ? { label } : {}) }));

/** One edit of a list: add, remove, replace one entry's value, relabel one, or move the primary. */
function listEdit<T extends PhoneEntry | EmailEntry>(list: T[], fresh: fc.Arbitrary<T>): fc.Arbitrary<T[]> {
  const ops: fc.Arbitrary<T[]>[] = [fresh.map((x) => [...list, x])];
  if (list.length) {
    const i = fc.nat({ max: list.length - 1 });
    ops.push(i.map((k) => list.filter((_, j) => j !== k)));
    ops.push(
      fc
        .tuple(i, fresh)
        .map(([k, x]) =>
          list.map((y, j) =>
            j === k
              ? { ...y, ...('address' in x ? { address: x.address } : { e164: (x as PhoneEntry).e164, raw: (x as PhoneEntry).raw }) }
              : y,
          ),
        ),
    );
    ops.push(
      fc.tuple(i, fc.constantFrom('home', 'work', 'office')).map(([k, label]) => list.map((y, j) => (j === k ? { ...y, label } : y))),
    );
  }
  if (list.length >= 2) ops.push(fc.nat({ max: list.length - 1 }).map((k) => list.map((y, j) => ({ ...y, primary: j === k }))));
  return fc.oneof(...ops);
}

function editFor(local: CanonicalContact): fc.Arbitrary<Edit> {
  const e = <K extends keyof CanonicalContact>(field: K, v: fc.Arbitrary<CanonicalContact[K]>) =>
    v.map((value): Edit => ({ field, value }));
  return fc.oneof(
    e('givenName', fc.constantFrom('Zoe', 'Yusuf', 'Xia')),
    e('familyName', fc.constantFrom('Quill', 'Ruiz', null)),
    e('company', fc.constantFrom('Initech', null)),
    e('role', fc.constantFrom('Teacher', null)),
    e('birthDate', fc.constantFrom('1970-01-31', '1999-12-01', null)),
    e('notes', fc.constantFrom('Call in spring', null)),
    e('tags', fc.constantFrom(['vip'], [], ['donor', 'vip'])),
    e('timeZone', fc.constantFrom('America/Denver', null)),
    e(
      'address',
      fc.constantFrom(
        { street1: '9 Elm St', city: 'Salem', region: 'OR', postalCode: '97301', country: 'US' },
        { city: 'York', country: 'GB' },
        null,
      ),
    ),
    e('phones', listEdit(local.phones ?? [], newPhone)),
    e('emails', listEdit(local.emails ?? [], newEmail)),
  );
}

// ---- another user ------------------------------------------------------------------------

/**
 * What "another MPDX user" does between Concord's pull and its push: renumber, relabel, retire
 * or hard-delete one of the person's phones or emails, add a phone, move the address, or edit
 * the person or the contact. Their change must survive Concord's push, or become a conflict.
 */
const OTHER_KINDS = ['phone', 'email', 'address', 'person', 'contact', 'newPhone', 'dropPhone', 'dropEmail'] as const;
type Other = { kind: (typeof OTHER_KINDS)[number]; pick: number; variant: number } | null;
const genOther: fc.Arbitrary<Other> = fc.option(
  fc.record({ kind: fc.constantFrom(...OTHER_KINDS), pick: fc.nat(), variant: fc.nat({ max: 2 }) }),
  { freq: 3 },
);
/** The canonical field the other user's change lands in (to know when the person's edit overlaps it). */
const OTHER_FIELD: Record<(typeof OTHER_KINDS)[number], keyof CanonicalContact> = {
  phone: 'phones',
  email: 'emails',
  address: 'address',
  person: 'role',
  contact: 'notes',
  newPhone: 'phones',
  dropPhone: 'phones',
  dropEmail: 'emails',
};

/** Apply the other user's change; returns a check that it is still there (null: it is). */
function applyOther(sb: MpdxSandbox, cid: string, pid: string, o: NonNullable<Other>): (() => string | null) | null {
  const s = sb.store;
  s.clock.advance(2000); // their save moves the tokens (whole seconds)
  // Their row stays as they left it: the attributes they set, and retired or not as it was.
  const keep = (row: Row, attrs: Attrs) => {
    s.update(row, attrs);
    const want = { historic: row.attrs.historic, ...attrs };
    return () =>
      s.get(row.type, row.id) &&
      Object.entries(want).every(([k, v]) => JSON.stringify(s.get(row.type, row.id)!.attrs[k]) === JSON.stringify(v))
        ? null
        : `their ${row.type} change ${JSON.stringify(attrs)} was lost: ${JSON.stringify(s.get(row.type, row.id)?.attrs ?? 'row gone')}`;
  };
  const liveWith = (type: MpdxType, attr: string, v: unknown) =>
    s.list(type, (r) => r.personId === pid && r.attrs.historic !== true && String(r.attrs[attr]) === String(v));
  if (o.kind === 'phone' || o.kind === 'email') {
    const type = o.kind === 'phone' ? 'phone_numbers' : 'email_addresses';
    const rows = s.list(type, (r) => r.personId === pid);
    if (!rows.length) return null;
    const row = rows[o.pick % rows.length]!;
    const locked = isLocked(row.attrs);
    if (o.variant === 2 || locked)
      return keep(row, { historic: row.attrs.historic !== true, ...(row.attrs.historic !== true ? { primary: false } : {}) });
    if (o.variant === 1) return keep(row, { location: 'other' });
    return keep(row, o.kind === 'phone' ? { number: `+1503555${8000 + (o.pick % 1000)}` } : { email: `other${o.pick % 100}@example.com` });
  }
  if (o.kind === 'address') {
    const rows = s.list('addresses', (r) => r.contactId === cid && !r.deleted && !isLocked(r.attrs));
    return rows.length ? keep(rows[o.pick % rows.length]!, { city: 'Elsewhere' }) : null;
  }
  if (o.kind === 'person') return keep(s.get('people', pid)!, { occupation: 'Changed elsewhere' });
  if (o.kind === 'contact') return keep(s.get('contacts', cid)!, { notes: 'Changed elsewhere' });
  if (o.kind === 'newPhone') {
    s.insert(
      'phone_numbers',
      { number: '+15035558888', location: 'work', primary: false, historic: false, source: 'MPDX' },
      { personId: pid, contactId: cid },
    );
    return () =>
      liveWith('phone_numbers', 'number', '+15035558888').length === 1 ? null : 'their new phone +15035558888 was lost or copied';
  }
  // MPDX hard-deletes phones and emails: a removal another user made must stay a removal.
  const type = o.kind === 'dropPhone' ? 'phone_numbers' : 'email_addresses';
  const attr = type === 'phone_numbers' ? 'number' : 'email';
  const rows = s.list(type, (r) => r.personId === pid && r.attrs.historic !== true);
  if (!rows.length) return null;
  const row = rows[o.pick % rows.length]!;
  const value = row.attrs[attr];
  s.remove(row);
  return () => (liveWith(type, attr, value).length ? `their removal of ${String(value)} was undone` : null);
}

// ---- the property -------------------------------------------------------------------------

interface Rig {
  sb: MpdxSandbox;
  core: Core;
  cleanup: () => Promise<void>;
}
async function rig(w: World): Promise<Rig & { cid: string; pids: string[]; accountId: string }> {
  const sb = await startMpdxSandbox({ seed: 5 });
  const planted = plant(sb, w);
  const tmp = tempDir();
  const core = await createCore({
    dataDir: tmp.dir,
    secretStore: new MemorySecretStore(),
    log: createLogger(nullSink),
    retry: FAST_RETRY,
    syncTuning: { roundDelayMs: 0 },
  });
  const acc = await core.accounts.add({
    kind: 'mpdx',
    label: 'mpdx',
    baseUrl: sb.baseUrl,
    credentials: sb.credentials as Record<string, unknown>,
  });
  return {
    sb,
    core,
    ...planted,
    accountId: acc.id,
    cleanup: async () => {
      core.close();
      tmp.cleanup();
      await sb.server.close();
    },
  };
}

const LOCKED_ATTRS: Record<string, string[]> = {
  phone_numbers: ['number', 'location'],
  email_addresses: ['email', 'location'],
  addresses: ['street', 'city', 'state', 'postal_code', 'country', 'location'],
};
const isLocked = (a: Attrs): boolean => !EDITABLE_SOURCES.includes(String(a.source ?? 'MPDX'));

/** What each canonical field may change: which rows, which attributes. */
function checkDiff(before: Snap, after: Snap, edit: Edit, cid: string, pid: string, refused: string | null): void {
  const fail = (msg: string): never => {
    throw new Error(`${edit.field} edit: ${msg}`);
  };
  // The one address Concord shows (mapping's primaryAddress): the only one an address edit may touch.
  const live = [...before].filter(([, r]) => r.type === 'addresses' && r.contactId === cid && !r.deleted && r.a.historic !== true);
  const shownAddress = (live.find(([, r]) => r.a.primary_mailing_address === true) ?? live[0])?.[0];
  const childType = edit.field === 'phones' ? 'phone_numbers' : edit.field === 'emails' ? 'email_addresses' : null;
  for (const [id, b] of before) {
    const a = after.get(id)!;
    const mine = childType && b.type === childType && b.personId === pid;
    // Nothing is ever destroyed: a number the person stopped using is retired (historic).
    if (!after.has(id)) fail(`${b.type} ${id} (${b.attrs}) was deleted`);
    if (a.created !== b.created || a.contactId !== b.contactId || a.personId !== b.personId) fail(`${b.type} ${id} moved`);
    const keys = changedKeys(b.a, a.a);
    if (a.deleted !== b.deleted) keys.push('(deleted)');
    if (!keys.length) continue;
    if (refused) fail(`refused ("${refused}") yet ${b.type} ${id} changed ${keys.join(',')}`);
    let allowed: string[] = [];
    if (b.type === 'people' && id === pid)
      allowed =
        (
          {
            givenName: ['first_name'],
            familyName: ['last_name'],
            company: ['employer'],
            role: ['occupation'],
            birthDate: ['birthday_year', 'birthday_month', 'birthday_day'],
          } as Record<string, string[]>
        )[edit.field] ?? [];
    if (b.type === 'contacts' && id === cid)
      allowed = ({ notes: ['notes'], tags: ['tag_list'], timeZone: ['timezone'] } as Record<string, string[]>)[edit.field] ?? [];
    if (b.type === 'addresses' && id === shownAddress && edit.field === 'address')
      allowed = edit.value === null ? ['historic', 'primary_mailing_address'] : ['street', 'city', 'state', 'postal_code', 'country'];
    // MPDX keeps one primary per person: saving a primary clears it on the siblings (update_column).
    // A row keeps its value for good: a new value is a new row, an old one is retired or revived.
    if (mine) allowed = ['location', 'primary', 'historic'];
    const bad = keys.filter((k) => !allowed.includes(k));
    if (bad.length)
      fail(
        `${b.type} ${id} changed ${bad.join(',')} (before ${JSON.stringify(pickKeys(b.a, bad))}, after ${JSON.stringify(pickKeys(a.a, bad))})`,
      );
    if (mine && a.a.historic === true && a.a.primary === true) fail(`historic ${b.type} ${id} is primary`);
    if (isLocked(b.a) && keys.some((k) => (LOCKED_ATTRS[b.type] ?? []).includes(k)))
      fail(`source-locked ${b.type} ${id} (${String(b.a.source)}) changed ${keys.join(',')}`);
  }
  for (const [id, a] of after) {
    if (before.has(id)) continue;
    const ok =
      !refused &&
      ((childType && a.type === childType && a.personId === pid) ||
        (edit.field === 'address' && a.type === 'addresses' && a.contactId === cid));
    if (!ok) fail(`a new ${a.type} ${id} appeared (${a.attrs})`);
  }
}
const pickKeys = (a: Attrs, keys: string[]): Attrs => Object.fromEntries(keys.map((k) => [k, a[k]]));

/** The edited value is what the vendor now holds (for the parts MPDX keeps). */
function checkHeld(sb: MpdxSandbox, edit: Edit, cid: string, pid: string): void {
  const now = mpdxToCanonical(bundleOf(sb, cid, pid));
  const fail = (msg: string): never => {
    throw new Error(`${edit.field} edit not held: ${msg}`);
  };
  const v = edit.value;
  if (edit.field === 'phones' || edit.field === 'emails') {
    const key = (x: PhoneEntry | EmailEntry): string => ('address' in x ? x.address.toLowerCase() : (x.e164 ?? x.raw));
    const want = v as (PhoneEntry | EmailEntry)[];
    const got = (now[edit.field] ?? []) as (PhoneEntry | EmailEntry)[];
    if (JSON.stringify(got.map(key).sort()) !== JSON.stringify(want.map(key).sort()))
      fail(`vendor holds ${JSON.stringify(got.map(key))}, wanted ${JSON.stringify(want.map(key))}`);
    for (const w of want) if (w.label && got.find((g) => key(g) === key(w))?.label !== w.label) fail(`label of ${key(w)}`);
    // An entry marked primary is the vendor's primary (unmarked lists may keep theirs as read).
    const wp = want.find((x) => x.primary);
    if (wp && !got.find((g) => key(g) === key(wp))?.primary) fail(`primary should be ${key(wp)}`);
    if (got.filter((g) => g.primary).length > 1) fail('more than one primary');
    return;
  }
  const norm = (x: unknown) => (x === null || x === undefined || (Array.isArray(x) && !x.length) ? null : x);
  if (edit.field === 'address') {
    if (v === null) return; // the shown address is gone (checkDiff); another live one may show now
    const want = v as NonNullable<CanonicalContact['address']>;
    for (const k of ['street1', 'city', 'region', 'postalCode', 'country'] as const)
      if ((want[k] ?? null) !== (now.address?.[k] ?? null)) fail(`address.${k}: ${String(now.address?.[k])}`);
    return;
  }
  if (JSON.stringify(norm(now[edit.field])) !== JSON.stringify(norm(v))) fail(`holds ${JSON.stringify(now[edit.field])}`);
}

function recordIdOf(core: Core, accountId: string, remoteId: string): { id: string; local: CanonicalContact } {
  const r = core.store.sqlite.prepare('SELECT id, local FROM records WHERE account_id = ? AND remote_id = ?').get(accountId, remoteId) as
    { id: string; local: string } | undefined;
  if (!r) throw new Error(`no record for ${remoteId}`);
  return { id: r.id, local: JSON.parse(r.local) as CanonicalContact };
}

export async function roundTrip(opts: { numRuns: number; seed: number; path?: string }): Promise<void> {
  // 1. One edit changes only what it maps to.
  await fc.assert(
    fc.asyncProperty(genWorld, fc.nat(), fc.nat(), genOther, async (w, who, pick, other) => {
      const r = await rig(w);
      try {
        const first = await r.core.sync.sync();
        if (first.accounts[0]!.errors.length) throw new Error(`pull failed: ${JSON.stringify(first.accounts[0]!.errors)}`);
        const pid = r.pids[who % r.pids.length]!;
        const rec = recordIdOf(r.core, r.accountId, `${r.cid}/${pid}`);
        // The edit is drawn from the record as Concord shows it, with fast-check's own seed.
        const edit = fc.sample(editFor(rec.local), { numRuns: 1, seed: pick })[0]!;
        // Another MPDX user saves something after Concord's read, before its push.
        const survives = other ? applyOther(r.sb, r.cid, pid, other) : null;
        const before = snapshot(r.sb);
        let refused: string | null = null;
        try {
          r.core.edits.edit(rec.id, { [edit.field]: edit.value });
        } catch (e) {
          refused = (e as Error).message;
          if (!/cannot hold/.test(refused)) throw e;
        }
        if (!refused) {
          const s = await r.core.sync.sync();
          const acc = s.accounts[0]!;
          if (acc.errors.length) throw new Error(`sync failed: ${JSON.stringify(acc.errors)}`);
          if (acc.rejected) {
            const ch = r.core.store.sqlite
              .prepare('SELECT last_error, state FROM changes WHERE record_id = ? ORDER BY id DESC LIMIT 1')
              .get(rec.id) as { last_error: string | null; state: string };
            // A refusal is fine only when MPDX truly cannot hold it: a field of a source-locked row.
            // (A refused edit of a row another user then retired is settled by the pull: cancelled.)
            refused = ch.last_error ?? (other && ch.state === 'cancelled' ? 'cancelled: the row it changed was retired meanwhile' : null);
            if (!refused || (!/source/.test(refused) && ch.state !== 'cancelled'))
              throw new Error(`${edit.field} edit rejected: ${refused}`);
          }
        }
        const after = snapshot(r.sb);
        checkDiff(before, after, edit, r.cid, pid, refused);
        // Their change survived, or it is a conflict for a person to settle; never lost silently.
        const raised = r.core.edits.conflicts().some((c) => c.recordId === rec.id);
        const lost = survives?.() ?? null;
        if (lost && !raised)
          throw new Error(`another user's change lost (${JSON.stringify(other)}, Concord's ${edit.field} edit): ${lost}`);
        if (!refused && !raised && (!other || OTHER_FIELD[other.kind] !== edit.field)) checkHeld(r.sb, edit, r.cid, pid);
      } finally {
        await r.cleanup();
      }
    }),
    { numRuns: opts.numRuns, seed: opts.seed, ...(opts.path ? { path: opts.path, endOnFailure: true } : {}) },
  );
  if (opts.path) return;
  // 2. No edit, no write.
  await fc.assert(
    fc.asyncProperty(genWorld, async (w) => {
      const r = await rig(w);
      try {
        await r.core.sync.sync();
        const n = r.sb.server.requestLog.length;
        await r.core.sync.sync();
        const sent = writes(r.sb.server).concat(r.sb.server.requestLog.slice(n).filter((x) => x.method !== 'GET'));
        if (sent.length) throw new Error(`no edit, yet ${sent.map((x) => `${x.method} ${x.path}`).join(', ')}`);
      } finally {
        await r.cleanup();
      }
    }),
    { numRuns: Math.max(1, Math.ceil(opts.numRuns / 4)), seed: opts.seed },
  );
}
