import type Stripe from 'stripe';

/** The display columns of a payment_methods row, from a Stripe PaymentMethod (pure). */
export function paymentMethodDisplay(pm: Stripe.PaymentMethod): {
  brand: string | null;
  last4: string | null;
  exp_month: number | null;
  exp_year: number | null;
  bank_name: string | null;
  account_holder_type: string | null;
  account_type: string | null;
} {
  return {
    brand: pm.card?.brand ?? null,
    last4: pm.card?.last4 ?? pm.us_bank_account?.last4 ?? null,
    exp_month: pm.card?.exp_month ?? null,
    exp_year: pm.card?.exp_year ?? null,
    bank_name: pm.us_bank_account?.bank_name ?? null,
    account_holder_type: pm.us_bank_account?.account_holder_type ?? null,
    account_type: pm.us_bank_account?.account_type ?? null,
  };
}
