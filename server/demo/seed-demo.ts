// Demo data for `npm start` on an empty database: the MSP "Northwind IT" with an admin, a
// technician, six clients with contacts and portal logins, and invoices across every status with
// due dates around today. Paid and partially paid invoices are backed by recorded payments and
// allocations, so every amount shown derives from the ledger like real data.
import type { Knex } from 'knex';
import { hashPassword } from '../auth/passwords';
import type { Clock } from '../clock';
import { toCount } from '../db/database';
import { InstallationScope } from '../db/tenant-scope';
import { localDate } from '../installations/local-date';

export const DEMO_LOGINS = {
  admin: { email: 'admin@northwind.example', password: 'settle-demo-admin', name: 'Avery Admin' },
  technician: { email: 'tech@northwind.example', password: 'settle-demo-tech', name: 'Toby Technician' },
  clientPassword: 'settle-demo-client',
} as const;

export const DEMO_CLIENTS = [
  { psaRef: 'PSA-C-1001', name: 'Contoso Dental Group', contact: 'Dana Reyes', email: 'ap@contoso.example' },
  { psaRef: 'PSA-C-1002', name: 'Fabrikam Logistics', contact: 'Femi Okafor', email: 'billing@fabrikam.example' },
  { psaRef: 'PSA-C-1003', name: 'Tailspin Toys', contact: 'Tara Lindqvist', email: 'accounts@tailspin.example' },
  { psaRef: 'PSA-C-1004', name: 'Woodgrove Legal', contact: 'Will Chen', email: 'finance@woodgrove.example' },
  { psaRef: 'PSA-C-1005', name: 'Adatum Architects', contact: 'Ada Moreno', email: 'office@adatum.example' },
  { psaRef: 'PSA-C-1006', name: 'Litware Clinics', contact: 'Lee Park', email: 'payables@litware.example' },
] as const;

type Kind = 'open' | 'paid' | 'partial' | 'void';
/** [client index, amount in cents, due in days from today, kind, description of the paid part] */
const INVOICES: Array<[number, number, number, Kind]> = [
  [0, 145000, -45, 'paid'],
  [0, 145000, -14, 'open'],
  [0, 32850, 0, 'open'],
  [0, 145000, 16, 'open'],
  [1, 289900, -75, 'partial'],
  [1, 61299, -3, 'open'],
  [1, 289900, 12, 'open'],
  [1, 12000, -30, 'void'],
  [2, 98000, -40, 'paid'],
  [2, 98000, -10, 'paid'],
  [2, 98000, 20, 'open'],
  [3, 412575, -21, 'open'],
  [3, 412575, 9, 'open'],
  [3, 75000, 0, 'partial'],
  [4, 54000, -60, 'paid'],
  [4, 54000, -31, 'open'],
  [4, 54000, -1, 'open'],
  [4, 128050, 25, 'open'],
  [5, 219000, -5, 'partial'],
  [5, 219000, 25, 'open'],
  [5, 8999, 2, 'open'],
  [5, 219000, -35, 'paid'],
  [2, 33000, 0, 'open'],
  [3, 19999, 5, 'open'],
];

const addDays = (date: string, days: number) => {
  const d = new Date(`${date}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
};

export async function isDatabaseEmpty(db: Knex): Promise<boolean> {
  const row = (await db('installations').count({ n: '*' }).first()) as { n: unknown };
  return toCount(row.n) === 0;
}

/** Seeds the demo installation in one transaction. Not idempotent: call only on an empty database. */
export async function seedDemo(db: Knex, clock: Clock): Promise<{ installationId: string }> {
  const timezone = 'America/New_York';
  const now = clock.now();
  const today = localDate(now, timezone);
  const [adminHash, techHash, ...clientHashes] = await Promise.all([
    hashPassword(DEMO_LOGINS.admin.password),
    hashPassword(DEMO_LOGINS.technician.password),
    ...DEMO_CLIENTS.map(() => hashPassword(DEMO_LOGINS.clientPassword)),
  ]);

  return db.transaction(async (trx) => {
    const [inst] = (await trx('installations')
      .insert({
        name: 'Northwind IT',
        psa_tenant_ref: 'demo-northwind',
        currency: 'USD',
        timezone,
        settings: JSON.stringify({ paymentMethods: { card: true, usBankAccount: true }, partialPayments: { allowed: true, minimum: 5000 } }),
      })
      .returning('id')) as Array<{ id: string }>;
    const scope = new InstallationScope(trx, inst!.id);
    await scope.insert('staff_users', [
      { email: DEMO_LOGINS.admin.email, name: DEMO_LOGINS.admin.name, role: 'admin', password_hash: adminHash },
      { email: DEMO_LOGINS.technician.email, name: DEMO_LOGINS.technician.name, role: 'technician', password_hash: techHash },
    ]);

    const clientIds: string[] = [];
    for (const [i, c] of DEMO_CLIENTS.entries()) {
      const [client] = (await scope.insert('clients', { psa_ref: c.psaRef, name: c.name, email: c.email }).returning('id')) as Array<{ id: string }>;
      clientIds.push(client!.id);
      const clientScope = scope.forClient(client!.id);
      const [contact] = (await clientScope.insert('client_contacts', { name: c.contact, email: c.email, is_billing: true }).returning('id')) as Array<{ id: string }>;
      await clientScope.insert('portal_users', { contact_id: contact!.id, email: c.email, name: c.contact, password_hash: clientHashes[i] });
    }

    for (const [n, [clientIndex, total, dueIn, kind]] of INVOICES.entries()) {
      const clientId = clientIds[clientIndex]!;
      const dueDate = addDays(today, dueIn);
      const paid = kind === 'paid' ? total : kind === 'partial' ? Math.round(total * 0.4) : 0;
      const status = kind === 'void' ? 'void' : kind === 'paid' ? 'paid' : kind === 'partial' ? 'partially_paid' : 'open';
      const number = `INV-${1001 + n}`;
      const [invoice] = (await scope
        .insert('invoices', {
          client_id: clientId,
          psa_ref: `PSA-I-${5001 + n}`,
          number,
          currency: 'USD',
          total,
          amount_paid: paid,
          amount_remaining: kind === 'void' ? 0 : total - paid,
          status,
          issued_at: addDays(dueDate, -30),
          due_date: dueDate,
          voided_at: kind === 'void' ? now : null,
        })
        .returning('id')) as Array<{ id: string }>;
      if (paid > 0) {
        const receivedAt = new Date(`${addDays(dueDate, kind === 'paid' ? -2 : 1)}T15:00:00Z`);
        const [payment] = (await scope
          .insert('payments', {
            client_id: clientId,
            source: 'offline',
            status: 'succeeded',
            amount: paid,
            currency: 'USD',
            method_type: 'check',
            reference: `Check ${4400 + n} for ${number}`,
            received_at: receivedAt,
            succeeded_at: receivedAt,
            created_by_kind: 'system',
          })
          .returning('id')) as Array<{ id: string }>;
        await scope.insert('allocations', { payment_id: payment!.id, invoice_id: invoice!.id, amount: paid, currency: 'USD', rule: 'manual' });
      }
    }
    await scope.insert('audit_log', { actor_type: 'system', action: 'demo.seeded', details: JSON.stringify({ clients: clientIds.length, invoices: INVOICES.length }) });
    return { installationId: inst!.id };
  });
}
