// `concord` — the command-line host of the core. Same core, same store as the app; for
// scripting and scheduled syncs. stdout carries results (JSON with --json); everything
// else — progress, warnings, errors — goes to stderr, and failures exit non-zero.
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { createCore, type Core } from '../main/core';
import { CoreError } from '../main/core/errors';
import { neutralizeFormula } from '../main/core/csv/export';
import { MAX_FILE_BYTES } from '../main/core/csv/import';
import { defaultDataDir } from '../main/core/paths';
import { startSandbox } from '../main/core/sandbox';
import { FileSecretStore } from '../main/core/secrets/file-store';
import { doctor, restoreLatestBackup, storageError } from '../main/core/store/health';
import type { SecretStore } from '../main/core/secrets/secret-store';
import { CONCORD_VERSION } from '../main/core/version';
import { describeValue } from './edits';
import * as reconcile from './reconcile-commands';
import type { ContactRow, Input, Output, RequestKey } from '../shared/contract';
import { CANONICAL_FIELDS, VENDORS, VENDOR_LABELS, displayName, primaryOf, type Vendor } from '../shared/domain';

export class UsageError extends Error {}

interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
}

const USAGE = `concord ${CONCORD_VERSION} — reconcile contacts across vendor systems

Usage: concord <command> [options]

Commands:
  status                         store, secret store, outbox and accounts
  contacts list [--search Q] [--vendor V] [--limit N]
                                 people (golden records) with their vendors
  contacts show ID               one person (or record) with each vendor's copy
  contacts edit ID --set FIELD=VALUE ...
                                 edit a record, or a person (fans out to its records); works offline
  contacts undo ID               take back the latest edit not pushed yet
  conflicts list                 open conflicts with base, local and remote values
  conflicts resolve ID (--take local|remote | --set FIELD=VALUE ... | --recreate | --drop | --same-person | --different-person [--key KEY])
                                 settle a conflict; it goes out with the next sync
  accounts list                  connected accounts
  accounts add VENDOR [--base-url URL] [--label L] [--setting KEY=VALUE ...]
                                 add an account; credentials are read as JSON on stdin
  accounts add-sandbox [FILE]    add every vendor from the line \`concord sandbox\` printed
                                 (in FILE, waiting for it, or on stdin)
  accounts test ID               ask the vendor whether the account works
  accounts edit ID [--label L] [--base-url URL] [--setting KEY=VALUE ...] [--credentials]
                                 change an account; --credentials reads new ones as JSON on stdin
  accounts remove ID [--yes]     say what removing it does; with --yes, remove it (refused while
                                 changes wait to be sent: nothing typed is lost)
  accounts undo-remove N         bring a removed account back (the number remove printed; 7 days)
  accounts trust ID FIELD ...    golden records take these fields from this account first
  sync [--account ID] [--full] [--wait]
                                 push, pull every account (or one), merge, push again;
                                 one sync at a time per store (--wait: wait for a running one)
  duplicates scan [--full] [--auto-link] [--review N] [--auto-threshold N]
                                 find the same person within and across vendors, best first
  duplicates merge CLUSTER_ID [--pick FIELD=RECORD_ID ...] [--dry-run]
                                 print the exact writes per vendor; without --dry-run, apply them
  duplicates dismiss CLUSTER_ID  "not the same person", remembered across re-syncs
  duplicates undo ID             undo a merge or a dismissal (the id they printed)
${reconcile.RECONCILE_USAGE.trimEnd()}
  sandbox [--seed S] [--people N] [--faults SPEC] [--truth FILE]
                                 run the sandbox vendors on 127.0.0.1 until interrupted
  import FILE.csv --source NAME [--map HEADER=field ...] [--region CC]
                                 load a CSV file as a source (bad rows are reported by line)
  export --format csv [--out FILE] [--search Q]
                                 write the golden records (formula-injection safe)
  doctor [--restore]             full integrity check of the data file; --restore puts the
                                 latest backup from backups/ in place (the old file is kept)

Options for every command:
  --data-dir DIR   the data directory (default: CONCORD_DATA_DIR or the app's: ${defaultDataDir()})
  --json           machine-readable output on stdout
  --secret-store keychain|file
                   where real accounts' credentials live (default: the system keychain).
                   "file" keeps them unencrypted in DATA_DIR/secrets.json (mode 600) for
                   machines without a Secret Service, and warns every time it is used.
                   Sandbox accounts need neither: their test tokens stay with the account.
  -h, --help       this help
`;

