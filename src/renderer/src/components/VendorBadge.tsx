import { VENDOR_LABELS, type AccountKind } from '../../../shared/domain';

const SHORT: Record<AccountKind, string> = { calltools: 'CT', mpdx: 'MX', livevox: 'LV', lightening: 'LG', bigchange: 'BC', csv: 'CSV' };

export function VendorBadge({ kind }: { kind: AccountKind }) {
  return (
    <span className={`vendor-badge vendor-${kind}`} title={VENDOR_LABELS[kind]}>
      {SHORT[kind]}
    </span>
  );
}
