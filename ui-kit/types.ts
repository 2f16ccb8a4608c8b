/**
 * Shapes shared by the client portal and the technician UI, exactly as the server returns them.
 * Money is always an integer amount of minor units plus an ISO 4217 currency code.
 */

// Type-only imports of the server's own response shapes: the compiler checks both sides of the
// contract, and nothing from the server is bundled.
export type { InvoiceStatus, InvoiceView as Invoice } from '../server/invoices/invoice-view';

/** Envelope of every paginated list response. */
export interface Page {
  page: number;
  pageSize: number;
  total: number;
}
