// Push against the sandbox vendors over HTTP: MPDX 409s from a second client writing between
// Concord's pull and its push (person, phone, email, address), a burst of 429s and HTML 500s,
// rejected changes, undo, and each vendor's create/update/delete quirk end to end.
import { afterEach, describe, expect, it } from 'vitest';
import type { LighteningStore } from '../../src/main/core/sandbox/lightening';
import type { MpdxStore } from '../../src/main/core/sandbox/mpdx/store';
import type { CanonicalContact, PhoneEntry, Vendor } from '../../src/shared/domain';
import { syncRig, writes, type SyncRig } from '../helpers/sync';

let rig: SyncRig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

describe('MPDX: a second client writes between pull and push', () => {
  it('409 on a person, a phone, an email and an address: re-read, merged, re-sent with the fresh token; same field or same phone/email: a conflict', async () => {
    const r = (rig = await syncRig('mpdx', 12));
    await r.core.sync.sync();
    const store = r.store as MpdxStore;
    // Records whose person has a phone, an email and an address.
    const full = r.seeded
      .map((s) => s.remoteId)
      .filter((id) => {
        const [cid, pid] = id.split('/');
        return (
          store.list('phone_numbers', (x) => x.personId === pid).length &&
          store.list('email_addresses', (x) => x.personId === pid).length &&
          store.list('addresses', (x) => x.contactId === cid).length
        );
      });
    expect(full.length).toBeGreaterThanOrEqual(5);
    const [p, ph, em, ad, same] = full;
    const edit = (remoteId: string, patch: Record<string, unknown>) => r.core.edits.edit(r.recordOf(remoteId).id, patch);
    edit(p!, { givenName: 'Personedit' });
    const phones = r.recordOf(ph!).local.phones as { e164: string; raw: string }[];
    edit(ph!, { phones: [{ e164: '+15035550142', raw: '503-555-0142' }, ...phones.slice(1)] });
    const emails = r.recordOf(em!).local.emails as { address: string }[];
    edit(em!, { emails: [{ address: 'new.address@example.org' }, ...emails.slice(1)] });
    edit(ad!, { address: { ...(r.recordOf(ad!).local.address as object), city: 'Eugene' } });
    edit(same!, { familyName: 'Mine' });

    // Just before Concord's first write to each resource, a colleague saves it in MPDX.
    const touched = new Set<string>();
    r.onRequest = (method, url) => {
      if (method !== 'PUT') return;
      const path = new URL(url).pathname;
      if (touched.has(path)) return;
      touched.add(path);
      r.clock.advance(2000);
      const id = path.split('/').pop()!;
      const row = store.rows.get(id)!;
      const attrs =
        row.type === 'people'
          ? path.includes(same!.split('/')[1]!)
            ? { last_name: 'Theirs' }
            : { occupation: 'Colleague edit' }
          : row.type === 'addresses'
            ? { location: 'Mailing' }
            : { location: 'work' };
      store.touch(id, attrs);
    };
    const s = await r.core.sync.sync();
    // The person and the address merge cleanly; the family name was written on both sides, and
    // the phone and the email Concord retires were relabelled by the colleague: both wrote that
    // very entry, so a person decides (the colleague's label stands meanwhile).
    expect(s.accounts[0]).toMatchObject({ pushed: 2, conflicts: 3, rejected: 0, errors: [] });
    const conflicted = r.server.requestLog
      .filter((x) => x.method === 'PUT' && x.status === 409)
      .map((x) => x.path.split('/').slice(-2, -1)[0]);
    expect(new Set(conflicted)).toEqual(new Set(['people', 'phones', 'email_addresses', 'addresses']));
    // Both writers' changes are on the server.
    const read = async (id: string) => (await r.other.read(id)).canonical;
    expect(await read(p!)).toMatchObject({ givenName: 'Personedit', role: 'Colleague edit' });
    expect((await read(ph!)).phones!.map((x) => x.e164)).toContain('+15035550142');
    expect((await read(em!)).emails!.map((x) => x.address)).toContain('new.address@example.org');
    expect((await read(ad!)).address).toMatchObject({ city: 'Eugene' });
    expect(store.list('phone_numbers', (x) => x.personId === ph!.split('/')[1]).some((x) => x.attrs.location === 'work')).toBe(true);
    // The same field: nothing overwritten, a conflict for the person to settle.
    expect((await read(same!)).familyName).toBe('Theirs');
    const conflicts = r.core.edits.conflicts();
    expect(conflicts.find((x) => x.recordId === r.recordOf(ph!).id)?.fields.map((f) => f.field)).toEqual(['phones']);
    expect(conflicts.find((x) => x.recordId === r.recordOf(em!).id)?.fields.map((f) => f.field)).toEqual(['emails']);
    const c = conflicts.find((x) => x.recordId === r.recordOf(same!).id);
    expect(c).toMatchObject({ kind: 'fields', fields: [{ field: 'familyName', local: 'Mine', remote: 'Theirs' }] });
    r.onRequest = null;
    r.core.edits.resolve(c!.id, { take: 'local' });
    expect((await r.core.sync.sync()).accounts[0]).toMatchObject({ pushed: 1, conflicts: 0 });
    expect((await read(same!)).familyName).toBe('Mine');
  });
});

