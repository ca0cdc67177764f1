// Once before the e2e files: choose the browser (unpacking the bundled one if it is the one)
// and say which, so a run's log shows what drew its screenshots.
import { spawnSync } from 'node:child_process';
import { chooseBrowser } from './browser';

export default async function setup(): Promise<void> {
  const t0 = Date.now();
  const choice = await chooseBrowser();
  const v = spawnSync(choice.executablePath, ['--version'], { encoding: 'utf8', env: { ...process.env, ...choice.env } });
  const what = { CHROMIUM_PATH: 'CHROMIUM_PATH', system: 'the system Chromium', bundled: 'the Chromium from @sparticuz/chromium' }[
    choice.source
  ];
  console.log(
    `e2e browser: ${what}, ${(v.stdout || v.stderr || '').trim() || 'version unknown'} (${choice.executablePath}; ready in ${Date.now() - t0} ms)`,
  );
}
