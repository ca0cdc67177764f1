// A person settles a conflict: field by field (mine, theirs, a typed value), a record deleted
// on the server (recreate or drop), a create that met an existing record (same person or not).
import { VENDOR_LABELS } from '../../../shared/domain';
import { CoreError } from '../errors';
import type { FieldConflict } from '../sync/merge';
import type { SyncState } from './sync-state';
import { existingOf, refusal, type ChangeView, type ConflictKind, type ExistingRecord, type RecordView, type Resolution } from './types';

/** See SyncStore.resolve. */
export function resolve(s: SyncState, conflictId: string, resolution: Resolution, by = 'user'): { changeId: number | null } {
  return s.tx(() => {
    const row = s.conflicts.openById(conflictId);
    if (!row) throw new CoreError('not_found', `No open conflict with id ${conflictId}`);
    const kind = row.kind as ConflictKind;
    const rec = s.record(row.record_id);
    const fields = JSON.parse(row.fields) as FieldConflict[];
    const now = s.now();
    const close = (): void => {
      s.conflicts.resolve(conflictId, JSON.stringify(resolution), by, now);
      s.journal('conflict.resolve', 'record', rec.id, describe(resolution), fields, resolution, by);
    };
    const open = s.openChangesOf(rec.id).filter((c) => c.state !== 'in_flight');

    if (kind === 'exists') {
      if (!('exists' in resolution))
        throw new CoreError(
          'bad_request',
          'This create met a record already at the vendor: say whether it is the same person or a different one',
        );
      return resolveExists(s, rec, open, existingOf(kind, row.remote_versions)!, resolution, close);
    }
    if ('exists' in resolution)
      throw new CoreError('bad_request', 'same/different person is only for a create that met an existing record');
    if (kind === 'deleted') {
      if (!('deleted' in resolution)) throw new CoreError('bad_request', 'This record was deleted on the server: choose recreate or drop');
      for (const c of open) s.setChange(c.id, 'cancelled', null);
      close();
      if (resolution.deleted === 'drop') {
        s.setRecordState(rec.id, 'deleted_remote');
        return { changeId: null };
      }
      s.records.forgetServer(rec.id, now);
      return {
        changeId: s.insertChange(rec.id, rec.accountId, 'create', rec.local as Record<string, unknown>, {}, Object.keys(rec.local)),
      };
    }
    if ('deleted' in resolution) throw new CoreError('bad_request', 'recreate/drop is only for a record deleted on the server');
    const choice = (f: string): { take: 'local' | 'remote' } | { value: unknown } =>
      ('take' in resolution ? { take: resolution.take } : resolution.fields[f]) ?? missing(f);
    const local = { ...rec.local } as Record<string, unknown>;
    const typed: string[] = [];
    let keepMine = false;
    for (const f of fields) {
      const c = choice(f.field);
      if ('value' in c) {
        local[f.field] = c.value;
        typed.push(f.field);
      } else if (c.take === 'remote') local[f.field] = f.remote;
      else {
        local[f.field] = f.local;
        keepMine = true;
      }
      if (local[f.field] === null || local[f.field] === undefined) delete local[f.field];
    }
    if (typed.length) {
      const checked = s.check(
        rec.vendor,
        rec.accountId,
        Object.fromEntries(typed.map((f) => [f, local[f] ?? null])),
        rec.local,
        rec.server,
      );
      if (checked.problems.length) throw new CoreError('bad_request', refusal(rec.vendor, checked.problems));
      Object.assign(local, checked.patch);
    }
    s.records.setLocal(rec.id, JSON.stringify(local), now);
    close();
    for (const c of open) if (c.state === 'conflict') s.setChange(c.id, 'pending', null, keepMine);
    const changeId = s.refreshChange(rec.id, typed);
    if (changeId !== null && keepMine) s.setChange(changeId, 'pending', null, true);
    if (changeId !== null) s.setRecordState(rec.id, 'modified');
    s.refreshPerson(rec.personId);
    return { changeId };
  });
}

/**
 * "The same person": the create goes back to the queue holding the existing record's id, so
 * the next push looks it up and links it (as a create whose answer was lost would be).
 * "A different person": under a new key the create is sent again from the start; where the
 * vendor has no key (CallTools merged by phone), nothing is created and the record is dropped.
 */
function resolveExists(
  s: SyncState,
  rec: RecordView,
  open: ChangeView[],
  existing: ExistingRecord,
  resolution: { exists: 'same' } | { exists: 'different'; key?: string },
  close: () => void,
): { changeId: number | null } {
  const create = open.find((c) => c.op === 'create' && c.state === 'conflict');
  if (!create) throw new CoreError('conflict', 'The create this conflict holds is not waiting any more');
  const now = s.now();
  if (resolution.exists === 'same') {
    s.changes.retryAsLink(create.id, JSON.stringify({ record: existing.remoteId }), now);
    s.setRecordState(rec.id, 'modified');
    close();
    return { changeId: create.id };
  }
  if (!existing.key) {
    s.setChange(create.id, 'cancelled', null);
    s.setRecordState(rec.id, 'deleted_local');
    close();
    s.refreshPerson(rec.personId);
    return { changeId: null };
  }
  const key = resolution.key?.trim();
  if (!key) throw new CoreError('bad_request', `Type a new ${existing.key.label} for this person`);
  if (key === existing.remoteId) throw new CoreError('bad_request', `${existing.key.label} ${key} is the one already taken`);
  if (s.records.heldUnder(rec.accountId, key))
    throw new CoreError('bad_request', `${VENDOR_LABELS[rec.vendor]} already has a contact under ${existing.key.label} ${key}`);
  const values = { ...create.createValues, [existing.key.name]: key };
  s.changes.retryFromStart(create.id, JSON.stringify(values), now);
  s.setRecordState(rec.id, 'modified');
  close();
  return { changeId: create.id };
}

/** A field-by-field resolution must say what to do with every disputed field: no silent "keep mine". */
function missing(field: string): never {
  throw new CoreError('bad_request', `Choose mine, theirs or a value for ${field}`);
}

function describe(r: Resolution): string {
  if ('take' in r) return r.take === 'local' ? 'kept mine for every field' : 'took theirs for every field';
  if ('deleted' in r) return r.deleted === 'recreate' ? 'recreate on the server' : 'dropped the local edit';
  if ('exists' in r)
    return r.exists === 'same'
      ? 'the same person: link them'
      : `a different person${r.key ? `: create under ${r.key}` : ': not created there'}`;
  return Object.entries(r.fields)
    .map(([f, c]) => `${f}: ${'value' in c ? 'typed a value' : c.take === 'local' ? 'kept mine' : 'took theirs'}`)
    .join(', ');
}
