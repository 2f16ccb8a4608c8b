// A tiny page for the browser test: <Elements> + <PaymentElement> from @stripe/react-stripe-js,
// running against the Stripe.js stand-in that the test server pre-injects as window.Stripe.
import { Elements, PaymentElement, useElements, useStripe } from '@stripe/react-stripe-js';
import { loadStripe } from '@stripe/stripe-js/pure';
import { useState, type FormEvent } from 'react';
import { createRoot } from 'react-dom/client';

function SaveForm({ clientSecret }: { clientSecret: string }) {
  const stripe = useStripe();
  const elements = useElements();
  const [status, setStatus] = useState('idle');
  const [change, setChange] = useState('');
  const save = async (event: FormEvent) => {
    event.preventDefault();
    if (!stripe || !elements) return;
    setStatus('saving');
    const result = await stripe.confirmSetup({ elements, confirmParams: { return_url: window.location.href }, redirect: 'if_required' });
    setStatus(result.error ? `error:${result.error.code ?? result.error.message ?? ''}` : result.setupIntent.status);
  };
  const verify = async () => {
    if (!stripe) return;
    const result = await stripe.verifyMicrodepositsForSetup(clientSecret, { amounts: [32, 45] });
    setStatus(result.error ? `error:${result.error.code ?? ''}` : result.setupIntent.status);
  };
  return (
    <form onSubmit={save} style={{ maxWidth: 480, margin: '32px auto', fontFamily: 'system-ui, sans-serif', display: 'grid', gap: 16 }}>
      <h1 style={{ fontSize: 22, margin: 0 }}>Save a payment method</h1>
      <PaymentElement onChange={(e) => setChange(`${e.value.type}:${String(e.complete)}`)} />
      <button type="submit" style={{ font: 'inherit', fontWeight: 600, padding: '10px 16px', borderRadius: 6, border: 0, background: '#635bff', color: '#fff' }}>
        Save
      </button>
      {status === 'requires_action' && (
        <button type="button" onClick={() => void verify()}>
          Verify micro-deposits
        </button>
      )}
      <p>
        Status: <output data-testid="status">{status}</output> · <output data-testid="change">{change}</output>
      </p>
    </form>
  );
}

async function start(): Promise<void> {
  const res = await fetch('/api/setup-intent', { method: 'POST' });
  const { clientSecret, publishableKey } = (await res.json()) as { clientSecret: string; publishableKey: string };
  const stripePromise = loadStripe(publishableKey);
  const root = document.getElementById('root');
  if (!root) return;
  createRoot(root).render(
    <Elements stripe={stripePromise} options={{ clientSecret, appearance: { theme: 'stripe', variables: { colorPrimary: '#635bff' } } }}>
      <SaveForm clientSecret={clientSecret} />
    </Elements>,
  );
}

void start();
