// What each vendor asks for when an account is added — the keys of its credentials JSON in
// the words its docs use, and the non-secret settings it needs before Concord can create
// contacts there. The window builds its form from this (getAccountForms); a test holds the
// keys to each vendor's credentials schema, so the form cannot drift from what sync needs.
import type { Vendor } from '../../../shared/domain';

export interface AccountForm {
  credentials: { key: string; label: string; secret?: boolean; optional?: boolean }[];
  settings: { key: string; label: string; placeholder: string }[];
}

export const ACCOUNT_FORMS: Record<Vendor, AccountForm> = {
  calltools: { credentials: [{ key: 'token', label: 'API token (40 hex characters)', secret: true }], settings: [] },
  mpdx: {
    credentials: [
      { key: 'jwt', label: 'JSON web token', secret: true, optional: true },
      { key: 'casTicket', label: 'CAS ticket (to get a new token when it expires)', secret: true, optional: true },
    ],
    settings: [],
  },
  livevox: {
    credentials: [
      { key: 'accessToken', label: 'LV-Access token', secret: true },
      { key: 'clientName', label: 'Client name' },
      { key: 'userName', label: 'User name' },
      { key: 'password', label: 'Password', secret: true },
    ],
    settings: [],
  },
  lightening: { credentials: [{ key: 'token', label: 'API token', secret: true }], settings: [] },
  bigchange: {
    credentials: [
      { key: 'clientId', label: 'OAuth client id' },
      { key: 'clientSecret', label: 'OAuth client secret', secret: true },
      { key: 'customerId', label: 'Customer id' },
    ],
    settings: [
      { key: 'groupId', label: 'Group id for new contacts', placeholder: 'e.g. 12' },
      {
        key: 'defaultLocation',
        label: 'Location for new contacts without one (latitude, longitude)',
        placeholder: 'e.g. 51.5072, -0.1276',
      },
    ],
  },
};
