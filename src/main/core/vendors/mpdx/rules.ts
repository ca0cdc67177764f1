// What MPDX can hold (docs/vendors/mpdx.md#validation, from CruGlobal/mpdx_api; the vendor's mpdx-phones.txt).
// No length limits are documented. Phone/email `location` is "essentially a label, such as
// 'home', 'mobile', 'office'" in the document: free text, so no list of values is enforced.
import type { VendorFieldRules } from '../field-rules';

export const MPDX_RULES: VendorFieldRules = {
  vendor: 'MPDX',
  fields: {
    givenName: [{ kind: 'required', what: 'a first name for every person' }], // person: first_name required
    emails: [{ kind: 'email' }], // email: required, valid format
    phones: [{ kind: 'phone' }], // phone: normalized to E.164 with the account's home country
    birthDate: [{ kind: 'date', notFuture: true }], // birthday_day/month/year: must make a real date
  },
};
