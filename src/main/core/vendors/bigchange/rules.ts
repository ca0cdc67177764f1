// What BigChange can hold: create model "name: non-empty" (the vendor's bigchange-contacts.txt) and the
// legacy web-service column limits, probably the same table (docs/vendors/bigchange.md#field-limits): name 50,
// reference 40, street 100, postcode 10, town 100, country 50. The REST contact model has no
// email or phone, so there are no rules for them: validateBigChange refuses them outright.
import type { VendorFieldRules } from '../field-rules';

export const BIGCHANGE_RULES: VendorFieldRules = {
  vendor: 'BigChange',
  fields: {
    externalRef: [{ kind: 'length', max: 40 }],
    'address.street1': [{ kind: 'length', max: 100 }],
    'address.postalCode': [{ kind: 'length', max: 10 }],
    'address.city': [{ kind: 'length', max: 100 }],
    'address.country': [{ kind: 'length', max: 50 }],
  },
  bodyFields: {
    name: {
      label: 'name',
      rules: [
        { kind: 'required', what: 'a name for every contact' },
        { kind: 'length', max: 50 },
      ],
    },
  },
};
