// Seed the MPDX simulator from canonical contacts: one MPDX contact with one person each,
// the way an MPDX user keeps a single donor (named "Family, Given").
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import type { SeedContact } from '../population-types';
import { createRng } from '../rng';
import type { MpdxStore } from './store';

export function seedMpdx(store: MpdxStore, contacts: SeedContact[], seed: number): { key: string; remoteId: string }[] {
  const rng = createRng(seed + 11);
  return contacts.map(({ key, contact: c, updatedAgoMs }) =>
    store.clock.at(updatedAgoMs ?? 0, () => {
      const name = [c.familyName, c.givenName].filter(Boolean).join(', ') || c.fullName || 'Unnamed';
      const contact = store.insert('contacts', {
        name,
        status: rng.pick(['Partner - Financial', 'Partner - Pray', 'Ask in Future', 'Cultivate Relationship']),
        likely_to_give: null,
        send_newsletter: rng.pick(['Email', 'Physical', 'Both', null]),
        greeting: c.givenName ?? null,
        notes: c.notes ?? null,
        tag_list: c.tags ?? [],
        timezone: c.timeZone ?? null,
        pledge_amount: rng.chance(0.4) ? String(rng.int(10, 500)) : null,
        pledge_currency: 'USD',
        church_name: rng.chance(0.3) ? 'Grace Community Church' : null,
        no_appeals: false,
        deceased: false,
      });
      const [y, m, d] = (c.birthDate ?? '').split('-').map(Number);
      const person = store.insert(
        'people',
        {
          first_name: c.givenName ?? c.fullName ?? 'Unknown',
          middle_name: null,
          last_name: c.familyName ?? null,
          title: null,
          suffix: null,
          gender: null,
          marital_status: null,
          birthday_day: d || null,
          birthday_month: m || null,
          birthday_year: y || null,
          employer: c.company ?? null,
          occupation: c.role ?? null,
          deceased: false,
          optout_enewsletter: false,
        },
        { contactId: contact.id },
      );
      (c.phones ?? []).forEach((p, i) =>
        store.insert(
          'phone_numbers',
          {
            number: p.e164 ?? p.raw,
            country_code: Number(parsePhoneNumberFromString(p.e164 ?? p.raw, 'US')?.countryCallingCode ?? 1),
            location: p.mobile ? 'mobile' : 'home',
            primary: i === 0,
            historic: false,
            source: 'MPDX',
            valid_values: true,
          },
          { personId: person.id, contactId: contact.id },
        ),
      );
      (c.emails ?? []).forEach((e, i) =>
        store.insert(
          'email_addresses',
          { email: e.address.toLowerCase(), location: 'home', primary: i === 0, historic: false, source: 'MPDX', valid_values: true },
          { personId: person.id, contactId: contact.id },
        ),
      );
      if (c.address) {
        store.insert(
          'addresses',
          {
            street: c.address.street1 ?? null,
            city: c.address.city ?? null,
            state: c.address.region ?? null,
            postal_code: c.address.postalCode ?? null,
            country: c.address.country === 'US' ? 'United States' : (c.address.country ?? null),
            region: null,
            metro_area: null,
            geo: null,
            location: 'Home',
            primary_mailing_address: true,
            historic: false,
            seasonal: false,
            source: 'MPDX',
            remote_id: null,
            start_date: null,
            end_date: null,
            valid_values: true,
          },
          { contactId: contact.id },
        );
      }
      return { key, remoteId: `${contact.id}/${person.id}` };
    }),
  );
}
