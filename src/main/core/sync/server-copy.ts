// The vendor's raw JSON for a record, as the store keeps it. Raw copies are kept whole (unknown
// fields must survive a round trip) and are most of a record's bytes: a CallTools or MPDX
// record is 2.5 KB of JSON, mostly keys and nulls.
//
// Packed copies are a BLOB: 8 bytes of the JSON's SHA-1 (so a re-sync can tell an unchanged copy
// without inflating it), then either
//  - a zlib stream deflated with the vendor's preset dictionary (server-copy-dictionaries.ts; a
//    CallTools record goes from 2.6 KB to about 260 bytes), its header naming the dictionary by
//    Adler-32 (zlib's FDICT/DICTID) — what this build writes, with its own deflate
//    (fixed-deflate.ts; builds before wrote it with zlib, and so does this one past 32 KB); or
//  - a raw deflate stream with a 4 KB window — what builds before it wrote, still read.
// The two cannot be confused: a zlib header with FDICT set begins, read as raw deflate, a
// *stored* block, which deflating JSON never produces, and its DICTID must also be one of ours.
// Small copies of a vendor with no dictionary, and every copy written before packing, stay text.
import crypto from 'node:crypto';
import zlib from 'node:zlib';
import type { AccountKind } from '../../../shared/domain';
import { DictionaryDeflater } from './fixed-deflate';
import { RAW_DICTIONARIES } from './server-copy-dictionaries';

const RAW_OPTIONS = { windowBits: 12 } as const;
/** Without a dictionary, below this many characters deflating saves too little to be worth it. */
const PACK_ABOVE = 400;
/** With one, even a short record shrinks by half. */
const PACK_WITH_DICTIONARY_ABOVE = 100;

export type StoredServerCopy = string | Buffer | null;

const HASH_BYTES = 8;
/** SHA-1 in one call (Node ≥ 20.12: no Hash object per record); createHash where it is missing. */
const sha1: (data: string | Buffer) => Buffer =
  typeof crypto.hash === 'function'
    ? (data) => crypto.hash('sha1', data, 'buffer')
    : (data) => crypto.createHash('sha1').update(data).digest();
const digest = (json: string): Buffer => sha1(json).subarray(0, HASH_BYTES);
/** A digest the caller worked out already (hex of the SHA-1, at least HASH_BYTES of it). */
const knownDigest = (hex: string | undefined): Buffer | undefined =>
  hex !== undefined && /^[0-9a-f]{16}/.test(hex) ? Buffer.from(hex.slice(0, 2 * HASH_BYTES), 'hex') : undefined;
/**
 * Copies with a dictionary are deflated at level 3, not zlib's 6: a quarter less CPU for a
 * CallTools record, 6 % more bytes (a 2.6 KB record: 223 → 236). Any level inflates alike, so
 * copies written at 6 before read as they did.
 */
const DICTIONARY_LEVEL = 3;

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

/**
 * Node's zlib sets up a stream per `deflateSync` call (a Transform stream object, deflateInit2's
 * tables, the dictionary): more than the deflating of a record itself. A pull packs records one
 * after another on one thread, so each vendor keeps one deflate context and resets it per record
 * (deflateReset, then the dictionary again), through the handle `deflateSync` itself drives.
 * The bytes are the same as `deflateSync`'s. The handle is Node's own, not a documented API: if
 * it is not there, or a record does not fit the output buffer, or zlib reports an error, the
 * record goes through `deflateSync` as before.
 */
interface ZlibHandle {
  reset(): void;
  writeSync(flush: number, input: Buffer, inOff: number, inLen: number, out: Buffer, outOff: number, outLen: number): void;
  onerror?: (...args: unknown[]) => void;
}
type ReusedDeflate = { stream: zlib.Deflate; handle: ZlibHandle; state: Uint32Array; failed: boolean };
/** Copies longer than this (characters; a UTF-8 byte count is at most three times it) go through `deflateSync`. */
const REUSE_UP_TO = 16 * 1024;
/** Room for REUSE_UP_TO characters of UTF-8 deflated (deflateBound: input + 0.1 % + a few bytes) and the digest. */
const reuseOut = Buffer.allocUnsafe(3 * REUSE_UP_TO + 1024);
const reused = new Map<string, ReusedDeflate | null>();

function reusedDeflate(vendor: string, dictionary: Buffer): ReusedDeflate | null {
  let r = reused.get(vendor);
  if (r !== undefined) return r;
  r = null;
  try {
    const stream = zlib.createDeflate({ dictionary, level: DICTIONARY_LEVEL });
    const inner = stream as unknown as { _handle?: ZlibHandle; _writeState?: Uint32Array };
    const handle = inner._handle;
    if (handle && typeof handle.writeSync === 'function' && typeof handle.reset === 'function' && inner._writeState) {
      const made: ReusedDeflate = { stream, handle, state: inner._writeState, failed: false };
      // zlib reports an error through the handle, synchronously; the stream then emits it.
      const onerror = handle.onerror;
      handle.onerror = (...args: unknown[]) => {
        made.failed = true;
        onerror?.apply(handle, args);
      };
      stream.on('error', () => (made.failed = true));
      r = made;
    }
  } catch {
    r = null;
  }
  reused.set(vendor, r);
  return r;
}

