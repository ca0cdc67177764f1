// The README's "what Concord reads and writes" table must say what the connectors declare.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { VENDOR_LABELS } from '../../src/shared/domain';
import { VENDOR_DEFINITIONS } from '../../src/main/core/vendors/registry';

describe('README field table', () => {
  it('matches each connector’s declared read and write fields', () => {
    const readme = fs.readFileSync(path.resolve(__dirname, '../../README.md'), 'utf8');
    const table = /<!-- fields:start -->([\s\S]*?)<!-- fields:end -->/.exec(readme)?.[1];
    expect(table, 'README lacks the fields table markers').toBeTruthy();
    const rows = new Map(
      table!
        .split('\n')
        .filter((l) => l.startsWith('| ') && !l.startsWith('| Vendor') && !l.startsWith('| ---'))
        .map((l) =>
          l
            .split('|')
            .map((c) => c.trim())
            .filter(Boolean),
        )
        .map(([vendor, reads, writes]) => [vendor!, { read: reads!.split(', '), write: writes!.split(', ') }]),
    );
    for (const def of Object.values(VENDOR_DEFINITIONS)) {
      const c = def.create({ baseUrl: def.defaultBaseUrl, credentials: SAMPLE[def.vendor]! });
      expect(rows.get(VENDOR_LABELS[def.vendor]), def.vendor).toEqual({ read: [...c.fields.read], write: [...c.fields.write] });
    }
    expect(rows.size).toBe(Object.keys(VENDOR_DEFINITIONS).length);
  });
});

// Well-formed credentials, never used on the network: building a connector needs them.
const SAMPLE: Record<string, Record<string, unknown>> = {
  calltools: { token: 'a'.repeat(40) },
  mpdx: { jwt: 'header.payload.signature' },
  livevox: { accessToken: 'x', clientName: 'x', userName: 'x', password: 'x' },
  lightening: { token: 'xxxxxxxxxx' },
  bigchange: { clientId: 'x', clientSecret: 'x', customerId: '1' },
};
