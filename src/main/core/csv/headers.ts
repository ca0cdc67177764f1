// Which CSV header feeds which canonical field. Headers match case-, space- and
// punctuation-insensitively, so "First Name", "first_name" and "FIRSTNAME" are one alias.

export const CSV_TARGETS = [
  'givenName',
  'familyName',
  'fullName',
  'email',
  'phone',
  'mobile',
  'homePhone',
  'workPhone',
  'streetNumber',
  'street1',
  'street2',
  'city',
  'region',
  'postalCode',
  'county',
  'country',
  'company',
  'department',
  'role',
  'birthDate',
  'timeZone',
  'notes',
  'tags',
  'externalRef',
  'doNotContact',
] as const;
export type CsvTarget = (typeof CSV_TARGETS)[number];

const ALIASES: Record<CsvTarget, string[]> = {
  givenName: ['given name', 'first name', 'firstname', 'first', 'forename', 'given'],
  familyName: ['family name', 'last name', 'lastname', 'surname', 'last'],
  fullName: ['full name', 'name', 'contact name', 'display name'],
  email: ['email', 'e-mail', 'email address', 'emails', 'personal email address', 'mail'],
  phone: ['phone', 'phone number', 'telephone', 'tel', 'phones'],
  mobile: ['mobile', 'mobile phone', 'cell', 'cell phone', 'mobile phone number', 'mobile number'],
  homePhone: ['home phone', 'home phone number', 'home'],
  workPhone: ['work phone', 'business phone', 'office phone', 'work'],
  // A house number in its own column goes in front of street1 ("6" + "tullaroop street").
  streetNumber: ['street number', 'house number', 'street no', 'number', 'house no', 'building number'],
  street1: ['street', 'street1', 'street 1', 'address', 'address 1', 'address1', 'address line 1', 'street address'],
  street2: ['street2', 'street 2', 'address 2', 'address2', 'address line 2'],
  city: ['city', 'town', 'suburb', 'locality'],
  region: ['region', 'state', 'province', 'county/state', 'state province'],
  postalCode: ['postal code', 'postcode', 'zip', 'zip code', 'zipcode', 'post code'],
  county: ['county'],
  country: ['country', 'country code'],
  company: ['company', 'organisation', 'organization', 'employer', 'business'],
  department: ['department', 'dept'],
  role: ['role', 'title', 'job title', 'position', 'occupation'],
  birthDate: ['birth date', 'birthdate', 'date of birth', 'dob', 'birthday'],
  timeZone: ['time zone', 'timezone', 'tz'],
  notes: ['notes', 'note', 'comments', 'comment'],
  tags: ['tags', 'tag', 'labels', 'groups'],
  externalRef: ['id', 'external id', 'external ref', 'reference', 'ref', 'record id', 'rec id', 'contact id'],
  doNotContact: ['do not contact', 'dnc', 'do not call', 'opt out'],
};

/**
 * The form headers are compared in: camelCase split (Concord's own `givenName`, `postalCode`),
 * then case, spaces, underscores, dashes and dots folded, so "givenName", "given_name",
 * "Given Name" and "GIVEN-NAME" are one.
 */
export function headerKey(h: string): string {
  return h
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .replace(/[\s_\-.]+/g, ' ')
    .replace(/[^a-z0-9/ ]/g, '')
    .trim();
}

const BY_KEY = new Map<string, CsvTarget>();
for (const [target, aliases] of Object.entries(ALIASES) as [CsvTarget, string[]][]) {
  BY_KEY.set(headerKey(target.replace(/([A-Z])/g, ' $1')), target);
  for (const a of aliases) BY_KEY.set(headerKey(a), target);
}

/**
 * Map each header to a target. `overrides` (from --map HEADER=field) win; a header mapped to
 * nothing is reported so the person sees what was ignored.
 */
export function mapHeaders(
  headers: string[],
  overrides: Record<string, string> = {},
): { mapping: (CsvTarget | null)[]; ignored: string[] } {
  const over = new Map(Object.entries(overrides).map(([h, f]) => [headerKey(h), f]));
  for (const [h, f] of over) {
    if (!(CSV_TARGETS as readonly string[]).includes(f))
      throw new Error(`--map ${h}=${f}: "${f}" is not a field (use one of ${CSV_TARGETS.join(', ')})`);
  }
  const mapping = headers.map((h) => (over.get(headerKey(h)) as CsvTarget | undefined) ?? BY_KEY.get(headerKey(h)) ?? null);
  return { mapping, ignored: headers.filter((_, i) => mapping[i] === null) };
}