/** The copy's UTF-8 bytes, written here rather than into a new buffer per record. */
const reuseIn = Buffer.allocUnsafe(3 * REUSE_UP_TO);

/** `digest(json)` then `deflateSync(json, { dictionary, level })`, on the vendor's one deflate context; undefined when it cannot. */
function deflateReused(json: string, vendor: string, dictionary: Buffer, known: Buffer | undefined): Buffer | undefined {
  if (json.length > REUSE_UP_TO) return undefined;
  const z = reusedDeflate(vendor, dictionary);
  if (!z) return undefined;
  const length = reuseIn.write(json, 0, 'utf8');
  const room = reuseOut.length - HASH_BYTES;
  // What a writeSync that did not run would leave: no room, nothing read (so: not used).
  z.state[0] = 0;
  z.state[1] = length;
  try {
    z.handle.reset();
    z.handle.writeSync(zlib.constants.Z_FINISH, reuseIn, 0, length, reuseOut, HASH_BYTES, room);
  } catch {
    z.failed = true;
  }
  const availOut = z.state[0]!;
  const availIn = z.state[1]!;
  if (z.failed || availIn !== 0 || availOut === 0) {
    // Not this context again: a fresh stream per record, as before.
    reused.set(vendor, null);
    return undefined;
  }
  const out = Buffer.allocUnsafe(HASH_BYTES + room - availOut);
  (known ?? sha1(reuseIn.subarray(0, length))).copy(out, 0, 0, HASH_BYTES);
  reuseOut.copy(out, HASH_BYTES, HASH_BYTES, HASH_BYTES + room - availOut);
  packedOnReused++;
  return out;
}

let packedOnReused = 0;
/** How many copies were packed on a vendor's reused context (a test checks the fast path is taken). */
export const packedOnReusedContext = (): number => packedOnReused;

/** Each vendor's own packer (fixed-deflate.ts), its dictionary hashed once. */
const fixedPackers = new Map<string, DictionaryDeflater>();
let packedFixed = 0;
/** How many copies were packed by fixed-deflate.ts (a test checks the fast path is taken). */
export const packedFixedCount = (): number => packedFixed;

/**
 * `digest(json)` then a zlib stream with the dictionary, written by fixed-deflate.ts: no zlib
 * context to reset, the dictionary not hashed again per record, no Huffman trees to build.
 * About half of zlib's CPU for a few more bytes (2026-12-07: 17 → 10 µs, 244 → 259 bytes for a
 * 2.6 KB CallTools record; 8 → 2.4 µs for a BigChange one). Any inflate reads it, as before.
 * Undefined for a copy longer than its window (zlib then packs it).
 */
function packFixed(json: string, vendor: string, dictionary: Buffer, known: Buffer | undefined): Buffer | undefined {
  let d = fixedPackers.get(vendor);
  if (!d) {
    d = new DictionaryDeflater(dictionary, adler32(dictionary));
    fixedPackers.set(vendor, d);
  }
  // Three UTF-8 bytes a UTF-16 unit at most: only a long copy needs its length counted first.
  if (json.length * 3 > d.room && Buffer.byteLength(json, 'utf8') > d.room) return undefined;
  const start = d.recordStart;
  const n = d.window.write(json, start, 'utf8');
  const out = d.deflate(n, HASH_BYTES);
  (known ?? sha1(d.window.subarray(start, start + n))).copy(out, 0, 0, HASH_BYTES);
  packedFixed++;
  return out;
}

/**
 * The copy as stored. `sha1Hex`, when given, is the SHA-1 of these very characters' UTF-8 bytes
 * (in hex, at least HASH_BYTES of it), worked out already by the read (see RemoteRecord.rawText).
 */
export function packServerCopy(json: string, vendor?: AccountKind, sha1Hex?: string): string | Buffer {
  const dictionary = vendor ? dictionaryOf.get(vendor) : undefined;
  if (dictionary && json.length > PACK_WITH_DICTIONARY_ABOVE) {
    const known = knownDigest(sha1Hex);
    return (
      packFixed(json, vendor!, dictionary, known) ??
      deflateReused(json, vendor!, dictionary, known) ??
      Buffer.concat([known ?? digest(json), zlib.deflateSync(json, { dictionary, level: DICTIONARY_LEVEL })])
    );
  }
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

/** Whether the stored copy is this JSON, without inflating a packed one (`sha1Hex`: as for packServerCopy). */
export function sameServerCopy(stored: StoredServerCopy, json: string, sha1Hex?: string): boolean {
  if (stored === null || typeof stored === 'string') return stored === json;
  return (knownDigest(sha1Hex) ?? digest(json)).equals(stored.subarray(0, HASH_BYTES));
}

/** The raw copy as a value (null when there is none). */
export function readServerCopy(stored: StoredServerCopy): unknown {
  const json = unpackServerCopy(stored);
  return json === null ? null : JSON.parse(json);
}
