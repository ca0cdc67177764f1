// Long jobs in the core (a bulk merge, its undo, a bulk add): whole batches, each the caller's
// own transaction, with a turn of the event loop between them so progress events go out and a
// cancel or another request is heard — never half a batch.
export async function inBatches<T>(
  items: readonly T[],
  size: number,
  run: (batch: T[]) => void,
  opts: { signal?: AbortSignal; onProgress?: (done: number, total: number) => void } = {},
): Promise<number> {
  let done = 0;
  for (let i = 0; i < items.length && !opts.signal?.aborted; i += size) {
    const batch = items.slice(i, i + size);
    run(batch);
    done += batch.length;
    opts.onProgress?.(done, items.length);
    await new Promise((r) => setImmediate(r));
  }
  return done;
}
