import { useEffect, useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { isApiError } from '../../../ui-kit/api-client';
import { ErrorState } from '../../../ui-kit/components/error-state';
import { Loading } from '../../../ui-kit/components/loading';
import { PageHeader } from '../../../ui-kit/components/page-header';
import { useSession } from '../auth/session';
import { useStripeConfig } from '../stripe/use-stripe-config';
import { MethodIcon } from './icons';
import type { NoticeState } from './payment-methods-page';
import { SetupForm } from './setup-form';
import type { PaymentMethodView } from './types';
import { useSetup } from './use-setup';

const BACK = { to: '/payment-methods', label: 'Payment methods' };

/** Save a card for later: Payment Element for a card SetupIntent, then refresh and report. */
export function AddCardPage() {
  const session = useSession();
  const navigate = useNavigate();
  const stripe = useStripeConfig();
  const { state, start, reset } = useSetup('card');
  const [failure, setFailure] = useState<string | null>(null);
  const cardOffered = stripe.config?.methods.card ?? false;

  useEffect(() => {
    if (cardOffered && state.status === 'idle') start();
  }, [cardOffered, state.status, start]);

  function handleSaved(method: PaymentMethodView) {
    if (method.status === 'active') {
      navigate('/payment-methods', { state: { notice: `${method.label} was saved. You can now pay invoices with it.` } satisfies NoticeState });
    } else if (method.status === 'pending_verification') {
      navigate('/payment-methods', { state: { notice: `${method.label}: ${method.statusText}.` } satisfies NoticeState });
    } else {
      setFailure(`${method.label} couldn’t be set up. ${method.statusText}.`);
      reset();
    }
  }

  let body;
  if (stripe.error) {
    body = <ErrorState error={stripe.error} title="Cards can’t be added right now" />;
  } else if (!stripe.config) {
    body = <Loading label="Loading…" />;
  } else if (!cardOffered) {
    body = <p className="card__body">{session.msp.name} does not accept card payments. <Link to="/payment-methods">Back to payment methods</Link></p>;
  } else if (state.status === 'error') {
    body = (
      <ErrorState
        error={state.error}
        title={isApiError(state.error) && state.error.code === 'ONLINE_PAYMENTS_UNAVAILABLE' ? 'Online payments aren’t available' : 'We couldn’t start adding your card'}
        onRetry={start}
      />
    );
  } else if (state.status !== 'ready') {
    body = <Loading label="Preparing the secure form…" />;
  } else {
    body = (
      <div className="card__body">
        <SetupForm
          config={stripe.config}
          type="card"
          setup={state.setup}
          submitLabel="Save card"
          busyLabel="Saving card…"
          onSaved={handleSaved}
          onCancel={() => navigate('/payment-methods')}
        />
      </div>
    );
  }

  return (
    <>
      <title>{`Add a card · ${session.msp.name}`}</title>
      <PageHeader back={BACK} title="Add a card" description={`Your card details go straight to Stripe, ${session.msp.name}’s payment processor; they never touch our servers.`} />
      <div className="stack narrow">
        {failure && (
          <div className="alert alert--error" role="alert">
            {failure}
          </div>
        )}
        <section className="card" aria-labelledby="card-form-title">
          <div className="card__header pm-form-header">
            <MethodIcon type="card" />
            <h2 className="card__title" id="card-form-title">
              Card details
            </h2>
          </div>
          {body}
        </section>
      </div>
    </>
  );
}
