import { useEffect, useRef, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { ErrorState } from '../../../ui-kit/components/error-state';
import { Loading } from '../../../ui-kit/components/loading';
import { paymentMethodsApi } from './api';
import type { NoticeState } from './payment-methods-page';

/**
 * Where Stripe sends the browser back when confirming needed a redirect (`return_url`): syncs the
 * method from its SetupIntent, then continues like the in-page flow.
 */
export function SetupReturnPage() {
  const { paymentMethodId = '' } = useParams();
  const navigate = useNavigate();
  const [error, setError] = useState<unknown>(null);
  const started = useRef(false);

  useEffect(() => {
    if (started.current) return;
    started.current = true;
    paymentMethodsApi.refresh(paymentMethodId).then(
      ({ paymentMethod: m }) => {
        if (m.status === 'pending_verification' && m.verification) navigate(`/payment-methods/${m.id}/verify`, { replace: true, state: { justAdded: true } });
        else navigate('/payment-methods', { replace: true, state: { notice: m.status === 'active' ? `${m.label} was saved.` : `${m.label}: ${m.statusText}.` } satisfies NoticeState });
      },
      (err: unknown) => setError(err),
    );
  }, [paymentMethodId, navigate]);

  if (error) {
    return (
      <div className="card">
        <ErrorState error={error} title="We couldn’t finish saving your payment method" />
        <p className="card__body">
          <Link to="/payment-methods">Back to payment methods</Link>
        </p>
      </div>
    );
  }
  return <Loading label="Finishing up…" />;
}
