import type { Invoice, Page } from '../../../ui-kit/types';

export type MappingStatus = 'unmapped' | 'mapped' | 'ignored';
export type PortalAccess = 'active' | 'invited' | 'none';

export interface ClientSummary {
  id: string;
  name: string;
  email: string;
  psaRef: string;
  mappingStatus: MappingStatus;
  stripeCustomerId: string | null;
  autopayEnabled: boolean;
  currency: string;
  /** Minor units. */
  openBalance: number;
  /** Minor units. */
  overdueBalance: number;
  openInvoiceCount: number;
}

export interface Contact {
  id: string;
  name: string;
  email: string;
  portalAccess: PortalAccess;
}

export interface ClientDetail extends ClientSummary {
  contacts: Contact[];
}

export interface ClientListResponse extends Page {
  clients: ClientSummary[];
}

export interface ClientResponse {
  client: ClientDetail;
  invoices: Invoice[];
}
