// A simulator's collection: a Map that also keeps its values as an array, in insertion order
// or sorted, rebuilt only after a write. Paging a 100,000-record collection then costs what
// the page holds, instead of a copy and a sort of everything on every request.
export class IndexedMap<K, V> extends Map<K, V> {
  private cache = new Map<string, readonly V[]>();

  override set(key: K, value: V): this {
    // Map's constructor calls set before the field initialisers run.
    this.cache?.clear();
    return super.set(key, value);
  }

  override delete(key: K): boolean {
    this.cache.clear();
    return super.delete(key);
  }

  override clear(): void {
    this.cache.clear();
    super.clear();
  }

  /**
   * The values in insertion order (`by` absent) or sorted by `by` (named by `name`), shared
   * until the next write: callers must not change the array.
   */
  ordered(name = 'insertion', by?: (a: V, b: V) => number): readonly V[] {
    let list = this.cache.get(name);
    if (!list) {
      const all = [...this.values()];
      list = by ? all.sort(by) : all;
      this.cache.set(name, list);
    }
    return list;
  }
}
