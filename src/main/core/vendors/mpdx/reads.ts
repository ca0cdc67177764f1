// Reading MPDX people: a Concord record is one person with its contact's name, notes and
// addresses and the person's phones and emails (a "bundle"), read by id or from a contacts page
// with everything `included`, and the paging facts the guard checks on every list page.
import type { RemoteRecord } from '../connector';
import { VendorError } from '../errors';
import { lazyRecord } from '../lazy-record';
import { asList, asOne, type Doc, type MpdxClient } from './client';
import { mpdxRemoteId, mpdxToCanonical, mpdxVersions, type JsonApiResource, type MpdxBundle } from './mapping';

export const INCLUDE = 'people,addresses,people.phone_numbers,people.email_addresses';
/** Incremental pulls look back this far: MPDX compares whole seconds and clocks drift. */
export const MPDX_LOOKBACK_MS = 5 * 60 * 1000;
export const FAR_FUTURE = '9999-12-31T23:59:59Z';
export const isoSecond = (d: Date): string => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

/** What a list page says of itself, for the paging guard: its ids, whether more follow, the stated totals. */
export function pageFacts(
  d: Doc,
  page: number,
  ids: string[],
): { at: string; ids: string[]; more: boolean; statedPages?: number; statedTotal?: number } {
  const p = d.meta?.pagination;
  const pages = Number(p?.total_pages ?? 1);
  const total = Number(p?.total_count);
  return {
    at: String(page),
    ids,
    more: page < pages,
    statedPages: Number.isFinite(pages) ? pages : undefined,
    statedTotal: Number.isFinite(total) ? total : undefined,
  };
}

/** Person bundles from a contacts page with its `included` resources. */
export function bundlesOf(d: Doc): MpdxBundle[] {
  const byId = new Map((d.included ?? []).map((r) => [`${r.type}:${r.id}`, r]));
  const rel = (r: JsonApiResource, name: string, type: string): JsonApiResource[] => {
    const data = r.relationships?.[name]?.data;
    return (Array.isArray(data) ? data : []).map((x) => byId.get(`${type}:${x.id}`)).filter((x): x is JsonApiResource => !!x);
  };
  const out: MpdxBundle[] = [];
  for (const contact of asList(d)) {
    const addresses = rel(contact, 'addresses', 'addresses');
    for (const person of rel(contact, 'people', 'people')) {
      out.push({
        contact,
        person,
        addresses,
        phones: rel(person, 'phone_numbers', 'phone_numbers'),
        emails: rel(person, 'email_addresses', 'email_addresses'),
      });
    }
  }
  return out;
}

export async function readBundle(client: MpdxClient, remoteId: string): Promise<MpdxBundle> {
  const { call } = client;
  const [cid, pid] = splitId(remoteId);
  // Five independent reads, sent side by side.
  const [contact, person, phones, emails, addresses] = await Promise.all([
    call('GET', `/api/v2/contacts/${cid}`, undefined, [200], 'contact').then(asOne),
    call('GET', `/api/v2/contacts/${cid}/people/${pid}`, undefined, [200], 'person').then(asOne),
    call('GET', `/api/v2/contacts/${cid}/people/${pid}/phones?per_page=100`).then(asList),
    call('GET', `/api/v2/contacts/${cid}/people/${pid}/email_addresses?per_page=100`).then(asList),
    call('GET', `/api/v2/contacts/${cid}/addresses?per_page=100`).then(asList),
  ]);
  return { contact, person, phones, emails, addresses };
}

export async function contactBundles(client: MpdxClient, cid: string): Promise<MpdxBundle[]> {
  const people = asList(await client.call('GET', `/api/v2/contacts/${cid}/people?per_page=100`));
  return Promise.all(people.map((p) => readBundle(client, `${cid}/${p.id}`)));
}

/**
 * Whether a person's entry in the people list shows the record exactly as the store holds it, so
 * it need not be read again (the answer to Concord's own PUT stored its tokens). Sound because a
 * phone or email save touches its person and an address save its contact, which the contacts
 * list shows (docs/vendors/mpdx.md, "What moves a token"). A delete is not documented to touch
 * the person, so the entry must also name the very phones and emails held: no relationships, no
 * skip. Left unseen: another user's save in the same second as the token held (MPDX's own
 * check cannot tell those apart either); the daily full scan reads them.
 */
export function heldAsListed(person: JsonApiResource, stored: Record<string, string> | undefined): boolean {
  const token = String(person.attributes.updated_in_db_at ?? person.attributes.updated_at ?? '');
  if (!stored || !token || stored.person !== token) return false;
  const ids = (name: string, key: string): string[] | null => {
    const data = person.relationships?.[name]?.data;
    return Array.isArray(data) ? data.map((x) => `${key}:${x.id}`).sort() : null;
  };
  const phones = ids('phone_numbers', 'phone');
  const emails = ids('email_addresses', 'email');
  if (!phones || !emails) return false;
  const held = (key: string) =>
    Object.keys(stored)
      .filter((k) => k.startsWith(`${key}:`))
      .sort();
  return JSON.stringify(phones) === JSON.stringify(held('phone')) && JSON.stringify(emails) === JSON.stringify(held('email'));
}

export const toRecord = (b: MpdxBundle, region: string): RemoteRecord =>
  lazyRecord(mpdxRemoteId(b), b, mpdxVersions(b), () => mpdxToCanonical(b, region));

export async function getOrNull(client: MpdxClient, path: string, resource: string): Promise<JsonApiResource | null> {
  try {
    return asOne(await client.call('GET', path, undefined, [200], resource));
  } catch (e) {
    if (e instanceof VendorError && e.kind === 'not_found') return null;
    throw e;
  }
}

export async function listOrNull(client: MpdxClient, path: string): Promise<JsonApiResource[] | null> {
  try {
    return asList(await client.call('GET', path, undefined, [200], 'contact'));
  } catch (e) {
    if (e instanceof VendorError && e.kind === 'not_found') return null;
    throw e;
  }
}

export function splitId(remoteId: string): [string, string] {
  const [cid, pid] = remoteId.split('/');
  if (!cid || !pid) throw new VendorError({ kind: 'not_found', message: `"${remoteId}" is not an MPDX contact/person id` });
  return [cid, pid];
}
