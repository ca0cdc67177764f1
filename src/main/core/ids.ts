// Ids for rows the store creates in bulk (people, records): UUID version 7 (RFC 9562 §5.7), a
// 48-bit millisecond time then random bits. They sort by creation, so a pull appends to the
// primary-key and person indexes instead of touching a random page of each per record: at
// 100,000 people that is most of what a commit writes. Same shape and uniqueness as a v4.
import { randomBytes } from 'node:crypto';

let lastMs = 0;
let seq = 0;
const pool = { buf: Buffer.alloc(0), at: 0 };

function random(n: number): Buffer {
  if (pool.at + n > pool.buf.length) {
    pool.buf = randomBytes(4096);
    pool.at = 0;
  }
  pool.at += n;
  return pool.buf.subarray(pool.at - n, pool.at);
}

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
  const b = Buffer.alloc(16);
  b.writeUIntBE(lastMs, 0, 6);
  b[6] = 0x70 | (seq >> 8);
  b[7] = seq & 0xff;
  random(8).copy(b, 8);
  b[8] = 0x80 | (b[8]! & 0x3f); // variant 10
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
