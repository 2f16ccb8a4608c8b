// What the technician page needs before adding a method on a client's behalf: Stripe.js config (the
// publishable key, never a secret), which types the installation offers (and why ACH is not), and
// the authorization texts the technician will confirm, with their version.
import type { InstallationScope } from '../db/tenant-scope';
import { AppError } from '../http/app-error';
import type { AppContext } from '../http/context';
import { getStripeConfig, type StripeConfigView } from '../portal-payments/stripe-config';
import { AUTHORIZATION_CHANNELS, CHANNEL_WORDS, STAFF_AUTHORIZATION_VERSION, staffAuthorizationText, type AuthorizationChannel } from './authorization-texts';
import { autopayTextFor } from './staff-autopay';
import { loadMappedClient } from './staff-setup';

export interface AddMethodOptions {
  stripe: StripeConfigView;
  mspName: string;
  clientName: string;
  version: string;
  channels: Array<{ id: AuthorizationChannel; words: string }>;
  card: { offered: boolean; authorizationText: string };
  usBankAccount: { offered: boolean; unavailableReason: string | null; authorizationText: string };
  /** What the technician confirms when turning autopay on for the client. */
  autopayText: string;
}

export async function addMethodOptions(ctx: AppContext, scope: InstallationScope, clientId: string): Promise<AddMethodOptions> {
  const client = await loadMappedClient(scope, clientId);
  const stripe = await getStripeConfig(ctx, scope.installationId).catch((err: unknown) => {
    // The portal's "not available" means, for staff, that Stripe is not (fully) connected.
    if (err instanceof AppError && err.code === 'ONLINE_PAYMENTS_UNAVAILABLE') throw new AppError('STRIPE_NOT_CONNECTED', { cause: err });
    throw err;
  });
  const inst = (await scope.db('installations').where({ id: scope.installationId }).first('name')) as { name: string };
  return {
    stripe,
    mspName: inst.name,
    clientName: client.name,
    version: STAFF_AUTHORIZATION_VERSION,
    channels: AUTHORIZATION_CHANNELS.map((id) => ({ id, words: CHANNEL_WORDS[id] })),
    card: { offered: stripe.methods.card, authorizationText: staffAuthorizationText('card', inst.name, client.name) },
    usBankAccount: {
      offered: stripe.methods.usBankAccount,
      unavailableReason: stripe.methods.usBankAccountUnavailableReason,
      authorizationText: staffAuthorizationText('us_bank_account', inst.name, client.name),
    },
    autopayText: await autopayTextFor(scope, client.name),
  };
}
