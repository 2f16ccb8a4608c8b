// Navigation icons: 20×20 strokes in currentColor, hidden from screen readers (the label says it).

function Stroke({ d }: { d: string }) {
  return (
    <svg viewBox="0 0 20 20" aria-hidden="true" focusable="false">
      <path d={d} fill="none" stroke="currentColor" strokeWidth="1.5" strokeLinecap="round" strokeLinejoin="round" />
    </svg>
  );
}

export function ClientsIcon() {
  return <Stroke d="M3 16.5v-1a3.5 3.5 0 0 1 3.5-3.5h3a3.5 3.5 0 0 1 3.5 3.5v1M13.5 4.2a3 3 0 0 1 0 5.6M17 16.5v-1a3.5 3.5 0 0 0-2.5-3.35M11 6.5a3 3 0 1 1-6 0 3 3 0 0 1 6 0Z" />;
}

export function MappingIcon() {
  return <Stroke d="M4 5.5h4.5M4 14.5h4.5M11.5 5.5H16M11.5 14.5H16M8.5 5.5c1.5 0 1.5 9 3 9M8.5 14.5c1.5 0 1.5-9 3-9" />;
}

export function KeyIcon() {
  return <Stroke d="M12.5 3.5a4 4 0 1 1-3.46 6L3.5 15v2h2.5v-1.5H7.5V14l1.54-1.54A4 4 0 0 1 12.5 3.5ZM13.5 7a.5.5 0 1 1-1 0 .5.5 0 0 1 1 0Z" />;
}

export function SetupIcon() {
  return <Stroke d="M8 5.5h8M8 10h8M8 14.5h8M3.5 5.5l1 1 1.75-2M3.5 10l1 1 1.75-2M4 14.5h1.5" />;
}

export function MailboxIcon() {
  return <Stroke d="M3 11.5 5 4.5h10l2 7M3 11.5V15a1.5 1.5 0 0 0 1.5 1.5h11A1.5 1.5 0 0 0 17 15v-3.5M3 11.5h4l1 2h4l1-2h4" />;
}

export function IntegrationsIcon() {
  return <Stroke d="M2.5 10h3l2-4.5 3 9 2-4.5h5" />;
}

export function DashboardIcon() {
  return <Stroke d="M3.5 3.5h5v6h-5zM11.5 3.5h5v3.5h-5zM11.5 10h5v6.5h-5zM3.5 12.5h5v4h-5z" />;
}

export function PaymentsIcon() {
  return <Stroke d="M2.5 5.5h15v9h-15zM2.5 8.5h15M5.5 12h3" />;
}

export function AuditIcon() {
  return <Stroke d="M5 2.5h7l3 3v12H5zM12 2.5v3h3M7.5 9.5h5M7.5 12.5h5M7.5 15.5h3" />;
}
