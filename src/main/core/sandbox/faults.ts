// Fault injection for the sandbox vendors. A spec string (CLI --faults) looks like
//   "latency=50,429=0.1,5xx=0.05,drop=0.02,malformed=0.02,expire=0.1"
// optionally per vendor: "mpdx:429=0.2;calltools:5xx=0.3". Rates are probabilities per request.
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
}

export const NO_FAULTS: Faults = { latencyMs: 0, rate429: 0, rate5xx: 0, dropRate: 0, malformedRate: 0, expireRate: 0, retryAfterSec: 1 };

const KEYS: Record<string, keyof Faults> = {
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
  for (const part of spec.split(';').map((s) => s.trim()).filter(Boolean)) {
    const m = /^([a-z]+):(.*)$/i.exec(part);
    const vendor = m && !(m[1]!.toLowerCase() in KEYS) ? m[1]!.toLowerCase() : '*';
    const body = vendor === '*' ? part : m![2]!;
    const f = { ...(out[vendor] ?? out['*'] ?? NO_FAULTS) };
    for (const kv of body.split(',').map((s) => s.trim()).filter(Boolean)) {
      const [k, v] = kv.split('=');
      const key = KEYS[(k ?? '').toLowerCase()];
      const num = Number(v);
      if (!key || !Number.isFinite(num) || num < 0) throw new Error(`Bad fault "${kv}" (expected one of ${Object.keys(KEYS).join(', ')} = number)`);
      f[key] = num;
    }
    out[vendor] = f;
  }
  return out;
}

export function faultsFor(vendor: string, parsed: Record<string, Faults>): Faults {
  return parsed[vendor] ?? parsed['*'] ?? NO_FAULTS;
}
