// Where other features mount their pieces into the technician UI, each with one line, so the
// pages stay one coherent layout:
//   CLIENT_OVERVIEW_CARDS — cards on a client's Overview tab (Autopay, Credit & ledger);
//   CLIENT_TABS          — more tabs on the client page;
//   INVOICE_SECTIONS     — sections on the invoice page (the autopay attempts timeline);
//   INVOICE_ACTIONS      — buttons in an invoice's header (charge now, skip, record a payment).
// Each receives the ids and what the page already loaded; it loads the rest itself.
import type { ComponentType } from 'react';
import type { ClientDetail } from './clients/types';
import type { InvoiceDetailView } from '../../server/clients/get-invoice';
import { ClientLedgerCard } from './ledger/client-ledger-card';
import { ClientAutopayCard } from './autopay/client-autopay-card';
import { InvoiceAutopayActions, InvoiceAutopaySection } from './autopay/invoice-autopay';

export interface ClientExtensionProps {
  client: ClientDetail;
  /** Reload the page's data after the extension changed something. */
  onChanged: () => void;
}

export interface InvoiceExtensionProps {
  invoice: InvoiceDetailView['invoice'];
}

export interface Extension<P> {
  id: string;
  /** Tab label or section heading. */
  title: string;
  Component: ComponentType<P>;
}

export const CLIENT_OVERVIEW_CARDS: Array<Extension<ClientExtensionProps>> = [
  { id: 'autopay', title: 'Autopay', Component: ({ client }) => <ClientAutopayCard clientId={client.id} clientName={client.name} currency={client.currency} /> },
  { id: 'ledger', title: 'Credit & ledger', Component: ({ client, onChanged }) => <ClientLedgerCard clientId={client.id} clientName={client.name} onChange={onChanged} /> },
];
export const CLIENT_TABS: Array<Extension<ClientExtensionProps>> = [];
export const INVOICE_SECTIONS: Array<Extension<InvoiceExtensionProps>> = [{ id: 'autopay', title: 'Autopay', Component: InvoiceAutopaySection }];
export const INVOICE_ACTIONS: Array<Extension<InvoiceExtensionProps>> = [{ id: 'autopay', title: 'Autopay', Component: InvoiceAutopayActions }];
