// Ids for rows the store creates in bulk (people, records): UUID version 7 (RFC 9562 §5.7), a
// 48-bit millisecond time then random bits. They sort by creation, so a pull appends to the
// primary-key and person indexes instead of touching a random page of each per record: at
// 100,000 people that is most of what a commit writes. Same shape and uniqueness as a v4.
import { randomBytes } from 'node:crypto';

let lastMs = 0;
let seq = 0;
const pool = { buf: Buffer.alloc(0), at: 0 };

/** Where the next `n` random bytes start in `pool.buf`. */
function random(n: number): number {
  if (pool.at + n > pool.buf.length) {
    pool.buf = randomBytes(4096);
    pool.at = 0;
  }
  pool.at += n;
  return pool.at - n;
}

/** Two hex digits per byte, looked up: a pull makes two ids a record, and a Buffer and its hex string each cost more. */
const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

export function uuidv7(now = Date.now()): string {
  // Monotonic within this process: a 12-bit counter in rand_a for ids made in the same
  // millisecond (RFC 9562 §6.2, method 1); when it runs out, borrow the next millisecond.
  if (now > lastMs) {
    lastMs = now;
    seq = 0;
  } else if (++seq > 0xfff) {
    lastMs++;
    seq = 0;
  }
  const time = lastMs.toString(16).padStart(12, '0').slice(-12); // 48 bits
  const at = random(8);
  const r = pool.buf; // after random(): it may have refilled the pool
  return (
    `${time.slice(0, 8)}-${time.slice(8)}-${HEX[0x70 | (seq >> 8)]}${HEX[seq & 0xff]}-` +
    `${HEX[0x80 | (r[at]! & 0x3f)]}${HEX[r[at + 1]!]}-` + // variant 10
    `${HEX[r[at + 2]!]}${HEX[r[at + 3]!]}${HEX[r[at + 4]!]}${HEX[r[at + 5]!]}${HEX[r[at + 6]!]}${HEX[r[at + 7]!]}`
  );
}
