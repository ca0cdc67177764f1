// An incremental pull that fails part way keeps the pages before the failure (each page and
// its cursor are committed together) and the next sync resumes after them — MPDX, whose
// incremental pull used to hold every page until the end and lose them all on one bad answer.
import { afterEach, describe, expect, it } from 'vitest';
import { syncRig, type SyncRig } from '../helpers/sync';

let rig: SyncRig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

describe('MPDX incremental pull, interrupted', () => {
  it('keeps the committed pages, resumes from its cursor, and every change arrives', async () => {
    const r = (rig = await syncRig('mpdx', 30, { settings: { pageSize: 10 } }));
    await r.core.sync.sync();
    const store = r.store as {
      list: (type: string, f: (x: { type: string; attrs: Record<string, unknown> }) => boolean) => { id: string }[];
      touch: (id: string, attrs: Record<string, unknown>) => void;
    };
    r.clock.advance(10 * 60_000); // past the lookback, so only what changes now is incremental
    const contacts = store.list('contacts', () => true).slice(0, 25);
    for (const c of contacts) store.touch(c.id, { notes: `Changed ${c.id}` });

    let gets = 0;
    r.onRequest = (method) => {
      // The first GET asks for MPDX's tombstones (deleted_records); the third page never arrives, retries included.
      if (method === 'GET' && ++gets === 4) r.server.faults.dropRate = 1;
    };
    const broken = await r.core.sync.sync();
    expect(broken.accounts[0]).toMatchObject({ complete: false });
    expect(broken.accounts[0]!.pulled).toBe(20); // two pages of ten kept
    const cursor = (
      r.core.store.sqlite.prepare('SELECT pull_cursor FROM accounts WHERE id = ?').get(r.accountId) as { pull_cursor: string }
    ).pull_cursor;
    expect(cursor).toMatch(/^inc:\d+:c:3:\d+$/);

    r.server.faults.dropRate = 0;
    r.onRequest = null;
    const next = await r.core.sync.sync();
    expect(next.accounts[0]).toMatchObject({ complete: true, errors: [] });
    const notes = (
      r.core.store.sqlite.prepare("SELECT json_extract(local, '$.notes') AS n FROM records WHERE account_id = ?").all(r.accountId) as {
        n: string | null;
      }[]
    ).map((x) => x.n);
    for (const c of contacts) expect(notes).toContain(`Changed ${c.id}`);
    const after = (r.core.store.sqlite.prepare('SELECT pull_cursor FROM accounts WHERE id = ?').get(r.accountId) as { pull_cursor: string })
      .pull_cursor;
    expect(after).toMatch(/^since:\d+$/);
  });
});
