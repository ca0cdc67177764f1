import type { CanonicalContact, Vendor } from '../../../shared/domain';

/** One contact to seed into a sandbox vendor; `key` is stable across runs with the same seed. */
export interface SeedContact {
  key: string;
  contact: CanonicalContact;
  /**
   * How long ago the vendor last saw this record change (ms): simulators stamp it so, and a
   * re-sync with an incremental filter re-reads only what changed since, as it would for real.
   */
  updatedAgoMs?: number;
}

/** A generated person and where they were placed (the ground truth for duplicate finding). */
export interface TruthPerson {
  personId: string;
  /** Seed keys of every vendor record that is this person. */
  keys: string[];
}

export interface Population {
  byVendor: Record<Vendor, SeedContact[]>;
  truth: TruthPerson[];
}
