import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { uuidv7 } from '../../src/main/core/ids';

describe('uuidv7', () => {
  it('is an RFC 9562 version 7 UUID carrying its millisecond', () => {
    const id = uuidv7(Date.UTC(2026, 10, 24, 2, 45));
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(parseInt(id.replace(/-/g, '').slice(0, 12), 16)).toBe(Date.UTC(2026, 10, 24, 2, 45));
    expect(z.uuid().safeParse(id).success).toBe(true);
  });

  it('sorts in the order made, even thousands in one millisecond, and never repeats', () => {
    const t = Date.now() + 60_000;
    const ids = Array.from({ length: 10_000 }, () => uuidv7(t));
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
    // A clock that steps back does not break the order either.
    const after = uuidv7(t - 5_000);
    expect(after > ids[ids.length - 1]!).toBe(true);
  });

  it('draws its 62 random bits evenly: every variant digit, every tail digit, no tail twice', () => {
    const ids = Array.from({ length: 4000 }, () => uuidv7());
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(new Set(ids.map((id) => id[19])).size).toBe(4);
    expect(new Set(ids.map((id) => id.slice(20))).size).toBe(ids.length);
    expect(new Set(ids.flatMap((id) => [...id.slice(24)])).size).toBe(16);
  });
});
