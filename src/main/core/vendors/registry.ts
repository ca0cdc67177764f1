// Every vendor Concord can connect to: its default base URL, the shape of its credentials
// and how to build its connector. Sync, the CLI and the window all look vendors up here.
import type { z } from 'zod';
import type { Vendor } from '../../../shared/domain';
import { CALLTOOLS_DEFAULT_BASE_URL, callToolsCredentialsSchema, createCallToolsConnector } from './calltools';
import { BIGCHANGE_DEFAULT_BASE_URL, bigChangeCredentialsSchema, createBigChangeConnector } from './bigchange';
import type { Connector, ConnectorOptions } from './connector';
import { createLiveVoxConnector, LIVEVOX_DEFAULT_BASE_URL, liveVoxCredentialsSchema } from './livevox';
import { createLighteningConnector, LIGHTENING_DEFAULT_BASE_URL, lighteningCredentialsSchema } from './lightening';
import { createMpdxConnector, MPDX_DEFAULT_BASE_URL, mpdxCredentialsSchema } from './mpdx';

export interface VendorDefinition {
  vendor: Vendor;
  defaultBaseUrl: string;
  credentialsSchema: z.ZodType<Record<string, unknown>>;
  create(opts: ConnectorOptions<Record<string, unknown>>): Connector;
}

export const VENDOR_DEFINITIONS: Record<Vendor, VendorDefinition> = {
  calltools: {
    vendor: 'calltools',
    defaultBaseUrl: CALLTOOLS_DEFAULT_BASE_URL,
    credentialsSchema: callToolsCredentialsSchema,
    create: (o) => createCallToolsConnector({ ...o, credentials: callToolsCredentialsSchema.parse(o.credentials) }),
  },
  mpdx: {
    vendor: 'mpdx',
    defaultBaseUrl: MPDX_DEFAULT_BASE_URL,
    credentialsSchema: mpdxCredentialsSchema,
    create: (o) => createMpdxConnector({ ...o, credentials: mpdxCredentialsSchema.parse(o.credentials) }),
  },
  lightening: {
    vendor: 'lightening',
    defaultBaseUrl: LIGHTENING_DEFAULT_BASE_URL,
    credentialsSchema: lighteningCredentialsSchema,
    create: (o) => createLighteningConnector({ ...o, credentials: lighteningCredentialsSchema.parse(o.credentials) }),
  },
  bigchange: {
    vendor: 'bigchange',
    defaultBaseUrl: BIGCHANGE_DEFAULT_BASE_URL,
    credentialsSchema: bigChangeCredentialsSchema,
    create: (o) => createBigChangeConnector({ ...o, credentials: bigChangeCredentialsSchema.parse(o.credentials) }),
  },
  livevox: {
    vendor: 'livevox',
    defaultBaseUrl: LIVEVOX_DEFAULT_BASE_URL,
    credentialsSchema: liveVoxCredentialsSchema,
    create: (o) => createLiveVoxConnector({ ...o, credentials: liveVoxCredentialsSchema.parse(o.credentials) }),
  },
};

export function vendorDefinition(vendor: string): VendorDefinition | undefined {
  return VENDOR_DEFINITIONS[vendor as Vendor];
}
