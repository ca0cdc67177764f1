// Fault injection for the sandbox vendors. A spec string (CLI --faults) looks like
//   "latency=50,429=0.1,5xx=0.05,drop=0.02,malformed=0.02,expire=0.1"
// optionally per vendor: "mpdx:429=0.2;calltools:5xx=0.3". Rates are probabilities per request.
// "fail=N:KIND[:METHOD][:MS]" fails exactly the Nth non-exempt request (see PlannedFault).

/**
 * drop-before: socket destroyed, handler not run. drop-after: handler runs (the write is
 * applied), then the socket is destroyed — the lost-answer case. truncate: handler runs, body
 * cut in half. 500 / 429: the vendor's own answer, handler not run. timeout: handler runs,
 * answer held for holdMs. refuse: the vendor's own validation refusal (its hook), handler not
 * run — a rule Concord cannot see from its copy (tests of how a refusal reaches the person).
 */
export type FaultKind = 'drop-before' | 'drop-after' | 'truncate' | '500' | '429' | 'timeout' | 'refuse';
export const FAULT_KINDS: readonly FaultKind[] = ['drop-before', 'drop-after', 'truncate', '500', '429', 'timeout', 'refuse'];

export interface FaultFilter {
  method?: string;
  path?: RegExp;
}

/** Fail the `at`-th request (from 1) that is not exempt and matches the filter. */
export interface PlannedFault extends FaultFilter {
  at: number;
  kind: FaultKind;
  /** For `timeout`: how long the answer is held (default 60 s). */
  holdMs?: number;
}

export interface Faults {
  latencyMs: number;
  rate429: number;
  rate5xx: number;
  dropRate: number;
  malformedRate: number;
  /** Probability a session/token is treated as expired (vendors with sessions or tokens). */
  expireRate: number;
  /** Retry-After seconds sent with injected 429s. */
  retryAfterSec: number;
  /** Deterministic faults; applied before the random rates. */
  plan?: PlannedFault[];
}

export const NO_FAULTS: Faults = { latencyMs: 0, rate429: 0, rate5xx: 0, dropRate: 0, malformedRate: 0, expireRate: 0, retryAfterSec: 1 };

const KEYS: Record<string, Exclude<keyof Faults, 'plan'>> = {
  latency: 'latencyMs',
  '429': 'rate429',
  '5xx': 'rate5xx',
  drop: 'dropRate',
  malformed: 'malformedRate',
  expire: 'expireRate',
  retryafter: 'retryAfterSec',
};

/** Parse a spec into per-vendor faults; `*` holds the ones given without a vendor prefix. */
export function parseFaultSpec(spec: string | undefined): Record<string, Faults> {
  const out: Record<string, Faults> = {};
  if (!spec) return out;
  for (const part of spec
    .split(';')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const m = /^([a-z]+):(.*)$/i.exec(part);
    const vendor = m && !(m[1]!.toLowerCase() in KEYS) ? m[1]!.toLowerCase() : '*';
    const body = vendor === '*' ? part : m![2]!;
    const from = out[vendor] ?? out['*'] ?? NO_FAULTS;
    const f: Faults = { ...from, plan: [...(from.plan ?? [])] }; // never share a plan between vendors
    for (const kv of body
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)) {
      const [k, v] = kv.split('=');
      if ((k ?? '').toLowerCase() === 'fail') {
        f.plan!.push(parsePlanned(v ?? '', kv));
        continue;
      }
      const key = KEYS[(k ?? '').toLowerCase()];
      const num = Number(v);
      if (!key || !Number.isFinite(num) || num < 0)
        throw new Error(`Bad fault "${kv}" (expected one of ${Object.keys(KEYS).join(', ')} = number)`);
      f[key] = num;
    }
    out[vendor] = f;
  }
  return out;
}

function parsePlanned(v: string, kv: string): PlannedFault {
  const [n, kind, ...rest] = v.split(':');
  const at = Number(n);
  if (!Number.isInteger(at) || at < 1 || !FAULT_KINDS.includes(kind as FaultKind)) {
    throw new Error(`Bad fault "${kv}" (expected fail=N:KIND[:METHOD][:MS], KIND one of ${FAULT_KINDS.join(', ')})`);
  }
  const p: PlannedFault = { at, kind: kind as FaultKind };
  for (const r of rest) {
    if (/^\d+$/.test(r)) p.holdMs = Number(r);
    else if (/^[a-z]+$/i.test(r)) p.method = r.toUpperCase();
    else throw new Error(`Bad fault "${kv}" ("${r}" is neither a method nor milliseconds)`);
  }
  return p;
}

export function faultsFor(vendor: string, parsed: Record<string, Faults>): Faults {
  return parsed[vendor] ?? parsed['*'] ?? NO_FAULTS;
}
