// What Lightening can hold: "Data requirements & limitations" of Adding/Updating contact
// (the vendor's lightening-contacts.txt, docs/vendors/lightening.md). `name` is one field built from the name parts.
import type { VendorFieldRules } from '../field-rules';

export const LIGHTENING_RULES: VendorFieldRules = {
  vendor: 'Lightening',
  fields: {
    emails: [{ kind: 'email' }, { kind: 'length', max: 191 }], // email: email format, at most 191
    phones: [{ kind: 'phone' }, { kind: 'length', max: 32 }], // tel, tel1, mobile: at most 32
    role: [{ kind: 'length', max: 32 }], // role: at most 32
    department: [{ kind: 'length', max: 64 }], // department: at most 64
    externalRef: [{ kind: 'length', max: 16 }], // customer_custom_identifier: at most 16
  },
  bodyFields: {
    name: {
      label: 'name',
      rules: [
        { kind: 'required', what: 'a name for every contact' },
        { kind: 'length', max: 64 },
      ],
    }, // name (required), at most 64
  },
};
