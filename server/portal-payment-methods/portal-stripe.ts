// What the portal needs before touching Stripe: a client mapped to a Stripe customer (ignored and
// unmapped clients get no online payment options), the installation's Stripe client, and one rule
// for Stripe failures that are not a business answer: STRIPE_UNAVAILABLE (502).
import Stripe from 'stripe';
import type { ClientScope } from '../db/tenant-scope';
import { AppError } from '../http/app-error';
import type { AppContext } from '../http/context';

export interface PortalClientRow {
  id: string;
  name: string;
  mapping_status: 'unmapped' | 'mapped' | 'ignored';
  stripe_customer_id: string | null;
  autopay_enabled: boolean;
  autopay_payment_method_id: string | null;
  autopay_consent: AutopayConsentRecord | null;
  autopay_paused_reason: string | null;
}

export interface AutopayConsentRecord {
  text: string;
  accepted_at: string;
  ip: string | null;
  user_agent: string | null;
  portal_user_id: string;
}

const CLIENT_COLUMNS = [
  'id',
  'name',
  'mapping_status',
  'stripe_customer_id',
  'autopay_enabled',
  'autopay_payment_method_id',
  'autopay_consent',
  'autopay_paused_reason',
];

export async function loadPortalClient(scope: ClientScope, options: { forUpdate?: boolean } = {}): Promise<PortalClientRow> {
  const q = scope.from('clients');
  if (options.forUpdate) q.forUpdate();
  const row = (await q.first(CLIENT_COLUMNS)) as PortalClientRow | undefined;
  if (!row) throw new AppError('CLIENT_NOT_FOUND');
  return row;
}

/** True when the client may pay online: mapped to a Stripe customer (not ignored, not unmapped). */
export function canPayOnline(client: Pick<PortalClientRow, 'mapping_status' | 'stripe_customer_id'>): boolean {
  return client.mapping_status === 'mapped' && client.stripe_customer_id !== null;
}

/** The client's Stripe customer id, or ONLINE_PAYMENTS_UNAVAILABLE. */
export function requireStripeCustomer(client: PortalClientRow): string {
  if (!canPayOnline(client)) throw new AppError('ONLINE_PAYMENTS_UNAVAILABLE');
  return client.stripe_customer_id!;
}

/** The installation's Stripe client; an installation without Stripe offers no online payments. */
export async function portalStripe(ctx: AppContext, scope: ClientScope): Promise<Stripe> {
  try {
    return (await ctx.stripe.forInstallation(ctx.db, scope.installationId)).stripe;
  } catch (err) {
    if (err instanceof AppError && err.code === 'STRIPE_NOT_CONNECTED') throw new AppError('ONLINE_PAYMENTS_UNAVAILABLE', { cause: err });
    throw err;
  }
}

export function isStripeError(err: unknown): err is Stripe.errors.StripeError {
  return err instanceof Stripe.errors.StripeError;
}

/** Any Stripe failure the caller did not map to a business answer. */
export function stripeUnavailable(err: unknown): AppError {
  return new AppError('STRIPE_UNAVAILABLE', { cause: err });
}

/** Runs a Stripe call; every Stripe error becomes STRIPE_UNAVAILABLE (nothing else is caught). */
export async function callStripe<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (isStripeError(err)) throw stripeUnavailable(err);
    throw err;
  }
}
