// createCore: the one place the core is assembled. The Electron worker, the CLI, the tests
// and the e2e harness all call it (docs/design.md#architecture). Nothing here imports electron.
import path from 'node:path';
import { useNicknameFile } from './dedupe/nicknames';
import { AccountsService } from './accounts/accounts-service';
import { createDispatcher, type Dispatch } from './api/dispatcher';
import { createHandlers, type Handlers } from './api/handlers';
import { systemClock, type Clock } from './clock';
import { ContactsService } from './contacts/contacts-service';
import { CsvService } from './csv/csv-service';
import { EventBus } from './events';
import { createLogger, fileSink, type Logger } from './log';
import { chooseSecretStore } from './secrets/probe';
import type { SecretStore } from './secrets/secret-store';
import { StatusService } from './status/status-service';
import { EditService } from './sync/edit-service';
import { PullService } from './sync/pull-service';
import { PushService } from './sync/push-service';
import { SyncService, type SyncTuning } from './sync/sync-service';
import { SyncStore } from './sync/sync-store';
import { SyncScheduler, type SchedulerTiming } from './sync/sync-scheduler';
import { connectorFactory, credentialsTester, type CredentialsTest } from './vendors/connector-factory';
import type { RetryOptions } from './vendors/retry';
import type { VendorLimits } from './vendors/limits';
import { checkEdit, canDeleteContacts, hasOwnMerge, vendorDefinition, writableFields } from './vendors/registry';
import { normalizeTypedContact } from './vendors/field-rules';
import type { CanonicalContact } from '../../shared/domain';
import { DedupeService } from './dedupe/dedupe-service';
import { AddToService } from './reconcile/add-to-service';
import { PolicyService } from './reconcile/policy-service';
import { JournalService } from './journal/journal-service';
import { SandboxHost } from './sandbox/sandbox-host';
import { nodeFetch } from './vendors/node-http-client';
import { openStore, type Store } from './store/open';
import { ensureDataDir } from './store/health';
import { tightenDataDir } from './store/private-files';

export interface CoreOptions {
  dataDir: string;
  /** Folder with the drizzle migrations (resources/migrations). */
  migrationsDir?: string;
  /** better_sqlite3.node for the host ABI (Electron build in the app). */
  nativeBinding?: string;
  /** A ready secret store; default: probe the keychain, fall back to memory. */
  secretStore?: SecretStore;
  /** keytar built for the host ABI (Electron), used by the probe. */
  keytarPath?: string;
  keychainProbeTimeoutMs?: number;
  /** How connectors reach vendors; default nodeFetch (node:http). Tests wrap it to inject faults. */
  fetch?: typeof fetch;
  clock?: Clock;
  log?: Logger;
  /** Per-request retry policy for every connector (tests shorten the waits). */
  retry?: RetryOptions;
  /** What connectors accept from vendors (vendors/limits.ts): answer size, nesting, deadlines. Tests shrink them. */
  vendorLimits?: Partial<VendorLimits>;
  /** How a sync waits between rounds after rate limits and 5xx answers. */
  syncTuning?: SyncTuning;
  /** The app's own schedule (tests shrink its minute). */
  scheduleTiming?: SchedulerTiming;
  /** Set the stored "link near-certain duplicates after each sync" (default on); tests of the review queue turn it off. */
  linkAfterSync?: boolean;
}

export interface CoreServices {
  contacts: ContactsService;
  accounts: AccountsService;
  status: StatusService;
  csv: CsvService;
  /** The one owner of sync state: every write to records, changes, conflicts, people, journal. */
  syncStore: SyncStore;
  edits: EditService;
  sync: SyncService;
  /** Syncs by itself while a host that stays open (the app) has started it. */
  scheduler: SyncScheduler;
  dedupe: DedupeService;
  /** Putting people where they are missing (add-to, bulk add). */
  addTo: AddToService;
  /** Field policies and the drift between accounts. */
  policies: PolicyService;
  journal: JournalService;
  sandbox: SandboxHost;
  /** Credentials as typed, tried against the vendor before they are saved. */
  testCredentials: CredentialsTest;
  /** Core -> hosts: progress of long jobs, and what changed. */
  events: EventBus;
}

export interface Core extends CoreServices {
  readonly dataDir: string;
  readonly store: Store;
  readonly secretStore: SecretStore;
  readonly events: EventBus;
  readonly log: Logger;
  readonly clock: Clock;
  readonly fetch: typeof fetch;
  readonly handlers: Handlers;
  readonly dispatch: Dispatch;
  close(): void;
}

/** resources/migrations next to the source tree (dev, CLI, tests). Packaged apps pass their own. */
export function defaultMigrationsDir(): string {
  return path.resolve(__dirname, '../../../resources/migrations');
}

