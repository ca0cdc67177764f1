// A CallTools pull resumed from a stored page number that now lies past the last page (the
// vendor shrank while the pull was interrupted) starts the scan again instead of failing with
// not_found at every later sync — and the scan from page 1 still marks what is gone as deleted.
//
// From the project's vendor digest (kept outside the repository; summarised in
// docs/vendors/calltools.md#reading-and-paging), copied here so the test does not read it:
//   "Paging: default 25 per page, maximum 250. The response envelope and parameter names are
//    not documented; DRF `count/next/previous/results` with `page`/`page_size` is likely
//    (inferred)."  and  "Expect DRF defaults (inferred): … 401/404 `{"detail":…}`".
// DRF's PageNumberPagination answers a page past the last with 404 {"detail":"Invalid page."}.
import { afterEach, describe, expect, it } from 'vitest';
import { startCallToolsSandbox, type CallToolsSandbox, type CallToolsStore } from '../../../src/main/core/sandbox/calltools';
import { generatePopulation } from '../../../src/main/core/sandbox/population';
import { createCallToolsConnector } from '../../../src/main/core/vendors/calltools';
import { nodeFetch } from '../../../src/main/core/vendors/node-http-client';
import { syncRig, type SyncRig } from '../../helpers/sync';
import { FAST_RETRY, failure, pullAll } from '../../helpers/vendor';

const INVALID_PAGE = { detail: 'Invalid page.' };

let rig: SyncRig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

const cursorOf = (r: SyncRig) =>
  (r.core.store.sqlite.prepare('SELECT pull_cursor FROM accounts WHERE id = ?').get(r.accountId) as { pull_cursor: string | null })
    .pull_cursor;
const states = (r: SyncRig) =>
  Object.fromEntries(
    (
      r.core.store.sqlite.prepare('SELECT remote_id, state FROM records WHERE account_id = ?').all(r.accountId) as {
        remote_id: string;
        state: string;
      }[]
    ).map((x) => [x.remote_id, x.state]),
  );

describe('CallTools simulator paging, as DRF', () => {
  let sb: CallToolsSandbox | undefined;
  afterEach(async () => {
    await sb?.server.close();
    sb = undefined;
  });

  it('answers a page past the last, page 0 and a non-number with 404 Invalid page.; page 1 of nothing is an empty page', async () => {
    sb = await startCallToolsSandbox({ seed: 3, contacts: generatePopulation({ seed: 3, people: 60 }).byVendor.calltools.slice(0, 12) });
    const get = async (q: string) => {
      const res = await nodeFetch(`${sb!.baseUrl}/api/contacts/?${q}`, { headers: { Authorization: `Token ${sb!.credentials.token}` } });
      return { status: res.status, body: (await res.json()) as { count?: number; results?: unknown[]; next?: string | null } };
    };
    expect(await get('page=2&page_size=10')).toMatchObject({ status: 200, body: { count: 12, next: null } });
    for (const q of ['page=3&page_size=10', 'page=0&page_size=10', 'page=x&page_size=10'])
      expect(await get(q)).toEqual({ status: 404, body: INVALID_PAGE });
    expect((await get('page=last&page_size=10')).body.results).toHaveLength(2);
    expect((await get('page=1&page_size=0')).body.results).toHaveLength(12); // not a positive size: DRF's default, 25
    for (const c of [...sb.store.contacts.values()]) sb.store.contacts.delete(c.id as number);
    expect(await get('page=1')).toMatchObject({ status: 200, body: { count: 0, results: [], next: null } });
    expect(await get('page=2')).toEqual({ status: 404, body: INVALID_PAGE });
  });

  it('a connector resumed past the end begins again at page 1 and says so on that page', async () => {
    sb = await startCallToolsSandbox({ seed: 3, contacts: generatePopulation({ seed: 3, people: 60 }).byVendor.calltools.slice(0, 12) });
    const c = createCallToolsConnector({ baseUrl: sb.baseUrl, credentials: sb.credentials, pageSize: 10, retry: FAST_RETRY });
    const pages = await pullAll(c, '5');
    expect(pages.map((p) => [p.records.length, p.restarted ?? false, p.nextCursor])).toEqual([
      [10, true, '2'],
      [2, false, null],
    ]);
    // A 404 that is not DRF's "Invalid page." (a wrong path: an HTML page) is still not_found.
    const wrong = createCallToolsConnector({
      baseUrl: `${sb.baseUrl}/nowhere`,
      credentials: sb.credentials,
      pageSize: 10,
      retry: FAST_RETRY,
    });
    expect((await failure(pullAll(wrong, '5'))).kind).toBe('not_found');
  });
});

describe('CallTools pull resumed past the last page', () => {
  it('starts the scan again, completes, and marks the contacts deleted meanwhile as deleted', async () => {
    const r = (rig = await syncRig('calltools', 30, { settings: { pageSize: 10 } }));
    expect((await r.core.sync.sync()).accounts[0]).toMatchObject({ complete: true, pulled: 30 });

    // A pull cut after its second page: the page number "3" is committed as the cursor.
    let gets = 0;
    r.onRequest = (method) => {
      if (method === 'GET' && ++gets === 3) r.server.faults.dropRate = 1;
    };
    const cut = await r.core.sync.pull(r.accountId);
    expect(cut.complete).toBe(false);
    expect(cursorOf(r)).toBe('3');
    r.server.faults.dropRate = 0;
    r.onRequest = null;

    // Meanwhile someone deletes 15 contacts at CallTools: two pages are left.
    const store = r.store as CallToolsStore;
    const gone = r.seeded.slice(0, 15).map((s) => s.remoteId);
    for (const id of gone) store.contacts.delete(Number(id));

    const next = await r.core.sync.sync();
    expect(next.accounts[0]).toMatchObject({ complete: true, errors: [] });
    // The page past the end was asked for once, then the scan began again at page 1.
    const pulls = r.server.requestLog.filter((x) => x.method === 'GET' && x.path.startsWith('/api/contacts/') && !/\/\d+\/$/.test(x.path));
    const past = pulls.filter((x) => x.status === 404);
    expect(past).toHaveLength(1);
    const s = states(r);
    for (const id of gone) expect(s[id]).toBe('deleted_remote');
    expect(Object.values(s).filter((v) => v === 'synced')).toHaveLength(15);
    expect(cursorOf(r)).toBeNull();

    // And the sync after that is an ordinary one.
    expect((await r.core.sync.sync()).accounts[0]).toMatchObject({ complete: true, errors: [] });
  });
});
