import { useRef, useState } from 'react';
import { Link, useLocation } from 'react-router-dom';
import { isApiError } from '../../../ui-kit/api-client';
import { Badge } from '../../../ui-kit/components/badge';
import { EmptyState } from '../../../ui-kit/components/empty-state';
import { describeError, ErrorState } from '../../../ui-kit/components/error-state';
import { Loading } from '../../../ui-kit/components/loading';
import { PageHeader } from '../../../ui-kit/components/page-header';
import { useSession } from '../auth/session';
import { useStripeConfig } from '../stripe/use-stripe-config';
import type { StripeConfigState } from '../stripe/use-stripe-config';
import { paymentMethodsApi, usePaymentMethods } from './api';
import { isUsable, methodDetail, needsVerification, statusBadge } from './display';
import { MethodIcon } from './icons';
import { RemoveDialog } from './remove-dialog';
import type { PaymentMethodView } from './types';

/** Navigation state other pages leave for this one: a success message to show once. */
export interface NoticeState {
  notice?: string;
  /** Add a "Turn on autopay" link to the notice (a method just became usable). */
  suggestAutopay?: boolean;
}

function AddButtons({ stripe, primary }: { stripe: StripeConfigState; primary?: boolean }) {
  const config = stripe.config;
  if (!config) return null;
  return (
    <>
      {config.methods.card && (
        <Link className={`btn ${primary ? 'btn--primary' : 'btn--secondary'}`} to="/payment-methods/add/card">
          Add a card
        </Link>
      )}
      {config.methods.usBankAccount && (
        <Link className="btn btn--secondary" to="/payment-methods/add/bank">
          Add a bank account
        </Link>
      )}
    </>
  );
}

function MethodRow({
  method,
  busy,
  onMakeDefault,
  onRemove,
}: {
  method: PaymentMethodView;
  busy: boolean;
  onMakeDefault: () => void;
  onRemove: () => void;
}) {
  const badge = statusBadge(method);
  const detail = methodDetail(method);
  const failedBank = method.type === 'us_bank_account' && (method.status === 'verification_failed' || method.status === 'expired');
  const titleId = `pm-${method.id}-title`;
  return (
    <li className="pm-item" aria-labelledby={titleId}>
      <MethodIcon type={method.type} />
      <div className="pm-item__main">
        <div className="pm-item__title-row">
          <h3 className="pm-item__title" id={titleId}>
            {method.label}
          </h3>
          <Badge tone={badge.tone}>{badge.label}</Badge>
          {method.isDefault && <Badge tone="accent">Default</Badge>}
          {method.isAutopay && <Badge tone="info">Autopay</Badge>}
        </div>
        {detail && <p className="pm-item__detail">{detail}</p>}
        {method.statusText && badge.label !== method.statusText && <p className="pm-item__status">{method.statusText}</p>}
      </div>
      <div className="pm-item__actions">
        {needsVerification(method) && (
          <Link className="btn btn--primary btn--sm" to={`/payment-methods/${method.id}/verify`} aria-label={`Verify ${method.label}`}>
            Verify
          </Link>
        )}
        {failedBank && (
          <Link className="btn btn--secondary btn--sm" to="/payment-methods/add/bank">
            Add the account again
          </Link>
        )}
        {!method.isDefault && isUsable(method) && (
          <button type="button" className="btn btn--secondary btn--sm" onClick={onMakeDefault} disabled={busy} aria-label={`Set ${method.label} as default`}>
            Set as default
          </button>
        )}
        <button type="button" className="btn btn--danger-outline btn--sm" onClick={onRemove} disabled={busy} aria-label={`Remove ${method.label}`}>
          Remove
        </button>
      </div>
    </li>
  );
}

