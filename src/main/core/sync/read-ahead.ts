// One item of read-ahead over an async iterable: while the caller works on item N (a pull
// storing a page in SQLite), item N+1 is already on its way (the next page's request is out),
// so vendor latency overlaps local work. Items still arrive in order, one at a time; an error
// from the read-ahead reaches the caller only when it asks for that item, i.e. after it has
// finished with the one before.
export function readAhead<T>(source: AsyncIterable<T>): AsyncIterableIterator<T> {
  const it = source[Symbol.asyncIterator]();
  let ahead: Promise<IteratorResult<T>> | null = null;
  let finished = false;
  const fetchNext = (): Promise<IteratorResult<T>> => {
    const p = it.next();
    p.catch(() => {}); // held for later: the caller sees the error when it asks for this item
    return p;
  };
  const self: AsyncIterableIterator<T> = {
    [Symbol.asyncIterator]: () => self,
    async next() {
      if (finished) return { done: true, value: undefined };
      const current = ahead ?? fetchNext();
      ahead = null;
      let r: IteratorResult<T>;
      try {
        r = await current;
      } catch (e) {
        finished = true;
        throw e;
      }
      if (r.done) {
        finished = true;
        return r;
      }
      ahead = fetchNext();
      // One turn of the event loop before handing the item over: the read-ahead's request is
      // written to its socket now, not after the caller's synchronous work (SQLite) is done.
      await new Promise<void>((resolve) => setImmediate(resolve));
      return r;
    },
    async return(value?: unknown) {
      finished = true;
      const pending = ahead ?? Promise.resolve();
      ahead = null;
      // Closing the source has to wait for the read-ahead to settle (an async generator runs one
      // step at a time). That happens in the background: a cancelled pull must not wait for a
      // page nobody will store. That page's result or error is dropped.
      pending
        .then(
          () => it.return?.(),
          () => undefined,
        )
        .catch(() => undefined);
      return { done: true, value: value as T };
    },
  };
  return self;
}
