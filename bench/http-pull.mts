// Pull throughput by HTTP client: Node's fetch (undici) against the core's nodeFetch (node:http).
// The sandbox runs in a child process, as a vendor would be elsewhere. Each round makes a fresh
// core per client and pulls twice: the first pull stores everything, the second (full) re-reads
// with nothing changed. Prints each run and the medians, with this process's CPU for the re-read.
//   node --import tsx bench/http-pull.mts [vendors=calltools] [rounds=5]
// PEOPLE (default 20000) sizes the sandbox; LATENCY=ms delays each answer, like a remote vendor.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { createCore } from '../src/main/core';
import { createLogger, nullSink } from '../src/main/core/log';
import { startSandbox } from '../src/main/core/sandbox';
import { MemorySecretStore } from '../src/main/core/secrets/memory-store';
import { nodeFetch } from '../src/main/core/vendors/node-http-client';
import type { AccountKind } from '../src/shared/domain';

const root = path.resolve(import.meta.dirname, '..');
type Info = Record<string, { baseUrl: string; credentials: Record<string, unknown>; settings?: Record<string, unknown> }>;

if (process.argv[2] === '--serve') {
  const sb = await startSandbox({ seed: 7, people: Number(process.env.PEOPLE ?? 20000) });
  for (const s of Object.values(sb.servers)) s!.faults.latencyMs = Number(process.env.LATENCY ?? 0);
  process.stdout.write(JSON.stringify(sb.vendors) + '\n');
  process.stdin.resume();
  process.stdin.on('end', () => void sb.close().then(() => process.exit(0)));
} else {
  const vendors = (process.argv[2] ?? 'calltools').split(',');
  const rounds = Number(process.argv[3] ?? 5);
  const child = spawn(process.execPath, ['--import', 'tsx', import.meta.filename, '--serve'], {
    cwd: root,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const info = JSON.parse(await new Promise<string>((r) => readline.createInterface({ input: child.stdout! }).once('line', r))) as Info;
  const clients: [string, typeof fetch][] = [
    ['fetch', globalThis.fetch],
    ['nodeFetch', nodeFetch],
  ];
  const runs: Record<string, { first: number[]; second: number[]; cpu: number[]; records: number }> = {};
  for (let round = 0; round < rounds; round++) {
    for (const vendor of vendors) {
      for (const [name, client] of round % 2 ? [...clients].reverse() : clients) {
        const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-http-'));
        const core = await createCore({
          dataDir: dir,
          secretStore: new MemorySecretStore(),
          log: createLogger(nullSink),
          migrationsDir: path.join(root, 'resources/migrations'),
          fetch: client,
        });
        try {
          const v = info[vendor]!;
          const id = (
            await core.accounts.add({
              kind: vendor as AccountKind,
              label: vendor,
              baseUrl: v.baseUrl,
              credentials: v.credentials,
              settings: v.settings,
            })
          ).id;
          let t = performance.now();
          const a = await core.sync.pull(id);
          const first = performance.now() - t;
          t = performance.now();
          const cpu0 = process.cpuUsage();
          const b = await core.sync.pull(id, { full: true });
          const second = performance.now() - t;
          const c = process.cpuUsage(cpu0);
          if (!a.complete || !b.complete) throw new Error(`${vendor} ${name}: ${JSON.stringify([a.error, b.error])}`);
          const r = (runs[`${vendor} ${name}`] ??= { first: [], second: [], cpu: [], records: a.pulled });
          r.first.push(first);
          r.second.push(second);
          r.cpu.push((c.user + c.system) / 1000);
          console.log(
            JSON.stringify({
              vendor,
              client: name,
              records: a.pulled,
              pages: a.pages,
              firstMs: Math.round(first),
              secondMs: Math.round(second),
              secondCpuMs: Math.round((c.user + c.system) / 1000),
            }),
          );
        } finally {
          core.close();
          rmSync(dir, { recursive: true, force: true });
        }
      }
    }
  }
  const median = (x: number[]) => Math.round([...x].sort((p, q) => p - q)[Math.floor(x.length / 2)]!);
  for (const [k, r] of Object.entries(runs))
    console.log(
      `median ${k} (${r.records} records, ${rounds} runs): first ${median(r.first)} ms, second ${median(r.second)} ms, CPU of second ${median(r.cpu)} ms`,
    );
  child.stdin!.end();
  await new Promise((r) => child.once('exit', r));
}
