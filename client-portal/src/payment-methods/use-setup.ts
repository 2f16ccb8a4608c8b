import { useCallback, useRef, useState } from 'react';
import { paymentMethodsApi } from './api';
import type { PaymentMethodType, SetupResponse } from './types';

export type SetupState =
  | { status: 'idle' }
  | { status: 'starting' }
  | { status: 'ready'; setup: SetupResponse }
  | { status: 'error'; error: unknown };

/**
 * Starts one SetupIntent (POST /payment-methods/setup) at a time. `start` is idempotent while a
 * start is running or done (React's strict-mode double effects never create two), until `reset`.
 */
export function useSetup(type: PaymentMethodType) {
  const [state, setState] = useState<SetupState>({ status: 'idle' });
  const started = useRef(false);

  const start = useCallback(() => {
    if (started.current) return;
    started.current = true;
    setState({ status: 'starting' });
    paymentMethodsApi.setup(type).then(
      (setup) => setState({ status: 'ready', setup }),
      (error: unknown) => {
        started.current = false;
        setState({ status: 'error', error });
      },
    );
  }, [type]);

  const reset = useCallback(() => {
    started.current = false;
    setState({ status: 'idle' });
  }, []);

  return { state, start, reset };
}
