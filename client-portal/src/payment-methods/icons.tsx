// Small inline icons for payment methods and the portal navigation (decorative: aria-hidden).

const stroke = { fill: 'none', stroke: 'currentColor', strokeWidth: 1.5, strokeLinecap: 'round', strokeLinejoin: 'round' } as const;

export function CardIcon() {
  return (
    <svg viewBox="0 0 20 20" aria-hidden="true" focusable="false">
      <rect x="2.5" y="4.5" width="15" height="11" rx="2" {...stroke} />
      <path d="M2.5 8h15M5.5 12.5h3" {...stroke} />
    </svg>
  );
}

export function BankIcon() {
  return (
    <svg viewBox="0 0 20 20" aria-hidden="true" focusable="false">
      <path d="M3 7.5 10 3.5l7 4M4 7.5h12M5 8.5v5.5M8.33 8.5v5.5M11.67 8.5v5.5M15 8.5v5.5M3 16.5h14" {...stroke} />
    </svg>
  );
}

export function AutopayIcon() {
  return (
    <svg viewBox="0 0 20 20" aria-hidden="true" focusable="false">
      <path d="M16 10a6 6 0 0 1-10.3 4.2M4 10a6 6 0 0 1 10.3-4.2M14.5 3v3h-3M5.5 17v-3h3" {...stroke} />
    </svg>
  );
}

export function InvoicesIcon() {
  return (
    <svg viewBox="0 0 20 20" aria-hidden="true" focusable="false">
      <path d="M5 2.75h7l3 3v11.5H5zM12 2.75v3h3M7.5 9.5h5M7.5 12.5h5" {...stroke} />
    </svg>
  );
}

export function MethodIcon({ type }: { type: 'card' | 'us_bank_account' }) {
  return <span className="pm-icon">{type === 'card' ? <CardIcon /> : <BankIcon />}</span>;
}
