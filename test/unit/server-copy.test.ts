// Raw vendor copies are kept whole but stored deflated when large: they read back exactly,
// small ones and copies written before (JSON text) read the same way.
import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import zlib from 'node:zlib';
import { VENDORS } from '../../src/shared/domain';
import {
  dictionaryIds,
  packedFixedCount,
  packedOnReusedContext,
  packServerCopy,
  readServerCopy,
  sameServerCopy,
  unpackServerCopy,
} from '../../src/main/core/sync/server-copy';
import { RAW_DICTIONARIES } from '../../src/main/core/sync/server-copy-dictionaries';
import { makeTestCore } from '../helpers/core';

describe('server copies', () => {
  it('packs large copies to a fraction of their size and reads every form back exactly', () => {
    const big = JSON.stringify({
      id: 7,
      first_name: 'Zoë',
      notes: 'ünïcödé ✓',
      ...Object.fromEntries(Array.from({ length: 80 }, (_, i) => [`field_${i}`, i % 3 ? null : `v${i}`])),
    });
    const packed = packServerCopy(big);
    expect(Buffer.isBuffer(packed)).toBe(true);
    expect((packed as Buffer).length).toBeLessThan(big.length / 2);
    expect(unpackServerCopy(packed)).toBe(big);
    expect(sameServerCopy(packed, big)).toBe(true);
    expect(sameServerCopy(packed, big.replace('Zoë', 'Zoe'))).toBe(false);
    expect(sameServerCopy('{"id":1}', '{"id":1}')).toBe(true);
    expect(sameServerCopy(null, 'null')).toBe(false);
    expect(packServerCopy('{"id":1}')).toBe('{"id":1}');
    expect(readServerCopy('{"id":1}')).toEqual({ id: 1 });
    expect(readServerCopy(null)).toBeNull();
  });

  it("packs with the vendor's dictionary to a fraction of what deflate alone gives, and still reads copies packed before dictionaries", () => {
    for (const vendor of VENDORS) {
      // A record like the dictionary's but not in it: its values changed, one key added.
      const model = JSON.parse(RAW_DICTIONARIES[vendor].slice(0, RAW_DICTIONARIES[vendor].indexOf('}{') + 1 || undefined)) as Record<
        string,
        unknown
      >;
      const json = JSON.stringify({
        ...Object.fromEntries(Object.entries(model).map(([k, v]) => [k, typeof v === 'string' ? `${v}-Zoë` : v])),
        an_unknown_field: 'kept-Zoë',
      });
      const packed = packServerCopy(json, vendor) as Buffer;
      expect(Buffer.isBuffer(packed), vendor).toBe(true);
      const alone = zlib.deflateRawSync(json).length + 8;
      expect(packed.length, `${vendor}: ${json.length} bytes packed to ${packed.length}, deflate alone ${alone}`).toBeLessThan(alone * 0.7);
      expect(unpackServerCopy(packed)).toBe(json);
      expect(sameServerCopy(packed, json)).toBe(true);
      expect(sameServerCopy(packed, json.replace('Zoë', 'Zoe'))).toBe(false);
    }
    // A copy packed the way builds before dictionaries did (raw deflate, 4 KB window) reads back.
    const old = JSON.stringify({ id: 1, first_name: 'Ada', pad: 'x'.repeat(500) });
    const before = Buffer.concat([Buffer.alloc(8), zlib.deflateRawSync(old, { level: 1, windowBits: 12, memLevel: 4 })]);
    expect(unpackServerCopy(before)).toBe(old);
  });

  it("packs record after record on the vendor's own packer (fixed-deflate), and copies past its window with zlib", () => {
    const sha = (s: string) => createHash('sha1').update(s).digest().subarray(0, 8);
    const fixedBefore = packedFixedCount();
    const reusedBefore = packedOnReusedContext();
    for (const vendor of VENDORS) {
      const dictionary = Buffer.from(RAW_DICTIONARIES[vendor], 'utf8');
      const copies = [
        RAW_DICTIONARIES[vendor].slice(0, 300),
        JSON.stringify({ id: 1, name: 'Zoë Ünïcödé ✓ 😀', notes: 'x'.repeat(2000) }),
        JSON.stringify({ id: 3, name: 'Ada' }).padEnd(200, ' '),
      ];
      for (const json of copies) {
        const packed = packServerCopy(json, vendor) as Buffer;
        expect(packed.subarray(0, 8).equals(sha(json)), vendor).toBe(true);
        expect(zlib.inflateSync(packed.subarray(8), { dictionary }).toString('utf8'), vendor).toBe(json);
        expect(unpackServerCopy(packed)).toBe(json);
        // Packed again, the same bytes (a re-read compares digests, but a test may compare copies).
        expect((packServerCopy(json, vendor) as Buffer).equals(packed), vendor).toBe(true);
        // The digest a read worked out already gives the same bytes; one of other bytes is not taken for it.
        expect((packServerCopy(json, vendor, sha(json).toString('hex')) as Buffer).equals(packed), vendor).toBe(true);
        expect(sameServerCopy(packed, json, createHash('sha1').update(json).digest('hex'))).toBe(true);
        expect(sameServerCopy(packed, json, createHash('sha1').update(`${json} `).digest('hex'))).toBe(false);
        // Copies packed by zlib, at level 3 and at its default, as builds before this one did, read back the same.
        expect(unpackServerCopy(Buffer.concat([sha(json), zlib.deflateSync(json, { dictionary, level: 3 })]))).toBe(json);
        expect(unpackServerCopy(Buffer.concat([sha(json), zlib.deflateSync(json, { dictionary })]))).toBe(json);
      }
      // Past the packer's window (32 KB less the dictionary) but within the reused zlib context's
      // limit, and past both: zlib's very bytes, as before.
      for (const json of [
        JSON.stringify({ id: 4, big: '€'.repeat(11_000) }),
        JSON.stringify({ id: 2, big: Array.from({ length: 4000 }, (_, i) => `v${i}-ü`) }),
      ]) {
        const packed = packServerCopy(json, vendor) as Buffer;
        expect(packed.equals(Buffer.concat([sha(json), zlib.deflateSync(json, { dictionary, level: 3 })])), vendor).toBe(true);
        expect(unpackServerCopy(packed)).toBe(json);
      }
    }
    // Each short copy took the fast path (three times each); the first long one the reused zlib context.
    expect(packedFixedCount() - fixedBefore).toBe(VENDORS.length * 9);
    expect(packedOnReusedContext() - reusedBefore).toBe(VENDORS.length);
  });

  it('the dictionaries never change: stored copies name theirs by its Adler-32', () => {
    expect(dictionaryIds()).toEqual({
      calltools: 3156347009,
      mpdx: 1859694417,
      livevox: 2235407238,
      lightening: 303673573,
      bigchange: 912503374,
    });
  });

  it('a store keeps a pulled record whole, and a copy written as text before still reads', async () => {
    const t = await makeTestCore();
    try {
      const acc = await t.core.accounts.add({ kind: 'calltools', label: 'ct', baseUrl: 'http://127.0.0.1:9' });
      const raw = { id: 1, first_name: 'Ada', extra: Array.from({ length: 50 }, (_, i) => ({ k: i, unknown_field: null })) };
      const { id } = t.core.syncStore.upsertFromServer({
        accountId: acc.id,
        remoteId: '1',
        raw,
        canonical: { givenName: 'Ada' },
        versions: { v: '1' },
      });
      expect(t.core.syncStore.record(id).server).toEqual(raw);
      expect(
        t.core.syncStore.upsertFromServer({ accountId: acc.id, remoteId: '1', raw, canonical: { givenName: 'Ada' }, versions: { v: '1' } })
          .outcome,
      ).toBe('unchanged');
      t.core.store.sqlite.prepare('UPDATE records SET server = ? WHERE id = ?').run(JSON.stringify(raw), id);
      expect(t.core.syncStore.record(id).server).toEqual(raw);
      expect(
        t.core.syncStore.upsertFromServer({ accountId: acc.id, remoteId: '1', raw, canonical: { givenName: 'Ada' }, versions: { v: '1' } })
          .outcome,
      ).toBe('unchanged');
    } finally {
      t.cleanup();
    }
  });
});
