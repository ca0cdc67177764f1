// Do-not-contact travels with the person (issue 21), over HTTP against the LiveVox and
// CallTools simulators with a real core: someone blocked in LiveVox (accountBlock PERMANENT)
// added to CallTools is previewed with do_not_contact: true in the very body that is then sent,
// and CallTools holds it afterwards; a number blocked in LiveVox that CallTools cannot mark is
// left out, saying why. A vendor with no place for a block at all refuses the person.
import { afterEach, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../src/main/core';
import { createLogger, nullSink } from '../../src/main/core/log';
import { carryBlocks } from '../../src/main/core/reconcile/blocks';
import { startCallToolsSandbox, type CallToolsSandbox } from '../../src/main/core/sandbox/calltools';
import { startLiveVoxSandbox, type LiveVoxSandbox } from '../../src/main/core/sandbox/livevox';
import { MemorySecretStore } from '../../src/main/core/secrets/memory-store';
import { vendorDefinition } from '../../src/main/core/vendors/registry';
import { FAST_RETRY } from '../helpers/vendor';
import { tempDir } from '../helpers/tmp';

type Json = Record<string, unknown>;
let lv: LiveVoxSandbox | undefined;
let ct: CallToolsSandbox | undefined;
let core: Core | undefined;
let cleanup: (() => void) | undefined;
afterEach(async () => {
  core?.close();
  cleanup?.();
  await lv?.server.close();
  await ct?.server.close();
  lv = ct = core = cleanup = undefined;
});

describe('do-not-contact travels with the person', () => {
  it('a LiveVox-blocked person added to CallTools carries do_not_contact: true in the preview and at CallTools; a blocked number CallTools cannot mark is left out', async () => {
    lv = await startLiveVoxSandbox({
      seed: 5,
      contacts: [
        {
          key: 'p1',
          contact: { givenName: 'Ada', familyName: 'Byron', phones: [{ e164: '+16503517500', raw: '6503517500', primary: true }] },
        },
      ],
    });
    ct = await startCallToolsSandbox({ seed: 5, contacts: [] });
    // The document's values: accountBlock PERMANENT (bulk update), a second number with phoneBlock PERMANENT (list).
    const account = lv.seeded[0]!.remoteId;
    Object.assign(lv.store.contacts.get(account)!, {
      accountBlock: 'PERMANENT',
      phone: [
        { phone: '6503517500', ordinal: 1, phoneBlock: 'NONE' },
        { phone: '4158149720', ordinal: 2, phoneBlock: 'PERMANENT' },
      ],
    });
    const t = tempDir();
    cleanup = t.cleanup;
    core = await createCore({
      dataDir: t.dir,
      secretStore: new MemorySecretStore(),
      log: createLogger(nullSink),
      retry: FAST_RETRY,
      syncTuning: { roundDelayMs: 10 },
    });
    await core.accounts.add({ kind: 'livevox', label: 'LiveVox', baseUrl: lv.baseUrl, credentials: lv.credentials });
    const ctAccount = (await core.accounts.add({ kind: 'calltools', label: 'CallTools', baseUrl: ct.baseUrl, credentials: ct.credentials }))
      .id;
    for (const a of (await core.sync.sync()).accounts) expect(a.errors).toEqual([]);

    const personId = (core.store.sqlite.prepare('SELECT person_id FROM records WHERE remote_id = ?').get(account) as { person_id: string })
      .person_id;
    const person = core.contacts.get(personId);
    expect(person.golden).toMatchObject({ doNotContact: true, doNotContactWhy: 'blocked in LiveVox: PERMANENT' });

    const p = await core.addTo.preview(personId, ctAccount);
    expect(p.ready).toBe(true);
    const body = p.requests[0]!.body as Json;
    expect(body).toMatchObject({ do_not_contact: true, first_name: 'Ada', home_phone_number: '+16503517500' });
    expect(JSON.stringify(body)).not.toContain('4158149720'); // the blocked number is not sent as contactable
    expect(p.blocks).toEqual([
      'Do not contact — blocked in LiveVox: PERMANENT: created as do-not-contact in CallTools',
      '+14158149720 left out — blocked in LiveVox: PERMANENT; CallTools cannot mark one number as do-not-contact',
    ]);
    expect(p.notHeld).not.toContain('doNotContact');

    await core.addTo.addTo(personId, ctAccount);
    for (const a of (await core.sync.sync()).accounts) expect(a.errors).toEqual([]);
    const created = [...ct.store.contacts.values()];
    expect(created).toHaveLength(1);
    expect(created[0]).toMatchObject({ do_not_contact: true, first_name: 'Ada' });
    expect((created[0]!.phone_numbers as Json[]).map((x) => String(x.phone_number).slice(-10))).toEqual(['6503517500']);
    // And the person stays do-not-contact, now said by both records.
    expect(core.contacts.get(personId).golden).toMatchObject({ doNotContact: true });

    // Someone lifts the flag at CallTools; "make them agree" on phones puts the block back there
    // (LiveVox still blocks the person), and still never writes the blocked number to CallTools.
    const ctId = Number(
      (core.store.sqlite.prepare('SELECT remote_id FROM records WHERE account_id = ?').get(ctAccount) as { remote_id: string }).remote_id,
    );
    ct.store.contacts.get(ctId)!.do_not_contact = false;
    for (const a of (await core.sync.sync({ full: true })).accounts) expect(a.errors).toEqual([]);
    expect(core.contacts.get(personId).golden).toMatchObject({ doNotContact: true, doNotContactWhy: 'blocked in LiveVox: PERMANENT' });
    const lvAccount = (
      core.store.sqlite.prepare('SELECT account_id FROM records WHERE remote_id = ?').get(account) as { account_id: string }
    ).account_id;
    core.policies.set('phones', [lvAccount, ctAccount]);
    const plan = core.policies.plan('phones');
    expect(plan.writes.map((w) => [w.accountLabel, w.field, w.to, w.note])).toEqual([
      ['CallTools', 'doNotContact', true, 'Do not contact — blocked in LiveVox: PERMANENT'],
    ]);
    core.policies.apply('phones', plan.total);
    for (const a of (await core.sync.sync()).accounts) expect(a.errors).toEqual([]);
    expect(ct.store.contacts.get(ctId)).toMatchObject({ do_not_contact: true });
    expect(JSON.stringify(ct.store.contacts.get(ctId))).not.toContain('4158149720');
  });

  it('a vendor that cannot hold a block refuses the person, saying why; LiveVox takes a blocked person and number blocked', () => {
    const blocked = {
      givenName: 'Ada',
      doNotContact: true,
      doNotContactWhy: 'federal do-not-call list (CallTools)',
      phones: [{ e164: '+14158149720', raw: '4158149720', doNotContact: true, doNotContactWhy: 'federal do-not-call list (CallTools)' }],
    };
    const lightening = carryBlocks(blocked, vendorDefinition('lightening')!.fields, 'Lightening');
    expect(lightening.refusal).toBe('federal do-not-call list (CallTools); Lightening has no place to say so, so they are not added there');
    const livevox = carryBlocks(blocked, vendorDefinition('livevox')!.fields, 'LiveVox');
    expect(livevox.refusal).toBeNull();
    expect(livevox.contact.phones).toHaveLength(1);
    const def = vendorDefinition('livevox')!;
    const connector = def.create({
      baseUrl: 'http://127.0.0.1:9',
      credentials: def.credentialsSchema.parse({ accessToken: 't', clientName: 'c', userName: 'u', password: 'p' }),
    });
    const sent = (connector.previewCreate(livevox.contact, { account: 'A1' }).requests[0]!.body as { createContactDetails: Json })
      .createContactDetails;
    expect(sent).toMatchObject({ accountBlock: 'PERMANENT', phone: [{ phone: '4158149720', ordinal: 1, phoneBlock: 'PERMANENT' }] });
  });
});
