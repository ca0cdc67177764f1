// Creating an MPDX person: a saga of requests (contact, person, phones, emails, address), each
// step's id stored as soon as it is known so an interrupted attempt resumes, a marker on the
// contact so an attempt whose answer was lost can be found, and the evidence findCreated accepts.
import { createHash } from 'node:crypto';
import type { CanonicalContact } from '../../../../shared/domain';
import type { CreateOptions, CreatePreview, CreateProgress, RemoteRecord, WriteResult } from '../connector';
import { emailKey, hasStrongEvidence, strongMatch } from '../evidence';
import { VendorError } from '../errors';
import { PagingGuard } from '../limits';
import { mpdxLocation } from './children';
import { ADDRESS_KEYS, asList, asOne, NAME, write, type MpdxClient } from './client';
import {
  addressAttrs,
  contactAttrs,
  mpdxNumber,
  mpdxRemoteId,
  mpdxToCanonical,
  personAttrs,
  phoneKey,
  type JsonApiResource,
  type MpdxBundle,
} from './mapping';
import {
  bundlesOf,
  FAR_FUTURE,
  getOrNull,
  INCLUDE,
  isoSecond,
  listOrNull,
  MPDX_LOOKBACK_MS,
  pageFacts,
  readBundle,
  toRecord,
} from './reads';

/**
 * Where a create marks its contact until the contact's id is stored, so an attempt whose answer
 * was lost can be found by it. MPDX keeps no external id on contacts and documents no search
 * but filter[updated_at]; Concord maps name, notes, tags and time zone, so those are never
 * used. `church_name` is a plain text field Concord does not sync; the marker sits there only
 * between the contact POST and the next request, which clears it.
 */
const MARKER_FIELD = 'church_name';
export const markerFor = (idempotencyKey: string): string =>
  `concord:${createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 16)}`;
/** Digits of a number as MPDX stores it (E.164, `;ext=` suffix dropped; a bare 10-digit number is US). */
const mpdxDigits = (n: unknown): string => {
  const d = String(n ?? '')
    .split(';')[0]!
    .replace(/\D/g, '');
  return d.length === 10 ? `1${d}` : d;
};

async function ensureAccountList(client: MpdxClient): Promise<string> {
  const { call } = client;
  if (client.accountListId) return client.accountListId;
  const page = asList(await call('GET', '/api/v2/contacts?per_page=1'));
  const rel = page[0]?.relationships?.account_list?.data as { id?: string } | undefined;
  if (!rel?.id)
    throw new VendorError({
      kind: 'validation',
      message: `${NAME}: set the account list to create contacts in (no contact to learn it from)`,
    });
  client.accountListId = rel.id;
  return rel.id;
}

/** Our marked contact among those touched since the attempt started (minus the clock-skew lookback). */
async function findMarked(
  client: MpdxClient,
  marker: string,
  started: string,
): Promise<{ contact: JsonApiResource; bundle: MpdxBundle | null } | null> {
  const { call, perPage, limits } = client;
  const t = Date.parse(started);
  if (!Number.isFinite(t)) return null;
  const range = `filter[updated_at]=${encodeURIComponent(`${isoSecond(new Date(Math.max(0, t - MPDX_LOOKBACK_MS)))}..${FAR_FUTURE}`)}`;
  const guard = new PagingGuard(NAME, { pageSize: perPage, limits });
  for (let page = 1; ; page++) {
    const d = await call('GET', `/api/v2/contacts?include=${INCLUDE}&${range}&page=${page}&per_page=${perPage}&sort=-created_at`);
    guard.page(
      pageFacts(
        d,
        page,
        asList(d).map((r) => r.id),
      ),
    );
    const contact = asList(d).find((k) => k.attributes[MARKER_FIELD] === marker);
    if (contact) return { contact, bundle: bundlesOf(d).find((b) => b.contact.id === contact.id) ?? null };
    if (page >= Number(d.meta?.pagination?.total_pages ?? 1)) return null;
  }
}

