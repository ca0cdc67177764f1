#!/usr/bin/env node
// The `concord` CLI runs the TypeScript core directly through tsx, on the Node build of
// better-sqlite3 in node_modules — so it works right after `npm install`, no build step.
import { createRequire } from 'node:module';
import { register } from 'tsx/cjs/api';

register();
const require = createRequire(import.meta.url);
const { main } = require('../src/cli/main.ts');
main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    process.stderr.write(`concord: ${e?.stack ?? e}\n`);
    process.exitCode = 1;
  },
);
