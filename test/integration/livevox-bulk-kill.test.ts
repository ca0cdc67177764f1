// SIGKILL of the real CLI in the middle of a LiveVox batch (push-batch.ts): at the bulk PUT
// (applied, its answer held) and at the search that reads the batch back. The batch's changes
// were claimed before the PUT, so the next `concord sync` finds them in flight and re-reads
// each (recover): what landed is settled, nothing is sent again blindly.
import { afterAll, describe, expect, it } from 'vitest';
import { startLiveVoxSandbox } from '../../src/main/core/sandbox/livevox';
import { cliRig } from '../helpers/cli-kill';

const dirs: { cleanup(): void }[] = [];
afterAll(() => dirs.forEach((d) => d.cleanup()));

describe('SIGKILL in the middle of a LiveVox batch', () => {
  it.each([
    ['the bulk PUT', 'PUT', 1],
    ['the read back', 'POST', 2], // the batch's second search (the first read the records before the PUT)
  ] as const)(
    'killed at %s: the next sync settles every change by re-reading, without sending the batch again',
    { timeout: 240_000 },
    async (_what, method, n) => {
      const s = await cliRig('livevox', { seed: 31, n: 8, cleanups: dirs, start: startLiveVoxSandbox });
      const { sb, concord } = s;
      try {
        // Six updates, made offline in the same store.
        const { core } = await s.openCore();
        const recs = core.store.sqlite.prepare('SELECT id, remote_id FROM records ORDER BY remote_id').all() as {
          id: string;
          remote_id: string;
        }[];
        const edited = recs.slice(0, 6);
        edited.forEach((r, i) => core.edits.edit(r.id, { givenName: `Killed${i}` }));
        core.close();

        const path_ = method === 'PUT' ? /\/contact\/contacts\/bulk$/ : /\/contact\/contacts\/search$/;
        sb.server.failAt(n, 'timeout', { method, path: path_, holdMs: 10_000 });
        await s.killSyncWhen(() => sb.server.requestLog.some((r) => r.fault === 'timeout'), _what);
        // Left in flight by the kill: claimed before the bulk PUT went.
        expect(s.changesIn('in_flight')).toBe(6);
        s.expireLease();

        const before = sb.server.requestLog.length;
        const again = JSON.parse((await concord(['sync', '--json'])).stdout) as { accounts: { complete: boolean; errors: unknown[] }[] };
        expect(again.accounts[0]).toMatchObject({ complete: true, errors: [] });
        // The six in flight were read back by one search (recover), not one read each; the
        // reads come later, from the pull after the export.
        const next = sb.server.requestLog
          .slice(before)
          .map((r) => `${r.method} ${r.path}`)
          .filter((r) => !r.includes('/session/'));
        expect(next[0]).toBe('POST /contact/contacts/search');
        const exported = next.indexOf('POST /contact/contacts/bulk');
        expect(exported).toBeGreaterThan(0);
        expect(next.slice(0, exported).filter((r) => r.startsWith('GET /contact/contacts/'))).toEqual([]);
        // One bulk PUT in all: the batch was applied once and never re-sent.
        expect(sb.server.requestLog.filter((r) => r.method === 'PUT')).toHaveLength(1);
        edited.forEach((r, i) =>
          expect((sb.store.contacts.get(r.remote_id)!.person as { firstName: string }).firstName).toBe(`Killed${i}`),
        );
        const status = JSON.parse((await concord(['status', '--json'])).stdout) as { outbox: Record<string, number> };
        expect(status.outbox).toEqual({ pending: 0, inFlight: 0, conflict: 0, rejected: 0 });
      } finally {
        await sb.server.close();
      }
    },
  );
});
