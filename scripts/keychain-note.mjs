// The one line npm test prints when the real-keychain tests could not run here: which tests
// (from vitest's JSON report) and why (written by with-keychain.mjs).
import fs from 'node:fs';

export const NOTE_FILE = 'test-results/keychain-not-run.txt';
const REPORT = 'test-results/unit.json';

/** The line, or undefined when the keychain tests ran (or nothing was recorded). */
export function keychainNote() {
  if (!fs.existsSync(NOTE_FILE)) return undefined;
  const reason = fs.readFileSync(NOTE_FILE, 'utf8').trim();
  let which = 'test/integration/keychain.test.ts';
  if (fs.existsSync(REPORT)) {
    const r = JSON.parse(fs.readFileSync(REPORT, 'utf8'));
    const files = r.testResults.filter((f) => /keychain\.test\.ts$/.test(f.name));
    const skipped = files.flatMap((f) => f.assertionResults.filter((a) => a.status !== 'passed' && a.status !== 'failed'));
    if (files.length)
      which = `the ${skipped.length} real-keychain test${skipped.length === 1 ? '' : 's'} (test/integration/keychain.test.ts)`;
  }
  return `keychain: did not run ${which}: ${reason}`;
}
