// Batches of updates (issue 25), where a connector documents bulk routes (LiveVox's search and
// bulk PUT): the head change of many lanes goes out together as one read, one write and one
// read back, and each change is settled by what the vendor holds afterwards, never the batch as
// a whole. Per change it is the same guard as a change sent alone (push-service.ts): a record
// that moved since the last pull is merged, a conflict stays that change's. Only a lane's head
// is ever in a batch, so a person's edits still reach the vendor in the order they were made.
import type { Logger } from '../log';
import type { BatchUpdate, Connector, RemoteRecord } from '../vendors/connector';
import { VendorError } from '../vendors/errors';
import { diff, fieldOfIntent } from './merge';
import type { PushWidth } from './push-lanes';
import type { ChangeView, SyncStore } from './sync-store';

/** What a batch run reports back to the push it is part of. */
export interface BatchHost {
  store: SyncStore;
  log: Logger;
  width: PushWidth;
  /** A change reached its end state (pushed, conflict, refused, nothing to send). */
  settled: (changeId: number, outcome: 'pushed' | 'conflict' | 'rejected' | 'nothing') => void;
  /** A failure that stops the push: the changes named go back to the queue to be tried later. */
  failed: (changes: readonly ChangeView[], e: unknown) => void;
  stopped: () => boolean;
}

/** Fewer than this many heads ready: no batch (one change alone costs no more). */
const MIN_BATCH = 2;

/**
 * Send the lanes' heads in batches, round after round (a lane's next change is its head once
 * the one before it is settled), until fewer than two heads can go together. A lane whose head
 * cannot be batched (a create, a delete, a block, a "keep mine") or that a batch handed back is
 * left whole to the lane-by-lane push that follows.
 */
export async function pushBatches(host: BatchHost, connector: Connector, lanes: readonly ChangeView[][]): Promise<void> {
  if (!connector.readMany || !connector.updateMany) return;
  const size = Math.max(MIN_BATCH, connector.batchSize ?? 100);
  const left = new Set<number>(); // lanes for the single path from here on
  for (;;) {
    const heads: { lane: number; change: ChangeView }[] = [];
    lanes.forEach((lane, i) => {
      if (left.has(i)) return;
      const head = lane.map((c) => host.store.change(c.id)).find((c) => c.state === 'pending');
      if (!head) return;
      if (batchable(host.store, head, connector)) heads.push({ lane: i, change: head });
      else left.add(i);
    });
    if (heads.length < MIN_BATCH) return;
    for (let i = 0; i < heads.length; i += size) {
      if (host.stopped()) return;
      const chunk = heads.slice(i, i + size);
      const alone = await sendBatch(
        host,
        connector,
        chunk.map((h) => h.change),
      );
      for (const h of chunk) if (alone.has(h.change.id)) left.add(h.lane);
    }
    if (host.stopped()) return;
  }
}

function batchable(store: SyncStore, c: ChangeView, connector: Connector): boolean {
  if (c.op !== 'update' || c.overwrite) return false;
  if (!store.record(c.recordId).remoteId) return false;
  return !intentFields(c, connector).includes('doNotContact'); // blocks go through their own route
}

/**
 * One batch: read, guard each change, write what is still to send, read back and settle each.
 * Returns the changes handed back to the single path (left pending, to be sent alone now).
 */
