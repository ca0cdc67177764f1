// Every vendor Concord can connect to: its default base URL, the shape of its credentials
// and how to build its connector. Sync, the CLI and the window all look vendors up here.
import type { z } from 'zod';
import type { Vendor } from '../../../shared/domain';
import { CALLTOOLS_DEFAULT_BASE_URL, callToolsCredentialsSchema, createCallToolsConnector } from './calltools';
import { BIGCHANGE_DEFAULT_BASE_URL, bigChangeCredentialsSchema, createBigChangeConnector } from './bigchange';
import type { Connector, ConnectorOptions, FieldSupport } from './connector';
import { BIGCHANGE_FIELDS } from './bigchange/mapping';
import { CALLTOOLS_FIELDS } from './calltools/mapping';
import { LIGHTENING_FIELDS } from './lightening/mapping';
import { LIVEVOX_FIELDS } from './livevox/mapping';
import { MPDX_FIELDS } from './mpdx/mapping';
import { createLiveVoxConnector, LIVEVOX_DEFAULT_BASE_URL, liveVoxCredentialsSchema } from './livevox';
import { createLighteningConnector, LIGHTENING_DEFAULT_BASE_URL, lighteningCredentialsSchema } from './lightening';
import { createMpdxConnector, MPDX_DEFAULT_BASE_URL, mpdxCredentialsSchema } from './mpdx';

export interface VendorDefinition {
  vendor: Vendor;
  defaultBaseUrl: string;
  credentialsSchema: z.ZodType<Record<string, unknown>>;
  /** The canonical fields the connector reads and writes (the same as its `fields`). */
  fields: FieldSupport;
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
    defaultBaseUrl: CALLTOOLS_DEFAULT_BASE_URL,
    credentialsSchema: callToolsCredentialsSchema,
    create: (o) => createCallToolsConnector({ ...o, credentials: callToolsCredentialsSchema.parse(o.credentials) }),
  },
  mpdx: {
    vendor: 'mpdx',
    canDelete: true,
    ownMerge: true,
    fields: MPDX_FIELDS,
    defaultBaseUrl: MPDX_DEFAULT_BASE_URL,
    credentialsSchema: mpdxCredentialsSchema,
    create: (o) => createMpdxConnector({ ...o, credentials: mpdxCredentialsSchema.parse(o.credentials) }),
  },
  lightening: {
    vendor: 'lightening',
    canDelete: true,
    ownMerge: false,
    fields: LIGHTENING_FIELDS,
    defaultBaseUrl: LIGHTENING_DEFAULT_BASE_URL,
    credentialsSchema: lighteningCredentialsSchema,
    create: (o) => createLighteningConnector({ ...o, credentials: lighteningCredentialsSchema.parse(o.credentials) }),
  },
  bigchange: {
    vendor: 'bigchange',
    canDelete: false,
    ownMerge: false,
    fields: BIGCHANGE_FIELDS,
    defaultBaseUrl: BIGCHANGE_DEFAULT_BASE_URL,
    credentialsSchema: bigChangeCredentialsSchema,
    create: (o) => createBigChangeConnector({ ...o, credentials: bigChangeCredentialsSchema.parse(o.credentials) }),
  },
  livevox: {
    vendor: 'livevox',
    canDelete: true,
    ownMerge: false,
    fields: LIVEVOX_FIELDS,
    defaultBaseUrl: LIVEVOX_DEFAULT_BASE_URL,
    credentialsSchema: liveVoxCredentialsSchema,
    create: (o) => createLiveVoxConnector({ ...o, credentials: liveVoxCredentialsSchema.parse(o.credentials) }),
  },
};

export function vendorDefinition(vendor: string): VendorDefinition | undefined {
  return VENDOR_DEFINITIONS[vendor as Vendor];
}

/** Canonical fields a push can write for this kind of account; CSV sources change only by re-import. */
export function writableFields(kind: string): readonly string[] {
  return VENDOR_DEFINITIONS[kind as Vendor]?.fields.write ?? [];
}

export const canDeleteContacts = (kind: string): boolean => VENDOR_DEFINITIONS[kind as Vendor]?.canDelete ?? false;
export const hasOwnMerge = (kind: string): boolean => VENDOR_DEFINITIONS[kind as Vendor]?.ownMerge ?? false;
