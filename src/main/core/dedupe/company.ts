// Company names for matching: "St. Mary's Hospital, Inc." and "Saint Marys Hospital" are one
// organisation. Legal suffixes, "&"/"and", "St."/"Saint", punctuation and word order do not
// tell organisations apart; what is left is compared as a sorted set of words.
const LEGAL = new Set([
  'inc',
  'incorporated',
  'llc',
  'llp',
  'lp',
  'ltd',
  'limited',
  'co',
  'corp',
  'corporation',
  'company',
  'plc',
  'pty',
  'pc',
  'pllc',
  'gmbh',
  'ag',
  'sa',
  'sarl',
  'bv',
  'nv',
  'srl',
  'spa',
  'oy',
  'ab',
  'as',
  'the',
]);
const WORDS: Record<string, string> = {
  saint: 'st',
  ste: 'st',
  mount: 'mt',
  and: '',
  '&': '',
  intl: 'international',
  assoc: 'association',
  dept: 'department',
  ctr: 'center',
  centre: 'center',
  hosp: 'hospital',
  univ: 'university',
  svcs: 'services',
  svc: 'service',
  mgmt: 'management',
  bros: 'brothers',
};

/** "The St. Mary's Hospital & Clinic, Inc." -> "clinic hospital marys st". */
export function normCompany(s: string | null | undefined): string {
  if (!s) return '';
  const words = s
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(/['’]/g, '')
    .replace(/[^a-z0-9 ]/g, ' ')
    .split(/\s+/)
    .filter(Boolean)
    .map((w) => (w in WORDS ? WORDS[w]! : w))
    .filter((w) => w && !LEGAL.has(w));
  return [...new Set(words)].sort().join(' ');
}
