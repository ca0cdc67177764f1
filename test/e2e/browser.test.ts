// The e2e suite's browser lookup (issue 27): CHROMIUM_PATH, else the system's Chromium on PATH,
// else the one @sparticuz/chromium brought — which must start on its own libraries.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/tmp';
import { chooseBrowser } from './browser';

const t = tempDir();
afterAll(() => t.cleanup());
const fakeChromium = path.join(t.dir, 'chromium');
fs.writeFileSync(fakeChromium, '#!/bin/sh\n', { mode: 0o755 });
const empty = path.join(t.dir, 'empty');
fs.mkdirSync(empty);

describe('the e2e browser', () => {
  it('is CHROMIUM_PATH when set, whatever is on PATH', async () => {
    expect(await chooseBrowser({ CHROMIUM_PATH: '/opt/c/chrome', PATH: t.dir })).toEqual({
      executablePath: '/opt/c/chrome',
      source: 'CHROMIUM_PATH',
    });
  });

  it('else the system Chromium on PATH', async () => {
    expect(await chooseBrowser({ PATH: `${empty}:${t.dir}` })).toEqual({ executablePath: fakeChromium, source: 'system' });
    await expect(chooseBrowser({ PATH: empty, CONCORD_E2E_BROWSER: 'system' })).rejects.toThrow(/no chromium or chromium-browser on PATH/);
  });

  it('else the bundled one, which starts with nothing from the system but glibc', async () => {
    for (const env of [{ PATH: empty }, { PATH: t.dir, CONCORD_E2E_BROWSER: 'bundled' }]) {
      const choice = await chooseBrowser(env);
      expect(choice.source).toBe('bundled');
      expect(choice.executablePath).toMatch(/node_modules\/\.cache\/concord-chromium-[\d.]+\/chromium$/);
      const v = spawnSync(choice.executablePath, ['--version'], { encoding: 'utf8', env: { ...process.env, ...choice.env } });
      expect(v.stdout).toMatch(/^Chromium \d+\./);
      // Every library it links resolves, and the ones a fresh Debian may lack come from the package.
      const ldd = spawnSync('ldd', [choice.executablePath], { encoding: 'utf8', env: { ...process.env, ...choice.env } }).stdout;
      expect(ldd).not.toMatch(/not found/);
      for (const lib of ['libnss3.so', 'libnspr4.so', 'libexpat.so.1'])
        expect(ldd).toMatch(
          new RegExp(`${lib.replace(/\./g, '\\.')} => ${path.dirname(choice.executablePath).replace(/[.]/g, '\\.')}/lib/`),
        );
    }
  });
});