/** The client's saved cards and bank accounts: status, default and autopay markers, verify/default/remove. */
export function PaymentMethodsPage() {
  const session = useSession();
  const location = useLocation();
  const stripe = useStripeConfig();
  const { data, error, loading, reload } = usePaymentMethods();
  const arrived = location.state as NoticeState | null;
  const [notice, setNotice] = useState<string | null>(arrived?.notice ?? null);
  const [suggestAutopay, setSuggestAutopay] = useState(arrived?.suggestAutopay === true);
  const [actionError, setActionError] = useState<string | null>(null);
  const [busyId, setBusyId] = useState<string | null>(null);
  const [removing, setRemoving] = useState<PaymentMethodView | null>(null);
  const [removeBusy, setRemoveBusy] = useState(false);
  const [removeError, setRemoveError] = useState<unknown>(null);
  const noticeRef = useRef<HTMLDivElement>(null);

  async function makeDefault(method: PaymentMethodView) {
    if (busyId) return;
    setBusyId(method.id);
    setNotice(null);
    setSuggestAutopay(false);
    setActionError(null);
    try {
      await paymentMethodsApi.makeDefault(method.id);
      setNotice(`${method.label} is now your default payment method.`);
      reload();
    } catch (err) {
      setActionError(`We couldn’t make ${method.label} your default. ${describeError(err)}`);
    } finally {
      setBusyId(null);
    }
  }

  async function confirmRemove() {
    if (!removing || removeBusy) return;
    setRemoveBusy(true);
    setRemoveError(null);
    try {
      await paymentMethodsApi.remove(removing.id);
      setNotice(`${removing.label} was removed.`);
      setSuggestAutopay(false);
      setActionError(null);
      setRemoving(null);
      reload();
      // The row (and its Remove button) is gone: focus continues at the confirmation.
      requestAnimationFrame(() => noticeRef.current?.focus());
    } catch (err) {
      setRemoveError(err);
    } finally {
      setRemoveBusy(false);
    }
  }

  const config = stripe.config;
  const methods = data?.methods ?? [];
  const offline = isApiError(stripe.error) && stripe.error.code === 'ONLINE_PAYMENTS_UNAVAILABLE';

  return (
    <>
      <title>{`Payment methods · ${session.msp.name}`}</title>
      <PageHeader
        title="Payment methods"
        description={`Cards and bank accounts saved for paying ${session.msp.name}. They are only charged when you pay an invoice or through autopay.`}
        actions={methods.length > 0 ? <AddButtons stripe={stripe} primary /> : undefined}
      />
      <div className="stack">
        {notice && (
          <div className="alert alert--success" role="status" tabIndex={-1} ref={noticeRef}>
            {notice}
            {suggestAutopay && (
              <>
                {' '}
                <Link to="/autopay">Turn on autopay</Link> to have invoices paid on their due dates.
              </>
            )}
          </div>
        )}
        {actionError && (
          <div className="alert alert--error" role="alert">
            {actionError}
          </div>
        )}
        {stripe.error !== undefined && (
          <div className="callout callout--neutral">
            <span>
              {offline
                ? `${describeError(stripe.error)} Contact ${session.msp.name} if you want to pay online.`
                : `Adding a payment method isn’t possible right now. ${describeError(stripe.error)}`}
            </span>
          </div>
        )}
        <section className="card" aria-labelledby="pm-list-title">
          <div className="card__header">
            <h2 className="card__title" id="pm-list-title">
              Saved methods
            </h2>
          </div>
          {error && !data ? (
            <ErrorState error={error} title="We couldn’t load your payment methods" onRetry={reload} />
          ) : !data ? (
            <Loading label="Loading payment methods…" />
          ) : methods.length === 0 ? (
            <EmptyState
              title="No saved payment methods yet"
              action={
                config ? (
                  <div className="pm-empty-actions">
                    <AddButtons stripe={stripe} primary />
                  </div>
                ) : undefined
              }
            >
              Save a card or a bank account to pay invoices in a few clicks and to turn on autopay.
            </EmptyState>
          ) : (
            <ul className="pm-list" aria-busy={loading}>
              {methods.map((method) => (
                <MethodRow
                  key={method.id}
                  method={method}
                  busy={busyId !== null || removeBusy}
                  onMakeDefault={() => void makeDefault(method)}
                  onRemove={() => {
                    setRemoveError(null);
                    setRemoving(method);
                  }}
                />
              ))}
            </ul>
          )}
        </section>
        {config && !config.methods.usBankAccount && config.methods.usBankAccountUnavailableReason && (
          <p className="muted pm-note">{config.methods.usBankAccountUnavailableReason}</p>
        )}
      </div>
      <RemoveDialog
        method={removing}
        mspName={session.msp.name}
        busy={removeBusy}
        error={removeError}
        onConfirm={() => void confirmRemove()}
        onClose={() => {
          setRemoving(null);
          setRemoveError(null);
        }}
      />
    </>
  );
}
