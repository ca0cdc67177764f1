// Reads a connector may send side by side (several GETs for one record, one record per changed
// contact): at most `limit` requests at a time, results in input order. Over a real network this
// hides round trips; the limit keeps a vendor's rate limits in view (a 429 is retried as usual).
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  let failed = false;
  const worker = async (): Promise<void> => {
    // After a failure no new request starts; the first error is what the caller sees.
    while (!failed && next < items.length) {
      const i = next++;
      try {
        out[i] = await fn(items[i]!, i);
      } catch (e) {
        failed = true;
        throw e;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
