// The ledger's pages in the side navigation (listed in shell/nav-items.tsx).
function Icon({ d }: { d: string }) {
  return (
    <svg viewBox="0 0 20 20" aria-hidden="true" focusable="false">
      <path d={d} fill="none" stroke="currentColor" strokeWidth="1.5" strokeLinecap="round" strokeLinejoin="round" />
    </svg>
  );
}

export const ExceptionsIcon = () => <Icon d="M10 3.5 17 16H3L10 3.5ZM10 8.5v3.5M10 14.2v.1" />;
export const DisputesIcon = () => <Icon d="M10 3v14M4 6h12M6.5 6 4 11.5a2.5 2.5 0 0 0 5 0L6.5 6ZM13.5 6 11 11.5a2.5 2.5 0 0 0 5 0L13.5 6ZM7 17h6" />;
export const PayoutsIcon = () => <Icon d="M3 8.5 10 4l7 4.5M4.5 9v6M8.5 9v6M11.5 9v6M15.5 9v6M3 16.5h14" />;
