import os from 'node:os';
import path from 'node:path';

export const APP_NAME = 'Concord';

/**
 * The data directory the Electron app uses (app.getPath('userData')), computed the same way
 * for the CLI so both open one store. CONCORD_DATA_DIR overrides both.
 */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.CONCORD_DATA_DIR) return path.resolve(env.CONCORD_DATA_DIR);
  const home = os.homedir();
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', APP_NAME);
  if (platform === 'win32') return path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), APP_NAME);
  return path.join(env.XDG_CONFIG_HOME ?? path.join(home, '.config'), APP_NAME);
}