describe('Lightening: a colleague saves in the second Concord read', () => {
  it('tidying the name is not undone by a role edit that sends the name Concord read', async () => {
    // updated_at has whole seconds and the name reads trimmed: neither tells Concord's re-read
    // that the name moved, yet Lightening's update must carry the name (it is required).
    const r = (rig = await syncRig('lightening', 2));
    const store = r.store as LighteningStore;
    const id = r.seeded[0]!.remoteId;
    const c = store.contacts.get(id)!;
    const tidy = String(c.name).trim();
    c.name = ` ${tidy}  `;
    await r.core.sync.sync();
    r.core.edits.edit(r.recordOf(id).id, { role: 'Caretaker' });
    const read = Date.parse(`${String(c.updated_at).replace(' ', 'T')}Z`);
    r.clock.at(r.clock.now().getTime() - read, () => store.touch(id, { name: tidy }));
    expect((await r.core.sync.sync()).accounts[0]).toMatchObject({ pushed: 1, errors: [] });
    expect(store.contacts.get(id)).toMatchObject({ name: tidy, role: 'Caretaker' });
  });
});

describe('a connection dropped in the middle of a pull', () => {
  it('stops quietly; the next sync completes from the committed cursor and skips no record', async () => {
    const r = (rig = await syncRig('calltools', 90, { settings: { pageSize: 20 } }));
    let pages = 0;
    r.onRequest = (method) => {
      if (method === 'GET' && ++pages === 3) r.server.faults.dropRate = 1; // the third page never arrives
    };
    const broken = await r.core.sync.sync();
    expect(broken.accounts[0]).toMatchObject({ pulled: 40, complete: false });
    expect(broken.accounts[0]!.errors[0]!.kind).toMatch(/offline|transient/);
    r.server.faults.dropRate = 0;
    r.onRequest = null;
    const next = await r.core.sync.sync();
    expect(next.accounts[0]).toMatchObject({ pulled: 50, created: 50, complete: true, errors: [] });
    const remoteIds = (r.core.store.sqlite.prepare('SELECT remote_id FROM records').all() as { remote_id: string }[])
      .map((x) => x.remote_id)
      .sort();
    expect(remoteIds).toEqual(r.seeded.map((x) => x.remoteId).sort());
  });
});

