// LiveVox's data as the simulator keeps it (the vendor's livevox-contacts.txt,
// docs/vendors/livevox.md): contacts by account, the live sessions, and the client's
// custom-field labels.
import type { SimClock } from '../clock';
import { IndexedMap } from '../indexed-map';

export type Json = Record<string, unknown>;

export class LiveVoxStore {
  readonly contacts = new IndexedMap<string, Json>();
  /** sessionId -> last use (ms, simulator clock); sessions idle for 2 h expire. */
  readonly sessions = new Map<string, number>();
  /** The client's custom-field labels (COL1–COL100), as "List Custom Field" answers them. */
  readonly customFieldLabels = new Map<string, { label: string; dataType: 'STRING' | 'NUMBER' | 'LIST'; listValues?: string[] }>([
    ['COL1', { label: 'Tier', dataType: 'STRING' }],
    ['COL8', { label: 'Phone 1 Status Description', dataType: 'STRING' }],
    ['COL9', { label: 'Company', dataType: 'STRING' }],
    ['COL24', { label: 'Score Type', dataType: 'NUMBER' }],
    ['COL30', { label: 'Test', dataType: 'LIST', listValues: ['blue', 'green', 'red'] }],
  ]);
  private nextId = 1_500_000_000_000;
  constructor(readonly clock: SimClock) {}

  create(body: Json): Json {
    const now = this.clock.now().getTime();
    const c: Json = {
      id: this.nextId++,
      person: { firstName: null, lastName: null, dateOfBirth: null, email: null, ssn: null, zipCode: null },
      guarantor: { firstName: null, lastName: null },
      phone: [],
      customFields: [{ field: 'COL1', value: 'Gold' }],
      active: true,
      balance: 0,
      accountBlock: 'NONE',
      address1: null,
      address2: null,
      city: null,
      state: null,
      country: null,
      amountToSpeak: 0,
      dueDate: 0,
      groupId: 0,
      callAttemptsToday: 0,
      callAttemptsTotal: 0,
      initialLoad: now,
      lastLoad: null,
      createDate: now,
      modifyDate: now,
    };
    this.apply(c, body);
    this.contacts.set(String(c.account), c);
    return c;
  }

  apply(c: Json, body: Json): void {
    for (const [k, v] of Object.entries(body)) {
      if (['id', 'createDate', 'modifyDate', 'createdDate', 'modifiedDate'].includes(k)) continue;
      if (k === 'person' || k === 'guarantor') c[k] = { ...((c[k] as Json) ?? {}), ...(v as Json) };
      else if (k === 'groupId')
        c[k] = v === null ? null : Number(v) || 0; // a string in requests, a number in responses
      else if (k === 'phone') c.phone = (v as Json[]).map((p) => ({ ...p, ordinal: Number(p.ordinal) }));
      else c[k] = v;
    }
    c.modifyDate = this.clock.now().getTime();
  }

  touch(account: string, body: Json): Json {
    const c = this.contacts.get(account);
    if (!c) throw new Error(`no contact ${account}`);
    this.apply(c, body);
    return c;
  }

  expireSessions(): void {
    this.sessions.clear();
  }
}
