// The process boundary is enforced by lint (eslint.config.mjs); this proves the rule bites.
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: process.cwd() });

async function errorsFor(file: string, code: string): Promise<string[]> {
  const [res] = await eslint.lintText(code, { filePath: file });
  return (res?.messages ?? []).filter((m) => m.severity === 2).map((m) => `${m.ruleId}: ${m.message}`);
}

describe('import boundaries', () => {
  it('forbids electron in the core, shared and renderer', async () => {
    for (const f of ['src/main/core/x.ts', 'src/shared/x.ts', 'src/renderer/src/x.ts', 'src/cli/x.ts']) {
      const errs = await errorsFor(f, "import { app } from 'electron';\nexport const a = app;\n");
      expect(errs.join('\n'), f).toMatch(/no-restricted-imports.*Only src\/main\/electron and src\/preload/);
    }
  });

  it('allows electron in src/main/electron and src/preload', async () => {
    for (const f of ['src/main/electron/x.ts', 'src/preload/x.ts']) {
      expect(await errorsFor(f, "import { app } from 'electron';\nexport const a = app;\n"), f).toEqual([]);
    }
  });

  it('keeps node out of shared and the core out of the renderer', async () => {
    expect((await errorsFor('src/shared/x.ts', "import fs from 'node:fs';\nexport const a = fs;\n")).join()).toMatch(/no Node built-ins/);
    expect(
      (await errorsFor('src/renderer/src/x.ts', "import { createCore } from '../../main/core';\nexport const a = createCore;\n")).join(),
    ).toMatch(/window\.api/);
  });

  it('keeps SQL in src/main/core/store (issue 24), and the files not moved yet are the listed ones', async () => {
    const sql =
      "import type Database from 'better-sqlite3';\nexport const n = (db: Database.Database) => db.prepare('SELECT 1').get();\nexport const t = (sqlite: Database.Database) => sqlite.exec('VACUUM');\n";
    const outside = await errorsFor('src/main/core/sync/new-thing.ts', sql);
    expect(outside.filter((e) => /SQL lives in src\/main\/core\/store/.test(e))).toHaveLength(2);
    expect(await errorsFor('src/main/core/store/new-thing.ts', sql)).toEqual([]);
    // A regular expression's exec is not SQL.
    expect(await errorsFor('src/main/core/sync/new-thing.ts', 'export const m = /a/.exec("a");\n')).toEqual([]);
  });
});
