import type { ReactNode } from 'react';
import { DisputesIcon, ExceptionsIcon, PayoutsIcon } from '../ledger/ledger-nav';
import { AuditIcon, ClientsIcon, DashboardIcon, IntegrationsIcon, KeyIcon, MailboxIcon, MappingIcon, PaymentsIcon, SetupIcon } from './nav-icons';

export interface NavItem {
  to: string;
  label: string;
  icon: ReactNode;
  section: 'main' | 'settings';
  /** Admin-only pages are not listed for technicians (the pages themselves also say so). */
  adminOnly?: boolean;
  /** Only for the exact path (the dashboard at /). */
  end?: boolean;
}

// The navigation, in order. Other features add their page here with one line, e.g.
// `{ to: '/exceptions', label: 'Exceptions', icon: <…/>, section: 'main' }`.
export const NAV_ITEMS: NavItem[] = [
  { to: '/', label: 'Dashboard', icon: <DashboardIcon />, section: 'main', end: true },
  { to: '/clients', label: 'Clients', icon: <ClientsIcon />, section: 'main' },
  { to: '/payments', label: 'Payments', icon: <PaymentsIcon />, section: 'main' },
  { to: '/exceptions', label: 'Exceptions', icon: <ExceptionsIcon />, section: 'main' },
  { to: '/disputes', label: 'Disputes', icon: <DisputesIcon />, section: 'main' },
  { to: '/payouts', label: 'Payouts', icon: <PayoutsIcon />, section: 'main' },
  { to: '/audit', label: 'Audit log', icon: <AuditIcon />, section: 'main' },
  { to: '/mailbox', label: 'Mailbox', icon: <MailboxIcon />, section: 'main' },
  { to: '/mapping', label: 'Client mapping', icon: <MappingIcon />, section: 'settings', adminOnly: true },
  { to: '/setup', label: 'Setup', icon: <SetupIcon />, section: 'settings', adminOnly: true },
  { to: '/settings/api-keys', label: 'API keys', icon: <KeyIcon />, section: 'settings', adminOnly: true },
  { to: '/settings/integrations', label: 'Integrations health', icon: <IntegrationsIcon />, section: 'settings', adminOnly: true },
];