describe('rate limits, HTML 500s and refusals', () => {
  it('a burst of 429s and HTML 500s: the sync waits and finishes', async () => {
    const r = (rig = await syncRig('calltools', 40));
    await r.core.sync.sync();
    for (const s of r.seeded.slice(0, 30)) r.core.edits.edit(r.recordOf(s.remoteId).id, { givenName: `Burst${s.remoteId}` });
    r.server.faults.rate429 = 0.35;
    r.server.faults.rate5xx = 0.35;
    r.server.faults.retryAfterSec = 0;
    const s = await r.core.sync.sync();
    expect(s.accounts[0]).toMatchObject({ pushed: 30, conflicts: 0, rejected: 0, waiting: 0, complete: true });
    const statuses = r.server.requestLog.map((x) => x.status);
    expect(statuses.filter((x) => x === 429).length).toBeGreaterThan(5);
    expect(statuses.filter((x) => x >= 500).length).toBeGreaterThan(5);
    r.server.faults.rate429 = r.server.faults.rate5xx = 0;
    for (const x of r.seeded.slice(0, 30)) expect((await r.other.read(x.remoteId)).canonical.givenName).toBe(`Burst${x.remoteId}`);
  });

  it('a refused change is marked rejected with the vendor’s message; the person fixes it and it goes', async () => {
    const r = (rig = await syncRig('calltools', 3));
    await r.core.sync.sync();
    const rec = r.recordOf(r.seeded[0]!.remoteId);
    // Past CallTools' 50-character city: refused as it is typed, nothing saved or queued.
    expect(() => r.core.edits.edit(rec.id, { address: { city: 'X'.repeat(60) } })).toThrow(/city.*50/i);
    expect(r.core.status.get().outbox.pending).toBe(0);
    // Both numbers marked mobile, where CallTools has one mobile field: judged against the record
    // as last read, so refused as typed too.
    r.core.edits.edit(rec.id, { phones: [{ e164: '+15035550181', raw: '503-555-0181' }] });
    expect((await r.core.sync.sync()).accounts[0]).toMatchObject({ pushed: 1, rejected: 0 });
    const one = r.recordOf(r.seeded[0]!.remoteId).local.phones as PhoneEntry[];
    expect(() => r.core.edits.edit(rec.id, { phones: [...one, { e164: '+15035550183', raw: '503-555-0183', mobile: false }] })).toThrow(
      /one mobile and one home/,
    );
    expect(r.core.status.get().outbox.pending).toBe(0);
    // What only the push can see: CallTools changed after the edit. A number is added here (it
    // fits the free mobile field), and meanwhile another client puts one there; the pull merges
    // both into the list, which CallTools' two fields cannot hold. Refused at push, with its message.
    r.core.edits.edit(rec.id, { phones: [...one, { e164: '+15035550182', raw: '503-555-0182' }] });
    const theirs = await r.other.read(r.seeded[0]!.remoteId);
    await r.other.update(
      r.seeded[0]!.remoteId,
      { phones: [...(theirs.canonical.phones ?? []), { e164: '+15035550184', raw: '503-555-0184', mobile: true }] },
      { raw: theirs.raw, versions: theirs.versions },
    );
    const s = await r.core.sync.sync();
    expect(s.accounts[0]).toMatchObject({ pushed: 0, rejected: 1 });
    expect(r.recordOf(r.seeded[0]!.remoteId).state).toBe('rejected');
    const change = r.core.store.sqlite.prepare("SELECT last_error FROM changes WHERE record_id = ? AND state = 'rejected'").get(rec.id) as {
      last_error: string;
    };
    expect(change.last_error).toMatch(/at most 2 phone numbers/i);
    // The person fixes it: the number they added goes, theirs stays, and the city is set.
    const merged = r.recordOf(r.seeded[0]!.remoteId).local.phones as PhoneEntry[];
    r.core.edits.edit(rec.id, { phones: merged.filter((p) => p.e164 !== '+15035550182'), address: { city: 'Portland' } });
    expect((await r.core.sync.sync()).accounts[0]).toMatchObject({ pushed: 1, rejected: 0 });
    const after = (await r.other.read(r.seeded[0]!.remoteId)).canonical;
    expect(after.address?.city).toBe('Portland');
    expect(after.phones?.map((p) => p.e164).sort()).toEqual(['+15035550181', '+15035550184']);
    expect(after.phones?.find((p) => p.mobile)?.e164).toBe('+15035550184');
  });

  it('undo takes back an edit that was not pushed yet, and nothing is sent', async () => {
    const r = (rig = await syncRig('lightening', 2));
    await r.core.sync.sync();
    const rec = r.recordOf(r.seeded[0]!.remoteId);
    const original = rec.local.givenName;
    r.core.edits.edit(rec.id, { givenName: 'Oops' });
    expect(r.core.status.get().outbox.pending).toBe(1);
    expect(r.core.journal.list({ kind: 'edit', limit: 5, offset: 0 }).entries[0]).toMatchObject({
      summary: 'edited givenName',
      undo: 'edit',
    });
    expect(r.core.edits.undo(rec.id)).toEqual({ undone: 1 });
    expect(r.recordOf(r.seeded[0]!.remoteId)).toMatchObject({ state: 'synced', local: expect.objectContaining({ givenName: original }) });
    const before = writes(r.server).length;
    expect((await r.core.sync.sync()).accounts[0]!.pushed).toBe(0);
    expect(writes(r.server)).toHaveLength(before);
    // Once sent, an edit is history: the journal no longer offers to undo it.
    r.core.edits.edit(rec.id, { givenName: 'Sent' });
    await r.core.sync.sync();
    expect(r.core.journal.list({ kind: 'edit', limit: 5, offset: 0 }).entries[0]).toMatchObject({
      summary: 'edited givenName',
      undo: null,
    });
  });
});

