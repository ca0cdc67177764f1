// Issue 25: LiveVox updates go out in batches (push-batch.ts) — one search to read up to 200
// records, one bulk PUT, one search to read them back — and each change is settled by what the
// vendor then holds: a record a colleague moved is merged or becomes that change's conflict, an
// item the vendor refuses is that change's refusal, and the rest of the batch lands.
import { afterEach, describe, expect, it } from 'vitest';
import type { LiveVoxStore } from '../../src/main/core/sandbox/livevox/store';
import { syncRig, type SyncRig } from '../helpers/sync';

let rig: SyncRig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

describe('LiveVox push in batches', () => {
  it(
    '250 updates: ≤ 1.2 requests per edit, each read back as sent; a moved record merges or conflicts, a refused one is rejected alone',
    { timeout: 60_000 },
    async () => {
      const r = (rig = await syncRig('livevox', 260, { seed: 23 }));
      const lv = r.store as LiveVoxStore;
      const ids = r.seeded.slice(0, 250).map((s) => s.remoteId);
      const [merges, conflicts, refused, twice] = [ids[10]!, ids[120]!, ids[230]!, ids[40]!];
      // A value LiveVox refuses on any write of this contact, which Concord's copy cannot tell (a
      // custom field outside COL1–COL100, left there by another system).
      (lv.contacts.get(refused)!.customFields as unknown[]).push({ field: 'COL101', value: 'legacy' });
      expect((await r.core.sync.sync()).accounts[0]!.errors).toEqual([]);

      const name = (id: string) => `Bulk ${id}`;
      for (const id of ids) r.core.edits.edit(r.recordOf(id).id, { givenName: name(id) });
      r.core.edits.edit(r.recordOf(twice).id, { familyName: 'Twice' }); // a second edit of that record
      // Another user, between the pull and the push: another field (a clean merge), and the same field.
      for (const [id, patch] of [
        [merges, { familyName: 'Colleague' }],
        [conflicts, { givenName: 'Theirs' }],
      ] as const) {
        const cur = await r.other.read(id);
        await r.other.update(id, patch, { raw: cur.raw, versions: cur.versions });
      }

      // What the vendor holds of each contact before the push: afterwards only the name may differ.
      const before = new Map(ids.map((id) => [id, structuredClone(lv.contacts.get(id)!)]));

      // Requests counted at the HTTP level while the account pushes (its progress events say so).
      let pushing = false;
      r.core.events.on((event, payload) => {
        if (event === 'syncProgress') pushing = (payload as { phase: string }).phase === 'push';
      });
      const pushed: string[] = [];
      r.onRequest = (method, url) => {
        if (pushing) pushed.push(`${method} ${new URL(url).pathname}`);
      };
      const result = (await r.core.sync.sync()).accounts[0]!;
      expect(result.errors).toEqual([]);
      expect(result).toMatchObject({ pushed: 248, conflicts: 1, rejected: 1 });
      expect(pushed.length / 250).toBeLessThanOrEqual(1.2);
      // Two batches (200 and 50: search, bulk PUT, search each), then the refused one alone (its
      // read and its PUT, where LiveVox says why), and a login.
      expect(pushed.filter((p) => p === 'PUT /contact/contacts/bulk')).toHaveLength(2);
      expect(pushed.filter((p) => p === 'POST /contact/contacts/search')).toHaveLength(4);
      expect(pushed.filter((p) => p.endsWith(refused))).toEqual([`GET /contact/contacts/${refused}`, `PUT /contact/contacts/${refused}`]);
      expect(pushed.length).toBeLessThanOrEqual(10);

      // Every edit at the vendor exactly as sent; the neighbours of the moved and refused records too.
      const held = await r.other.readMany!(ids);
      for (const id of ids) {
        const c = held.get(id)!.canonical;
        if (id === conflicts) expect(c.givenName).toBe('Theirs');
        else if (id === refused) expect(c.givenName).not.toBe(name(id));
        else expect(c.givenName, id).toBe(name(id));
      }
      expect(held.get(merges)!.canonical.familyName).toBe('Colleague');
      // Nothing else moved: no consent or block written that a read did not show (the search
      // answers pad every number with consents false), no field dropped.
      const unnamed = (c: Record<string, unknown>) => {
        const { modifyDate: _m, ...rest } = c;
        return { ...rest, person: { ...(c.person as object), firstName: undefined, lastName: undefined } };
      };
      for (const id of ids.filter((x) => ![conflicts, merges, refused].includes(x)))
        expect(unnamed(lv.contacts.get(id)!), id).toEqual(unnamed(before.get(id)!));
      expect(held.get(twice)!.canonical.familyName).toBe('Twice');
      // The moved record with the same field edited is that change's conflict; the refusal is that change's.
      expect(r.core.syncStore.openConflict(r.recordOf(conflicts).id)).not.toBeNull();
      const rejected = r.core.store.sqlite
        .prepare(
          "SELECT c.last_error AS error, r.remote_id AS id FROM changes c JOIN records r ON r.id = c.record_id WHERE c.state = 'rejected'",
        )
        .all() as { error: string; id: string }[];
      expect(rejected).toEqual([{ id: refused, error: expect.stringMatching(/COL101/) }]);
      expect(r.core.syncStore.counts()).toMatchObject({ pending: 0, inFlight: 0, conflict: 1, rejected: 1 });
    },
  );

  it(
    'only a lane’s head is batched: a person’s second record waits for the first, then goes in the next batch',
    { timeout: 60_000 },
    async () => {
      const r = (rig = await syncRig('livevox', 30, { seed: 29 }));
      expect((await r.core.sync.sync()).accounts[0]!.errors).toEqual([]);
      const ids = r.seeded.slice(0, 12).map((s) => s.remoteId);
      // Two people hold two LiveVox records each (as after a link): their changes share a lane.
      const pairs = [
        [ids[0]!, ids[1]!],
        [ids[2]!, ids[3]!],
      ] as const;
      for (const [a, b] of pairs) {
        const person = (
          r.core.store.sqlite.prepare('SELECT person_id FROM records WHERE id = ?').get(r.recordOf(a).id) as { person_id: string }
        ).person_id;
        r.core.store.sqlite.prepare('UPDATE records SET person_id = ? WHERE id = ?').run(person, r.recordOf(b).id);
      }
      for (const id of ids) r.core.edits.edit(r.recordOf(id).id, { givenName: `Lane ${id}` });
      const result = (await r.core.sync.sync()).accounts[0]!;
      expect(result).toMatchObject({ pushed: 12, conflicts: 0, rejected: 0, errors: [] });
      const bulks = r.server.requestLog
        .filter((x) => x.method === 'PUT' && x.path === '/contact/contacts/bulk')
        .map((x) =>
          (JSON.parse((x as { body?: string }).body!) as { updateContactDetails: { account: string }[] }).updateContactDetails.map(
            (d) => d.account,
          ),
        );
      // Round one: every lane's head (the pairs' first records); round two: the pairs' second records.
      expect(bulks).toHaveLength(2);
      expect(bulks[0]!.sort()).toEqual(ids.filter((id) => id !== pairs[0][1] && id !== pairs[1][1]).sort());
      expect(bulks[1]!.sort()).toEqual([pairs[0][1], pairs[1][1]].sort());
      const held = await r.other.readMany!(ids);
      for (const id of ids) expect(held.get(id)!.canonical.givenName).toBe(`Lane ${id}`);
    },
  );

  it(
    'a bulk PUT refused as a whole (HTTP 400) holds nothing back: each change goes alone, where the vendor would say which',
    { timeout: 60_000 },
    async () => {
      const r = (rig = await syncRig('livevox', 10, { seed: 31 }));
      expect((await r.core.sync.sync()).accounts[0]!.errors).toEqual([]);
      const ids = r.seeded.slice(0, 5).map((s) => s.remoteId);
      for (const id of ids) r.core.edits.edit(r.recordOf(id).id, { givenName: `Whole ${id}` });
      r.server.failAt(1, 'refuse', { method: 'PUT', path: /\/contact\/contacts\/bulk$/ });
      const result = (await r.core.sync.sync()).accounts[0]!;
      expect(result).toMatchObject({ pushed: 5, rejected: 0, errors: [] });
      expect(r.server.requestLog.filter((x) => x.method === 'PUT').map((x) => x.path)).toEqual([
        '/contact/contacts/bulk',
        ...ids.map((id) => `/contact/contacts/${id}`),
      ]);
      const held = await r.other.readMany!(ids);
      for (const id of ids) expect(held.get(id)!.canonical.givenName).toBe(`Whole ${id}`);
    },
  );
});
