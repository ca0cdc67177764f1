// Pulling MPDX people: a full scan page by page (by created_at), then incremental pulls by
// filter[updated_at] ranges with a lookback, each page yielded (and committed) by itself, with
// the contacts MPDX tombstoned in between.
import type { PullOptions, PullPage, RemoteRecord } from '../connector';
import { PagingGuard } from '../limits';
import { mapLimit } from '../map-limit';
import { asList, NAME, type MpdxClient } from './client';
import { newestUpdate } from './mapping';
import { bundlesOf, contactBundles, FAR_FUTURE, heldAsListed, INCLUDE, MPDX_LOOKBACK_MS, pageFacts, toRecord } from './reads';

/** Contacts read side by side in an incremental pull (MPDX cannot list contacts by id). */
const READ_CONCURRENCY = 4;

/** Ids of the contacts MPDX tombstoned since `from` (GET /api/v2/deleted_records, every page). */
async function deletedContacts(client: MpdxClient, from: string): Promise<string[]> {
  const { call, perPage, limits } = client;
  const out: string[] = [];
  const guard = new PagingGuard(NAME, { pageSize: perPage, limits, what: 'deleted records' });
  for (let page = 1; ; page++) {
    const d = await call(
      'GET',
      `/api/v2/deleted_records?filter[since_date]=${encodeURIComponent(from)}&filter[types]=Contact&page=${page}&per_page=${perPage}`,
    );
    guard.page(
      pageFacts(
        d,
        page,
        asList(d).map((r) => r.id),
      ),
    );
    for (const r of asList(d)) {
      const a = r.attributes ?? {};
      if (String(a.deletable_type ?? 'Contact') === 'Contact' && typeof a.deletable_id === 'string') out.push(a.deletable_id);
    }
    if (page >= Number(d.meta?.pagination?.total_pages ?? 1)) return out;
  }
}

