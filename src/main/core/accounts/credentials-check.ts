// Credentials are checked at the door, against each vendor's documented shape, before anything
// is saved: a CallTools token that is not 40 hex characters, an MPDX `{}`, a LiveVox login
// without its password would otherwise be kept and fail only at the first sync, far from where
// they were typed. Messages name the key and the rule, never the value (it may be a secret).
import { VENDOR_LABELS, type AccountKind } from '../../../shared/domain';
import { excerpt } from '../errors';
import { ACCOUNT_FORMS } from '../vendors/account-forms';
import { vendorDefinition } from '../vendors/registry';

/** Keys a vendor's credentials may hold beyond the form's (MPDX's account list, set by scripts). */
const EXTRA_KEYS: Partial<Record<AccountKind, string[]>> = { mpdx: ['accountListId'] };

/** Why these credentials are not what `kind` needs, or null when they are. */
export function credentialsProblem(kind: AccountKind, credentials: unknown): string | null {
  const def = vendorDefinition(kind);
  if (!def || kind === 'csv') return null;
  const label = VENDOR_LABELS[kind];
  if (!credentials || typeof credentials !== 'object' || Array.isArray(credentials)) return `${label} credentials must be a JSON object`;
  const given = credentials as Record<string, unknown>;
  const known = [...ACCOUNT_FORMS[kind].credentials.map((f) => f.key), ...(EXTRA_KEYS[kind] ?? [])];
  const problems: string[] = [];
  const parsed = def.credentialsSchema.safeParse(given);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const key = issue.path[0];
      if (key === undefined) problems.push(issue.message);
      else if (!(String(key) in given) || given[String(key)] === undefined) problems.push(`"${String(key)}" is missing`);
      else problems.push(`"${String(key)}": ${issue.message}`);
    }
  }
  for (const key of Object.keys(given)) {
    if (!known.includes(key)) problems.push(`"${excerpt(key, 40)}" is not a ${label} credential (it takes ${known.map((k) => `"${k}"`).join(', ')})`);
  }
  return problems.length ? `${label} credentials: ${[...new Set(problems)].join('; ')}` : null;
}
