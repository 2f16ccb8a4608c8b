import { useEffect, useState } from 'react';
import type { StripeConfig } from '../../../ui-kit/stripe';
import { api } from '../api';

export type { StripeConfig } from '../../../ui-kit/stripe';

export interface StripeConfigState {
  config: StripeConfig | null;
  /** An `ApiError` (e.g. `ONLINE_PAYMENTS_UNAVAILABLE`) or a network failure. */
  error: unknown;
  loading: boolean;
}

let cached: Promise<StripeConfig> | null = null;

/** GET /api/portal/stripe once per page load (shared by every caller); a failure is retried next time. */
export function loadStripeConfig(): Promise<StripeConfig> {
  if (!cached) {
    cached = api.get<StripeConfig>('/stripe');
    cached.catch(() => {
      cached = null;
    });
  }
  return cached;
}

/** The installation's Stripe config: publishable key, where Stripe.js comes from, which methods are offered. */
export function useStripeConfig(): StripeConfigState {
  const [state, setState] = useState<StripeConfigState>({ config: null, error: undefined, loading: true });
  useEffect(() => {
    let active = true;
    loadStripeConfig().then(
      (config) => {
        if (active) setState({ config, error: undefined, loading: false });
      },
      (error: unknown) => {
        if (active) setState({ config: null, error, loading: false });
      },
    );
    return () => {
      active = false;
    };
  }, []);
  return state;
}
