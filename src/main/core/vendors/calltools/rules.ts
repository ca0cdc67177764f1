// What CallTools can hold, from its ContactDetail schema (the vendor's calltools-contacts.txt,
// docs/vendors/calltools.md#field-limits). time_zone is "string, maxLength 50, x-nullable" there, with no Enum (the
// document lists one for every custom choice field), so any text up to 50 characters is held
// and Concord does not guess a list of zones.
import type { VendorFieldRules } from '../field-rules';

export const CALLTOOLS_RULES: VendorFieldRules = {
  vendor: 'CallTools',
  fields: {
    givenName: [{ kind: 'length', max: 255 }], // first_name maxLength 255
    familyName: [{ kind: 'length', max: 255 }], // last_name maxLength 255
    'address.street1': [{ kind: 'length', max: 255 }], // address maxLength 255
    'address.city': [{ kind: 'length', max: 50 }], // city/state/zip_code/county/country maxLength 50
    'address.region': [{ kind: 'length', max: 50 }],
    'address.postalCode': [{ kind: 'length', max: 50 }],
    'address.county': [{ kind: 'length', max: 50 }],
    'address.country': [{ kind: 'length', max: 50 }],
    timeZone: [{ kind: 'length', max: 50 }], // time_zone maxLength 50
    // Written via personal_email_address, the one email field a client can write (the nested
    // email_addresses are read-only); stored as EmailAddress.email, minLength 1, maxLength 255.
    emails: [{ kind: 'count', max: 1 }, { kind: 'email' }, { kind: 'length', max: 255 }],
    // Written via home_phone_number and mobile_phone_number, the two phone fields a client can
    // write; stored as PhoneNumber.phone_number, 1–20.
    phones: [{ kind: 'count', max: 2 }, { kind: 'phone' }, { kind: 'length', max: 20 }],
    birthDate: [{ kind: 'date', notFuture: true }], // birthday: string($date)
  },
};