const COMMON: ParseArgsConfig['options'] = {
  'data-dir': { type: 'string' },
  json: { type: 'boolean', default: false },
  'secret-store': { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
};

export async function main(
  argv: string[],
  io: Io = { out: (s) => process.stdout.write(s), err: (s) => process.stderr.write(s) },
): Promise<number> {
  let core: Core | null = null;
  let json = argv.includes('--json');
  let dataDir = '';
  try {
    const [command, ...rest] = argv;
    if (!command || command === '--help' || command === '-h' || command === 'help') {
      io.out(USAGE);
      return command ? 0 : 2;
    }
    if (command === '--version') {
      io.out(`${CONCORD_VERSION}\n`);
      return 0;
    }
    const run = COMMANDS[command];
    if (!run) throw new UsageError(`Unknown command "${command}". Run "concord --help".`);
    const { sub, args } = run.sub ? splitSub(rest, run.sub, command) : { sub: '', args: rest };
    const parsed = parseArgs({ args, options: { ...COMMON, ...(run.options?.[sub] ?? {}) }, allowPositionals: true, strict: true });
    json = !!parsed.values.json;
    if (parsed.values.help) {
      io.out(USAGE);
      return 0;
    }
    if (command === 'sandbox') return await runSandbox(parsed.values, io);
    dataDir = path.resolve((parsed.values['data-dir'] as string | undefined) ?? defaultDataDir());
    // Before a core: doctor is for the store the core refuses to open.
    if (command === 'doctor') return runDoctor(dataDir, !!parsed.values.restore, json, io);
    const secretStore = pickSecretStore(parsed.values['secret-store'], dataDir, io);
    core = await createCore({
      dataDir,
      secretStore,
      keychainProbeTimeoutMs: 3000,
      syncTuning: { holder: `concord ${command} (pid ${process.pid})` },
    });
    const c = core;
    const call: Call = async (key, input) => {
      const r = await c.dispatch(key, input);
      if (!r.ok) throw new CoreError(r.error.code as CoreError['code'], r.error.message);
      return r.value as never;
    };
    const ctx: Ctx = { core, call, sub, values: parsed.values, positionals: parsed.positionals, json, io, exitCode: 0 };
    const result = await run.handler(ctx);
    if (result !== undefined) io.out(json ? JSON.stringify(result, null, 2) + '\n' : String(result));
    return ctx.exitCode;
  } catch (raw) {
    const e = (dataDir && storageError(raw, dataDir)) || raw;
    const code =
      e instanceof UsageError || e instanceof reconcile.ReconcileUsageError || (e as { code?: string })?.code?.startsWith('ERR_PARSE_ARGS')
        ? 2
        : 1;
    const message = e instanceof Error ? e.message : String(e);
    io.err(
      json
        ? JSON.stringify({ error: { code: e instanceof CoreError ? e.code : code === 2 ? 'usage' : 'error', message } }) + '\n'
        : `concord: ${message}\n`,
    );
    return code;
  } finally {
    core?.close();
  }
}

/** A request through the contract, as the window makes it: validated input, {code, message} errors. */
type Call = <K extends RequestKey>(key: K, input: Input<K>) => Promise<Output<K>>;

interface Ctx {
  /** The host's handle: events (sync progress) only; every request goes through `call`. */
  core: Core;
  call: Call;
  sub: string;
  values: Record<string, unknown>;
  positionals: string[];
  json: boolean;
  io: Io;
  /** Set by a command whose work partly failed (e.g. a sync with an unreachable vendor). */
  exitCode: number;
}

interface Command {
  sub?: string[];
  options?: Record<string, ParseArgsConfig['options']>;
  handler(ctx: Ctx): Promise<unknown> | unknown;
}

function splitSub(rest: string[], subs: string[], command: string): { sub: string; args: string[] } {
  const [sub, ...args] = rest;
  if (!sub || !subs.includes(sub)) throw new UsageError(`"concord ${command}" needs one of: ${subs.join(', ')}`);
  return { sub, args };
}

function parseMaps(values: string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of values ?? []) {
    const eq = m.lastIndexOf('=');
    if (eq <= 0) throw new UsageError(`--map expects HEADER=field, got "${m}"`);
    out[m.slice(0, eq)] = m.slice(eq + 1);
  }
  return out;
}

function describePlan(plan: {
  writes: {
    vendor: keyof typeof VENDOR_LABELS;
    accountLabel: string;
    remoteId: string | null;
    op: string;
    note: string;
    fields?: object;
  }[];
}): string {
  return (
    plan.writes
      .map(
        (w) =>
          `  ${VENDOR_LABELS[w.vendor].padEnd(10)} ${String(w.remoteId ?? '(new)').padEnd(20)} ${w.op.padEnd(6)} ${w.note}${
            w.fields
              ? `: ${Object.entries(w.fields)
                  .map(([f, v]) => `${f}=${describeValue(v)}`)
                  .join(', ')}`
              : ''
          }`,
      )
      .join('\n') + '\n'
  );
}

/** `--set FIELD=VALUE ...` as typed text per field; the core parses it (the window's boxes go the same way). */
function typedSets(sets: string[]): Record<string, string> {
  const typed: Record<string, string> = {};
  for (const s of sets) {
    const eq = s.indexOf('=');
    if (eq <= 0) throw new UsageError(`--set expects FIELD=VALUE, got "${s}"`);
    typed[s.slice(0, eq).trim()] = s.slice(eq + 1);
  }
  return typed;
}

/** `--secret-store file` is the only way the plaintext store is used, and it says so each time. */
function pickSecretStore(value: unknown, dataDir: string, io: Io): SecretStore | undefined {
  if (value === undefined || value === 'keychain') return undefined; // probe the keychain
  if (value !== 'file') throw new UsageError(`--secret-store is keychain or file, not "${String(value)}"`);
  const store = new FileSecretStore(dataDir);
  io.err(`concord: ${store.warning()}\n`);
  return store;
}

async function requirePersistentSecrets(call: Call): Promise<void> {
  const { secretStore } = await call('getStatus', {});
  if (!secretStore.persistent) {
    throw new Error(
      `${secretStore.detail} The CLI cannot keep credentials between commands without a keychain; start a Secret Service (e.g. gnome-keyring) and try again, or pass --secret-store file to keep them unencrypted in a file only you can read. (Sandbox accounts need neither: concord accounts add-sandbox.)`,
    );
  }
}

/**
 * The line `concord sandbox` prints, from FILE or stdin. A file may not exist yet or still be
 * being written by a sandbox started a moment ago in the background (the README's
 * `sandbox > /tmp/sandbox.json &`, then `add-sandbox /tmp/sandbox.json`): wait up to 30 s for
 * the whole line instead of failing.
 */