describe.each<[Vendor, string]>([
  ['calltools', 'create answered with duplicate_action MERGE is a conflict; "the same person" links the existing contact'],
  ['livevox', 'a create sent again is answered 202 "already exists" and not duplicated'],
  ['lightening', 'delete succeeds though the envelope says result:false'],
  ['mpdx', 'create builds contact, person, phone, email and address; delete takes the contact with its last person'],
  ['bigchange', 'create and update through OAuth; delete is refused with a clear reason'],
])('%s write quirks end to end', (vendor, what) => {
  it(what, async () => {
    const r = (rig = await syncRig(vendor, 3));
    await r.core.sync.sync();
    const person = r.recordOf(r.seeded[0]!.remoteId);
    const personId = (r.core.store.sqlite.prepare('SELECT person_id FROM records WHERE id = ?').get(person.id) as { person_id: string })
      .person_id;
    const fresh = {
      givenName: 'Grace',
      familyName: 'Hopper',
      emails: [{ address: 'grace@navy.mil' }],
      phones: [{ e164: '+12025550111', raw: '(202) 555-0111' }],
    };
    // BigChange's contact model has no email or phone (the vendor's bigchange-contacts.txt): its create carries a reference instead.
    const made: CanonicalContact =
      vendor === 'mpdx'
        ? { ...fresh, address: { street1: '1 Navy Yard', city: 'Washington', region: 'DC', postalCode: '20374', country: 'US' } }
        : vendor === 'bigchange'
          ? { givenName: 'Grace', familyName: 'Hopper', externalRef: 'GH-1906' }
          : fresh;
    const { recordId } = r.core.syncStore.create(r.accountId, personId, made);
    const s = await r.core.sync.sync();
    expect(s.accounts[0]).toMatchObject({ pushed: 1, errors: [] });
    const created = r.core.syncStore.record(recordId);
    expect(created.remoteId).toBeTruthy();
    expect((await r.other.read(created.remoteId!)).canonical).toMatchObject({ givenName: 'Grace', familyName: 'Hopper' });

    if (vendor === 'calltools') {
      // The same phone again: CallTools merges instead of creating. That is a question for a
      // person (a conflict naming the merge); "the same person" then links that contact.
      const dup = r.core.syncStore.create(r.accountId, personId, {
        givenName: 'Grace',
        familyName: 'Hopper',
        phones: [{ e164: '+12025550111', raw: '202-555-0111' }],
      });
      expect((await r.core.sync.sync()).accounts[0]).toMatchObject({ conflicts: 1 });
      expect(r.server.requestLog.filter((x) => x.method === 'POST' && x.status === 200)).toHaveLength(1);
      expect(r.core.syncStore.record(dup.recordId)).toMatchObject({ state: 'conflicted', remoteId: null });
      const conflict = r.core.edits.conflicts().find((c) => c.recordId === dup.recordId)!;
      expect(conflict).toMatchObject({ kind: 'exists', existing: { remoteId: created.remoteId, mergedByVendor: true } });
      r.core.edits.resolve(conflict.id, { exists: 'same' });
      await r.core.sync.sync();
      expect(r.core.syncStore.record(dup.recordId)).toMatchObject({ state: 'deleted_local', remoteId: null });
      const note = r.core.store.sqlite
        .prepare("SELECT summary FROM journal WHERE entity_id = ? AND kind = 'sync.push'")
        .get(dup.recordId) as { summary: string };
      expect(note.summary).toMatch(/already existed at the vendor/);
      expect(
        (await r.other.pull(null).next()).value!.records.filter(
          (x: { canonical: { familyName?: string | null } }) => x.canonical.familyName === 'Hopper',
        ),
      ).toHaveLength(1);
    }
    if (vendor === 'livevox') {
      const change = r.core.store.sqlite
        .prepare("SELECT idempotency_key FROM changes WHERE record_id = ? AND op = 'create'")
        .get(recordId) as { idempotency_key: string };
      const again = await r.other.create(fresh, { idempotencyKey: change.idempotency_key });
      expect(again).toMatchObject({ remoteId: created.remoteId, alreadyExisted: true });
    }
    // Update, then delete.
    r.core.edits.edit(recordId, { familyName: 'Hopper-Murray' });
    expect((await r.core.sync.sync()).accounts[0]!.pushed).toBe(1);
    expect((await r.other.read(created.remoteId!)).canonical.familyName).toBe('Hopper-Murray');
    r.core.syncStore.delete(recordId);
    const del = await r.core.sync.sync();
    if (vendor === 'bigchange') {
      expect(del.accounts[0]!.rejected).toBe(1);
      const c = r.core.store.sqlite.prepare("SELECT last_error FROM changes WHERE record_id = ? AND op = 'delete'").get(recordId) as {
        last_error: string;
      };
      expect(c.last_error).toMatch(/BigChange/);
      return;
    }
    expect(del.accounts[0]).toMatchObject({ pushed: 1, errors: [] });
    const gone = await r.other.read(created.remoteId!).then(
      () => 'still there',
      (e: { kind?: string }) => e.kind,
    );
    expect(gone).toBe('not_found');
  });
});

