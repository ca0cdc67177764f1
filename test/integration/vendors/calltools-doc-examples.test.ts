// The document (the vendor's calltools-contacts.txt) gives no example payloads, only the ContactDetail
// schema; docs/vendors/calltools.md gives the upsert's MERGE answer. The example below fills every schema field
// with a value of its documented type, and is mapped to canonical and back.
import { afterEach, describe, expect, it } from 'vitest';
import { CALLTOOLS_SCHEMA, startCallToolsSandbox, type CallToolsSandbox } from '../../../src/main/core/sandbox/calltools';
import { createCallToolsConnector } from '../../../src/main/core/vendors/calltools';
import { callToolsToCanonical, canonicalToCallTools } from '../../../src/main/core/vendors/calltools/mapping';
import { FAST_RETRY } from '../../helpers/vendor';

const CONTACT_DETAIL = `{
  "id": 4812, "account_id": 7, "uuid": "8d1c0f0e-52a4-4f55-9b7e-3c2b1a0d9e8f", "system_disposition": "NEW", "ready": true,
  "status": "new", "do_not_contact": false, "first_name": "Maria", "last_name": "Lopez", "address": "12 Elm St",
  "city": "Portland", "state": "OR", "zip_code": "97201", "county": "Multnomah", "country": "US", "time_zone": "America/Los_Angeles",
  "suppress_until": null, "last_call_outbound": "2024-03-01T17:02:11.120000Z", "last_call_outbound_human": null, "last_call_outbound_machine": null,
  "last_call_inbound": null, "last_sms_sent": null, "last_sms_received": null, "last_email_sent": null,
  "calls_outbound": 3, "calls_outbound_human": 1, "calls_outbound_machine": 2, "calls_inbound": 0, "sms_sent": 0, "emails_sent": 0, "consecutive_no_contact": 2,
  "created_on": "2024-02-28T09:00:00.000000Z", "created_by": "5f0c3d1e-7a52-4c1b-9b8e-2d6f4a9e0c71",
  "modified_on": "2024-03-01T17:02:11.340000Z", "modified_by": "5f0c3d1e-7a52-4c1b-9b8e-2d6f4a9e0c71",
  "owned_by": null, "user_queue": null, "tags": [12, 40], "buckets": [3], "next_agent_script": null, "next_sms_template": null,
  "phone_numbers": [
    { "id": 901, "account_id": 7, "contact": 4812, "destination": null, "contact_field": 32, "e164_country_code": 1, "phone_number": "5035550142",
      "area_code": "503", "do_not_contact": false, "is_fdnc": false, "is_mobile": true, "time_zone": "America/Los_Angeles",
      "created_on": "2024-02-28T09:00:00.000000Z", "created_by": "5f0c3d1e-7a52-4c1b-9b8e-2d6f4a9e0c71", "modified_on": "2024-02-28T09:00:00.000000Z", "modified_by": "5f0c3d1e-7a52-4c1b-9b8e-2d6f4a9e0c71" },
    { "id": 902, "account_id": 7, "contact": 4812, "destination": null, "contact_field": 31, "e164_country_code": 1, "phone_number": "5035550199",
      "area_code": "503", "do_not_contact": true, "is_fdnc": false, "is_mobile": false, "time_zone": null,
      "created_on": "2024-02-28T09:00:00.000000Z", "created_by": "5f0c3d1e-7a52-4c1b-9b8e-2d6f4a9e0c71", "modified_on": "2024-02-28T09:00:00.000000Z", "modified_by": "5f0c3d1e-7a52-4c1b-9b8e-2d6f4a9e0c71" }
  ],
  "email_addresses": [
    { "id": 77, "account_id": 7, "contact": 4812, "contact_field": 33, "email": "maria.lopez@example.org", "do_not_contact": false,
      "created_on": "2024-02-28T09:00:00.000000Z", "created_by": "5f0c3d1e-7a52-4c1b-9b8e-2d6f4a9e0c71", "modified_on": "2024-02-28T09:00:00.000000Z", "modified_by": "5f0c3d1e-7a52-4c1b-9b8e-2d6f4a9e0c71" }
  ],
  "call_uuid": null, "message": null, "duplicate_action": null, "duplicate_contacts": [],
  "appointment_set": null, "bill_discount": null, "birthday": "1984-07-09", "call_disposition_id": null, "callerphonenumber": null,
  "campaigns": null, "car_model": null, "credit_score": "650+", "crm_id": "CRM-1", "disposition_id": null, "driver_experience": null, "dui_charges": null,
  "electric_provider": null, "genders": "Female", "home_phone_number": "(503) 555-0199", "home_value": null, "jornaya_id": null, "last_call_uuid": null,
  "lead_source": null, "license": null, "married": "Yes", "mobile_phone_number": "503-555-0142", "monthly_bill": null, "multivehicle": null,
  "ownership": null, "personal_email_address": "maria.lopez@example.org", "power_solution": null, "project_nature": null, "property_type": null,
  "roof_shading": null, "roof_type": null, "service": null, "sr_22_need": null, "start_time": null, "taxablincome": null, "transactionid": null,
  "trusted_form": null, "user_queue_id": null, "vehiclemake": null, "vehicleyear": null, "website": "https://example.org", "window_number": null
}`;