/** Newest first, stopping at the first person sharing an exact email or phone. */
async function scanForEvidence(
  client: MpdxClient,
  contact: CanonicalContact,
  taken?: (remoteId: string) => boolean,
): Promise<MpdxBundle | null> {
  const { call, perPage, limits, region } = client;
  if (!hasStrongEvidence(contact)) return null; // a name alone proves nothing: send again
  const guard = new PagingGuard(NAME, { pageSize: perPage, limits });
  for (let page = 1; ; page++) {
    const d = await call('GET', `/api/v2/contacts?include=${INCLUDE}&page=${page}&per_page=${perPage}&sort=-created_at`);
    guard.page(
      pageFacts(
        d,
        page,
        asList(d).map((r) => r.id),
      ),
    );
    const hit = bundlesOf(d).find((b) => !taken?.(mpdxRemoteId(b)) && strongMatch(contact, mpdxToCanonical(b, region)));
    if (hit) return hit;
    if (page >= Number(d.meta?.pagination?.total_pages ?? 1)) return null;
  }
}

// A saga (connector.ts): `started` is stored before the first request, then each step's id
// (`contact`, `person`, `phone:<i>`, `email:<i>`, `address`) as soon as it is known. Given
// the progress of an interrupted attempt it resumes: stored ids are re-used, and a step that
// may have landed unheard is looked up under our own contact/person before it is sent again.
/** The saga itself; `progress` is shared with the retries of create. */
export async function createSteps(
  client: MpdxClient,
  read: (remoteId: string) => Promise<RemoteRecord>,
  contact: CanonicalContact,
  progress: CreateProgress,
  options?: CreateOptions,
): Promise<WriteResult> {
  const { call, region, now, once: ONCE } = client;
  const step = async (name: string, id: string): Promise<void> => {
    progress[name] = id;
    await options?.onStep?.({ ...progress });
  };
  const marker = options?.idempotencyKey ? markerFor(options.idempotencyKey) : null;

  // 1. The contact: the stored id, else our marked contact from an attempt whose answer was lost, else a new one.
  let k: JsonApiResource | null = progress.contact ? await getOrNull(client, `/api/v2/contacts/${progress.contact}`, 'contact') : null;
  if (progress.contact && !k) {
    // Deleted on the server since (with all it held): start over.
    for (const key of Object.keys(progress)) delete progress[key];
  }
  if (!k && marker && progress.started) k = (await findMarked(client, marker, progress.started))?.contact ?? null;
  const oldContact = !!k;
  if (!k) {
    if (marker && !progress.started) await step('started', isoSecond(now()));
    const list = await ensureAccountList(client);
    const name = [contact.familyName, contact.givenName].filter(Boolean).join(', ') || contact.fullName || contact.company || 'Unnamed';
    const attributes = { name, ...contactAttrs(contact), ...(marker ? { [MARKER_FIELD]: marker } : {}) };
    k = asOne(
      await call(
        'POST',
        '/api/v2/contacts',
        { data: { type: 'contacts', attributes, relationships: { account_list: { data: { type: 'account_lists', id: list } } } } },
        [201],
        'contact',
        ONCE,
      ),
    );
  }
  const cid = k.id;
  if (progress.contact !== cid) await step('contact', cid);
  // The marker has done its job once the contact id is stored: take it off again.
  if (marker && k.attributes[MARKER_FIELD] === marker) {
    await call(
      'PUT',
      `/api/v2/contacts/${cid}`,
      write('contacts', cid, { [MARKER_FIELD]: null }, String(k.attributes.updated_in_db_at ?? ''), false),
      [200],
      'contact',
    );
  }

  // 2. The person: the stored id, else the one an unheard attempt put under our contact, else a new one.
  let pid = progress.person ?? null;
  if (!pid && oldContact)
    pid = asList(await call('GET', `/api/v2/contacts/${cid}/people?per_page=100`, undefined, [200], 'contact'))[0]?.id ?? null;
  const oldPerson = !!pid;
  if (!pid) {
    const given = contact.givenName ?? contact.fullName ?? String(k.attributes.name ?? 'Unnamed');
    pid = asOne(
      await call(
        'POST',
        `/api/v2/contacts/${cid}/people`,
        write('people', undefined, { first_name: given, ...personAttrs({ ...contact, givenName: given }) }, undefined, false),
        [201],
        'person',
        ONCE,
      ),
    ).id;
  }
  if (progress.person !== pid) await step('person', pid);

  // 3. Children. Under a person or contact from an earlier attempt, one that already holds
  // the same value is adopted instead of being sent again (no second copy, none lost).
  const base = `/api/v2/contacts/${cid}/people/${pid}`;
  const claimed = new Set(Object.values(progress));
  const adopt = async (path: string, same: (r: JsonApiResource) => boolean): Promise<string | null> => {
    const hit = asList(await call('GET', `${path}?per_page=100`)).find(
      (r) => !claimed.has(r.id) && r.attributes.deleted !== true && same(r),
    );
    return hit?.id ?? null;
  };
  const child = async (
    name: string,
    path: string,
    type: string,
    attrs: Record<string, unknown>,
    old: boolean,
    same: (r: JsonApiResource) => boolean,
  ): Promise<void> => {
    if (progress[name]) return;
    const id =
      (old ? await adopt(path, same) : null) ??
      asOne(await call('POST', path, write(type, undefined, attrs, undefined, false), [201], name.split(':')[0], ONCE)).id;
    claimed.add(id);
    await step(name, id);
  };
  for (const [i, ph] of (contact.phones ?? []).entries()) {
    const number = mpdxNumber(ph, region);
    await child(
      `phone:${i}`,
      `${base}/phones`,
      'phone_numbers',
      { number, location: ph.mobile ? 'mobile' : (mpdxLocation(ph.label) ?? 'home'), primary: i === primaryIndex(contact.phones!) },
      oldPerson,
      (r) => phoneKey(r.attributes.number) === phoneKey(number),
    );
  }
  for (const [i, e] of (contact.emails ?? []).entries()) {
    await child(
      `email:${i}`,
      `${base}/email_addresses`,
      'email_addresses',
      { email: e.address, location: mpdxLocation(e.label) ?? 'home', primary: i === primaryIndex(contact.emails!) },
      oldPerson,
      (r) => emailKey(String(r.attributes.email ?? '')) === emailKey(e.address),
    );
  }
  if (contact.address) {
    const attrs = addressAttrs(contact.address);
    await child(
      'address',
      `/api/v2/contacts/${cid}/addresses`,
      'addresses',
      { ...attrs, location: 'Home', primary_mailing_address: true },
      oldContact,
      (r) => ADDRESS_KEYS.every((f) => (r.attributes[f] ?? null) === (attrs[f] ?? null)),
    );
  }
  const remoteId = `${cid}/${pid}`;
  return { remoteId, record: await read(remoteId) };
}

