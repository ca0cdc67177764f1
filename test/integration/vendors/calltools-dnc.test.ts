// CallTools' do-not-contact facts (the vendor's calltools-contacts.txt, the ContactDetail schema):
// `is_fdnc` (the number is on the federal do-not-call list) and `do_not_contact` on a nested
// phone, `do_not_contact` on a nested email and on the contact. Each reads as do-not-contact
// with its reason, from the mapping and over HTTP from the simulator into a real core.
import { afterEach, describe, expect, it } from 'vitest';
import type { CallToolsStore } from '../../../src/main/core/sandbox/calltools';
import { callToolsToCanonical } from '../../../src/main/core/vendors/calltools/mapping';
import type { CanonicalContact } from '../../../src/shared/domain';
import { syncRig, type SyncRig } from '../../helpers/sync';

type Json = Record<string, unknown>;
let rig: SyncRig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

// The schema's nested PhoneNumber and EmailAddress, reduced to the fields that matter here.
const phone = (id: number, number: string, flags: Json): Json => ({
  id,
  contact_field: 31,
  e164_country_code: 1,
  phone_number: number,
  do_not_contact: false,
  is_fdnc: false,
  is_mobile: false,
  ...flags,
});

describe('CallTools do-not-contact', () => {
  it('is_fdnc on a number reads as that number\'s do-not-contact, "federal do-not-call list (CallTools)"; do_not_contact on number, email and contact too', () => {
    const c = callToolsToCanonical({
      do_not_contact: true,
      phone_numbers: [
        phone(901, '5035550142', { is_fdnc: true }),
        phone(902, '5035550199', { do_not_contact: true }),
        phone(903, '5035550100', {}),
      ],
      email_addresses: [{ id: 77, email: 'maria.lopez@example.org', do_not_contact: true }],
    });
    expect(c).toMatchObject({ doNotContact: true, doNotContactWhy: 'do not contact (CallTools)' });
    expect(c.phones!.map((p) => [p.e164, p.doNotContact, p.doNotContactWhy ?? null])).toEqual([
      ['+15035550142', true, 'federal do-not-call list (CallTools)'],
      ['+15035550199', true, 'do not contact (CallTools)'],
      ['+15035550100', false, null],
    ]);
    expect(c.emails![0]).toMatchObject({ doNotContact: true, doNotContactWhy: 'do not contact (CallTools)' });
  });

  it('over HTTP: a number on the federal list is do-not-contact in the record and in the golden record', async () => {
    rig = await syncRig('calltools', 1);
    const store = rig.store as CallToolsStore;
    const id = rig.seeded[0]!.remoteId;
    const c = store.contacts.get(Number(id))!;
    c.phone_numbers = [...((c.phone_numbers as Json[]) ?? []), phone(99001, '4158149720', { is_fdnc: true })];
    const s = await rig.core.sync.sync();
    expect(s.accounts[0]).toMatchObject({ errors: [] });
    const local = rig.recordOf(id).local as CanonicalContact;
    expect(local.phones!.find((p) => p.e164 === '+14158149720')).toMatchObject({
      doNotContact: true,
      doNotContactWhy: 'federal do-not-call list (CallTools)',
    });
    const person = rig.core.contacts.get(rig.core.syncStore.record(rig.recordOf(id).id).personId!);
    expect((person.golden.phones ?? []).find((p) => p.e164 === '+14158149720')).toMatchObject({
      doNotContact: true,
      doNotContactWhy: 'federal do-not-call list (CallTools)',
    });
  });
});
