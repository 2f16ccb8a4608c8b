// Test data written through the same scopes the server uses. Passwords are hashed for real.
import type { Knex } from 'knex';
import { hashPassword } from '../../server/auth/passwords';
import { InstallationScope } from '../../server/db/tenant-scope';

let seq = 0;
const next = () => `${Date.now().toString(36)}${(seq++).toString(36)}`;

export async function makeInstallation(db: Knex, overrides: { name?: string; timezone?: string; currency?: string } = {}) {
  const [row] = (await db('installations')
    .insert({
      name: overrides.name ?? `MSP ${next()}`,
      psa_tenant_ref: `tenant-${next()}`,
      currency: overrides.currency ?? 'USD',
      timezone: overrides.timezone ?? 'America/New_York',
    })
    .returning('id')) as Array<{ id: string }>;
  return { id: row!.id, scope: new InstallationScope(db, row!.id) };
}

export async function makeStaffUser(
  scope: InstallationScope,
  overrides: { role?: 'admin' | 'technician'; password?: string; email?: string } = {},
) {
  const email = overrides.email ?? `staff-${next()}@msp.example`;
  const password = overrides.password ?? 'correct horse battery';
  const [row] = (await scope
    .insert('staff_users', { email, name: `Staff ${email}`, role: overrides.role ?? 'technician', password_hash: await hashPassword(password) })
    .returning('id')) as Array<{ id: string }>;
  return { id: row!.id, email, password };
}

export async function makeClient(scope: InstallationScope, overrides: { name?: string } = {}) {
  const name = overrides.name ?? `Client ${next()}`;
  const [row] = (await scope.insert('clients', { psa_ref: `C-${next()}`, name, email: `billing-${next()}@client.example` }).returning('id')) as Array<{ id: string }>;
  return { id: row!.id, name };
}

export async function makePortalUser(scope: InstallationScope, clientId: string, overrides: { password?: string } = {}) {
  const email = `contact-${next()}@client.example`;
  const password = overrides.password ?? 'portal password 1';
  const client = scope.forClient(clientId);
  const [contact] = (await client.insert('client_contacts', { name: 'Pat Contact', email }).returning('id')) as Array<{ id: string }>;
  const [row] = (await client
    .insert('portal_users', { email, name: 'Pat Contact', contact_id: contact!.id, password_hash: await hashPassword(password) })
    .returning('id')) as Array<{ id: string }>;
  return { id: row!.id, email, password };
}

export async function makeInvoice(
  scope: InstallationScope,
  clientId: string,
  overrides: { total?: number; dueDate?: string; status?: string; number?: string } = {},
) {
  const total = overrides.total ?? 10_000;
  const number = overrides.number ?? `INV-${next()}`;
  const [row] = (await scope
    .insert('invoices', {
      client_id: clientId,
      psa_ref: `I-${next()}`,
      number,
      currency: 'USD',
      total,
      amount_paid: 0,
      amount_remaining: total,
      status: overrides.status ?? 'open',
      issued_at: '2026-11-01',
      due_date: overrides.dueDate ?? '2026-12-01',
    })
    .returning('id')) as Array<{ id: string }>;
  return { id: row!.id, number, total };
}