async function readSandboxLine(file: string | undefined, timeoutMs = 30_000): Promise<string> {
  let fd: number | null = null;
  if (!file) {
    try {
      if (fs.fstatSync(0).isFile()) fd = 0;
    } catch {
      fd = null;
    }
    if (fd === null) return readStdin();
  }
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let text = '';
    try {
      // From the start each time: the file grows while the sandbox starts.
      text = fd !== null ? readWhole(fd) : fs.readFileSync(file!, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    const line = text.split('\n').find((l) => l.trim().startsWith('{'));
    if (line !== undefined && text.includes('\n')) return line;
    if (Date.now() > deadline) {
      if (file && !text)
        throw new UsageError(`${file} did not appear within ${timeoutMs / 1000} s; start "concord sandbox > ${file}" first`);
      return text;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

function readWhole(fd: number): string {
  const size = fs.fstatSync(fd).size;
  const buf = Buffer.alloc(size);
  return buf.subarray(0, size ? fs.readSync(fd, buf, 0, size, 0) : 0).toString('utf8');
}

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY)
    throw new UsageError(
      'Credentials are read as JSON on stdin, e.g.  echo \'{"token":"…"}\' | concord accounts add calltools --base-url …',
    );
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function runDoctor(dataDir: string, restore: boolean, json: boolean, io: Io): number {
  let restored: ReturnType<typeof restoreLatestBackup> | null = null;
  if (restore) restored = restoreLatestBackup(dataDir);
  const r = doctor(dataDir);
  if (json) {
    io.out(JSON.stringify({ ...r, restored }, null, 2) + '\n');
    return r.ok ? 0 : 1;
  }
  const lines: string[] = [];
  if (restored)
    lines.push(`Restored ${restored.restored}${restored.keptAs ? `; the file it replaced is kept as ${restored.keptAs}` : ''}.`);
  if (!r.exists) lines.push(`No data file yet at ${r.file}.`);
  else
    lines.push(
      `Data file: ${r.file} (${r.bytes} bytes)`,
      r.ok
        ? 'Integrity: ok (integrity_check)'
        : `Integrity: DAMAGED\n${r.problems
            .slice(0, 10)
            .map((p) => `  ${p}`)
            .join('\n')}`,
    );
  const [latest] = r.backups;
  lines.push(
    latest
      ? `Backups: ${r.backups.length} in ${path.dirname(latest.file)}; latest ${path.basename(latest.file)} (${latest.modified})`
      : `Backups: none in ${path.join(dataDir, 'backups')}`,
  );
  if (!r.ok)
    lines.push(
      latest
        ? 'Restore the latest backup with: concord doctor --restore'
        : 'There is no backup to restore; move the file away to start with an empty store.',
    );
  io.out(lines.join('\n') + '\n');
  return r.ok ? 0 : 1;
}

/** `concord sandbox`: the simulators need no store; one JSON line on stdout when ready. */
async function runSandbox(values: Record<string, unknown>, io: Io): Promise<number> {
  const num = (v: unknown, name: string, dflt: number): number => {
    if (v === undefined) return dflt;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0) throw new UsageError(`--${name} must be a whole number`);
    return n;
  };
  let sb;
  try {
    sb = await startSandbox({
      seed: num(values.seed, 'seed', 1),
      people: num(values.people, 'people', 300),
      faults: values.faults as string | undefined,
      truthFile: values.truth as string | undefined,
    });
  } catch (e) {
    if (/Bad fault/.test((e as Error).message)) throw new UsageError((e as Error).message);
    throw e;
  }
  io.out(JSON.stringify({ vendors: sb.vendors }) + '\n');
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await sb.close();
  return 0;
}

/** `--setting KEY=VALUE`: the value as JSON when it parses (numbers, objects), else as text. */
function parseSettings(pairs: string[] | undefined): Record<string, unknown> | undefined {
  if (!pairs?.length) return undefined;
  return Object.fromEntries(
    pairs.map((p) => {
      const at = p.indexOf('=');
      if (at < 1) throw new UsageError(`--setting takes KEY=VALUE, e.g. --setting groupId=7 (got "${p}")`);
      const raw = p.slice(at + 1);
      try {
        return [p.slice(0, at), JSON.parse(raw) as unknown];
      } catch {
        return [p.slice(0, at), raw];
      }
    }),
  );
}

/** A CSV cell of the rejects file: the imported file's text, so a formula is neutralised as the export does; quoted when it holds a comma, quote or line break. */
function csvCell(value: string): string {
  const v = neutralizeFormula(value);
  return /[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

function likelyDuplicates(d: { waiting: number; autoLinkable: number }): string {
  return `${d.waiting} likely duplicate${d.waiting === 1 ? '' : 's'} waiting for review${d.autoLinkable ? ` (${d.autoLinkable} above the auto-link threshold: concord duplicates scan --auto-link)` : ''}: concord duplicates scan`;
}

const COMMANDS: Record<string, Command> = {
  doctor: {
    options: { '': { restore: { type: 'boolean', default: false } } },
    handler: () => undefined, // handled by runDoctor before a store is opened
  },
  sandbox: {
    options: { '': { seed: { type: 'string' }, people: { type: 'string' }, faults: { type: 'string' }, truth: { type: 'string' } } },
    handler: () => undefined, // handled by runSandbox before a store is opened
  },
  sync: {
    options: { '': { account: { type: 'string' }, full: { type: 'boolean', default: false }, wait: { type: 'boolean', default: false } } },
    handler: async (ctx) => {
      const { core, call, values, json, io } = ctx;
      // A progress bar on a terminal only; scripts and --json get clean output.
      const progress = !json && process.stderr.isTTY;
      const off = progress
        ? core.events.on((e, p) => {
            if (e !== 'syncProgress') return;
            const x = p as { vendor: string; phase: string; done: number; total: number | null };
            const bar = x.total
              ? `[${'#'.repeat(Math.round((20 * x.done) / Math.max(1, x.total))).padEnd(20, '.')}] ${x.done}/${x.total}`
              : `${x.done}`;
            io.err(
              `\r\x1b[K${VENDOR_LABELS[x.vendor as Vendor].padEnd(11)} ${x.phase.padEnd(5)} ${bar}${x.phase === 'done' || x.phase === 'error' ? '\n' : ''}`,
            );
          })
        : () => {};
      const r = await call('sync', { accountId: values.account as string | undefined, full: !!values.full, wait: !!values.wait });
      off();
      if (r.accounts.some((a) => a.errors.length && !a.complete)) ctx.exitCode = 1;
      if (json) return r;
      return (
        r.accounts
          .map(
            (a) =>
              `${a.label.padEnd(24)} pulled ${a.pulled} (${a.created} new, ${a.updated} changed, ${a.deleted} deleted), pushed ${a.pushed}, ${a.conflicts} conflicts, ${a.rejected} rejected${a.waiting ? `, ${a.waiting} waiting` : ''}${!a.complete && a.errors.length ? `  — stopped: ${a.errors.at(-1)!.message}` : ''}`,
          )
          .join('\n') +
        '\n' +
        (r.duplicates?.linked
          ? `Linked automatically: ${r.duplicates.linked} ${r.duplicates.linked === 1 ? 'person' : 'people'} the model is near-certain about (nothing sent to a vendor; undo with: concord duplicates undo ${r.duplicates.linkId})\n`
          : '') +
        (r.duplicates?.waiting ? likelyDuplicates(r.duplicates) + '\n' : '')
      );
    },
  },
  duplicates: {
    sub: ['scan', 'merge', 'dismiss', 'undo'],
    options: {
      scan: {
        full: { type: 'boolean', default: false },
        'auto-link': { type: 'boolean', default: false },
        review: { type: 'string' },
        'auto-threshold': { type: 'string' },
      },
      merge: { pick: { type: 'string', multiple: true }, 'dry-run': { type: 'boolean', default: false } },
      dismiss: {},
      undo: {},
    },
    handler: async ({ call, sub, values, positionals, json }) => {
      if (sub === 'scan') {
        const num = (v: unknown, name: string): number | undefined => {
          if (v === undefined) return undefined;
          const n = Number(v);
          if (!Number.isFinite(n)) throw new UsageError(`--${name} takes a number of bits, e.g. 9`);
          return n;
        };
        const r = await call('scanDuplicates', {
          full: !!values.full,
          autoLink: !!values['auto-link'],
          review: num(values.review, 'review'),
          autoThreshold: num(values['auto-threshold'], 'auto-threshold'),
        });
        // The queue a page at a time, each cluster in full: the window's own requests.
        const all = [];
        for (let offset = 0; ;) {
          const page = await call('listDuplicates', { offset, limit: 500 });
          for (const item of page.items) {
            const c = await call('getDuplicate', { id: item.id });
            if (c) all.push(c);
          }
          offset += page.items.length;
          if (!page.items.length || offset >= page.total) break;
        }
        const clusters = all.map((c) => ({
          id: c.id,
          score: c.score,
          confidence: c.confidence,
          auto: c.auto,
          records: c.records.map((x) => ({
            recordId: x.recordId,
            account: x.account,
            vendor: x.vendor,
            remoteId: x.remoteId,
            name: x.name,
          })),
          reasons: c.reasons.map((x) => x.text),
        }));
        if (json) return clusters;
        const head = `${r.records} records, ${r.rescored} rescored, ${r.comparisons} comparisons in ${r.ms} ms${r.autoLinked ? `, ${r.autoLinked} auto-linked` : ''}: ${clusters.length} cluster${clusters.length === 1 ? '' : 's'} to review\n`;
        return (
          head +
          clusters
            .map((c) =>
              [
                `${c.id}  score ${c.score}${c.auto ? ' (auto-link)' : ''}`,
                ...c.records.map((x) => `    ${x.recordId}  ${VENDOR_LABELS[x.vendor].padEnd(10)} ${x.name}`),
                `    why: ${c.reasons.slice(0, 4).join('; ')}`,
              ].join('\n'),
            )
            .join('\n') +
          '\n'
        );
      }
      const id = positionals[0];
      if (!id) throw new UsageError(`Usage: concord duplicates ${sub} ID`);
      if (sub === 'dismiss') {
        const r = await call('dismissDuplicates', { clusterId: id });
        return json ? r : `Remembered as not the same person (undo with: concord duplicates undo ${r.dismissId}).\n`;
      }
      if (sub === 'undo') {
        const n = Number(id);
        if (!Number.isInteger(n)) throw new UsageError('duplicates undo takes the number a merge or dismissal printed');
        const r = await call('undoJournal', { id: n });
        return json
          ? { undone: r.undone, compensating: r.compensating ?? 0 }
          : `Undone${r.compensating ? `; ${r.compensating} compensating write${r.compensating === 1 ? '' : 's'} go out with the next sync` : ''}.\n`;
      }
      const picks: Record<string, string> = {};
      for (const p of (values.pick as string[] | undefined) ?? []) {
        const eq = p.indexOf('=');
        if (eq <= 0) throw new UsageError(`--pick expects FIELD=RECORD_ID, got "${p}"`);
        picks[p.slice(0, eq)] = p.slice(eq + 1);
      }
      if (values['dry-run']) {
        const plan = await call('planMerge', { clusterId: id, picks });
        return json ? plan : describePlan(plan) + 'Nothing was changed (--dry-run).\n';
      }
      const r = await call('mergeDuplicates', { clusterId: id, picks });
      return json
        ? { mergeId: r.mergeId, personId: r.personId, plan: r.plan }
        : describePlan(r.plan) +
            `Merged into person ${r.personId}; the writes go out with the next sync (undo with: concord duplicates undo ${r.mergeId}).\n`;
    },
  },
  conflicts: {
    sub: ['list', 'resolve'],
    options: {
      list: {},
      resolve: {
        take: { type: 'string' },
        set: { type: 'string', multiple: true },
        recreate: { type: 'boolean', default: false },
        drop: { type: 'boolean', default: false },
        'same-person': { type: 'boolean', default: false },
        'different-person': { type: 'boolean', default: false },
        key: { type: 'string' },
      },
    },
    handler: async ({ call, sub, values, positionals, json }) => {
      if (sub === 'list') {
        const list = await call('listConflicts', {});
        if (json)
          return list.map((c) => ({
            id: c.id,
            recordId: c.recordId,
            account: c.account,
            vendor: c.vendor,
            kind: c.kind,
            fields: c.fields,
            ...(c.existing ? { existing: c.existing } : {}),
          }));
        if (!list.length) return 'No conflicts.\n';
        return (
          list
            .map((c) =>
              [
                `${c.id}  ${VENDOR_LABELS[c.vendor]} ${c.accountLabel}  record ${c.recordId}${c.kind === 'deleted' ? '  — deleted on the server while edited here (--recreate or --drop)' : c.existing ? `  — ${c.existing.mergedByVendor ? `${VENDOR_LABELS[c.vendor]} merged this new contact into its contact ${c.existing.remoteId}` : `already at ${VENDOR_LABELS[c.vendor]} as ${c.existing.key ? `${c.existing.key.label} ` : ''}${c.existing.remoteId}`}: --same-person or --different-person${c.existing.key ? ' --key NEW' : ''}` : ''}`,
                ...c.fields.map(
                  (f) =>
                    `    ${f.field.padEnd(12)} base: ${describeValue(f.base)}  |  mine: ${describeValue(f.local)}  |  theirs: ${describeValue(f.remote)}`,
                ),
              ].join('\n'),
            )
            .join('\n') + '\n'
        );
      }
      const id = positionals[0];
      if (!id)
        throw new UsageError(
          'Usage: concord conflicts resolve ID (--take local|remote | --set FIELD=VALUE ... | --recreate | --drop | --same-person | --different-person [--key KEY])',
        );
      const chosen = [
        values.take !== undefined,
        !!(values.set as string[] | undefined)?.length,
        !!values.recreate,
        !!values.drop,
        !!values['same-person'],
        !!values['different-person'],
      ].filter(Boolean).length;
      if (chosen !== 1) throw new UsageError('Give exactly one of --take, --set, --recreate, --drop, --same-person or --different-person');
      let r;
      if (values['same-person']) r = await call('resolveConflict', { id, resolution: { exists: 'same' } });
      else if (values['different-person'])
        r = await call('resolveConflict', {
          id,
          resolution: { exists: 'different', ...(values.key ? { key: values.key as string } : {}) },
        });
      else if (values.recreate || values.drop)
        r = await call('resolveConflict', { id, resolution: { deleted: values.recreate ? 'recreate' : 'drop' } });
      else if (values.take !== undefined) {
        if (values.take !== 'local' && values.take !== 'remote') throw new UsageError('--take is local or remote');
        r = await call('resolveConflict', { id, resolution: { take: values.take } });
      } else {
        const typed = typedSets(values.set as string[]);
        r = await call('resolveConflict', {
          id,
          resolution: { fields: Object.fromEntries(Object.entries(typed).map(([f, t]) => [f, { typed: t }])) },
        });
      }
      return json
        ? { resolved: id, ...r }
        : `Resolved; ${r.changeId === null ? 'nothing left to push' : 'it goes out with the next sync'}.\n`;
    },
  },
  accounts: {
    sub: ['list', 'add', 'add-sandbox', 'test', 'trust', 'edit', 'remove', 'undo-remove'],
    options: {
      list: {},
      trust: {},
      edit: {
        'base-url': { type: 'string' },
        label: { type: 'string' },
        setting: { type: 'string', multiple: true },
        credentials: { type: 'boolean' },
      },
      remove: { yes: { type: 'boolean' } },
      add: { 'base-url': { type: 'string' }, label: { type: 'string' }, setting: { type: 'string', multiple: true } },
      'add-sandbox': {},
      test: {},
    },
    handler: async ({ call, sub, values, positionals, json }) => {
      if (sub === 'trust') {
        const [id, ...fields] = positionals;
        if (!id) throw new UsageError('Usage: concord accounts trust ID [FIELD ...]   (no fields: trust it for nothing)');
        const bad = fields.filter((f) => !(CANONICAL_FIELDS as readonly string[]).includes(f));
        if (bad.length) throw new UsageError(`Unknown field ${bad.join(', ')} (one of: ${CANONICAL_FIELDS.join(', ')})`);
        const { peopleUpdated } = await call('setAccountTrust', { id, fields: fields as (typeof CANONICAL_FIELDS)[number][] });
        return json
          ? { accountId: id, trustedFor: fields, peopleUpdated }
          : `${fields.length ? `Trusted for ${fields.join(', ')}` : 'Trusted for nothing'}; ${peopleUpdated} golden records recomputed.\n`;
      }
      if (sub === 'edit') {
        const id = positionals[0];
        if (!id)
          throw new UsageError(
            'Usage: concord accounts edit ID [--label L] [--base-url URL] [--setting KEY=VALUE ...] [--credentials]   (--credentials: new ones as JSON on stdin)',
          );
        let credentials: Record<string, unknown> | undefined;
        if (values.credentials) {
          await requirePersistentSecrets(call);
          try {
            credentials = JSON.parse(await readStdin()) as Record<string, unknown>;
          } catch (e) {
            if (e instanceof UsageError) throw e;
            throw new UsageError('The credentials on stdin are not valid JSON');
          }
          if (!credentials || typeof credentials !== 'object' || Array.isArray(credentials))
            throw new UsageError('The credentials on stdin must be a JSON object');
        }
        const settings = values.setting ? (parseSettings(values.setting as string[]) as Record<string, string>) : undefined;
        if (values.label === undefined && values['base-url'] === undefined && !settings && !credentials)
          throw new UsageError('Nothing to change: give --label, --base-url, --setting or --credentials');
        const a = await call('updateAccount', {
          id,
          ...(values.label !== undefined ? { label: values.label as string } : {}),
          ...(values['base-url'] !== undefined ? { baseUrl: values['base-url'] as string } : {}),
          ...(settings ? { settings } : {}),
          ...(credentials ? { credentials } : {}),
        });
        return json ? a : `Saved ${a.label} (${a.id}).\n`;
      }
      if (sub === 'remove') {
        const id = positionals[0];
        if (!id) throw new UsageError('Usage: concord accounts remove ID [--yes]');
        // Said first, as the window says it: what goes, what stays, and what would be lost.
        const plan = await call('planRemoveAccount', { id });
        const said = `${plan.records} records go from Concord (nothing is deleted at the vendor); ${plan.peopleOnlyHere} people only in this account go with them; ${plan.peopleLinked} people linked to other accounts stay there.${plan.waiting ? ` ${plan.waiting} change${plan.waiting === 1 ? ' waits' : 's wait'} to be sent: it cannot be removed until ${plan.waiting === 1 ? 'it is' : 'they are'} sent (concord sync) or undone.` : ''}`;
        if (!values.yes) return json ? { plan, removed: false } : `${said}\nRun again with --yes to remove it.\n`;
        const r = await call('removeAccount', { id });
        return json ? { plan, removed: true, ...r } : `Removed. ${said}\nUndo with: concord accounts undo-remove ${r.undoId}\n`;
      }
      if (sub === 'undo-remove') {
        const n = Number(positionals[0]);
        if (!Number.isInteger(n)) throw new UsageError('Usage: concord accounts undo-remove N (the number accounts remove printed)');
        const r = await call('undoJournal', { id: n, kind: 'account.remove' });
        return json ? { undone: r.undone } : 'The account is back, with its records, links and decisions.\n';
      }
      if (sub === 'test') {
        const id = positionals[0];
        if (!id) throw new UsageError('Usage: concord accounts test ID');
        const r = await call('testAccount', { id });
        if (!r.ok) throw new Error(r.detail);
        return json ? r : `${r.detail}\n`;
      }
      if (sub === 'add-sandbox') {
        let line: {
          vendors?: Record<string, { baseUrl?: string; credentials?: Record<string, unknown>; settings?: Record<string, unknown> }>;
        };
        try {
          line = JSON.parse(await readSandboxLine(positionals[0]));
        } catch (e) {
          if (e instanceof UsageError) throw e;
          throw new UsageError('Expected the JSON line `concord sandbox` prints, on stdin');
        }
        if (!line?.vendors || typeof line.vendors !== 'object')
          throw new UsageError('Expected {"vendors":{…}} on stdin (the line `concord sandbox` prints)');
        const added = [];
        for (const [vendor, info] of Object.entries(line.vendors)) {
          if (!(VENDORS as readonly string[]).includes(vendor) || !info?.baseUrl || !info.credentials)
            throw new UsageError(`Sandbox entry "${vendor}" is incomplete`);
          added.push(
            await call('addAccount', {
              kind: vendor as Vendor,
              label: `${VENDOR_LABELS[vendor as Vendor]} sandbox`,
              baseUrl: info.baseUrl,
              credentials: info.credentials,
              settings: info.settings as Input<'addAccount'>['settings'],
              sandbox: true,
            }),
          );
        }
        return json ? added : added.map((a) => `Added ${a.label} (${a.id})`).join('\n') + '\n';
      }
      if (sub === 'list') {
        const list = await call('listAccounts', {});
        if (json) return list;
        if (!list.length) return 'No accounts. Add one with "concord accounts add VENDOR --base-url URL" (credentials as JSON on stdin).\n';
        return (
          list
            .map(
              (a) =>
                `${a.id}  ${VENDOR_LABELS[a.kind].padEnd(10)} ${a.label.padEnd(24)} ${String(a.recordCount).padStart(7)} records  ${a.health}  ${a.baseUrl ?? ''}`,
            )
            .join('\n') + '\n'
        );
      }
      const vendor = positionals[0];
      if (!vendor || !(VENDORS as readonly string[]).includes(vendor))
        throw new UsageError(`Usage: concord accounts add VENDOR --base-url URL [--label L]   (VENDOR: ${VENDORS.join(', ')})`);
      await requirePersistentSecrets(call);
      let credentials: unknown;
      try {
        credentials = JSON.parse(await readStdin());
      } catch (e) {
        if (e instanceof UsageError) throw e;
        throw new UsageError('The credentials on stdin are not valid JSON');
      }
      if (!credentials || typeof credentials !== 'object' || Array.isArray(credentials))
        throw new UsageError('The credentials on stdin must be a JSON object');
      const acc = await call('addAccount', {
        kind: vendor as Exclude<Vendor, 'csv'>,
        label: values.label as string | undefined,
        baseUrl: (values['base-url'] as string | undefined) ?? null,
        credentials: credentials as Record<string, unknown>,
        settings: parseSettings(values.setting as string[] | undefined) as Input<'addAccount'>['settings'],
      });
      return json ? acc : `Added ${VENDOR_LABELS[acc.kind]} account ${acc.id} ("${acc.label}")\n`;
    },
  },
  import: {
    options: {
      '': {
        source: { type: 'string' },
        map: { type: 'string', multiple: true },
        region: { type: 'string' },
        encoding: { type: 'string' },
        delimiter: { type: 'string' },
        rejects: { type: 'string' },
      },
    },
    handler: async ({ call, values, positionals, json, io }) => {
      const file = positionals[0];
      const source = values.source as string | undefined;
      if (!file || !source)
        throw new UsageError(
          'Usage: concord import FILE.csv --source NAME [--map HEADER=field ...] [--encoding E] [--delimiter ,|;|tab] [--rejects FILE]',
        );
      let bytes: Buffer;
      try {
        const size = fs.statSync(file).size;
        if (size > MAX_FILE_BYTES)
          throw new Error(
            `${file} is ${(size / 1024 / 1024).toFixed(0)} MB; Concord imports files up to ${MAX_FILE_BYTES / 1024 / 1024} MB (split it and import the parts into the same --source)`,
          );
        bytes = fs.readFileSync(file);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === undefined) throw e;
        throw new Error(`Cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      }
      const r = await call('importCsv', {
        bytes: bytes as Uint8Array<ArrayBuffer>,
        source,
        map: parseMaps(values.map as string[] | undefined),
        region: values.region as string | undefined,
        encoding: values.encoding as string | undefined,
        delimiter: values.delimiter as string | undefined,
      });
      // The details go to a file a person can open next to the data; the terminal gets a summary.
      if (values.rejects) {
        const rows = [
          ['line', 'column', 'kind', 'message'],
          ...r.errors.map((e) => [String(e.line), '', 'unreadable', e.message]),
          ...r.warnings.map((w) => [String(w.line), w.column, w.kind, w.message]),
        ];
        fs.writeFileSync(values.rejects as string, rows.map((row) => row.map(csvCell).join(',')).join('\n') + '\n');
      }
      if (json) return r;
      for (const e of r.errors) io.err(`${file}:${e.line}: ${e.message}\n`);
      const kinds = Object.entries(r.summary)
        .sort((a, b) => b[1] - a[1])
        .map(([k, n]) => `${n} ${k}`)
        .join(', ');
      if (kinds)
        io.err(
          `Values left out (rows kept): ${kinds}${values.rejects ? ` — details in ${String(values.rejects)}` : ' — add --rejects FILE for each line and column'}\n`,
        );
      if (r.ignoredHeaders.length) io.err(`Ignored columns: ${r.ignoredHeaders.join(', ')} (use --map HEADER=field to keep them)\n`);
      return `Imported ${r.imported} rows into "${r.source}" (${r.created} new, ${r.updated} updated; ${r.encoding}, "${r.delimiter}"-separated)${r.errors.length ? `; ${r.errors.length} lines could not be read` : ''}\n`;
    },
  },
  export: {
    options: { '': { format: { type: 'string', default: 'csv' }, out: { type: 'string' }, search: { type: 'string' } } },
    handler: async ({ call, values, io, json }) => {
      if (values.format !== 'csv') throw new UsageError(`--format ${String(values.format)} is not supported (csv)`);
      const { text: csv, rows } = await call('exportCsv', { search: values.search as string | undefined });
      if (values.out) {
        fs.writeFileSync(values.out as string, csv);
        if (json) return { file: values.out, rows };
        io.err(`Wrote ${rows} people to ${String(values.out)}\n`);
        return undefined;
      }
      io.out(csv);
      return undefined;
    },
  },
  status: {
    handler: async ({ call, json }) => {
      const s = await call('getStatus', {});
      const rejected = json ? [] : await call('listRejected', {});
      if (json) return s;
      const lines = [
        `Concord ${s.version}  data: ${s.dataDir}  (schema ${s.schemaVersion})`,
        `Secrets: ${s.secretStore.kind === 'keychain' ? 'system keychain' : s.secretStore.kind === 'file' ? 'file (--secret-store file) — ' + s.secretStore.detail : 'session only — ' + s.secretStore.detail}${s.secretStore.kind === 'keychain' ? '' : '; sandbox accounts keep their test tokens with the account'}`,
        `Store: ${s.counts.people} people, ${s.counts.records} records, ${s.counts.accounts} accounts`,
        `Outbox: ${s.outbox.pending} pending, ${s.outbox.inFlight} in flight, ${s.outbox.conflict} in conflict, ${s.outbox.rejected} rejected`,
        ...(s.offline
          ? [`Offline, ${s.outbox.pending + s.outbox.inFlight} change${s.outbox.pending + s.outbox.inFlight === 1 ? '' : 's'} waiting`]
          : []),
        ...(s.openConflicts ? [`${s.openConflicts} conflict${s.openConflicts === 1 ? '' : 's'} to settle: concord conflicts list`] : []),
        ...(s.duplicates?.waiting ? [likelyDuplicates(s.duplicates)] : []),
        ...(s.drift?.people
          ? [`${s.drift.people} ${s.drift.people === 1 ? 'person drifts' : 'people drift'} from the field policies: concord drift`]
          : []),
        ...rejected.map((r) => `Rejected by ${r.accountLabel}: ${r.message}  (fix with: concord contacts edit ${r.recordId} --set …)`),
        ...s.accounts.map(
          (a) =>
            `  ${a.id}  ${VENDOR_LABELS[a.vendor].padEnd(10)} ${a.label}  last pull: ${a.lastPull ?? 'never'}  last push: ${a.lastPush ?? 'never'}  health: ${a.health}`,
        ),
      ];
      return lines.join('\n') + '\n';
    },
  },
  contacts: {
    sub: ['list', 'show', 'edit', 'undo', 'add-to', 'add-missing'],
    options: {
      list: { search: { type: 'string', short: 's' }, vendor: { type: 'string' }, limit: { type: 'string' } },
      show: {},
      edit: { set: { type: 'string', multiple: true } },
      undo: {},
      'add-to': { value: { type: 'string', multiple: true }, 'dry-run': { type: 'boolean', default: false } },
      'add-missing': {
        from: { type: 'string' },
        to: { type: 'string' },
        search: { type: 'string' },
        tag: { type: 'string' },
        value: { type: 'string', multiple: true },
        'dry-run': { type: 'boolean', default: false },
      },
    },
    handler: (ctx) => {
      if (ctx.sub === 'add-to') return reconcile.addTo(ctx);
      if (ctx.sub === 'add-missing') return reconcile.addMissing(ctx);
      return contactsHandler(ctx);
    },
  },
  policies: {
    sub: ['list', 'set', 'clear'],
    handler: (ctx) => reconcile.policies(ctx),
  },
  drift: {
    options: { '': { field: { type: 'string' }, people: { type: 'boolean', default: false }, apply: { type: 'boolean', default: false } } },
    handler: (ctx) => reconcile.drift(ctx),
  },
  undo: {
    handler: (ctx) => reconcile.undo(ctx),
  },
};

async function contactsHandler({ call, sub, values, positionals, json }: Ctx): Promise<unknown> {
  {
    if (sub === 'edit') {
      const id = positionals[0];
      const sets = values.set as string[] | undefined;
      if (!id || !sets?.length) throw new UsageError('Usage: concord contacts edit ID --set FIELD=VALUE ...');
      const r = await call('editContact', { id, typed: typedSets(sets) });
      if (json) return r;
      return `Saved locally for ${r.records.length} record${r.records.length === 1 ? '' : 's'}${r.pinned.length ? `; kept on the person only: ${r.pinned.join(', ')}` : ''}${r.notHeld.length ? `; not taken by ${r.notHeld.map((x) => `${x.recordId} (${x.reason})`).join(', ')}` : ''}. Run "concord sync" to send.\n`;
    }
    if (sub === 'undo') {
      const id = positionals[0];
      if (!id) throw new UsageError('Usage: concord contacts undo ID');
      const r = await call('undoEdit', { id });
      return json
        ? r
        : r.undone
          ? `Undid the latest edit of ${r.undone} record${r.undone === 1 ? '' : 's'}.\n`
          : 'Nothing to undo (edits already sent cannot be undone here).\n';
    }
    if (sub === 'show') {
      const id = positionals[0];
      if (!id) throw new UsageError('Usage: concord contacts show ID');
      const d = await call('getContact', { id });
      if (json) return d;
      const out = [`${d.displayName}  (${d.id})`];
      for (const r of d.records) {
        out.push(`  ${VENDOR_LABELS[r.vendor]} ${r.remoteId ?? '(not created yet)'} [${r.state}] ${r.accountLabel}`);
        out.push(
          `    ${displayName(r.local)}  ${(r.local.emails ?? []).map((e) => e.address).join(', ')}  ${(r.local.phones ?? []).map((p) => p.e164 ?? p.raw).join(', ')}`,
        );
        if (r.change)
          out.push(
            `    ${r.change.op} ${r.change.state}: ${Object.keys(r.change.patch).join(', ') || '(whole record)'}${r.change.lastError ? ` — ${r.change.lastError}` : ''}`,
          );
      }
      return out.join('\n') + '\n';
    }
    const limit = values.limit === undefined ? Infinity : Number(values.limit);
    if (!Number.isInteger(limit) && limit !== Infinity) throw new UsageError('--limit must be a whole number');
    if (limit < 1) throw new UsageError('--limit must be at least 1');
    const vendor = values.vendor as string | undefined;
    if (vendor && !(vendor in VENDOR_LABELS)) throw new UsageError(`--vendor must be one of: ${Object.keys(VENDOR_LABELS).join(', ')}`);
    const rows: ContactRow[] = [];
    // Page through the store so a 100k-person list never sits in one query result.
    for (let offset = 0; rows.length < limit;) {
      const page = await call('listContacts', {
        search: values.search as string | undefined,
        vendor: vendor as never,
        limit: Math.min(1000, limit - rows.length),
        offset,
      });
      rows.push(...page.rows);
      offset += page.rows.length;
      if (page.rows.length === 0 || offset >= page.total) break;
    }
    if (json) return rows;
    if (!rows.length) return 'No contacts.\n';
    return (
      rows
        .map((r) =>
          [
            r.displayName.padEnd(28).slice(0, 28),
            r.vendors.join(',').padEnd(22),
            (primaryOf(r.fields.emails)?.address ?? '').padEnd(30).slice(0, 30),
            (primaryOf(r.fields.phones)?.e164 ?? primaryOf(r.fields.phones)?.raw ?? '').padEnd(16),
            r.id,
          ].join('  '),
        )
        .join('\n') + `\n${rows.length} ${rows.length === 1 ? 'person' : 'people'}\n`
    );
  }
}
