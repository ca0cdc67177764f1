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
  const problems = credentialsProblems(kind, credentials);
  if (!problems.length) return null;
  if (problems.length === 1 && problems[0]!.key === null && /JSON object/.test(problems[0]!.message)) return problems[0]!.message;
  const words = problems.map((p) =>
    p.key === null ? p.message : p.message === MISSING ? `"${p.key}" is missing` : `"${p.key}": ${p.message}`,
  );
  return `${VENDOR_LABELS[kind]} credentials: ${[...new Set(words)].join('; ')}`;
}

const MISSING = 'is missing';

/**
 * The same rule, problem by problem with the key each is about (null: the whole object), so a
 * form can show each under its field as it is typed (checkCredentials). `partial`: an edit,
 * where a key left out keeps what is stored, so only the keys given are checked.
 */
export function credentialsProblems(
  kind: AccountKind,
  credentials: unknown,
  opts: { partial?: boolean } = {},
): { key: string | null; message: string }[] {
  const def = vendorDefinition(kind);
  if (!def || kind === 'csv') return [];
  const label = VENDOR_LABELS[kind];
  if (!credentials || typeof credentials !== 'object' || Array.isArray(credentials))
    return [{ key: null, message: `${label} credentials must be a JSON object` }];
  const given = credentials as Record<string, unknown>;
  const known = [...ACCOUNT_FORMS[kind].credentials.map((f) => f.key), ...(EXTRA_KEYS[kind] ?? [])];
  const problems: { key: string | null; message: string }[] = [];
  const parsed = def.credentialsSchema.safeParse(given);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const key = issue.path[0];
      if (key === undefined) {
        if (!opts.partial) problems.push({ key: null, message: issue.message });
      } else if (!(String(key) in given) || given[String(key)] === undefined) {
        if (!opts.partial) problems.push({ key: String(key), message: MISSING });
      } else problems.push({ key: String(key), message: issue.message });
    }
  }
  for (const key of Object.keys(given)) {
    if (!known.includes(key))
      problems.push({
        key: null,
        message: `"${excerpt(key, 40)}" is not a ${label} credential (it takes ${known.map((k) => `"${k}"`).join(', ')})`,
      });
  }
  return problems;
}
