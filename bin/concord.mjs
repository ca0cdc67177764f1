#!/usr/bin/env node
// The `concord` CLI runs the TypeScript core directly through tsx, on the Node build of
// better-sqlite3 in node_modules — so it works right after `npm install`, no build step.
import { createRequire } from 'node:module';
import { register } from 'tsx/cjs/api';

register();
// `concord … | head`: when the reader goes away, stop quietly instead of an EPIPE stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e) => {
    if (e?.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
}
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
