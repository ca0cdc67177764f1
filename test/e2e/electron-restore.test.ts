// The app with a damaged data file (built main process, stand-in electron): it is never
// replaced by itself — the person is told and offered the latest backup; choosing it restores
// the backup, keeps the damaged file beside it, and the app starts on the restored store.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { requestChannel } from '../../src/shared/contract';
import { makeTestCore, seedAccount } from '../helpers/core';
import { tempDir } from '../helpers/tmp';
import { load, ready, rec, standDown, until } from './electron-stand-in';

const MAIN = path.resolve(__dirname, '../../out/main/index.js');
const tmp = tempDir('concord-electron-restore-');
afterAll(() => {
  standDown();
  tmp.cleanup();
});

describe('a damaged store in the app', () => {
  it('offers the latest backup and starts on it when chosen', async () => {
    const data = path.join(tmp.dir, 'data');
    const t = await makeTestCore(data);
    await seedAccount(t.core, 'calltools', [{ givenName: 'Katherine', familyName: 'Johnson' }]);
    t.core.close();
    fs.mkdirSync(path.join(data, 'backups'));
    fs.copyFileSync(path.join(data, 'concord.db'), path.join(data, 'backups', 'concord-schema7-2026-11-20T10-00-00-000Z.db'));
    fs.truncateSync(path.join(data, 'concord.db'), 0);

    process.env.CONCORD_DATA_DIR = data;
    rec.userData = data;
    rec.messageBoxChoice = 0; // "Restore the latest backup"
    load(MAIN);
    ready();
    await until(() => rec.windows.length === 1);
    expect(rec.messageBoxes).toHaveLength(1);
    expect(rec.messageBoxes[0]).toMatchObject({
      message: 'Concord’s data file is damaged',
      buttons: ['Restore the latest backup', 'Quit'],
    });
    expect(rec.messageBoxes[0]!.detail).toMatch(/is empty \(0 bytes\)/);
    expect(rec.errors).toEqual([]);
    const kept = fs.readdirSync(data).filter((n) => n.startsWith('concord.db.damaged-'));
    expect(kept).toHaveLength(1);
    expect(fs.statSync(path.join(data, kept[0]!)).size).toBe(0);
    const win = rec.windows[0]!;
    const list = rec.handles.get(requestChannel('listContacts'))!;
    await expect(list({ sender: win.webContents, senderFrame: win.webContents.mainFrame }, {})).resolves.toMatchObject({
      ok: true,
      value: { rows: [{ displayName: 'Katherine Johnson' }] },
    });
  });
});
