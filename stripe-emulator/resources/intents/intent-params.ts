import { anyParam, arrayOf, bool, emptyable, int, obj, oneOf, str } from '../../http/params.js';
import { paymentMethodDataParam } from '../payment-methods/payment-method-routes.js';

export const PAYMENT_METHOD_TYPES = ['card', 'us_bank_account'] as const;

export const allowedTypesParam = arrayOf(str);

export const mandateDataParam = obj({
  customer_acceptance: obj({
    type: oneOf(['online', 'offline']),
    accepted_at: int.optional(),
    online: obj({ ip_address: str.optional(), user_agent: str.optional(), infer_from_client: bool.optional() }).optional(),
    offline: obj({}).optional(),
  }),
});

export const paymentMethodOptionsParam = obj({
  card: obj({
    request_three_d_secure: oneOf(['any', 'automatic', 'challenge']).optional(),
    mandate_options: anyParam.optional(),
    network: str.optional(),
    setup_future_usage: anyParam.optional(),
    capture_method: anyParam.optional(),
  }).optional(),
  us_bank_account: obj({
    verification_method: oneOf(['automatic', 'instant', 'microdeposits']).optional(),
    financial_connections: anyParam.optional(),
    networks: anyParam.optional(),
    mandate_options: anyParam.optional(),
    setup_future_usage: anyParam.optional(),
    target_date: str.optional(),
  }).optional(),
});

/** Params shared by SetupIntent and PaymentIntent confirmation. */
export const confirmShape = {
  payment_method: str.optional(),
  payment_method_data: paymentMethodDataParam.optional(),
  payment_method_options: paymentMethodOptionsParam.optional(),
  mandate_data: emptyable(mandateDataParam).optional(),
  allowed_payment_method_types: allowedTypesParam.optional(),
  return_url: str.optional(),
  use_stripe_sdk: bool.optional(),
  confirmation_token: str.optional(),
  client_secret: str.optional(),
};

export const verifyMicrodepositsSchema = obj({ amounts: arrayOf(int).optional(), descriptor_code: str.optional(), client_secret: str.optional() });
