/**
 * The one error type of the emulator: everything a handler throws becomes a Stripe-shaped error
 * body `{error: {...}}` with `status`. `replayable` says whether an idempotency key may store it
 * (Stripe does not save results of requests that failed validation before executing).
 */
export type StripeErrorType =
  | 'api_error'
  | 'card_error'
  | 'idempotency_error'
  | 'invalid_request_error'
  | 'rate_limit_error'
  | 'authentication_error'
  | 'permission_error';

export interface StripeErrorFields {
  type: StripeErrorType;
  message: string;
  code?: string;
  decline_code?: string;
  param?: string;
  doc_url?: string;
  payment_intent?: unknown;
  setup_intent?: unknown;
  payment_method?: unknown;
  charge?: string;
  advice_code?: string;
}

export class StripeError extends Error {
  readonly status: number;
  readonly fields: StripeErrorFields;
  readonly replayable: boolean;
  readonly headers: Record<string, string>;

  constructor(status: number, fields: StripeErrorFields, options: { replayable?: boolean; headers?: Record<string, string> } = {}) {
    super(fields.message);
    this.status = status;
    this.fields = fields;
    this.replayable = options.replayable ?? true;
    this.headers = options.headers ?? {};
  }

  toBody(): { error: StripeErrorFields } {
    const error: StripeErrorFields = { ...this.fields };
    if (error.code && !error.doc_url) error.doc_url = `https://stripe.com/docs/error-codes/${error.code.replace(/_/g, '-')}`;
    return { error };
  }
}

export function resourceMissing(kind: string, id: string, param = 'id'): StripeError {
  return new StripeError(404, {
    type: 'invalid_request_error',
    code: 'resource_missing',
    message: `No such ${kind}: '${id}'`,
    param,
  });
}

export function parameterMissing(param: string): StripeError {
  return new StripeError(
    400,
    { type: 'invalid_request_error', code: 'parameter_missing', message: `Missing required param: ${param}.`, param },
    { replayable: false },
  );
}

export function invalidRequest(message: string, options: { param?: string; code?: string; status?: number } = {}): StripeError {
  const fields: StripeErrorFields = { type: 'invalid_request_error', message };
  if (options.param) fields.param = options.param;
  if (options.code) fields.code = options.code;
  return new StripeError(options.status ?? 400, fields);
}

export function unexpectedState(message: string, param?: string): StripeError {
  return invalidRequest(message, { code: 'payment_intent_unexpected_state', ...(param ? { param } : {}) });
}
