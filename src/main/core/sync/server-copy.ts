// The vendor's raw JSON for a record, as the store keeps it. Raw copies are kept whole (unknown
// fields must survive a round trip) and are most of a record's bytes: a CallTools or MPDX
// record is 2.5 KB of JSON, mostly keys and nulls. Larger ones are stored deflated (a BLOB,
// about a third of the size; a 4 KB window suits documents this small and keeps it ~10 µs);
// small ones, and every copy written before this, stay JSON text. Both read back the same.
// A packed copy starts with 8 bytes of the JSON's SHA-1, so a re-sync can tell an unchanged
// copy without inflating it.
import { createHash } from 'node:crypto';
import zlib from 'node:zlib';

const OPTIONS = { level: 1, windowBits: 12, memLevel: 4 } as const;
/** Below this many characters deflating saves too little to be worth it. */
const PACK_ABOVE = 400;

export type StoredServerCopy = string | Buffer | null;

const HASH_BYTES = 8;
const digest = (json: string): Buffer => createHash('sha1').update(json).digest().subarray(0, HASH_BYTES);

export function packServerCopy(json: string): string | Buffer {
  return json.length > PACK_ABOVE ? Buffer.concat([digest(json), zlib.deflateRawSync(json, OPTIONS)]) : json;
}

export function unpackServerCopy(stored: StoredServerCopy): string | null {
  if (stored === null || typeof stored === 'string') return stored;
  return zlib.inflateRawSync(stored.subarray(HASH_BYTES), { windowBits: OPTIONS.windowBits }).toString('utf8');
}

/** Whether the stored copy is this JSON, without inflating a packed one. */
export function sameServerCopy(stored: StoredServerCopy, json: string): boolean {
  if (stored === null || typeof stored === 'string') return stored === json;
  return json.length > PACK_ABOVE && digest(json).equals(stored.subarray(0, HASH_BYTES));
}

/** The raw copy as a value (null when there is none). */
export function readServerCopy(stored: StoredServerCopy): unknown {
  const json = unpackServerCopy(stored);
  return json === null ? null : JSON.parse(json);
}
