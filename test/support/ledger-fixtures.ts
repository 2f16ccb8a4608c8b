// Ledger test helpers: an installation with a PSA webhook URL (so every ledger change queues a
// write-back the tests can count), staff agents signed in, and row counters for "nothing changed".
import type { Knex } from 'knex';
import { makeClient, makeInstallation, makeInvoice, makeStaffUser } from './factories';
import { Agent } from './http-agent';

export const LEDGER_TABLES = ['payments', 'allocations', 'client_credits', 'invoice_write_offs', 'ledger_reversals', 'reconciliation_exceptions', 'refunds', 'audit_log', 'outbox'] as const;

/** Rows per ledger table for one installation (to prove a refused request changed nothing). */
export async function ledgerCounts(knex: Knex, installationId: string): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const t of LEDGER_TABLES) {
    const [row] = (await knex(t).where({ installation_id: installationId }).count({ n: '*' })) as Array<{ n: number | string }>;
    out[t] = Number(row!.n);
  }
  const inv = (await knex('invoices').where({ installation_id: installationId }).orderBy('id').select('id', 'amount_paid', 'amount_remaining', 'status')) as unknown[];
  out.invoices = JSON.stringify(inv);
  return out;
}

/** Outbox write-backs queued for one payment. */
export async function writeBacks(knex: Knex, paymentId: string): Promise<number> {
  const [row] = (await knex('outbox').where({ kind: 'psa_webhook', subject_id: paymentId }).count({ n: '*' })) as Array<{ n: number | string }>;
  return Number(row!.n);
}

export async function withPsaWebhook(knex: Knex, installationId: string): Promise<void> {
  await knex('installations').where({ id: installationId }).update({ psa_webhook_url: 'https://psa.example.com/settle-hook' });
}

/** An installation with an admin and a technician signed in, and a client with three invoices. */
export async function ledgerSetup(knex: Knex, baseUrl: string, inst?: Awaited<ReturnType<typeof makeInstallation>>) {
  const installation = inst ?? (await makeInstallation(knex));
  await withPsaWebhook(knex, installation.id);
  const adminUser = await makeStaffUser(installation.scope, { role: 'admin' });
  const techUser = await makeStaffUser(installation.scope, { role: 'technician' });
  const admin = new Agent(baseUrl);
  await admin.login('app', adminUser.email, adminUser.password);
  const tech = new Agent(baseUrl);
  await tech.login('app', techUser.email, techUser.password);
  const client = await makeClient(installation.scope, { name: 'Contoso Dental' });
  const invoices = [
    await makeInvoice(installation.scope, client.id, { total: 10_000, number: 'INV-1001', dueDate: '2026-11-10' }),
    await makeInvoice(installation.scope, client.id, { total: 25_000, number: 'INV-1002', dueDate: '2026-11-20' }),
    await makeInvoice(installation.scope, client.id, { total: 40_000, number: 'INV-1003', dueDate: '2026-12-01' }),
  ];
  return { inst: installation, admin, tech, adminUser, techUser, client, invoices };
}

export const invoiceRow = (knex: Knex, id: string) => knex('invoices').where({ id }).first('status', 'amount_paid', 'amount_remaining', 'amount_written_off');
