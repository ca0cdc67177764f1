// Which Chromium the e2e suite drives. In order:
//   1. CHROMIUM_PATH, when set;
//   2. the system's Chromium: `chromium` or `chromium-browser` on PATH (Debian: /usr/bin/chromium),
//      unless CONCORD_E2E_BROWSER=bundled;
//   3. the Chromium that `npm install` brought: @sparticuz/chromium (a devDependency) carries a
//      brotli-packed chrome-headless-shell for Linux x64 in its tarball. It is unpacked once into
//      node_modules/.cache/concord-chromium-<version>/ (about 200 MB) with the NSS/NSPR/expat
//      libraries the package ships beside it, so it needs nothing from the system but glibc.
// CONCORD_E2E_BROWSER=system refuses step 3 (a machine that must test the system's browser).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';

export interface BrowserChoice {
  executablePath: string;
  /** Environment for the browser process (the bundled one: its own libraries, fonts if the system has none). */
  env?: Record<string, string>;
  source: 'CHROMIUM_PATH' | 'system' | 'bundled';
}

const SYSTEM_NAMES = ['chromium', 'chromium-browser'];

/** The first executable of these names on PATH, as `command -v` would find it. */
export function onPath(names: string[], searchPath = process.env.PATH ?? ''): string | undefined {
  for (const dir of searchPath.split(path.delimiter).filter(Boolean)) {
    for (const name of names) {
      const file = path.join(dir, name);
      try {
        fs.accessSync(file, fs.constants.X_OK);
        if (fs.statSync(file).isFile()) return file;
      } catch {
        // not here
      }
    }
  }
  return undefined;
}

export async function chooseBrowser(env: NodeJS.ProcessEnv = process.env): Promise<BrowserChoice> {
  if (env.CHROMIUM_PATH) return { executablePath: env.CHROMIUM_PATH, source: 'CHROMIUM_PATH' };
  const want = env.CONCORD_E2E_BROWSER ?? 'auto';
  if (!['auto', 'system', 'bundled'].includes(want)) throw new Error(`CONCORD_E2E_BROWSER must be auto, system or bundled, not "${want}"`);
  if (want !== 'bundled') {
    const system = onPath(SYSTEM_NAMES, env.PATH);
    if (system) return { executablePath: system, source: 'system' };
    if (want === 'system') throw new Error('CONCORD_E2E_BROWSER=system, but there is no chromium or chromium-browser on PATH');
  }
  return bundledChromium();
}

const require_ = createRequire(__filename);

/** Unpack @sparticuz/chromium's browser (once per version) and say how to start it. */
export async function bundledChromium(): Promise<BrowserChoice> {
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error(
      `No Chromium for the e2e suite: @sparticuz/chromium ships Linux x64 only (this is ${process.platform} ${process.arch}). Install Chromium or set CHROMIUM_PATH.`,
    );
  }
  const pkgDir = path.resolve(path.dirname(require_.resolve('@sparticuz/chromium')), '../..');
  const { version } = JSON.parse(fs.readFileSync(path.join(pkgDir, 'package.json'), 'utf8')) as { version: string };
  const bin = path.join(pkgDir, 'bin');
  const root = path.resolve(pkgDir, '../..'); // node_modules
  const dir = path.join(root, '.cache', `concord-chromium-${version}`);
  if (!fs.existsSync(path.join(dir, 'chromium'))) await unpack(bin, dir);
  const browserEnv: Record<string, string> = {
    LD_LIBRARY_PATH: [path.join(dir, 'lib'), process.env.LD_LIBRARY_PATH].filter(Boolean).join(':'),
  };
  // With the system's fontconfig (and so its fonts), pages render as in the system's Chromium;
  // a machine with none gets the package's Open Sans.
  if (!fs.existsSync('/etc/fonts/fonts.conf') && !process.env.FONTCONFIG_FILE) browserEnv.FONTCONFIG_FILE = path.join(dir, 'fonts.conf');
  return { executablePath: path.join(dir, 'chromium'), env: browserEnv, source: 'bundled' };
}

async function unbrotli(from: string, to: string, mode = 0o644): Promise<void> {
  await pipeline(fs.createReadStream(from), zlib.createBrotliDecompress(), fs.createWriteStream(to, { mode }));
}

function untar(file: string, into: string): void {
  fs.mkdirSync(into, { recursive: true });
  const r = spawnSync('tar', ['-xf', file, '-C', into], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`tar -xf ${file}: ${r.error?.message ?? r.stderr}`);
}

/** Into a private folder first, then renamed into place: two runs at once never see half a browser. */
async function unpack(bin: string, dir: string): Promise<void> {
  const tmp = `${dir}.tmp-${process.pid}`;
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.mkdirSync(tmp, { recursive: true });
  try {
    await unbrotli(path.join(bin, 'chromium.br'), path.join(tmp, 'chromium'), 0o755);
    for (const part of ['al2023', 'fonts']) {
      await unbrotli(path.join(bin, `${part}.tar.br`), path.join(tmp, `${part}.tar`));
      untar(path.join(tmp, `${part}.tar`), tmp); // al2023 → lib/, fonts → fonts/ (+ a fonts.conf for Lambda, replaced below)
      fs.rmSync(path.join(tmp, `${part}.tar`));
    }
    fs.writeFileSync(
      path.join(tmp, 'fonts.conf'),
      `<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n  <dir>${path.join(dir, 'fonts')}</dir>\n  <cachedir>${path.join(dir, 'fontconfig-cache')}</cachedir>\n</fontconfig>\n`,
    );
    try {
      fs.renameSync(tmp, dir);
    } catch (e) {
      if (!fs.existsSync(path.join(dir, 'chromium'))) throw e; // else another run finished first
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
