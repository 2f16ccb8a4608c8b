// One error type for the whole server. A code is stable (clients and tests match on it); the map
// below is the single place that decides its HTTP status. Messages are safe to show a user.

export const ERROR_STATUS = {
  INVALID_JSON: 400,
  VALIDATION_FAILED: 400,
  UNSUPPORTED_MEDIA_TYPE: 415,
  PAYLOAD_TOO_LARGE: 413,
  ROUTE_NOT_FOUND: 404,
  AUTH_REQUIRED: 401,
  AUTH_INVALID_CREDENTIALS: 401,
  AUTH_INVALID_API_KEY: 401,
  AUTH_FORBIDDEN: 403,
  AUTH_CSRF_FAILED: 403,
  AUTH_RATE_LIMITED: 429,
  CLIENT_NOT_FOUND: 404,
  INVOICE_NOT_FOUND: 404,
  API_KEY_NOT_FOUND: 404,
  STRIPE_NOT_CONNECTED: 409,
  MARKETPLACE_SIGNATURE_INVALID: 401,
  MARKETPLACE_REQUEST_INVALID: 400,
  MARKETPLACE_NOT_INSTALLED: 404,
  STAFF_USER_DISABLED: 403,
  STRIPE_SECRET_KEY_REFUSED: 400,
  STRIPE_KEY_INVALID: 400,
  STRIPE_KEY_MISSING_PERMISSIONS: 422,
  STRIPE_ACCOUNT_MISMATCH: 409,
  STRIPE_UNAVAILABLE: 502,
  STRIPE_OAUTH_UNAVAILABLE: 409,
  STRIPE_OAUTH_STATE_INVALID: 400,
  STRIPE_OAUTH_DENIED: 400,
  PSA_BATCH_TOO_LARGE: 400,
  PSA_CURSOR_INVALID: 400,
  PSA_WEBHOOK_URL_FORBIDDEN: 400,
  OUTBOX_DELIVERY_NOT_FOUND: 404,
  OUTBOX_DELIVERY_NOT_RETRYABLE: 409,
  MAPPING_CUSTOMER_TAKEN: 409,
  MAPPING_CUSTOMER_NOT_FOUND: 422,
  MAPPING_CONFLICT: 409,
  MAPPING_STRIPE_UNAVAILABLE: 502,
  WEBHOOK_SIGNATURE_INVALID: 400,
  WEBHOOK_PAYLOAD_INVALID: 400,
  WEBHOOK_EVENT_NOT_FOUND: 404,
  WEBHOOK_EVENT_NOT_RETRYABLE: 409,
  ONLINE_PAYMENTS_UNAVAILABLE: 409,
  INVOICE_NOT_PAYABLE: 409,
  PAYMENT_IN_FLIGHT: 409,
  PAYMENT_AMOUNT_INVALID: 400,
  PARTIAL_PAYMENT_NOT_ALLOWED: 400,
  CURRENCY_MISMATCH: 400,
  PAYMENT_NOT_FOUND: 404,
  PAYMENT_NOT_CANCELABLE: 409,
  PAYMENT_METHOD_NOT_FOUND: 404,
  PAYMENT_METHOD_NOT_USABLE: 409,
  PAYMENT_METHOD_TYPE_UNAVAILABLE: 400,
  MANDATE_NOT_ACCEPTED: 400,
  MICRODEPOSIT_INPUT_INVALID: 400,
  MICRODEPOSIT_MISMATCH: 422,
  VERIFICATION_ATTEMPTS_EXCEEDED: 409,
  VERIFICATION_EXPIRED: 409,
  VERIFICATION_NOT_PENDING: 409,
  AUTOPAY_CONSENT_REQUIRED: 400,
  AUTOPAY_METHOD_IN_USE: 409,
  PAYMENT_LINK_INVALID: 404,
  RATE_LIMITED: 429,
  INVITE_INVALID: 404,
  INVITE_EXPIRED: 410,
  PASSWORD_RESET_INVALID: 400,
  PORTAL_USER_NOT_FOUND: 404,
  PORTAL_USER_EXISTS: 409,
  UNSUBSCRIBE_LINK_INVALID: 404,
  PAYMENT_AUTHENTICATION_UNAVAILABLE: 409,
  // Ledger (issue 7)
  PAYMENT_NOT_SETTLED: 409,
  PAYMENT_CLIENT_REQUIRED: 409,
  ALLOCATION_EXCEEDS_PAYMENT: 422,
  ALLOCATION_EXCEEDS_INVOICE: 422,
  ALLOCATION_INVOICE_INVALID: 422,
  CREDIT_INSUFFICIENT: 409,
  REFUND_EXCEEDS_PAID: 422,
  REFUND_ABOVE_TECHNICIAN_LIMIT: 403,
  REFUND_NOT_ALLOWED: 409,
  REFUND_REFUSED: 409,
  REFUND_REQUEST_CONFLICT: 409,
  OFFLINE_PAYMENT_CONFLICT: 409,
  EXCEPTION_NOT_FOUND: 404,
  EXCEPTION_RESOLVED: 409,
  SUGGESTION_NOT_FOUND: 404,
  PAYOUT_NOT_FOUND: 404,
  CLIENT_NOT_MAPPED: 409,
  RECEIPT_NOT_AVAILABLE: 409,
  RECEIPT_NO_RECIPIENT: 422,
  SETUP_LINK_INVALID: 404,
  CONTACT_NOT_FOUND: 404,
  // Autopay actions (issue 6)
  AUTOPAY_NOT_ENABLED: 409,
  AUTOPAY_AMOUNT_ABOVE_MAXIMUM: 409,
  SERVICE_SHUTTING_DOWN: 503,
  INTERNAL_ERROR: 500,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export interface FieldError {
  path: string;
  message: string;
}

export interface AppErrorOptions {
  message?: string;
  fields?: FieldError[];
  /** Extra response headers, e.g. Retry-After for rate limits. */
  headers?: Record<string, string>;
  cause?: unknown;
}

const DEFAULT_MESSAGES: Record<ErrorCode, string> = {
  INVALID_JSON: 'The request body is not valid JSON.',
  VALIDATION_FAILED: 'Some fields are invalid.',
  UNSUPPORTED_MEDIA_TYPE: 'Send the request body as application/json.',
  PAYLOAD_TOO_LARGE: 'The request body is too large.',
  ROUTE_NOT_FOUND: 'There is no such API route.',
  AUTH_REQUIRED: 'Sign in to continue.',
  AUTH_INVALID_CREDENTIALS: 'The email or password is incorrect.',
  AUTH_INVALID_API_KEY: 'The API key is missing, invalid or revoked.',
  AUTH_FORBIDDEN: 'You do not have permission to do this.',
  AUTH_CSRF_FAILED: 'The request could not be verified. Reload the page and try again.',
  AUTH_RATE_LIMITED: 'Too many attempts. Try again later.',
  CLIENT_NOT_FOUND: 'Client not found.',
  INVOICE_NOT_FOUND: 'Invoice not found.',
  API_KEY_NOT_FOUND: 'API key not found.',
  STRIPE_NOT_CONNECTED: 'Stripe is not connected for this installation yet. An admin can connect it in Settings.',
  MARKETPLACE_SIGNATURE_INVALID: 'This link is invalid, expired or was already used. Open Settle again from your PSA.',
  MARKETPLACE_REQUEST_INVALID: 'The request from the PSA marketplace is missing required details.',
  MARKETPLACE_NOT_INSTALLED: 'Settle is not installed for this PSA account. Ask an admin to install it from the marketplace.',
  STAFF_USER_DISABLED: 'Your access to Settle has been disabled. Ask your MSP admin.',
  STRIPE_SECRET_KEY_REFUSED:
    'That is a full secret key (sk_…). Settle never accepts secret keys: they give unlimited access to your Stripe account, and Stripe does not allow apps to ask for them. Create a restricted key (rk_…) with the permissions Settle lists, or use Connect with Stripe.',
  STRIPE_KEY_INVALID: 'Stripe did not accept this key.',
  STRIPE_KEY_MISSING_PERMISSIONS: 'This restricted key is missing permissions Settle needs. Edit the key in Stripe, turn them on, and try again.',
  STRIPE_ACCOUNT_MISMATCH: 'A different Stripe account is already connected. Disconnect it first; client mappings belong to the account they were made in.',
  STRIPE_UNAVAILABLE: 'Stripe did not answer. Nothing was changed; try again in a moment.',
  STRIPE_OAUTH_UNAVAILABLE: 'Connect with Stripe is not configured on this Settle server. Use a restricted key instead.',
  STRIPE_OAUTH_STATE_INVALID: 'This Stripe connection attempt expired or was started in another browser session. Start again from the setup wizard.',
  STRIPE_OAUTH_DENIED: 'Stripe access was not granted. You can try again, or connect with a restricted key.',
  PSA_BATCH_TOO_LARGE: 'A batch holds at most 1,000 records. Split it and send the parts one after another.',
  PSA_CURSOR_INVALID: 'The cursor is not one Settle returned. Start again without `since`, or use the last nextCursor.',
  PSA_WEBHOOK_URL_FORBIDDEN: 'Settle only delivers to public https addresses; this URL is not allowed.',
  OUTBOX_DELIVERY_NOT_FOUND: 'Delivery not found.',
  OUTBOX_DELIVERY_NOT_RETRYABLE: 'This delivery was already sent; there is nothing to retry.',
  MAPPING_CUSTOMER_TAKEN: 'That Stripe customer is already mapped to another client.',
  MAPPING_CUSTOMER_NOT_FOUND: 'That Stripe customer does not exist in the connected Stripe account (or was deleted).',
  MAPPING_CONFLICT: 'This client’s mapping changed in the meantime, or the change does not apply to it. Reload and try again.',
  MAPPING_STRIPE_UNAVAILABLE: 'Stripe did not answer. Nothing was changed; try again in a moment.',
  WEBHOOK_SIGNATURE_INVALID: 'The webhook signature could not be verified.',
  WEBHOOK_PAYLOAD_INVALID: 'The webhook body is not a Stripe event.',
  WEBHOOK_EVENT_NOT_FOUND: 'Webhook event not found.',
  WEBHOOK_EVENT_NOT_RETRYABLE: 'This event is not failed or dead-lettered; there is nothing to retry.',
  ONLINE_PAYMENTS_UNAVAILABLE: 'Online payments are not available for this account. Contact your provider to pay.',
  INVOICE_NOT_PAYABLE: 'This invoice cannot be paid online: it is paid, void, has nothing left to pay, or a payment is already in progress.',
  PAYMENT_IN_FLIGHT: 'A payment for this invoice is already in progress. Wait for it to finish before paying again.',
  PAYMENT_AMOUNT_INVALID: 'The amount to pay is not valid for this invoice.',
  PARTIAL_PAYMENT_NOT_ALLOWED: 'Pay the full amount remaining; partial payments are not accepted for this account.',
  CURRENCY_MISMATCH: 'Invoices in different currencies cannot be paid together.',
  PAYMENT_NOT_FOUND: 'Payment not found.',
  PAYMENT_NOT_CANCELABLE: 'This payment has already been submitted and can no longer be canceled.',
  PAYMENT_METHOD_NOT_FOUND: 'Payment method not found.',
  PAYMENT_METHOD_NOT_USABLE: 'This payment method cannot be used: it is not verified, has failed verification, or was removed.',
  PAYMENT_METHOD_TYPE_UNAVAILABLE: 'That kind of payment method is not offered for this account.',
  MANDATE_NOT_ACCEPTED: 'Accept the bank debit authorization to continue.',
  MICRODEPOSIT_INPUT_INVALID: 'Enter the two deposit amounts in cents, or the 6-character code that starts with SM.',
  MICRODEPOSIT_MISMATCH: 'Those values do not match the deposits we sent.',
  VERIFICATION_ATTEMPTS_EXCEEDED: 'Too many verification attempts. Add the bank account again to start over.',
  VERIFICATION_EXPIRED: 'The verification window has closed. Add the bank account again to start over.',
  VERIFICATION_NOT_PENDING: 'This payment method is not waiting for verification.',
  AUTOPAY_CONSENT_REQUIRED: 'Accept the autopay authorization to turn autopay on.',
  AUTOPAY_METHOD_IN_USE: 'This is your autopay method and payments are scheduled. Turn off autopay or choose another autopay method first.',
  PAYMENT_LINK_INVALID: 'This payment link is not valid. It may have been replaced or the invoice is already settled.',
  RATE_LIMITED: 'Too many requests. Wait a moment and try again.',
  INVITE_INVALID: 'This invitation link is not valid. Ask your provider to send a new one.',
  INVITE_EXPIRED: 'This invitation has expired. Ask your provider to send a new one.',
  PASSWORD_RESET_INVALID: 'This password reset link is not valid or has expired. Request a new one.',
  PORTAL_USER_NOT_FOUND: 'Portal user not found.',
  PORTAL_USER_EXISTS: 'Someone with this email already has portal access.',
  UNSUBSCRIBE_LINK_INVALID: 'This unsubscribe link is not valid. Use the link in the latest email you received.',
  PAYMENT_AUTHENTICATION_UNAVAILABLE: 'This payment can no longer be confirmed. Nothing was charged; pay the invoice in the portal instead.',
  PAYMENT_NOT_SETTLED: 'This payment has not succeeded, so its money cannot be placed yet.',
  PAYMENT_CLIENT_REQUIRED: 'Assign this payment to a client first.',
  ALLOCATION_EXCEEDS_PAYMENT: 'The amounts add up to more than the payment has left to place.',
  ALLOCATION_EXCEEDS_INVOICE: 'An amount is more than what is open on the invoice.',
  ALLOCATION_INVOICE_INVALID: 'Money can only go to open invoices of the payment’s client, in its currency.',
  CREDIT_INSUFFICIENT: 'The client does not have that much credit.',
  REFUND_EXCEEDS_PAID: 'That is more than what is left to refund on this payment.',
  REFUND_ABOVE_TECHNICIAN_LIMIT: 'Refunds above your MSP’s technician limit need an admin.',
  REFUND_NOT_ALLOWED: 'This payment cannot be refunded: it has not succeeded, or it is disputed.',
  REFUND_REFUSED: 'Stripe refused the refund. Nothing was refunded.',
  REFUND_REQUEST_CONFLICT: 'This refund request was already used for a different payment or amount. Reload and try again.',
  OFFLINE_PAYMENT_CONFLICT: 'This payment was already recorded with different details. Reload and try again.',
  EXCEPTION_NOT_FOUND: 'Exception not found.',
  EXCEPTION_RESOLVED: 'Someone already resolved this exception. Reload to see what was done.',
  SUGGESTION_NOT_FOUND: 'That suggestion is no longer offered. Reload and choose again.',
  PAYOUT_NOT_FOUND: 'Payout not found.',
  CLIENT_NOT_MAPPED: 'This client is not linked to a Stripe customer yet. Map it first.',
  RECEIPT_NOT_AVAILABLE: 'Only payments that succeeded have a receipt. A bank payment gets one when it clears.',
  RECEIPT_NO_RECIPIENT: 'This client has no billing email or portal user to send the receipt to. Enter an address.',
  SETUP_LINK_INVALID: 'This setup link is not valid. It may have expired or been used already; ask your provider for a new one.',
  CONTACT_NOT_FOUND: 'Contact not found.',
  AUTOPAY_NOT_ENABLED: 'Autopay is off for this client.',
  AUTOPAY_AMOUNT_ABOVE_MAXIMUM: 'This is above the maximum amount the client authorized for automatic charges.',
  SERVICE_SHUTTING_DOWN: 'The server is restarting. Try again in a moment.',
  INTERNAL_ERROR: 'Something went wrong on our side. Try again, and contact support if it keeps happening.',
};

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly fields: FieldError[] | undefined;
  readonly headers: Record<string, string>;

  constructor(code: ErrorCode, options: AppErrorOptions = {}) {
    super(options.message ?? DEFAULT_MESSAGES[code], { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.status = ERROR_STATUS[code];
    this.fields = options.fields;
    this.headers = options.headers ?? {};
  }

  toBody(): { error: { code: ErrorCode; message: string; fields?: FieldError[] } } {
    return { error: { code: this.code, message: this.message, ...(this.fields ? { fields: this.fields } : {}) } };
  }
}
