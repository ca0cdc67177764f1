// Why a person, or one of their numbers or addresses, is not to be contacted, as the vendor said
// it ("Do not contact — blocked in LiveVox: PERMANENT"), and the consents a vendor holds for a
// number. Read-only facts: shown beside the person, small and calm.
import type { CanonicalContact } from '../../../shared/domain';

const consentWords = (c: { call?: boolean; sms?: boolean }): string =>
  [c.call !== undefined && `calls ${c.call ? 'yes' : 'no'}`, c.sms !== undefined && `texts ${c.sms ? 'yes' : 'no'}`]
    .filter(Boolean)
    .join(', ');

export function DoNotContact({ contact }: { contact: CanonicalContact }) {
  const entries = [
    ...(contact.phones ?? []).filter((p) => p.doNotContact).map((p) => ({ what: p.e164 ?? p.raw, why: p.doNotContactWhy })),
    ...(contact.emails ?? []).filter((e) => e.doNotContact).map((e) => ({ what: e.address, why: e.doNotContactWhy })),
  ];
  const consents = (contact.phones ?? []).filter((p) => p.consent && consentWords(p.consent));
  const inaccurate = [
    ...(contact.phones ?? []).map((p) => ({ what: p.e164 ?? p.raw, why: p.notAccurate })),
    ...(contact.emails ?? []).map((e) => ({ what: e.address, why: e.notAccurate })),
  ].filter((x) => x.why);
  if (!contact.doNotContact && !entries.length && !consents.length && !inaccurate.length) return null;
  return (
    <div className="do-not-contact small" data-testid="do-not-contact">
      {contact.doNotContact && (
        <p className="banner warn inline" role="note">
          Do not contact — {contact.doNotContactWhy ?? 'a linked record says so'}
        </p>
      )}
      {entries.length > 0 && (
        <ul className="muted">
          {entries.map((e) => (
            <li key={e.what}>
              Do not contact {e.what} — {e.why ?? 'a linked record says so'}
            </li>
          ))}
        </ul>
      )}
      {inaccurate.length > 0 && (
        <ul className="muted">
          {inaccurate.map((x) => (
            <li key={`acc-${x.what}`}>
              {x.what} — {x.why}
            </li>
          ))}
        </ul>
      )}
      {consents.length > 0 && (
        <ul className="muted">
          {consents.map((p) => (
            <li key={p.e164 ?? p.raw}>
              Consent for {p.e164 ?? p.raw}: {consentWords(p.consent!)}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
