import type { CanonicalContact, Vendor } from '../../../shared/domain';

/** One contact to seed into a sandbox vendor; `key` is stable across runs with the same seed. */
export interface SeedContact {
  key: string;
  contact: CanonicalContact;
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
