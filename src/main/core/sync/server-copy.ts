// The vendor's raw JSON for a record, as the store keeps it. Raw copies are kept whole (unknown
// fields must survive a round trip) and are most of a record's bytes: a CallTools or MPDX
// record is 2.5 KB of JSON, mostly keys and nulls. Larger ones are stored deflated (a BLOB,
// about a third of the size; a 4 KB window suits documents this small and keeps it ~10 µs);
// small ones, and every copy written before this, stay JSON text. Both read back the same.
import zlib from 'node:zlib';

const OPTIONS = { level: 1, windowBits: 12, memLevel: 4 } as const;
/** Below this many characters deflating saves too little to be worth it. */
const PACK_ABOVE = 400;

export type StoredServerCopy = string | Buffer | null;

export function packServerCopy(json: string): string | Buffer {
  return json.length > PACK_ABOVE ? zlib.deflateRawSync(json, OPTIONS) : json;
}

export function unpackServerCopy(stored: StoredServerCopy): string | null {
  if (stored === null || typeof stored === 'string') return stored;
  return zlib.inflateRawSync(stored, { windowBits: OPTIONS.windowBits }).toString('utf8');
}

/** The raw copy as a value (null when there is none). */
export function readServerCopy(stored: StoredServerCopy): unknown {
  const json = unpackServerCopy(stored);
  return json === null ? null : JSON.parse(json);
}
