// All sandbox vendors at once, seeded from one population: what `concord sandbox` and
// "Try with sandbox vendors" start. Each listens on a free 127.0.0.1 port.
import type { Vendor } from '../../../shared/domain';
import { startBigChangeSandbox } from './bigchange';
import { startCallToolsSandbox } from './calltools';
import { faultsFor, parseFaultSpec } from './faults';
import { startLighteningSandbox } from './lightening';
import { startLiveVoxSandbox } from './livevox';
import { startMpdxSandbox } from './mpdx';
import { generatePopulation, writeTruthFile } from './population';
import type { Population, SeedContact } from './population-types';
import type { SandboxServer } from './server';

export interface SandboxVendorInfo {
  baseUrl: string;
  credentials: Record<string, unknown>;
  /** Account settings the vendor needs (BigChange: the group and location a create asks for). */
  settings?: Record<string, unknown>;
}

export interface RunningSandbox {
  vendors: Partial<Record<Vendor, SandboxVendorInfo>>;
  servers: Partial<Record<Vendor, SandboxServer>>;
  population: Population;
  /** Seed key -> vendor and remote id, for the ground truth. */
  remoteIds: Record<string, { vendor: string; remoteId: string }>;
  close(): Promise<void>;
}

export interface SandboxOptions {
  seed?: number;
  people?: number;
  /** Fault spec, e.g. "429=0.1,5xx=0.05", "mpdx:latency=200" or "fail=3:drop-after" (see faults.ts). */
  faults?: string;
  truthFile?: string;
}

export type Starter = (o: { faults: ReturnType<typeof faultsFor>; seed: number; contacts: SeedContact[] }) => Promise<{
  server: SandboxServer;
  baseUrl: string;
  credentials: object;
  seeded: { key: string; remoteId: string }[];
  settings?: object;
}>;

/** One simulator per vendor, in the order the sandbox line lists them. */
export const SANDBOX_STARTERS: Record<Vendor, Starter> = {
  calltools: startCallToolsSandbox,
  mpdx: startMpdxSandbox,
  lightening: startLighteningSandbox,
  bigchange: startBigChangeSandbox,
  livevox: startLiveVoxSandbox,
};

export async function startSandbox(opts: SandboxOptions = {}): Promise<RunningSandbox> {
  const seed = opts.seed ?? 1;
  const population = generatePopulation({ seed, people: opts.people ?? 300 });
  const faults = parseFaultSpec(opts.faults);
  const vendors: RunningSandbox['vendors'] = {};
  const servers: RunningSandbox['servers'] = {};
  const remoteIds: RunningSandbox['remoteIds'] = {};
  try {
    for (const [vendor, start] of Object.entries(SANDBOX_STARTERS) as [Vendor, Starter][]) {
      const sb = await start({ faults: faultsFor(vendor, faults), seed, contacts: population.byVendor[vendor] });
      vendors[vendor] = {
        baseUrl: sb.baseUrl,
        credentials: { ...sb.credentials },
        ...(sb.settings ? { settings: { ...sb.settings } } : {}),
      };
      servers[vendor] = sb.server;
      for (const s of sb.seeded) remoteIds[s.key] = { vendor, remoteId: s.remoteId };
    }
  } catch (e) {
    await Promise.all(Object.values(servers).map((s) => s.close()));
    throw e;
  }
  if (opts.truthFile) writeTruthFile(opts.truthFile, seed, population, remoteIds);
  return {
    vendors,
    servers,
    population,
    remoteIds,
    close: async () => {
      await Promise.all(Object.values(servers).map((s) => s.close()));
    },
  };
}
