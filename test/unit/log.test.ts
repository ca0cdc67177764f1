import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/main/core/log';

describe('logger', () => {
  it('redacts registered secrets anywhere, secret-looking keys, and auth headers', () => {
    const lines: string[] = [];
    const log = createLogger((l) => lines.push(l));
    log.addSecret('s3cr3t-token-value');
    log.info('calling with s3cr3t-token-value inside', {
      headers: { Authorization: 'Token abcdef0123456789', Accept: 'application/json' },
      nested: [{ password: 'hunter22', user: 'ada' }],
      message: 'Bearer eyJhbGciOiJIUzI1NiJ9.payload.sig failed',
      note: 'also s3cr3t-token-value here',
    });
    const out = lines.join('\n');
    expect(out).not.toContain('s3cr3t-token-value');
    expect(out).not.toContain('abcdef0123456789');
    expect(out).not.toContain('hunter22');
    expect(out).not.toContain('eyJhbGciOiJIUzI1NiJ9');
    expect(out).toContain('application/json');
    expect(out).toContain('"user":"ada"');
    expect(out).toContain('[redacted]');
  });

  it('respects the level and never throws when the sink fails', () => {
    const lines: string[] = [];
    createLogger((l) => lines.push(l), { level: 'warn' }).info('hidden');
    expect(lines).toEqual([]);
    expect(() =>
      createLogger(() => {
        throw new Error('disk full');
      }).error('x'),
    ).not.toThrow();
  });
});