async function sendBatch(host: BatchHost, connector: Connector, changes: ChangeView[]): Promise<Set<number>> {
  const { store } = host;
  const alone = new Set<number>();
  const idOf = (c: ChangeView) => store.record(c.recordId).remoteId!;
  let current: Map<string, RemoteRecord>;
  try {
    current = await connector.readMany!(changes.map(idOf));
  } catch (e) {
    host.failed(changes, e);
    return alone;
  }
  // The guard, change by change, as for a change sent alone.
  const items: BatchUpdate[] = [];
  const byId = new Map<string, { change: ChangeView; patch: Partial<Record<string, unknown>> }>();
  for (const c of changes) {
    const remoteId = idOf(c);
    const cur = current.get(remoteId);
    if (!cur) {
      store.release(c.id, null);
      store.raiseDeleted(c.recordId);
      host.settled(c.id, 'conflict');
      continue;
    }
    const stored = store.record(c.recordId);
    const moved =
      JSON.stringify(cur.versions) !== JSON.stringify(stored.versions) || Object.keys(diff(stored.base ?? {}, cur.canonical)).length > 0;
    if (moved) {
      const outcome = store.mergeRemote(c.recordId, cur);
      if (outcome === 'conflict' || outcome === 'already_there') {
        host.settled(c.id, outcome === 'conflict' ? 'conflict' : 'nothing');
        continue;
      }
    }
    const now = store.record(c.recordId);
    const latest = store.change(c.id);
    if (latest.state !== 'pending') {
      host.settled(c.id, latest.state === 'conflict' ? 'conflict' : 'nothing');
      continue;
    }
    const patch = diff(now.base ?? {}, now.local, intentFields(latest, connector));
    if (!Object.keys(patch).length) {
      store.pushed(c.id, null);
      host.settled(c.id, 'nothing');
      continue;
    }
    // Unmoved, the copy of the last pull is what the vendor holds (the same modifyDate): the
    // body is rebuilt from it. Moved, from the copy just read.
    items.push({ remoteId, patch, context: { raw: moved ? cur.raw : (now.server ?? cur.raw), versions: now.versions } });
    byId.set(remoteId, { change: latest, patch });
  }
  if (!items.length) return alone;

  const claimed: string[] = [];
  let sendError: unknown = null;
  try {
    const answer = await connector.updateMany!(items, (ids) => {
      for (const id of ids) store.claim(byId.get(id)!.change.id); // from here a crash leaves them in_flight: recover() re-reads
      claimed.push(...ids);
    });
    for (const [id, e] of answer.refused) {
      store.reject(byId.get(id)!.change.id, fieldMessage(e));
      host.settled(byId.get(id)!.change.id, 'rejected');
    }
    for (const id of answer.alone) alone.add(byId.get(id)!.change.id);
  } catch (e) {
    sendError = e;
  }
  const sent = claimed.map((id) => ({ id, ...byId.get(id)! }));
  if (sendError !== null && !claimed.length) {
    host.failed(
      [...byId.values()].map((x) => x.change),
      sendError,
    );
    return alone;
  }
  if (!sent.length) return alone;
  if (sendError instanceof VendorError && !sendError.maybeApplied) {
    // Refused before it was applied (a 429): nothing landed, nothing to read back.
    host.failed(
      sent.map((x) => x.change),
      sendError,
    );
    return alone;
  }
  // Read back: the vendor's answer says nothing per item (a count at most), and a lost answer
  // says nothing at all, so what it holds now settles each change. Never sent again blindly.
  let after: Map<string, RemoteRecord>;
  try {
    after = await connector.readMany!(sent.map((x) => x.id));
  } catch (e) {
    // Unknown whether they landed: back to the queue, where the next push's guard re-reads each.
    host.failed(
      sent.map((x) => x.change),
      sendError ?? e,
    );
    return alone;
  }
  // LiveVox skips an item it refuses; a vendor refusing the whole request for one item (a 400)
  // must not hold the others back for ever: each goes alone, and the vendor says which it is.
  const refusedWhole = sendError instanceof VendorError && sendError.kind === 'validation';
  const notLanded: ChangeView[] = [];
  for (const { id, change, patch } of sent) {
    const cur = after.get(id);
    if (!cur) {
      store.release(change.id, null);
      store.raiseDeleted(change.recordId);
      host.settled(change.id, 'conflict');
    } else if (!Object.keys(diff(cur.canonical, patch, Object.keys(patch))).length) {
      store.pushed(change.id, cur);
      host.settled(change.id, 'pushed');
      host.width.ok();
    } else if (sendError === null || refusedWhole) {
      // The vendor answered but did not apply this one (it skips what it refuses, or someone
      // wrote over it just after): sent alone now, where the vendor says why, or the guard merges.
      store.release(change.id, null);
      alone.add(change.id);
    } else notLanded.push(change);
  }
  if (notLanded.length) host.failed(notLanded, sendError);
  else if (sendError !== null) host.log.warn('bulk write failed; each item settled by reading back', { error: String(sendError) });
  return alone;
}

/** The canonical fields a change means to write, that this vendor can hold. */
export function intentFields(c: ChangeView, connector: Connector): string[] {
  const meant = new Set(c.intent.map(fieldOfIntent));
  return connector.fields.write.filter((f) => meant.has(f));
}

export function fieldMessage(e: VendorError): string {
  // Field messages the summary does not already say, e.g. "email: has already been taken".
  const extra = Object.entries(e.fieldErrors ?? {}).flatMap(([f, msgs]) =>
    msgs.filter((m) => !e.message.includes(m)).map((m) => `${f}: ${m}`),
  );
  return extra.length ? `${e.message} (${extra.join('; ')})` : e.message;
}