describe('deletions at vendors that pull incrementally', () => {
  it('a day after the last full scan, the pull scans in full and sees what was deleted', async () => {
    const { createCore } = await import('../../src/main/core');
    const { createLogger, nullSink } = await import('../../src/main/core/log');
    const { MemorySecretStore } = await import('../../src/main/core/secrets/memory-store');
    const { startMpdxSandbox } = await import('../../src/main/core/sandbox/mpdx');
    const { generatePopulation } = await import('../../src/main/core/sandbox/population');
    const { tempDir } = await import('../helpers/tmp');
    const sb = await startMpdxSandbox({ seed: 5, contacts: generatePopulation({ seed: 5, people: 60 }).byVendor.mpdx.slice(0, 10) });
    const tmp = tempDir();
    let now = Date.now();
    const core = await createCore({
      dataDir: tmp.dir,
      secretStore: new MemorySecretStore(),
      log: createLogger(nullSink),
      clock: { now: () => new Date(now) },
    });
    try {
      const acc = await core.accounts.add({ kind: 'mpdx', label: 'MPDX', baseUrl: sb.baseUrl, credentials: sb.credentials });
      await core.sync.sync();
      const gone = sb.seeded[0]!.remoteId;
      // A person, not a contact: MPDX hard-deletes people with no tombstone (a deleted contact is
      // seen at once through deleted_records: vendors/mpdx-deletions.test.ts).
      sb.store.remove(sb.store.get('people', gone.split('/')[1]!)!);
      const state = () =>
        (
          core.store.sqlite.prepare('SELECT state FROM records WHERE account_id = ? AND remote_id = ?').get(acc.id, gone) as {
            state: string;
          }
        ).state;
      await core.sync.sync(); // incremental: MPDX's updated_at filter cannot show a deleted person
      expect(state()).toBe('synced');
      now += 25 * 3600_000;
      const s = await core.sync.sync();
      expect(s.accounts[0]!.deleted).toBe(1);
      expect(state()).toBe('deleted_remote');
    } finally {
      core.close();
      tmp.cleanup();
      await sb.server.close();
    }
  });
});
