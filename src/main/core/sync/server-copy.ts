// The vendor's raw JSON for a record, as the store keeps it. Raw copies are kept whole (unknown
// fields must survive a round trip) and are most of a record's bytes: a CallTools or MPDX
// record is 2.5 KB of JSON, mostly keys and nulls.
//
// Packed copies are a BLOB: 8 bytes of the JSON's SHA-1 (so a re-sync can tell an unchanged copy
// without inflating it), then either
//  - a zlib stream deflated with the vendor's preset dictionary (server-copy-dictionaries.ts; a
//    CallTools record goes from 2.6 KB to about 230 bytes), its header naming the dictionary by
//    Adler-32 (zlib's FDICT/DICTID) — what this build writes; or
//  - a raw deflate stream with a 4 KB window — what builds before it wrote, still read.
// The two cannot be confused: a zlib header with FDICT set begins, read as raw deflate, a
// *stored* block, which deflating JSON never produces, and its DICTID must also be one of ours.
// Small copies of a vendor with no dictionary, and every copy written before packing, stay text.
import { createHash } from 'node:crypto';
import zlib from 'node:zlib';
import type { AccountKind } from '../../../shared/domain';
import { RAW_DICTIONARIES } from './server-copy-dictionaries';

const RAW_OPTIONS = { windowBits: 12 } as const;
/** Without a dictionary, below this many characters deflating saves too little to be worth it. */
const PACK_ABOVE = 400;
/** With one, even a short record shrinks by half. */
const PACK_WITH_DICTIONARY_ABOVE = 100;

export type StoredServerCopy = string | Buffer | null;

const HASH_BYTES = 8;
const digest = (json: string): Buffer => createHash('sha1').update(json).digest().subarray(0, HASH_BYTES);

function adler32(b: Buffer): number {
  let a = 1;
  let s = 0;
  for (let i = 0; i < b.length; i++) {
    a = (a + b[i]!) % 65521;
    s = (s + a) % 65521;
  }
  return ((s << 16) | a) >>> 0;
}

const dictionaryOf = new Map<string, Buffer>(Object.entries(RAW_DICTIONARIES).map(([v, d]) => [v, Buffer.from(d, 'utf8')]));
const dictionaryById = new Map<number, Buffer>([...dictionaryOf.values()].map((d) => [adler32(d), d]));

/** The dictionaries' ids (Adler-32), pinned by a test: a changed dictionary would strand every copy packed with it. */
export const dictionaryIds = (): Record<string, number> => Object.fromEntries([...dictionaryOf].map(([v, d]) => [v, adler32(d)]));

export function packServerCopy(json: string, vendor?: AccountKind): string | Buffer {
  const dictionary = vendor ? dictionaryOf.get(vendor) : undefined;
  if (dictionary && json.length > PACK_WITH_DICTIONARY_ABOVE) return Buffer.concat([digest(json), zlib.deflateSync(json, { dictionary })]);
  return json.length > PACK_ABOVE
    ? Buffer.concat([digest(json), zlib.deflateRawSync(json, { level: 1, memLevel: 4, ...RAW_OPTIONS })])
    : json;
}

/** The dictionary a packed stream was made with, or undefined for a raw deflate stream. */
function dictionaryFor(stream: Buffer): Buffer | undefined {
  if (stream.length < 6) return undefined;
  const cmf = stream[0]!;
  const flg = stream[1]!;
  const zlibHeader = (cmf & 0x0f) === 8 && cmf >> 4 <= 7 && ((cmf << 8) | flg) % 31 === 0;
  if (!zlibHeader || !(flg & 0x20)) return undefined;
  return dictionaryById.get(stream.readUInt32BE(2));
}

export function unpackServerCopy(stored: StoredServerCopy): string | null {
  if (stored === null || typeof stored === 'string') return stored;
  const stream = stored.subarray(HASH_BYTES);
  const dictionary = dictionaryFor(stream);
  return (dictionary ? zlib.inflateSync(stream, { dictionary }) : zlib.inflateRawSync(stream, RAW_OPTIONS)).toString('utf8');
}

/** Whether the stored copy is this JSON, without inflating a packed one. */
export function sameServerCopy(stored: StoredServerCopy, json: string): boolean {
  if (stored === null || typeof stored === 'string') return stored === json;
  return digest(json).equals(stored.subarray(0, HASH_BYTES));
}

/** The raw copy as a value (null when there is none). */
export function readServerCopy(stored: StoredServerCopy): unknown {
  const json = unpackServerCopy(stored);
  return json === null ? null : JSON.parse(json);
}
