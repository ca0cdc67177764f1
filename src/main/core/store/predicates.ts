// SQL predicates over the states defined once in shared/domain.ts, so no query retypes them.
import { RECORD_STATES, type RecordState } from '../../../shared/domain';

/** Record states of records that are gone (deleted here or at the vendor): not live. */
export const DEAD_RECORD_STATES = ['deleted_local', 'deleted_remote'] as const satisfies readonly RecordState[];

/** The states a live record can be in. */
export const LIVE_RECORD_STATES = RECORD_STATES.filter((s) => !(DEAD_RECORD_STATES as readonly string[]).includes(s));

const quoted = (states: readonly string[]): string => states.map((s) => `'${s}'`).join(', ');

/** `<alias.>state NOT IN (dead states)`: the record is live. */
export function liveRecord(alias?: string): string {
  return `${alias ? `${alias}.` : ''}state NOT IN (${quoted(DEAD_RECORD_STATES)})`;
}
