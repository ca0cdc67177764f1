// Resolving a conflict, as the core will do it: typed text parsed by the core's one parser,
// and what that would send — each field whose final value is not what the vendor holds now.
// The window shows this preview before anything is sent; it no longer works it out itself.
import type { CanonicalContact } from '../../../shared/domain';
import { parseTypedValues } from '../contacts/typed-values';
import { CoreError } from '../errors';
import type { Resolution } from './sync-store';

export type ResolutionInput =
  | { take: 'local' | 'remote' }
  | { fields: Record<string, { take: 'local' | 'remote' } | { value: unknown } | { typed: string }> }
  | { deleted: 'recreate' | 'drop' }
  | { exists: 'same' }
  | { exists: 'different'; key?: string };

interface ConflictFields {
  kind: 'fields' | 'deleted' | 'exists';
  fields: { field: string; local: unknown; remote: unknown }[];
}

/** Typed choices become values, parsed against the record's own copy. */
export function parsedResolution(input: ResolutionInput, local: CanonicalContact): Resolution {
  if (!('fields' in input)) return input;
  const fields: Record<string, { take: 'local' | 'remote' } | { value: unknown }> = {};
  const typed: Record<string, string> = {};
  for (const [f, c] of Object.entries(input.fields)) {
    if ('typed' in c)
      typed[f] = c.typed; // `address.city` reaches inside the address
    else fields[f] = c;
  }
  for (const [f, v] of Object.entries(parseTypedValues(typed, local))) fields[f] = { value: v ?? null };
  return { fields };
}

/** The fields a resolution would send, with the value each would get. Unchosen fields are left out. */
export function previewResolution(conflict: ConflictFields, resolution: Resolution): { field: string; value: unknown }[] {
  if ('deleted' in resolution) {
    if (conflict.kind !== 'deleted') throw new CoreError('bad_request', 'recreate/drop is only for a record deleted on the server');
    return [];
  }
  // Linking writes nothing to the existing record; a new key sends the create again (not a field).
  if ('exists' in resolution) {
    if (conflict.kind !== 'exists')
      throw new CoreError('bad_request', 'same/different person is only for a create that met an existing record');
    return [];
  }
  if (conflict.kind === 'exists')
    throw new CoreError('bad_request', 'This create met a record already at the vendor: say whether it is the same person');
  return conflict.fields.flatMap((f) => {
    const c = 'take' in resolution ? { take: resolution.take } : resolution.fields[f.field];
    if (!c) return [];
    const value = 'value' in c ? c.value : c.take === 'local' ? f.local : f.remote;
    return same(value, f.remote) ? [] : [{ field: f.field, value: value ?? null }];
  });
}

/** Equal as data: key order and absent-versus-null do not count. */
function same(a: unknown, b: unknown): boolean {
  return canonical(a) === canonical(b);
}

function canonical(v: unknown): string {
  if (v === undefined || v === null || v === '') return 'null';
  if (Array.isArray(v)) return v.length ? `[${v.map(canonical).join(',')}]` : 'null';
  if (typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>)
      .filter(([, x]) => x !== undefined && x !== null && x !== '')
      .sort(([a], [b]) => a.localeCompare(b));
    return entries.length ? `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonical(x)}`).join(',')}}` : 'null';
  }
  return JSON.stringify(v);
}
