// Raw vendor copies are kept whole but stored deflated when large: they read back exactly,
// small ones and copies written before (JSON text) read the same way.
import { describe, expect, it } from 'vitest';
import { packServerCopy, readServerCopy, sameServerCopy, unpackServerCopy } from '../../src/main/core/sync/server-copy';
import { makeTestCore } from '../helpers/core';

describe('server copies', () => {
  it('packs large copies to a fraction of their size and reads every form back exactly', () => {
    const big = JSON.stringify({ id: 7, first_name: 'Zoë', notes: 'ünïcödé ✓', ...Object.fromEntries(Array.from({ length: 80 }, (_, i) => [`field_${i}`, i % 3 ? null : `v${i}`])) });
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

  it('a store keeps a pulled record whole, and a copy written as text before still reads', async () => {
    const t = await makeTestCore();
    try {
      const acc = await t.core.accounts.add({ kind: 'calltools', label: 'ct', baseUrl: 'http://127.0.0.1:9' });
      const raw = { id: 1, first_name: 'Ada', extra: Array.from({ length: 50 }, (_, i) => ({ k: i, unknown_field: null })) };
      const { id } = t.core.syncStore.upsertFromServer({ accountId: acc.id, remoteId: '1', raw, canonical: { givenName: 'Ada' }, versions: { v: '1' } });
      expect(t.core.syncStore.record(id).server).toEqual(raw);
      expect(t.core.syncStore.upsertFromServer({ accountId: acc.id, remoteId: '1', raw, canonical: { givenName: 'Ada' }, versions: { v: '1' } }).outcome).toBe('unchanged');
      t.core.store.sqlite.prepare('UPDATE records SET server = ? WHERE id = ?').run(JSON.stringify(raw), id);
      expect(t.core.syncStore.record(id).server).toEqual(raw);
      expect(t.core.syncStore.upsertFromServer({ accountId: acc.id, remoteId: '1', raw, canonical: { givenName: 'Ada' }, versions: { v: '1' } }).outcome).toBe('unchanged');
    } finally {
      t.cleanup();
    }
  });
});
