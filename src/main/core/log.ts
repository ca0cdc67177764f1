// A logger that cannot leak secrets: values the core knows to be secret are replaced
// wherever they appear, and fields whose names look secret are never printed.
import fs from 'node:fs';
import path from 'node:path';
import { makePrivateDir, makePrivateFile, PRIVATE_FILE_MODE } from './store/private-files';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface Logger {
  debug(msg: string, data?: Record<string, unknown>): void;
  info(msg: string, data?: Record<string, unknown>): void;
  warn(msg: string, data?: Record<string, unknown>): void;
  error(msg: string, data?: Record<string, unknown>): void;
  /** Register a secret value so it is redacted from every later line. */
  addSecret(value: string): void;
}

export type LogSink = (line: string) => void;

const SECRET_KEY = /pass(word)?|secret|token|authorization|api[-_]?key|credential|cookie|session[-_]?id|lv-access|lv-session/i;
const REDACTED = '[redacted]';

export function createLogger(sink: LogSink, opts: { level?: LogLevel; now?: () => Date } = {}): Logger {
  const secrets = new Set<string>();
  const order: LogLevel[] = ['debug', 'info', 'warn', 'error'];
  const min = order.indexOf(opts.level ?? 'info');
  const now = opts.now ?? (() => new Date());

  const scrubString = (s: string): string => {
    let out = s;
    for (const secret of secrets) if (secret.length >= 4) out = out.split(secret).join(REDACTED);
    // Header-shaped secrets even when their value was never registered.
    return out.replace(/\b(Bearer|Token|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/g, `$1 ${REDACTED}`);
  };
  const scrub = (v: unknown, depth = 0): unknown => {
    if (typeof v === 'string') return scrubString(v);
    if (v instanceof Error) return scrubString(`${v.name}: ${v.message}`);
    if (Array.isArray(v)) return depth > 6 ? '[…]' : v.map((x) => scrub(x, depth + 1));
    if (v && typeof v === 'object') {
      if (depth > 6) return '[…]';
      const out: Record<string, unknown> = {};
      for (const [k, val] of Object.entries(v)) out[k] = SECRET_KEY.test(k) ? REDACTED : scrub(val, depth + 1);
      return out;
    }
    return v;
  };
  const write = (level: LogLevel, msg: string, data?: Record<string, unknown>): void => {
    if (order.indexOf(level) < min) return;
    const entry: Record<string, unknown> = { t: now().toISOString(), level, msg: scrubString(msg) };
    if (data) entry.data = scrub(data);
    try {
      sink(JSON.stringify(entry));
    } catch {
      // Logging must never take the app down (disk full, closed stream).
    }
  };
  return {
    debug: (m, d) => write('debug', m, d),
    info: (m, d) => write('info', m, d),
    warn: (m, d) => write('warn', m, d),
    error: (m, d) => write('error', m, d),
    addSecret: (value) => {
      if (value) secrets.add(value);
    },
  };
}

/** Append JSON lines to <dataDir>/logs/concord.log. */
export function fileSink(dataDir: string): LogSink {
  const dir = path.join(dataDir, 'logs');
  makePrivateDir(dir);
  const file = path.join(dir, 'concord.log');
  makePrivateFile(file);
  // Created 0600 (never readable by others, not even briefly); an older, wider log was narrowed above.
  return (line) => fs.appendFileSync(file, line + '\n', { mode: PRIVATE_FILE_MODE });
}

export const nullSink: LogSink = () => {};
