// What a page needs to talk to Stripe.js for one installation: the publishable key of the MSP's
// connected account, where Stripe.js comes from (the emulator's stand-in in emulator mode, else
// js.stripe.com), and which payment methods the MSP offers. Never a secret.
import type { AppContext } from '../http/context';
import { AppError } from '../http/app-error';
import { InstallationScope } from '../db/tenant-scope';
import { getInstallationSettings } from '../installations/installation-settings';

export interface StripeConfigView {
  publishableKey: string;
  stripeAccount: null;
  /** The emulator's Stripe.js stand-in, or null: load Stripe.js from Stripe. */
  jsUrl: string | null;
  livemode: boolean;
  currency: string;
  methods: { card: boolean; usBankAccount: boolean; usBankAccountUnavailableReason: string | null };
  partialPayments: { allowed: boolean; minimum: number };
}

export function stripeJsUrlOf(ctx: AppContext): string | null {
  const endpoint = ctx.stripe.options.endpoint;
  return endpoint ? `${endpoint.protocol}://${endpoint.host}:${endpoint.port}/js/stripe.js` : null;
}

export async function getStripeConfig(ctx: AppContext, installationId: string): Promise<StripeConfigView> {
  const scope = new InstallationScope(ctx.db, installationId);
  const connection = await ctx.stripe.connectionFor(ctx.db, installationId).catch((err: unknown) => {
    if (err instanceof AppError && err.code === 'STRIPE_NOT_CONNECTED') throw new AppError('ONLINE_PAYMENTS_UNAVAILABLE', { cause: err });
    throw err;
  });
  if (!connection.publishable_key) throw new AppError('ONLINE_PAYMENTS_UNAVAILABLE', { message: 'Online payments are not set up yet for this account.' });
  const settings = await getInstallationSettings(scope);
  const reason = !settings.achAvailable
    ? `Bank account (ACH) payments are only available for invoices in US dollars; this account bills in ${settings.currency}.`
    : !settings.paymentMethods.usBankAccount
      ? 'Your provider does not accept bank account (ACH) payments.'
      : null;
  return {
    publishableKey: connection.publishable_key,
    stripeAccount: null,
    jsUrl: connection.mode === 'emulator' ? stripeJsUrlOf(ctx) : null,
    livemode: connection.livemode,
    currency: settings.currency,
    methods: { card: settings.paymentMethods.card, usBankAccount: settings.paymentMethods.usBankAccount, usBankAccountUnavailableReason: reason },
    partialPayments: settings.partialPayments,
  };
}
