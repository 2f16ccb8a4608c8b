import type { ReactNode } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { formatDate } from '../dates';
import { formatMoney } from '../money';
import type { Invoice } from '../types';
import { StatusBadge } from './status-badge';
import { openRowOnClick } from '../row-click';

interface InvoiceTableProps<T extends Invoice> {
  invoices: T[];
  /** Makes each invoice number a link and each row clickable. */
  hrefFor?: (invoice: T) => string;
  /** Adds the PSA reference (under the number) and a "Paid" column (technician view). */
  detailed?: boolean;
  /** One more column after the status, e.g. the latest payment (technician view). */
  extraColumn?: { header: string; render: (invoice: T) => ReactNode };
}

/**
 * Invoices as a table on wide screens and stacked cards on narrow ones. Remaining amounts stay
 * visible for every unpaid status, including processing, so nothing reads as paid before it is.
 */
export function InvoiceTable<T extends Invoice>({ invoices, hrefFor, detailed = false, extraColumn }: InvoiceTableProps<T>) {
  const navigate = useNavigate();
  return (
    <table className="table table--stack">
      <thead>
        <tr>
          <th scope="col">Invoice</th>
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
          {extraColumn && <th scope="col">{extraColumn.header}</th>}
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
                  {detailed && <span className="cell-primary__sub mono" title="PSA reference">{invoice.psaRef}</span>}
                </div>
              </td>
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
              {extraColumn && (
                <td className="is-badge" data-label={extraColumn.header}>
                  {extraColumn.render(invoice)}
                </td>
              )}
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
