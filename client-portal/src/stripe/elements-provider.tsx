import { Elements } from '@stripe/react-stripe-js';
import type { Appearance, StripeElementsOptionsClientSecret } from '@stripe/stripe-js';
import { useMemo } from 'react';
import type { ReactNode } from 'react';
import { getStripe } from '../../../ui-kit/stripe';
import type { StripeConfig } from '../../../ui-kit/stripe';

/** Stripe Elements styled like the portal (ui-kit/styles.css tokens). */
export const portalAppearance: Appearance = {
  theme: 'stripe',
  variables: {
    colorPrimary: '#4f46e5',
    colorText: '#101828',
    colorDanger: '#b42318',
    fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif',
    borderRadius: '8px',
  },
};

interface ElementsProviderProps {
  config: StripeConfig;
  /** The PaymentIntent's or SetupIntent's client secret. */
  clientSecret: string;
  children: ReactNode;
}

/**
 * `<Elements>` for one intent. Remount (give it a new `key`) for a new client secret: Elements does
 * not accept a changed secret.
 */
export function ElementsProvider({ config, clientSecret, children }: ElementsProviderProps) {
  const stripePromise = useMemo(() => getStripe(config), [config]);
  const options = useMemo<StripeElementsOptionsClientSecret>(() => ({ clientSecret, appearance: portalAppearance }), [clientSecret]);
  return (
    <Elements stripe={stripePromise} options={options}>
      {children}
    </Elements>
  );
}
