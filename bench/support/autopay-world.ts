// Many due invoices for autopay, made fast: `clients` mapped clients, each with a Stripe customer and
// a saved Visa in the emulator (through the SDK) set as its autopay method, and `invoices` open
// invoices due `dueDate`, spread over the clients and inserted in bulk. Used by the autopay benchmark
// and the multi-process test.
import type Stripe from 'stripe';
import type { InstallationScope } from '../../server/db/tenant-scope';

export interface AutopayWorld {
  invoiceIds: string[];
  total: number;
}

export async function seedAutopayWorld(scope: InstallationScope, stripe: Stripe, options: { clients: number; invoices: number; dueDate: string; prefix?: string }): Promise<AutopayWorld> {
  const prefix = options.prefix ?? 'AP';
  const clientIds: string[] = [];
  const batch = 50;
  for (let start = 0; start < options.clients; start += batch) {
    const made = await Promise.all(
      Array.from({ length: Math.min(batch, options.clients - start) }, async (_, k) => {
        const i = start + k;
        const customer = await stripe.customers.create({ name: `${prefix} client ${i}` });
        const pm = await stripe.paymentMethods.attach('pm_card_visa', { customer: customer.id });
        return { i, customer: customer.id, pm: pm.id };
      }),
    );
    // Bulk inserts: the client-summary triggers run once per statement, not once per row.
    const clients = (await scope.insert('clients', made.map((m) => ({ psa_ref: `${prefix}-C-${m.i}`, name: `${prefix} client ${m.i}`, mapping_status: 'mapped', stripe_customer_id: m.customer }))).returning(['id', 'stripe_customer_id'])) as Array<{ id: string; stripe_customer_id: string }>;
    const clientOf = new Map(clients.map((c) => [c.stripe_customer_id, c.id]));
    const methods = (await scope
      .insert('payment_methods', made.map((m) => ({ client_id: clientOf.get(m.customer)!, stripe_payment_method_id: m.pm, type: 'card', status: 'active', brand: 'visa', last4: '4242', exp_month: 12, exp_year: 2034, added_by_kind: 'client' })))
      .returning(['id', 'client_id'])) as Array<{ id: string; client_id: string }>;
    for (const m of methods) await scope.from('clients').where({ id: m.client_id }).update({ autopay_enabled: true, autopay_payment_method_id: m.id });
    clientIds.push(...made.map((m) => clientOf.get(m.customer)!));
  }
  const rows = Array.from({ length: options.invoices }, (_, i) => {
    const total = 1_000 + (i % 977);
    return {
      client_id: clientIds[i % clientIds.length]!, psa_ref: `${prefix}-I-${i}`, number: `${prefix}-${100_000 + i}`, currency: 'USD', total, amount_paid: 0,
      amount_remaining: total, status: 'open', issued_at: options.dueDate, due_date: options.dueDate,
    };
  });
  const invoiceIds: string[] = [];
  for (let i = 0; i < rows.length; i += 500) {
    const ids = (await scope.insert('invoices', rows.slice(i, i + 500)).returning('id')) as Array<{ id: string }>;
    invoiceIds.push(...ids.map((r) => r.id));
  }
  return { invoiceIds, total: rows.reduce((s, r) => s + r.total, 0) };
}

/** Every PaymentIntent in the emulator account, by invoice id (from their metadata). */
export async function intentsByInvoice(stripe: Stripe): Promise<Map<string, Stripe.PaymentIntent[]>> {
  const out = new Map<string, Stripe.PaymentIntent[]>();
  for await (const pi of stripe.paymentIntents.list({ limit: 100 })) {
    const id = pi.metadata.settle_invoice_id;
    if (!id) continue;
    out.set(id, [...(out.get(id) ?? []), pi]);
  }
  return out;
}