// The saga's requests, built from the same attributes createSteps sends; ids MPDX assigns on
// the way are placeholders. The account list is the account's own (or learnt from a contact).
export function previewCreate(client: MpdxClient, contact: CanonicalContact): CreatePreview {
  const { region, accountListId } = client;
  const name = [contact.familyName, contact.givenName].filter(Boolean).join(', ') || contact.fullName || contact.company || 'Unnamed';
  const given = contact.givenName ?? contact.fullName ?? name;
  const base = '/api/v2/contacts/{contact}/people/{person}';
  const requests: CreatePreview['requests'] = [
    // The create's marker goes out with the contact and is taken off at once (MARKER_FIELD): shown, since it reaches MPDX.
    {
      method: 'POST',
      path: '/api/v2/contacts',
      body: {
        data: {
          type: 'contacts',
          attributes: { name, ...contactAttrs(contact), [MARKER_FIELD]: '{concord marker}' },
          relationships: { account_list: { data: { type: 'account_lists', id: accountListId ?? '{account list}' } } },
        },
      },
    },
    {
      method: 'PUT',
      path: '/api/v2/contacts/{contact}',
      body: write('contacts', '{contact}', { [MARKER_FIELD]: null }, '{updated_in_db_at}', false),
    },
    {
      method: 'POST',
      path: '/api/v2/contacts/{contact}/people',
      body: write('people', undefined, { first_name: given, ...personAttrs({ ...contact, givenName: given }) }, undefined, false),
    },
    ...(contact.phones ?? []).map((ph, i) => ({
      method: 'POST',
      path: `${base}/phones`,
      body: write(
        'phone_numbers',
        undefined,
        {
          number: mpdxNumber(ph, region),
          location: ph.mobile ? 'mobile' : (mpdxLocation(ph.label) ?? 'home'),
          primary: i === primaryIndex(contact.phones!),
        },
        undefined,
        false,
      ),
    })),
    ...(contact.emails ?? []).map((e, i) => ({
      method: 'POST',
      path: `${base}/email_addresses`,
      body: write(
        'email_addresses',
        undefined,
        { email: e.address, location: mpdxLocation(e.label) ?? 'home', primary: i === primaryIndex(contact.emails!) },
        undefined,
        false,
      ),
    })),
    ...(contact.address
      ? [
          {
            method: 'POST',
            path: '/api/v2/contacts/{contact}/addresses',
            body: write(
              'addresses',
              undefined,
              { ...addressAttrs(contact.address), location: 'Home', primary_mailing_address: true },
              undefined,
              false,
            ),
          },
        ]
      : []),
  ];
  // MPDX requires a contact name and a person first name: never "Unnamed" for a person's add.
  return {
    requests,
    needs:
      contact.familyName || contact.givenName || contact.fullName || contact.company
        ? []
        : [{ key: 'name', label: 'Name', why: `${NAME} requires a name on every contact and person`, field: 'fullName' }],
  };
}

