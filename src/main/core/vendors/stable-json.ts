// JSON text of a parsed value with every object's keys in sorted order, as
// `JSON.stringify(sorted(v))` writes it where `sorted` rebuilds each object from its sorted keys
// (BigChange's content hash, bigchange/mapping.ts). Written straight out: no copy of the value.
// A key that is an array index would be put first by the rebuilt object, not in sorted order:
// then this says undefined and the caller builds the copy as before. Checked against that
// copy on generated values in test/unit/stable-json.test.ts.

/** Canonical array-index keys ("0", "17", not "01"): an object built from them lists them first, by value. */
const INDEX_KEY = /^(?:0|[1-9]\d{0,9})$/;

/** Keys as JSON strings, remembered: a vendor's records use the same few keys again and again. */
const quoted = new Map<string, string>();
const quote = (k: string): string => {
  let q = quoted.get(k);
  if (q === undefined) {
    if (quoted.size > 4096) quoted.clear(); // a vendor with ever-new keys: keep it bounded
    quoted.set(k, (q = JSON.stringify(k)));
  }
  return q;
};

/** Sorted-key JSON of a value from JSON.parse; undefined for one this does not write (the caller then does it the slow way). */
export function stableJson(v: unknown): string | undefined {
  if (v === null) return 'null';
  switch (typeof v) {
    case 'string':
      return JSON.stringify(v);
    case 'number':
    case 'boolean':
      return JSON.stringify(v);
    case 'object': {
      if (Array.isArray(v)) {
        let out = '[';
        for (let i = 0; i < v.length; i++) {
          const x = stableJson(v[i]);
          if (x === undefined) return undefined;
          out += i ? `,${x}` : x;
        }
        return `${out}]`;
      }
      if (Object.getPrototypeOf(v) !== Object.prototype) return undefined;
      const keys = Object.keys(v).sort();
      let out = '{';
      for (let i = 0; i < keys.length; i++) {
        const k = keys[i]!;
        const c = k.charCodeAt(0);
        if (c >= 48 && c <= 57 && INDEX_KEY.test(k) && Number(k) < 4294967295) return undefined;
        const x = stableJson((v as Record<string, unknown>)[k]);
        if (x === undefined) return undefined;
        out += `${i ? ',' : ''}${quote(k)}:${x}`;
      }
      return `${out}}`;
    }
    default:
      return undefined; // undefined, functions, bigints, symbols: not from JSON.parse
  }
}
