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

const BRANDS: Record<string, string> = { visa: 'Visa', mastercard: 'Mastercard', amex: 'American Express', discover: 'Discover', diners: 'Diners Club', jcb: 'JCB', unionpay: 'UnionPay' };

/** "Visa •••• 4242", "STRIPE TEST BANK •••• 6789", "Bank account •••• 6789". */
export function paymentMethodLabel(d: { brand: string | null; bank_name: string | null; last4: string | null; type?: string | null }): string {
  const name = d.brand ? (BRANDS[d.brand] ?? d.brand.charAt(0).toUpperCase() + d.brand.slice(1)) : d.bank_name ?? (d.type === 'card' ? 'Card' : 'Bank account');
  return d.last4 ? `${name} •••• ${d.last4}` : name;
}

/** A card is usable through the last day of its expiry month (UTC is close enough for a month). */
export function isCardExpired(d: { exp_month: number | null; exp_year: number | null }, now: Date): boolean {
  if (!d.exp_month || !d.exp_year) return false;
  return d.exp_year < now.getUTCFullYear() || (d.exp_year === now.getUTCFullYear() && d.exp_month < now.getUTCMonth() + 1);
}