export async function createCore(options: CoreOptions): Promise<Core> {
  // Resources sit beside the migrations in every host (source tree, electron-vite dev, packaged).
  useNicknameFile(path.join(path.dirname(options.migrationsDir ?? defaultMigrationsDir()), 'data', 'nicknames', 'names.csv'));
  const dataDir = path.resolve(options.dataDir);
  const clock = options.clock ?? systemClock;
  ensureDataDir(dataDir); // before the log file: a read-only directory is named, not "ENOENT … mkdir logs"
  tightenDataDir(dataDir); // only its owner may read it, whatever an older Concord or the umask left
  const log = options.log ?? createLogger(fileSink(dataDir), { now: () => clock.now() });
  const secretStore =
    options.secretStore ?? (await chooseSecretStore({ keytarPath: options.keytarPath, timeoutMs: options.keychainProbeTimeoutMs }));
  log.info('core starting', { dataDir, secretStore: secretStore.info.kind });

  const store = openStore({
    dataDir,
    migrationsDir: options.migrationsDir ?? defaultMigrationsDir(),
    nativeBinding: options.nativeBinding,
    log: (msg, data) => log.info(msg, data),
  });
  const events = new EventBus();
  const fetchImpl = options.fetch ?? nodeFetch;
  const contacts = new ContactsService(store.sqlite);
  const accounts = new AccountsService(store.sqlite, secretStore, clock, log);
  // Phones are typed for the account's region (its `region` setting, else the vendor's home).
  const regionOf = (accountId: string, vendor: string): string =>
    String(accounts.settings(accountId).region ?? (vendor === 'bigchange' ? 'GB' : 'US'));
  const syncStore = new SyncStore(store.sqlite, clock, writableFields, (vendor, accountId, patch, current, raw) => {
    const region = regionOf(accountId, vendor);
    return { patch: normalizeTypedContact(patch, region), problems: checkEdit(vendor, patch, { region, current, now: clock.now(), raw }) };
  });
  const connectorFor = connectorFactory(accounts, fetchImpl, options.retry, options.vendorLimits);
  const dedupe = new DedupeService(
    store.sqlite,
    syncStore,
    clock,
    writableFields,
    canDeleteContacts,
    hasOwnMerge,
    {},
    (vendor) => vendorDefinition(vendor)?.fields.addressParts,
    (vendor) => vendorDefinition(vendor)?.fields.parts ?? [],
  );
  if (options.linkAfterSync !== undefined) dedupe.setLinksAfterSync(options.linkAfterSync);
  const policies = new PolicyService(
    store.sqlite,
    syncStore,
    accounts,
    clock,
    writableFields,
    (vendor) => vendorDefinition(vendor)?.fields.parts ?? [],
  );
  const addTo = new AddToService({
    sqlite: store.sqlite,
    store: syncStore,
    accounts,
    contacts,
    connectorFor,
    writable: writableFields,
    addressParts: (vendor) => vendorDefinition(vendor)?.fields.addressParts,
    canDelete: canDeleteContacts,
    check: (vendor, accountId, contact) => {
      const region = regionOf(accountId, vendor);
      const typed = normalizeTypedContact(contact, region) as CanonicalContact;
      return { contact: typed, problems: checkEdit(vendor, typed, { region, current: {}, now: clock.now() }) };
    },
  });
  const sync = new SyncService(
    store.sqlite,
    accounts,
    connectorFor,
    new PullService(store.sqlite, syncStore, accounts, connectorFor, clock, log, events),
    new PushService(syncStore, clock, log, options.syncTuning?.roundDelayMs, options.syncTuning?.pushWidth),
    syncStore,
    clock,
    log,
    events,
    { syncDeadlineMs: options.vendorLimits?.syncDeadlineMs, ...options.syncTuning },
    () => {
      dedupe.scan();
      // Near-certain duplicates across vendors become one person (a link, nothing sent), unless turned off.
      const { linked, linkId } = dedupe.linksAfterSync() ? dedupe.linkNearCertain() : { linked: 0, linkId: null };
      policies.check(); // drift is re-checked after every sync, for status and the Sync view
      const q = dedupe.page(0, 1);
      return { waiting: q.total, autoLinkable: q.autoLinkable, linked, linkId };
    },
  );
  const services: CoreServices = {
    contacts,
    accounts,
    syncStore,
    status: new StatusService(
      store.sqlite,
      secretStore,
      dataDir,
      store.schemaVersion,
      () => dedupe.waiting(),
      () => policies.last(),
    ),
    csv: new CsvService(store.sqlite, accounts, syncStore, contacts),
    edits: new EditService(store.sqlite, syncStore, writableFields),
    journal: new JournalService(store.sqlite),
    sandbox: new SandboxHost(accounts),
    testCredentials: credentialsTester(accounts, fetchImpl, options.retry, options.vendorLimits),
    dedupe,
    addTo,
    policies,
    events,
    sync,
    scheduler: new SyncScheduler(store.sqlite, sync, accounts, clock, log, options.scheduleTiming),
  };
  const handlers = createHandlers(services);
  // Removals past their undo window are final: their kept rows and keychain entries go.
  void accounts.forgetRemoved(syncStore.purgeRemovals());
  return {
    ...services,
    dataDir,
    store,
    secretStore,
    events,
    log,
    clock,
    fetch: fetchImpl,
    handlers,
    dispatch: createDispatcher(handlers, log, dataDir),
    close: () => {
      services.scheduler.stop();
      services.sync.cancel();
      void services.sandbox.stop();
      store.close();
    },
  };
}
