// The review's keys are split between the parts that own what they move (the queue: j/k and the
// arrows in it; the grid: arrows and 1…9 beside it; the cluster: m/n/s). Each listens on its own;
// the keys do not overlap, and these are the conditions all of them share.
import { isEditable } from '../../lib/keys';

/** Not for the review: typing, a shortcut with a modifier, or a bulk merge holding the view. */
export function ignoredKey(e: KeyboardEvent, locked: boolean): boolean {
  return isEditable(e.target) || e.ctrlKey || e.metaKey || e.altKey || locked;
}

/** Pressed with focus in the queue (its arrows move the selection there, not the grid's field). */
export function inQueue(target: EventTarget | null): boolean {
  return target instanceof Element && !!target.closest('.duplicates-view .queue');
}
