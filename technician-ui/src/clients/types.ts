import type { Page } from '../../../ui-kit/types';

import type { ClientDetailView as ClientDetail } from '../../../server/clients/get-client';
import type { ClientSort, ClientSummaryView as ClientSummary, ContactView as Contact, TechnicianInvoiceView as TechnicianInvoice } from '../../../server/clients/list-clients';

export type { ClientDetail, ClientSort, ClientSummary, Contact, TechnicianInvoice };
export type MappingStatus = ClientSummary['mappingStatus'];
export type PortalAccess = Contact['portalAccess'];

export interface ClientListResponse extends Page {
  clients: ClientSummary[];
  sort: ClientSort;
  order: 'asc' | 'desc';
}

export interface ClientResponse {
  client: ClientDetail;
  invoices: TechnicianInvoice[];
}