let sb: CallToolsSandbox | undefined;
afterEach(async () => {
  await sb?.server.close();
  sb = undefined;
});

describe('CallTools document examples', () => {
  const doc = JSON.parse(CONTACT_DETAIL) as Record<string, unknown>;

  it('the example holds every writable field of the schema', () => {
    expect(Object.keys(CALLTOOLS_SCHEMA).filter((k) => !(k in doc) && !/^(add|remove)_/.test(k))).toEqual([]);
  });

  it('ContactDetail maps to canonical', () => {
    expect(callToolsToCanonical(doc)).toEqual({
      givenName: 'Maria',
      familyName: 'Lopez',
      emails: [{ address: 'maria.lopez@example.org', doNotContact: false, primary: true }],
      phones: [
        { e164: '+15035550142', raw: '5035550142', mobile: true, primary: true, doNotContact: false },
        {
          e164: '+15035550199',
          raw: '5035550199',
          mobile: false,
          primary: false,
          doNotContact: true,
          doNotContactWhy: 'do not contact (CallTools)',
        },
      ],
      address: { street1: '12 Elm St', city: 'Portland', region: 'OR', postalCode: '97201', county: 'Multnomah', country: 'US' },
      timeZone: 'America/Los_Angeles',
      doNotContact: false,
      birthDate: '1984-07-09',
    });
  });

  it('maps back: unchanged phones and email write nothing; the other fields come back as they were', () => {
    const c = callToolsToCanonical(doc);
    const body = canonicalToCallTools(c, { raw: doc });
    expect(body).toEqual({
      first_name: 'Maria',
      last_name: 'Lopez',
      address: '12 Elm St',
      city: 'Portland',
      state: 'OR',
      zip_code: '97201',
      county: 'Multnomah',
      country: 'US',
      time_zone: 'America/Los_Angeles',
      do_not_contact: false,
      birthday: '1984-07-09',
    });
    for (const [k, v] of Object.entries(body)) expect(doc[k]).toEqual(v);
  });

  it('a create from it lands in the simulator and reads back the same; POST again answers the documented MERGE', async () => {
    sb = await startCallToolsSandbox({ seed: 2 });
    const conn = createCallToolsConnector({ baseUrl: sb.baseUrl, credentials: sb.credentials, retry: FAST_RETRY });
    const c = callToolsToCanonical(doc);
    const made = await conn.create(c);
    const back = (await conn.read(made.remoteId)).canonical;
    const values = (x: typeof c) => ({
      ...x,
      phones: x.phones?.map((p) => [p.e164, !!p.mobile]).sort(),
      emails: x.emails?.map((e) => e.address),
    });
    // The flags CallTools sets itself (a number's do_not_contact) are not written by a create.
    expect(values(back)).toEqual(values(c));
    const res = await fetch(`${sb.baseUrl}/api/contacts/`, {
      method: 'POST',
      headers: { Authorization: `Token ${sb.credentials.token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ mobile_phone_number: '503-555-0142', first_name: 'Maria' }),
    });
    expect(await res.json()).toEqual({ duplicate_contacts: [Number(made.remoteId)], duplicate_action: 'MERGE' });
  });
});
