// Helpers for PSA API tests: an API key for an installation, a PSA-speaking client, and direct
// payment/allocation writes standing in for the ledger.
import type { Knex } from 'knex';
import { createApiKey } from '../../server/auth/api-keys';
import { systemClock } from '../../server/clock';
import type { InstallationScope } from '../../server/db/tenant-scope';
import { makeStaffUser } from './factories';
import type { ApiResponse } from './http-agent';

export async function makeApiKey(scope: InstallationScope): Promise<string> {
  const admin = await makeStaffUser(scope, { role: 'admin' });
  const { secret } = await createApiKey(scope, { name: 'PSA sync', createdBy: admin.id }, systemClock);
  return secret;
}

export class PsaClient {
  constructor(
    readonly baseUrl: string,
    readonly key: string,
  ) {}

  async request<T = any>(method: string, path: string, json?: unknown, raw?: string): Promise<ApiResponse<T>> {
    const res = await fetch(this.baseUrl + path, {
      method,
      headers: { authorization: `Bearer ${this.key}`, ...(json !== undefined || raw !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: raw ?? (json !== undefined ? JSON.stringify(json) : undefined),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: (res.headers.get('content-type')?.includes('json') && text ? JSON.parse(text) : text) as T };
  }

  post<T = any>(path: string, json: unknown) {
    return this.request<T>('POST', path, json);
  }

  get<T = any>(path: string) {
    return this.request<T>('GET', path);
  }
}

/** A succeeded payment of `amount` for a client, as the ledger would write it. */
export async function makePayment(scope: InstallationScope, clientId: string, amount: number, overrides: Record<string, unknown> = {}): Promise<string> {
  const [row] = (await scope
    .insert('payments', { client_id: clientId, source: 'offline', status: 'succeeded', amount, currency: 'USD', method_type: 'check', reference: 'Check 100', ...overrides })
    .returning('id')) as Array<{ id: string }>;
  return row!.id;
}

/** Allocates a payment to an invoice and keeps the invoice's derived amounts in step. */
export async function allocate(scope: InstallationScope, paymentId: string, invoiceId: string, amount: number): Promise<string> {
  const [row] = (await scope.insert('allocations', { payment_id: paymentId, invoice_id: invoiceId, amount, currency: 'USD', rule: 'manual' }).returning('id')) as Array<{ id: string }>;
  const db = scope.db as Knex;
  await scope
    .from('invoices')
    .where({ id: invoiceId })
    .update({
      amount_paid: db.raw('amount_paid + ?', [amount]),
      amount_remaining: db.raw('greatest(total - amount_paid - ?, 0)', [amount]),
      status: db.raw("case when amount_paid + ? >= total then 'paid' else 'partially_paid' end", [amount]),
    });
  return row!.id;
}
