#!/usr/bin/env node
// One closing line for the whole suite (unit + integration + e2e), in the plain
// "N passed, N failed" form CI reads, from vitest's JSON reports.
import fs from 'node:fs';
import { keychainNote } from './keychain-note.mjs';

let passed = 0;
let failed = 0;
let skipped = 0;
for (const file of ['test-results/unit.json', 'test-results/e2e.json']) {
  if (!fs.existsSync(file)) {
    console.error(`test-summary: ${file} is missing`);
    process.exit(1);
  }
  const r = JSON.parse(fs.readFileSync(file, 'utf8'));
  passed += r.numPassedTests;
  failed += r.numFailedTests;
  skipped += r.numPendingTests + r.numTodoTests;
}
const note = keychainNote();
if (note) console.log(note);
console.log(`tests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed ? 1 : 0);