// Cursors: "full:<page>:<newest ms>" during a full scan, "since:<newest ms>" afterwards.
export async function* pullContacts(client: MpdxClient, cursor: string | null, options?: PullOptions): AsyncGenerator<PullPage> {
  const { call, perPage, limits } = client;
  // Incremental: "since:<ms>" to start, "inc:<since>:<c|p>:<page>:<newest>" to resume. Each
  // page is yielded (and committed) by itself, so a failure keeps the pages before it.
  const inc = !options?.full && cursor ? /^inc:(\d+):([cp]):(\d+):(\d+)$/.exec(cursor) : null;
  const since = inc ? Number(inc[1]) : !options?.full && cursor?.startsWith('since:') ? Number(cursor.slice(6)) : null;
  if (since !== null && Number.isFinite(since)) {
    const from = new Date(Math.max(0, since - MPDX_LOOKBACK_MS)).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const range = `filter[updated_at]=${encodeURIComponent(`${from}..${FAR_FUTURE}`)}`;
    const contactIds = new Set<string>(); // read in this run already (a resumed run may re-read a few)
    let newest = inc ? Number(inc[4]) : since;
    const next = (phase: 'c' | 'p', page: number) => `inc:${since}:${phase}:${page}:${newest}`;
    // Contacts deleted or merged away since (MPDX tombstones contacts; people, phones and
    // emails have none, so only the daily full scan sees those). Read first, so a person
    // a merge moved is re-keyed as it arrives under the winner, not stored twice.
    if (!inc) {
      const deletedGroups = await deletedContacts(client, from);
      // The cursor stays where it was: a pull stopped after this page reads the tombstones again.
      if (deletedGroups.length) yield { records: [], deletedGroups, nextCursor: cursor, fullScan: false };
    }
    // Contacts that changed (their own edits and address saves) come with everything included…
    if (!inc || inc[2] === 'c') {
      const guard = new PagingGuard(NAME, { pageSize: perPage, limits, knownRecords: options?.knownRecords });
      for (let page = inc ? Number(inc[3]) : 1; ; page++) {
        const d = await call('GET', `/api/v2/contacts?include=${INCLUDE}&${range}&page=${page}&per_page=${perPage}&sort=updated_at`);
        guard.page(
          pageFacts(
            d,
            page,
            asList(d).map((r) => r.id),
          ),
        );
        const records: RemoteRecord[] = [];
        for (const b of bundlesOf(d)) {
          contactIds.add(b.contact.id);
          records.push(toRecord(b, client.region));
          newest = Math.max(newest, newestUpdate(b));
        }
        const last = page >= Number(d.meta?.pagination?.total_pages ?? 1);
        yield { records, nextCursor: last ? next('p', 1) : next('c', page + 1), fullScan: false };
        if (last) break;
      }
    }
    // …people that changed (a phone or email save touches only the person) are read by contact.
    const guard = new PagingGuard(NAME, { pageSize: perPage, limits, knownRecords: options?.knownRecords, what: 'people' });
    for (let page = inc?.[2] === 'p' ? Number(inc[3]) : 1; ; page++) {
      const d = await call('GET', `/api/v2/contacts/people?${range}&page=${page}&per_page=${perPage}&sort=updated_at`);
      guard.page(
        pageFacts(
          d,
          page,
          asList(d).map((r) => r.id),
        ),
      );
      const records: RemoteRecord[] = [];
      const listed = asList(d).map((p) => ({
        p,
        cid: Array.isArray(p.attributes.parent_contacts) ? String(p.attributes.parent_contacts[0] ?? '') : '',
      }));
      // A contact is read only for a person the store does not hold as listed (a push's answer
      // gave it the tokens it shows): the rest count as seen, unchanged.
      const stored = options?.storedVersions?.(listed.filter((x) => x.cid).map((x) => `${x.cid}/${x.p.id}`)) ?? new Map();
      const unchangedIds: string[] = [];
      const cids: string[] = [];
      for (const { p, cid } of listed) {
        if (!cid || contactIds.has(cid)) continue;
        if (heldAsListed(p, stored.get(`${cid}/${p.id}`))) {
          unchangedIds.push(`${cid}/${p.id}`);
          newest = Math.max(newest, Date.parse(String(p.attributes.updated_at ?? '')) || 0);
          continue;
        }
        contactIds.add(cid);
        cids.push(cid);
      }
      // MPDX has no filter by id: each contact is read by itself, a few at a time.
      for (const bundles of await mapLimit(cids, READ_CONCURRENCY, (cid) => contactBundles(client, cid))) {
        for (const b of bundles) {
          records.push(toRecord(b, client.region));
          newest = Math.max(newest, newestUpdate(b));
        }
      }
      const last = page >= Number(d.meta?.pagination?.total_pages ?? 1);
      // A person of a contact read for another is in `records` as read, so not unchanged too.
      const read = new Set(records.map((r) => r.remoteId));
      const unchanged = unchangedIds.filter((id) => !read.has(id));
      yield {
        records,
        ...(unchanged.length ? { unchangedIds: unchanged } : {}),
        nextCursor: last ? null : next('p', page + 1),
        fullScan: false,
        checkpoint: last ? `since:${newest}` : undefined,
      };
      if (last) return;
    }
  }
  const m = !options?.full && cursor ? /^full:(\d+):(\d+)$/.exec(cursor) : null;
  let page = m ? Number(m[1]) : 1;
  let newest = m ? Number(m[2]) : 0;
  // Proof of progress: new contacts on every page, within the pages and count MPDX states.
  const guard = new PagingGuard(NAME, { pageSize: perPage, limits, knownRecords: options?.knownRecords });
  for (;;) {
    const d = await call('GET', `/api/v2/contacts?include=${INCLUDE}&page=${page}&per_page=${perPage}&sort=created_at`);
    guard.page(
      pageFacts(
        d,
        page,
        asList(d).map((r) => r.id),
      ),
    );
    const bundles = bundlesOf(d);
    for (const b of bundles) newest = Math.max(newest, newestUpdate(b));
    const last = page >= Number(d.meta?.pagination?.total_pages ?? 1);
    yield {
      records: bundles.map((b) => toRecord(b, client.region)),
      nextCursor: last ? null : `full:${page + 1}:${newest}`,
      fullScan: true,
      checkpoint: last ? `since:${newest}` : undefined,
    };
    if (last) return;
    page++;
  }
}