// Strong evidence only: the stored step ids, else our marker on a contact touched since the
// attempt started. A saga record missing some value the create was to add is not returned:
// null makes sync resume the saga with its progress, which adds what is missing. With no
// progress at all (an attempt from before sagas) an exact email or phone on a person,
// newest contacts first; with neither, null (a same-name person is not evidence).
export async function findCreated(
  client: MpdxClient,
  contact: CanonicalContact,
  { idempotencyKey, progress, taken }: { idempotencyKey: string; progress?: CreateProgress; taken?: (remoteId: string) => boolean },
): Promise<RemoteRecord | null> {
  let bundle: MpdxBundle | null = null;
  if (progress?.contact) {
    const people = await listOrNull(client, `/api/v2/contacts/${progress.contact}/people?per_page=100`);
    const pid = progress.person && people?.some((p) => p.id === progress.person) ? progress.person : people?.[0]?.id;
    if (pid) bundle = await readBundle(client, `${progress.contact}/${pid}`);
  } else if (progress?.started) {
    bundle = (await findMarked(client, markerFor(idempotencyKey), progress.started))?.bundle ?? null;
  } else {
    const hit = await scanForEvidence(client, contact, taken);
    return hit ? toRecord(hit, client.region) : null;
  }
  return bundle && holdsEverything(bundle, contact) ? toRecord(bundle, client.region) : null;
}

/** Every phone, email and the address the create was to add are on the person/contact. */
function holdsEverything(b: MpdxBundle, c: CanonicalContact): boolean {
  const phones = new Set(b.phones.map((r) => mpdxDigits(r.attributes.number)));
  const emails = new Set(b.emails.map((r) => emailKey(String(r.attributes.email ?? ''))));
  return (
    (c.phones ?? []).every((p) => phones.has(mpdxDigits(p.e164 ?? p.raw))) &&
    (c.emails ?? []).every((e) => emails.has(emailKey(e.address))) &&
    (!c.address || b.addresses.some((a) => a.attributes.deleted !== true))
  );
}

/** The one primary entry: the one marked, else the first (MPDX keeps a single primary). */
function primaryIndex(list: { primary?: boolean }[]): number {
  return Math.max(
    0,
    list.findIndex((x) => x.primary),
  );
}
