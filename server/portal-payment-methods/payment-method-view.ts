// A saved payment method as the portal shows it: a label people recognise ("Visa •••• 4242"), the
// state in plain words, and what a pending bank account still needs (micro-deposits). Pure.
import type { PaymentMethodStatus } from '../payment-methods/map-setup-intent-status';
import { paymentMethodLabel } from '../payment-methods/payment-method-display';

export type PaymentMethodType = 'card' | 'us_bank_account';
export type MicrodepositType = 'amounts' | 'descriptor_code';

/** Stripe gives the client 10 days to verify micro-deposits. */
export const VERIFICATION_WINDOW_DAYS = 10;
/** Failed attempts Stripe allows before the bank account can no longer be verified. */
export const VERIFICATION_ATTEMPTS: Record<MicrodepositType, number> = { amounts: 3, descriptor_code: 10 };

export interface PaymentMethodRow {
  id: string;
  client_id: string;
  type: PaymentMethodType;
  status: PaymentMethodStatus;
  stripe_payment_method_id: string | null;
  setup_intent_id: string | null;
  brand: string | null;
  bank_name: string | null;
  last4: string | null;
  exp_month: number | null;
  exp_year: number | null;
  account_holder_type: string | null;
  account_type: string | null;
  is_default: boolean;
  microdeposit_type: MicrodepositType | null;
  microdeposit_arrival_date: string | null;
  verification_attempts_left: number | null;
  verification_expires_at: Date | null;
  hosted_verification_url: string | null;
  mandate_id: string | null;
  mandate_status: string | null;
  last_verification_error: string | null;
  verification_reminder_sent_at: Date | null;
  verified_at: Date | null;
  added_by_kind: string;
  added_by_id: string | null;
  created_at: Date;
  updated_at: Date;
}

export const PAYMENT_METHOD_COLUMNS = [
  'id',
  'client_id',
  'type',
  'status',
  'stripe_payment_method_id',
  'setup_intent_id',
  'brand',
  'bank_name',
  'last4',
  'exp_month',
  'exp_year',
  'account_holder_type',
  'account_type',
  'is_default',
  'microdeposit_type',
  'microdeposit_arrival_date',
  'verification_attempts_left',
  'verification_expires_at',
  'hosted_verification_url',
  'mandate_id',
  'mandate_status',
  'last_verification_error',
  'verification_reminder_sent_at',
  'verified_at',
  'added_by_kind',
  'added_by_id',
  'created_at',
  'updated_at',
].map((c) => `payment_methods.${c}`);

export interface PaymentMethodView {
  id: string;
  type: PaymentMethodType;
  status: 'pending_verification' | 'active' | 'verification_failed' | 'expired';
  statusText: string;
  label: string;
  brand: string | null;
  bankName: string | null;
  last4: string | null;
  expMonth: number | null;
  expYear: number | null;
  accountHolderType: string | null;
  accountType: string | null;
  isDefault: boolean;
  isAutopay: boolean;
  addedAt: string;
  verification: null | {
    microdepositType: MicrodepositType;
    arrivalDate: string | null;
    attemptsLeft: number | null;
    expiresAt: string | null;
    lastError: string | null;
  };
}

export interface ViewContext {
  /** The client's autopay method while autopay is on, else null. */
  autopayMethodId: string | null;
  /** Today (YYYY-MM-DD) in the installation's timezone. */
  today: string;
  timezone: string;
}

/** "Nov 25" for a calendar date (YYYY-MM-DD). */
export function shortDate(date: string): string {
  return new Intl.DateTimeFormat('en-US', { month: 'short', day: 'numeric', timeZone: 'UTC' }).format(new Date(`${date}T12:00:00Z`));
}

/** "Dec 3" for an instant, as a date where the MSP is. */
function shortLocalDate(instant: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-US', { month: 'short', day: 'numeric', timeZone }).format(instant);
}

/**
 * When the micro-deposit verification window closes. Stripe does not say; it is 10 days from when
 * the deposits were sent, which is after the row (and the SetupIntent) was created, so this errs early.
 */
export function verificationExpiresAt(row: Pick<PaymentMethodRow, 'verification_expires_at' | 'created_at'>): Date {
  return row.verification_expires_at ?? new Date(new Date(row.created_at).getTime() + VERIFICATION_WINDOW_DAYS * 86_400_000);
}

function cardExpired(row: PaymentMethodRow, today: string): boolean {
  if (row.exp_month === null || row.exp_year === null) return false;
  const [y, m] = today.split('-').map(Number) as [number, number];
  return row.exp_year < y || (row.exp_year === y && row.exp_month < m);
}

export function statusText(row: PaymentMethodRow, view: ViewContext): string {
  switch (row.status) {
    case 'active':
      if (row.type === 'card' && cardExpired(row, view.today)) return `Expired ${String(row.exp_month).padStart(2, '0')}/${row.exp_year} — add a new card`;
      if (row.type === 'us_bank_account' && row.mandate_status === 'inactive') return 'Debit authorization revoked — add the bank account again to use it';
      return row.type === 'card' ? 'Ready to use' : 'Verified — ready to use';
    case 'pending_verification': {
      if (row.type === 'card' || !row.microdeposit_type) {
        return row.stripe_payment_method_id ? 'Waiting for confirmation from your bank' : 'Setup not finished';
      }
      const by = shortLocalDate(verificationExpiresAt(row), view.timezone);
      if (row.microdeposit_arrival_date && row.microdeposit_arrival_date > view.today) {
        return `Awaiting verification — deposits arrive by ${shortDate(row.microdeposit_arrival_date)}`;
      }
      return row.microdeposit_type === 'amounts'
        ? `Awaiting verification — enter the two deposit amounts from your bank statement by ${by}`
        : `Awaiting verification — enter the code from the $0.01 deposit (it starts with SM) by ${by}`;
    }
    case 'verification_failed':
      return row.type === 'card'
        ? 'Could not be set up — try another card'
        : `Verification failed${row.last_verification_error ? `: ${row.last_verification_error.replace(/\.$/, '')}` : ''}. Add the bank account again.`;
    case 'expired':
      return row.type === 'card' ? 'Setup was not finished — add the card again' : 'Verification window closed — add the bank account again';
    case 'detached':
      return 'Removed';
    default: {
      const unknown: never = row.status;
      throw new Error(`unknown payment method status ${JSON.stringify(unknown)}`);
    }
  }
}

export function toPaymentMethodView(row: PaymentMethodRow, view: ViewContext): PaymentMethodView {
  if (row.status === 'detached') throw new Error('a detached payment method has no portal view');
  return {
    id: row.id,
    type: row.type,
    status: row.status,
    statusText: statusText(row, view),
    label: paymentMethodLabel(row),
    brand: row.brand,
    bankName: row.bank_name,
    last4: row.last4,
    expMonth: row.exp_month,
    expYear: row.exp_year,
    accountHolderType: row.account_holder_type,
    accountType: row.account_type,
    isDefault: row.is_default,
    isAutopay: view.autopayMethodId === row.id,
    addedAt: new Date(row.created_at).toISOString(),
    verification:
      row.type === 'us_bank_account' && row.microdeposit_type
        ? {
            microdepositType: row.microdeposit_type,
            arrivalDate: row.microdeposit_arrival_date,
            attemptsLeft: row.verification_attempts_left,
            expiresAt: verificationExpiresAt(row).toISOString(),
            lastError: row.last_verification_error,
          }
        : null,
  };
}
