import { Link, useNavigate } from 'react-router-dom';
import { formatDate } from '../dates';
import { formatMoney } from '../money';
import type { Invoice } from '../types';
import { StatusBadge } from './status-badge';
import { openRowOnClick } from '../row-click';

interface InvoiceTableProps {
  invoices: Invoice[];
  /** Makes each invoice number a link and each row clickable. */
  hrefFor?: (invoice: Invoice) => string;
  /** Adds "PSA ref" and "Paid" columns (technician view). */
  detailed?: boolean;
}

/**
 * Invoices as a table on wide screens and stacked cards on narrow ones. Remaining amounts stay
 * visible for every unpaid status, including processing, so nothing reads as paid before it is.
 */
export function InvoiceTable({ invoices, hrefFor, detailed = false }: InvoiceTableProps) {
  const navigate = useNavigate();
  return (
    <table className="table table--stack">
      <thead>
        <tr>
          <th scope="col">Invoice</th>
          {detailed && <th scope="col">PSA ref</th>}
          <th scope="col">Issued</th>
          <th scope="col">Due</th>
          <th scope="col" className="is-numeric">
            Total
          </th>
          {detailed && (
            <th scope="col" className="is-numeric">
              Paid
            </th>
          )}
          <th scope="col" className="is-numeric">
            Remaining
          </th>
          <th scope="col">Status</th>
        </tr>
      </thead>
      <tbody>
        {invoices.map((invoice) => {
          const href = hrefFor?.(invoice);
          const settled = invoice.status === 'void' || invoice.amountRemaining <= 0;
          return (
            <tr
              key={invoice.id}
              className={href ? 'is-clickable' : undefined}
              onClick={href ? (event) => openRowOnClick(event, () => navigate(href)) : undefined}
            >
              <td className="is-primary">
                <div className="cell-primary">
                  {href ? (
                    <Link className="cell-primary__title" to={href} aria-label={`Invoice ${invoice.number}`}>
                      {invoice.number}
                    </Link>
                  ) : (
                    <span className="cell-primary__title">{invoice.number}</span>
                  )}
                </div>
              </td>
              {detailed && (
                <td data-label="PSA ref">
                  <span className="mono">{invoice.psaRef}</span>
                </td>
              )}
              <td data-label="Issued" className="num">
                {formatDate(invoice.issuedAt)}
              </td>
              <td data-label="Due" className={invoice.overdue ? 'num amount-danger' : 'num'}>
                {formatDate(invoice.dueDate)}
              </td>
              <td data-label="Total" className="is-numeric">
                {formatMoney(invoice.total, invoice.currency)}
              </td>
              {detailed && (
                <td data-label="Paid" className="is-numeric">
                  <span className={invoice.amountPaid === 0 ? 'amount-zero' : undefined}>
                    {formatMoney(invoice.amountPaid, invoice.currency)}
                  </span>
                </td>
              )}
              <td data-label="Remaining" className="is-numeric is-strong">
                <span className={settled ? 'amount-zero' : undefined}>
                  {formatMoney(Math.max(0, invoice.amountRemaining), invoice.currency)}
                </span>
              </td>
              <td className="is-badge" data-label="Status">
                <StatusBadge invoice={invoice} />
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
