import { useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { formatMoney } from '../../../ui-kit/money';
import type { Invoice } from '../../../ui-kit/types';
import { toPayable } from './invoice-pay-action';
import { PayDialog } from './pay-dialog';

/** Invoices a client may select to pay: something left to pay and nothing in flight. */
export function isSelectable(invoice: Invoice): boolean {
  return (invoice.status === 'open' || invoice.status === 'partially_paid') && invoice.amountRemaining > 0;
}

export interface InvoiceSelection {
  selected: ReadonlyMap<string, Invoice>;
  toggle: (invoice: Invoice, on: boolean) => void;
  setAll: (invoices: Invoice[], on: boolean) => void;
  clear: () => void;
}

/** The invoices picked for paying together; kept across pages and filters until paid or cleared. */
export function useInvoiceSelection(): InvoiceSelection {
  const [selected, setSelected] = useState<ReadonlyMap<string, Invoice>>(new Map());
  return {
    selected,
    toggle: (invoice, on) =>
      setSelected((current) => {
        const next = new Map(current);
        if (on) next.set(invoice.id, invoice);
        else next.delete(invoice.id);
        return next;
      }),
    setAll: (invoices, on) =>
      setSelected((current) => {
        const next = new Map(current);
        for (const invoice of invoices) {
          if (on) next.set(invoice.id, invoice);
          else next.delete(invoice.id);
        }
        return next;
      }),
    clear: () => setSelected(new Map()),
  };
}

/** The checkbox column for `InvoiceTable`'s `extraColumn`. */
export function selectColumn(selection: InvoiceSelection) {
  return {
    header: 'Select',
    render: (invoice: Invoice) =>
      isSelectable(invoice) ? (
        <label className="select-box">
          <input
            type="checkbox"
            checked={selection.selected.has(invoice.id)}
            onChange={(event) => selection.toggle(invoice, event.target.checked)}
          />
          <span className="sr-only">
            Select invoice {invoice.number} ({formatMoney(invoice.amountRemaining, invoice.currency)}) to pay
          </span>
        </label>
      ) : null,
  };
}

const ignoreWhileOpen = () => undefined;

function totalText(invoices: Invoice[]): string {
  const byCurrency = new Map<string, number>();
  for (const invoice of invoices) byCurrency.set(invoice.currency, (byCurrency.get(invoice.currency) ?? 0) + invoice.amountRemaining);
  return [...byCurrency].map(([currency, amount]) => formatMoney(amount, currency)).join(' + ');
}

/**
 * "Pay selected (N) — $X total" under the invoice table, with select all / clear; opens the pay
 * dialog for the selected invoices. Also shows the outcome of a payment Stripe redirected back
 * from (`?payment=<id>`).
 */
export function PaySelected({ selection, pageInvoices, onChanged }: { selection: InvoiceSelection; pageInvoices: Invoice[]; onChanged: () => void }) {
  const [open, setOpen] = useState(false);
  const [params, setParams] = useSearchParams();
  const resumeId = params.get('payment');
  const chosen = [...selection.selected.values()];
  const selectableHere = pageInvoices.filter(isSelectable);
  const allHereSelected = selectableHere.length > 0 && selectableHere.every((invoice) => selection.selected.has(invoice.id));

  function close(outcome: { status: string } | null) {
    setOpen(false);
    if (outcome && outcome.status !== 'failed' && outcome.status !== 'canceled') selection.clear();
    if (resumeId) {
      setParams(
        (current) => {
          const next = new URLSearchParams(current);
          next.delete('payment');
          return next;
        },
        { replace: true },
      );
    }
    onChanged();
  }

  if (selectableHere.length === 0 && chosen.length === 0 && !resumeId) return null;

  return (
    <>
      <div className={chosen.length > 0 ? 'pay-selected is-active' : 'pay-selected'} role="group" aria-label="Pay several invoices">
        <div className="pay-selected__start">
          {selectableHere.length > 0 && (
            <label className="checkbox">
              <input type="checkbox" checked={allHereSelected} onChange={(event) => selection.setAll(selectableHere, event.target.checked)} />
              <span>Select all unpaid</span>
            </label>
          )}
          <span className="pay-selected__count" aria-live="polite">
            {chosen.length === 0 ? 'Select invoices to pay them together.' : `${chosen.length} selected · ${totalText(chosen)}`}
          </span>
        </div>
        {chosen.length > 0 && (
          <div className="pay-selected__actions">
            <button type="button" className="btn btn--ghost" onClick={selection.clear}>
              Clear
            </button>
            <button type="button" className="btn btn--primary" onClick={() => setOpen(true)}>
              Pay selected ({chosen.length}) — {totalText(chosen)} total
            </button>
          </div>
        )}
      </div>
      {(open || resumeId) && (
        <PayDialog
          invoices={resumeId ? [] : chosen.map(toPayable)}
          resumePaymentId={resumeId}
          returnPath="/invoices"
          onClose={close}
          // The list reloads once the dialog closes (a reload now could empty the page under it).
          onChanged={ignoreWhileOpen}
        />
      )}
    </>
  );
}
