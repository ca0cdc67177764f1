// A BigChange 403 that gives a business reason is a refusal of the request, not of the
// credentials. The example is the document's own (the vendor's bigchange-contacts.txt,
// the 403 "Forbidden" answer of "Create a contact"), copied here:
//   {"type": "https://example.com/probs/out-of-credit", "title": "You do not have enough credit",
//    "status": 403, "detail": "Your current balance is 30, but that costs 50",
//    "instance": "/account/12345/msgs/abc"}
import { afterEach, describe, expect, it } from 'vitest';
import { BIGCHANGE_OUT_OF_CREDIT, startBigChangeSandbox, type BigChangeStore } from '../../../src/main/core/sandbox/bigchange';
import { createBigChangeConnector } from '../../../src/main/core/vendors/bigchange';
import { classifyStatus } from '../../../src/main/core/vendors/http';
import { FAST_RETRY, failure } from '../../helpers/vendor';
import { syncRig, type SyncRig } from '../../helpers/sync';

const DOCUMENT_403 = {
  type: 'https://example.com/probs/out-of-credit',
  title: 'You do not have enough credit',
  status: 403,
  detail: 'Your current balance is 30, but that costs 50',
  instance: '/account/12345/msgs/abc',
};

let rig: SyncRig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

const answer = (body: unknown) => ({
  method: 'POST',
  status: 403,
  headers: new Headers({ 'content-type': 'application/problem+json' }),
  text: JSON.stringify(body),
});

describe('a 403 problem with a business reason', () => {
  it("the document's example is a refusal carrying its words; a 403 about access stays auth", () => {
    const e = classifyStatus(answer(DOCUMENT_403), 'BigChange')!;
    expect(e.kind).toBe('validation');
    expect(e.message).toBe('BigChange refused it: You do not have enough credit: Your current balance is 30, but that costs 50');
    expect(e.maybeApplied).toBe(false);
    expect(
      classifyStatus(
        answer({ type: 'https://httpstatuses.io/403', title: 'Forbidden', status: 403, detail: 'You do not have access to this customer' }),
        'BigChange',
      )!.kind,
    ).toBe('auth');
    expect(
      classifyStatus(answer({ title: 'Forbidden', status: 403, detail: 'Insufficient scope: contacts:write' }), 'BigChange')!.kind,
    ).toBe('auth');
    expect(classifyStatus({ ...answer(null), text: '' }, 'BigChange')!.kind).toBe('auth');
    // DRF's {"detail"} is not a problem document: CallTools' 403s stay as they were.
    expect(classifyStatus(answer({ detail: 'You do not have permission to perform this action.' }), 'CallTools')!.kind).toBe('auth');
  });

  it('the simulator answers it on a write; the connector reports it as a refusal, not bad credentials', async () => {
    const sb = await startBigChangeSandbox({ seed: 4 });
    try {
      sb.store.refuseWrites = BIGCHANGE_OUT_OF_CREDIT;
      const c = createBigChangeConnector({ baseUrl: sb.baseUrl, credentials: sb.credentials, settings: sb.settings, retry: FAST_RETRY });
      const e = await failure(c.create({ fullName: 'Ada King' }, { idempotencyKey: 'k' }));
      expect(e.kind).toBe('validation');
      expect(e.status).toBe(403);
      expect(e.message).toMatch(/not have enough credit: Your current balance is 30, but that costs 50/);
      expect(e.message).not.toMatch(/credentials/);
      const posts = sb.server.requestLog.filter((x) => x.method === 'POST' && x.path === '/v1/contacts');
      expect(posts.map((x) => x.status)).toEqual([403]); // refused once, not retried
      expect(sb.store.contacts.size).toBe(0);
    } finally {
      await sb.server.close();
    }
  });

  it('a pushed edit refused for credit is rejected with the vendor\'s detail; the account is not "sign in again"', async () => {
    const r = (rig = await syncRig('bigchange', 2));
    expect((await r.core.sync.sync()).accounts[0]).toMatchObject({ complete: true });
    const store = r.store as BigChangeStore;
    const id = r.seeded[0]!.remoteId;
    store.refuseWrites = BIGCHANGE_OUT_OF_CREDIT;
    r.core.edits.edit(r.recordOf(id).id, { notes: 'Call after nine' });
    const s = (await r.core.sync.sync()).accounts[0]!;
    expect(s).toMatchObject({ rejected: 1, pushed: 0 });
    const change = r.core.store.sqlite
      .prepare("SELECT state, last_error FROM changes WHERE record_id = ? AND op = 'update'")
      .get(r.recordOf(id).id) as { state: string; last_error: string };
    expect(change.state).toBe('rejected');
    expect(change.last_error).toMatch(/Your current balance is 30, but that costs 50/);
    const acc = r.core.store.sqlite.prepare('SELECT health, health_message FROM accounts WHERE id = ?').get(r.accountId) as {
      health: string;
      health_message: string | null;
    };
    expect(acc.health).not.toBe('auth');
    expect(store.contacts.get(Number(id))!.extraInformation).not.toBe('Call after nine');
  });
});
