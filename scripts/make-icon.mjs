#!/usr/bin/env node
// Draws Concord's app icon (resources/installer/icon.png, 1024×1024) without an image
// library: two overlapping rings — two records agreeing — on the brand blue, written as an
// RGBA PNG with zlib. electron-builder makes the .icns and .ico from it. Re-run to change it.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';

const SIZE = 1024;
const out = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../resources/installer/icon.png');
const px = Buffer.alloc(SIZE * (SIZE * 4 + 1));
const blue = [37, 99, 235];
const radius = 200; // corner radius of the tile
const inside = (x, y) => {
  const cx = Math.min(Math.max(x, radius), SIZE - radius);
  const cy = Math.min(Math.max(y, radius), SIZE - radius);
  return (x - cx) ** 2 + (y - cy) ** 2 <= radius ** 2;
};
const ring = (x, y, cx, cy) => {
  const d = Math.hypot(x - cx, y - cy);
  return d >= 190 && d <= 250;
};
for (let y = 0; y < SIZE; y++) {
  px[y * (SIZE * 4 + 1)] = 0; // filter: none
  for (let x = 0; x < SIZE; x++) {
    const o = y * (SIZE * 4 + 1) + 1 + x * 4;
    if (!inside(x + 0.5, y + 0.5)) continue; // transparent corners
    const white = ring(x, y, 400, 512) || ring(x, y, 624, 512);
    const [r, g, b] = white ? [255, 255, 255] : blue;
    px[o] = r;
    px[o + 1] = g;
    px[o + 2] = b;
    px[o + 3] = 255;
  }
}
const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc = (buf) => {
  let c = 0xffffffff;
  for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};
const chunk = (type, data) => {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const sum = Buffer.alloc(4);
  sum.writeUInt32BE(crc(body));
  return Buffer.concat([len, body, sum]);
};
const ihdr = Buffer.alloc(13);
ihdr.writeUInt32BE(SIZE, 0);
ihdr.writeUInt32BE(SIZE, 4);
ihdr[8] = 8; // bit depth
ihdr[9] = 6; // RGBA
fs.mkdirSync(path.dirname(out), { recursive: true });
fs.writeFileSync(
  out,
  Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(px, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]),
);
console.log(`wrote ${out}`);
