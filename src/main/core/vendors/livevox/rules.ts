// What LiveVox can hold (the vendor's livevox-contacts.txt, docs/vendors/livevox.md#field-limits-and-blocks): phone ordinals
// 1–10, so at most ten numbers; one person.email, so one address; person.dateOfBirth as epoch
// ms. The document gives no lengths for the fields Concord writes.
import type { VendorFieldRules } from '../field-rules';

export const LIVEVOX_RULES: VendorFieldRules = {
  vendor: 'LiveVox',
  fields: {
    emails: [{ kind: 'email' }, { kind: 'count', max: 1 }],
    phones: [{ kind: 'phone' }, { kind: 'count', max: 10 }],
    birthDate: [{ kind: 'date', notFuture: true }],
  },
};
