import type { Page } from '../../../ui-kit/types';

import type { ClientSummaryView as ClientSummary, ContactView as Contact, TechnicianInvoiceView as TechnicianInvoice } from '../../../server/clients/list-clients';

export type { ClientSummary, Contact, TechnicianInvoice };
export type MappingStatus = ClientSummary['mappingStatus'];
export type PortalAccess = Contact['portalAccess'];

export interface ClientDetail extends ClientSummary {
  contacts: Contact[];
}

export interface ClientListResponse extends Page {
  clients: ClientSummary[];
}

export interface ClientResponse {
  client: ClientDetail;
  invoices: TechnicianInvoice[];
}
