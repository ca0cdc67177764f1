// What MPDX stores for what a client sends (docs/vendors/mpdx.md): the normalised values and the
// defaults a new row takes.
import type { Attrs, MpdxType } from './store';

/** What MPDX stores for what was sent: emails downcased, phones to E.164 (US default). */
export function normalise(type: MpdxType, a: Attrs): Attrs {
  const out = { ...a };
  if (type === 'email_addresses' && typeof out.email === 'string') out.email = out.email.trim().toLowerCase();
  if (type === 'phone_numbers' && typeof out.country_code === 'string') out.country_code = Number(out.country_code.replace('+', ''));
  if (type === 'phone_numbers' && typeof out.number === 'number') out.number = `+${out.number}`;
  if (type === 'phone_numbers' && typeof out.number === 'string') {
    const [num, ext] = out.number.split(/\s*(?:x|ext\.?|;ext=)\s*/i);
    const d = (num ?? '').replace(/\D/g, '');
    const e164 = (num ?? '').trim().startsWith('+')
      ? `+${d}`
      : d.length === 10
        ? `+1${d}`
        : d.length === 11 && d.startsWith('1')
          ? `+${d}`
          : `+${d}`;
    out.number = ext ? `${e164};ext=${ext}` : e164;
  }
  return out;
}

export function defaults(type: MpdxType, a: Attrs): Attrs {
  const common = { source: 'MPDX', valid_values: true };
  switch (type) {
    case 'contacts':
      return {
        status: null,
        likely_to_give: null,
        send_newsletter: null,
        greeting: null,
        notes: null,
        tag_list: [],
        timezone: null,
        pledge_amount: null,
        pledge_currency: 'USD',
        church_name: null,
        no_appeals: false,
        deceased: false,
        ...a,
      };
    case 'people':
      return {
        first_name: null,
        middle_name: null,
        last_name: null,
        title: null,
        suffix: null,
        gender: null,
        marital_status: null,
        birthday_day: null,
        birthday_month: null,
        birthday_year: null,
        employer: null,
        occupation: null,
        deceased: false,
        optout_enewsletter: false,
        ...a,
      };
    case 'phone_numbers':
      // No defaults are documented for country_code or location: they stay empty until sent.
      return { country_code: null, location: null, primary: false, historic: false, ...common, ...a };
    case 'email_addresses':
      return { location: null, primary: false, historic: false, ...common, ...a };
    case 'addresses':
      return {
        street: null,
        city: null,
        state: null,
        postal_code: null,
        country: 'United States',
        region: null,
        metro_area: null,
        geo: null,
        location: 'Home',
        primary_mailing_address: true,
        historic: false,
        seasonal: false,
        remote_id: null,
        start_date: null,
        end_date: null,
        ...common,
        ...a,
      };
  }
}
