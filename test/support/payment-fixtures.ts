// A client ready to pay from the portal: an installation connected to the emulator (with its
// publishable key), a client mapped to a Stripe customer, a logged-in portal user, and helpers to
// save a card or a verified bank account as Stripe.js would have (through the SDK).
import type Stripe from 'stripe';
import { makeClient, makePortalUser } from './factories';
import { Agent } from './http-agent';
import type { TestApp } from './test-app';
import { connectInstallationToEmulator } from './webhook-fixtures';

export async function makePayingClient(app: TestApp, options: { name?: string } = {}) {
  const ctx = app.runtime.ctx;
  const inst = await connectInstallationToEmulator(ctx.db, ctx.secrets, app.emulator!);
  return addPayingClient(app, inst, options);
}

export async function addPayingClient(app: TestApp, inst: Awaited<ReturnType<typeof connectInstallationToEmulator>>, options: { name?: string } = {}) {
  const client = await makeClient(inst.scope, { name: options.name });
  const customer = await inst.stripe.customers.create({ name: client.name, metadata: { settle_client_id: client.id } });
  await inst.scope.from('clients').where({ id: client.id }).update({ stripe_customer_id: customer.id, mapping_status: 'mapped', mapping_source: 'created' });
  const user = await makePortalUser(inst.scope, client.id);
  const agent = new Agent(app.url);
  await agent.login('portal', user.email, user.password);
  return { inst, client, customer, user, agent, stripe: inst.stripe };
}

type Paying = Awaited<ReturnType<typeof makePayingClient>>;

function label(pm: Stripe.PaymentMethod) {
  return {
    type: pm.type,
    brand: pm.card?.brand ?? null,
    last4: pm.card?.last4 ?? pm.us_bank_account?.last4 ?? null,
    bank_name: pm.us_bank_account?.bank_name ?? null,
    exp_month: pm.card?.exp_month ?? null,
    exp_year: pm.card?.exp_year ?? null,
  };
}

/** A saved card (test token, e.g. pm_card_visa or pm_card_chargeCustomerFail), as an active payment_methods row. */
export async function saveCard(p: Paying, token = 'pm_card_visa'): Promise<{ id: string; stripeId: string }> {
  const pm = await p.stripe.paymentMethods.attach(token, { customer: p.customer.id });
  const [row] = (await p.inst.scope
    .forClient(p.client.id)
    .insert('payment_methods', { stripe_payment_method_id: pm.id, status: 'active', added_by_kind: 'client', ...label(pm) })
    .returning('id')) as Array<{ id: string }>;
  return { id: row!.id, stripeId: pm.id };
}

/** A verified bank account with its mandate (SetupIntent confirmed and verified with 32/45). */
export async function saveVerifiedBankAccount(p: Paying, accountNumber = '000123456789'): Promise<{ id: string; stripeId: string; mandateId: string }> {
  let si = await p.stripe.setupIntents.create({
    customer: p.customer.id,
    allowed_payment_method_types: ['us_bank_account'],
    payment_method_options: { us_bank_account: { verification_method: 'microdeposits' } },
    confirm: true,
    payment_method_data: { type: 'us_bank_account', us_bank_account: { routing_number: '110000000', account_number: accountNumber, account_holder_type: 'company', account_type: 'checking' }, billing_details: { name: 'Contoso Ltd' } },
    mandate_data: { customer_acceptance: { type: 'online', online: { ip_address: '127.0.0.1', user_agent: 'test' } } },
  } as Stripe.SetupIntentCreateParams);
  if (si.status === 'requires_action') {
    const byCode = si.next_action?.verify_with_microdeposits?.microdeposit_type === 'descriptor_code';
    si = await p.stripe.setupIntents.verifyMicrodeposits(si.id, byCode ? { descriptor_code: 'SM11AA' } : { amounts: [32, 45] });
  }
  const pm = await p.stripe.paymentMethods.retrieve(si.payment_method as string);
  const mandateId = si.mandate as string;
  const [row] = (await p.inst.scope
    .forClient(p.client.id)
    .insert('payment_methods', { stripe_payment_method_id: pm.id, setup_intent_id: si.id, mandate_id: mandateId, status: 'active', added_by_kind: 'client', ...label(pm), account_type: 'checking', account_holder_type: 'company' })
    .returning('id')) as Array<{ id: string }>;
  return { id: row!.id, stripeId: pm.id, mandateId };
}
