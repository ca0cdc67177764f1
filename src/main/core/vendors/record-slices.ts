// The records of a list page as the vendor wrote them, one string each, without parsing the
// page: so a re-read can tell a record it already holds by the digest of its bytes and parse
// only the ones that changed (see same-page.ts). A small scanner over the JSON text: it tracks
// strings (with escapes) and nesting, finds the array under `key` in the top-level object and
// cuts it at its top-level commas. Anything it does not expect gives null, and the caller parses
// the page whole as before.

export interface RecordSlices {
  /** The page with the array emptied (`"key":[]`), to read its other fields (next page, counts). */
  envelope: string;
  /** Each element of the array, as written. */
  items: string[];
}

const isSpace = (c: number): boolean => c === 32 || c === 10 || c === 13 || c === 9;

export function sliceRecords(body: string, key: string): RecordSlices | null {
  const n = body.length;
  let i = 0;
  while (i < n && isSpace(body.charCodeAt(i))) i++;
  if (body.charCodeAt(i) !== 123 /* { */) return null;
  const wanted = JSON.stringify(key);
  let depth = 0;
  let arrayOpen = -1;
  let arrayClose = -1;
  /** Inside the array: where the current element began (just after `[` or `,`). */
  let from = -1;
  const items: string[] = [];
  let lastKeyStart = -1;
  let lastKeyEnd = -1;
  for (; i < n; i++) {
    const c = body.charCodeAt(i);
    if (c === 34 /* " */) {
      // Strings are most of a page: jump to the closing quote natively, past escaped ones.
      let end = body.indexOf('"', i + 1);
      for (;;) {
        if (end < 0) return null;
        let k = end - 1;
        while (body.charCodeAt(k) === 92 /* \ */) k--;
        if ((end - 1 - k) % 2 === 0) break;
        end = body.indexOf('"', end + 1);
      }
      if (depth === 1) {
        lastKeyStart = i;
        lastKeyEnd = end + 1;
      }
      i = end;
    } else if (c === 123 || c === 91 /* { [ */) {
      if (
        depth === 1 &&
        c === 91 &&
        arrayOpen < 0 &&
        lastKeyEnd >= 0 &&
        body.slice(lastKeyStart, lastKeyEnd) === wanted &&
        /^\s*:\s*$/.test(body.slice(lastKeyEnd, i))
      ) {
        arrayOpen = i;
        from = i + 1;
      }
      depth++;
    } else if (c === 125 || c === 93 /* } ] */) {
      depth--;
      if (depth < 0) return null;
      if (depth === 1 && c === 93 && arrayOpen >= 0 && arrayClose < 0) {
        const item = body.slice(from, i).trim();
        if (item) items.push(item);
        else if (items.length) return null; // a trailing comma
        arrayClose = i;
      }
    } else if (c === 44 /* , */ && depth === 2 && arrayOpen >= 0 && arrayClose < 0) {
      const item = body.slice(from, i).trim();
      if (!item) return null; // an empty element
      items.push(item);
      from = i + 1;
    }
  }
  if (depth !== 0 || arrayOpen < 0 || arrayClose < 0) return null;
  return { envelope: `${body.slice(0, arrayOpen)}[]${body.slice(arrayClose + 1)}`, items };
}
