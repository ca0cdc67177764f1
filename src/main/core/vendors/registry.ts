// Every vendor Concord can connect to: its default base URL, the shape of its credentials
// and how to build its connector. Sync, the CLI and the window all look vendors up here.
import type { z } from 'zod';
import type { CanonicalContact, Vendor } from '../../../shared/domain';
import { CALLTOOLS_DEFAULT_BASE_URL, callToolsCredentialsSchema, createCallToolsConnector } from './calltools';
import { BIGCHANGE_DEFAULT_BASE_URL, bigChangeCredentialsSchema, createBigChangeConnector } from './bigchange';
import type { Connector, ConnectorOptions, FieldSupport } from './connector';
import { BIGCHANGE_FIELDS, validateBigChange } from './bigchange/mapping';
import { CALLTOOLS_FIELDS, validateCallTools } from './calltools/mapping';
import { LIGHTENING_FIELDS, validateLightening } from './lightening/mapping';
import { LIVEVOX_FIELDS, validateLiveVox } from './livevox/mapping';
import { MPDX_FIELDS, validateMpdx } from './mpdx/mapping';
import { BIGCHANGE_RULES } from './bigchange/rules';
import { CALLTOOLS_RULES } from './calltools/rules';
import { LIGHTENING_RULES } from './lightening/rules';
import { LIVEVOX_RULES } from './livevox/rules';
import { MPDX_RULES } from './mpdx/rules';
import { normalizeTypedContact, type FieldProblem, type ValidateOptions, type VendorFieldRules } from './field-rules';
import { createLiveVoxConnector, LIVEVOX_DEFAULT_BASE_URL, liveVoxCredentialsSchema } from './livevox';
import { createLighteningConnector, LIGHTENING_DEFAULT_BASE_URL, lighteningCredentialsSchema } from './lightening';
import { createMpdxConnector, MPDX_DEFAULT_BASE_URL, mpdxCredentialsSchema } from './mpdx';

export interface VendorDefinition {
  vendor: Vendor;
  defaultBaseUrl: string;
  credentialsSchema: z.ZodType<Record<string, unknown>>;
  /** The canonical fields the connector reads and writes (the same as its `fields`). */
  fields: FieldSupport;
  /** What the vendor can hold, from its document (<vendor>/rules.ts). */
  rules: VendorFieldRules;
  /** The connector's own pre-push check (rules plus vendor specifics such as MPDX's unique emails). */
  validate(patch: Partial<CanonicalContact>, opts?: ValidateOptions): FieldProblem[];
  /** Whether the vendor's API can delete a contact (BigChange's cannot). */
  canDelete: boolean;
  /** Whether the vendor has its own merge of two records (MPDX contacts/merges). */
  ownMerge: boolean;
  create(opts: ConnectorOptions<Record<string, unknown>>): Connector;
}

export const VENDOR_DEFINITIONS: Record<Vendor, VendorDefinition> = {
  calltools: {
    vendor: 'calltools',
    canDelete: true,
    ownMerge: false,
    fields: CALLTOOLS_FIELDS,
    rules: CALLTOOLS_RULES,
    validate: validateCallTools,
    defaultBaseUrl: CALLTOOLS_DEFAULT_BASE_URL,
    credentialsSchema: callToolsCredentialsSchema,
    create: (o) => createCallToolsConnector({ ...o, credentials: callToolsCredentialsSchema.parse(o.credentials) }),
  },
  mpdx: {
    vendor: 'mpdx',
    canDelete: true,
    ownMerge: true,
    fields: MPDX_FIELDS,
    rules: MPDX_RULES,
    validate: validateMpdx,
    defaultBaseUrl: MPDX_DEFAULT_BASE_URL,
    credentialsSchema: mpdxCredentialsSchema,
    create: (o) => createMpdxConnector({ ...o, credentials: mpdxCredentialsSchema.parse(o.credentials) }),
  },
  lightening: {
    vendor: 'lightening',
    canDelete: true,
    ownMerge: false,
    fields: LIGHTENING_FIELDS,
    rules: LIGHTENING_RULES,
    validate: validateLightening,
    defaultBaseUrl: LIGHTENING_DEFAULT_BASE_URL,
    credentialsSchema: lighteningCredentialsSchema,
    create: (o) => createLighteningConnector({ ...o, credentials: lighteningCredentialsSchema.parse(o.credentials) }),
  },
  bigchange: {
    vendor: 'bigchange',
    canDelete: false,
    ownMerge: false,
    fields: BIGCHANGE_FIELDS,
    rules: BIGCHANGE_RULES,
    validate: validateBigChange,
    defaultBaseUrl: BIGCHANGE_DEFAULT_BASE_URL,
    credentialsSchema: bigChangeCredentialsSchema,
    create: (o) => createBigChangeConnector({ ...o, credentials: bigChangeCredentialsSchema.parse(o.credentials) }),
  },
  livevox: {
    vendor: 'livevox',
    canDelete: true,
    ownMerge: false,
    fields: LIVEVOX_FIELDS,
    rules: LIVEVOX_RULES,
    validate: validateLiveVox,
    defaultBaseUrl: LIVEVOX_DEFAULT_BASE_URL,
    credentialsSchema: liveVoxCredentialsSchema,
    create: (o) => createLiveVoxConnector({ ...o, credentials: liveVoxCredentialsSchema.parse(o.credentials) }),
  },
};

export function vendorDefinition(vendor: string): VendorDefinition | undefined {
  return VENDOR_DEFINITIONS[vendor as Vendor];
}

/** Canonical fields a push can write for this kind of account; CSV sources change only by re-import. */
/** Canonical fields a vendor can write, and the parts of phones/emails it holds (`phones.primary`, …). */
export function writableFields(kind: string): readonly string[] {
  const f = VENDOR_DEFINITIONS[kind as Vendor]?.fields;
  return f ? [...f.write, ...(f.parts ?? [])] : [];
}

export const canDeleteContacts = (kind: string): boolean => VENDOR_DEFINITIONS[kind as Vendor]?.canDelete ?? false;
export const hasOwnMerge = (kind: string): boolean => VENDOR_DEFINITIONS[kind as Vendor]?.ownMerge ?? false;

/**
 * Check a typed edit against what `vendor` can hold, for the edit path: the patch is normalised
 * as the golden record will hold it (E.164 phones, lower-case emails) and then judged by the same
 * validate the connector runs before a push. [] when it may go; unknown kinds (CSV) hold anything.
 */
export function checkEdit(
  vendor: string,
  patch: Partial<CanonicalContact>,
  opts: { region: string; current?: CanonicalContact; now?: Date; raw?: unknown },
): FieldProblem[] {
  const def = VENDOR_DEFINITIONS[vendor as Vendor];
  if (!def) return [];
  return def.validate(normalizeTypedContact(patch, opts.region), opts);
}
