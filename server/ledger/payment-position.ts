// Where a payment's money is. For a succeeded payment:
//   amount = applied + credit + reversed + unapplied
// applied: its applied allocations; credit: what it left on the client's credit balance; reversed:
// what refunds and lost disputes took back (not restored); unapplied: what still waits for a person
// (the exceptions queue). unapplied is never negative; the property tests check the identity.
import { AppError } from '../http/app-error';
import type { InstallationScope } from '../db/tenant-scope';

export interface PaymentPosition {
  id: string;
  clientId: string | null;
  status: string;
  source: string;
  currency: string;
  amount: number;
  amountRefunded: number;
  disputeStatus: string | null;
  reconciledAt: Date | null;
  applied: number;
  credit: number;
  reversed: number;
  unapplied: number;
}

const num = (v: unknown) => Number(v ?? 0);

/** Reads (and with `lock`, locks) a payment and its position. 404 PAYMENT_NOT_FOUND if not in this installation. */
export async function paymentPosition(scope: InstallationScope, paymentId: string, options: { lock?: boolean } = {}): Promise<PaymentPosition> {
  const q = scope.from('payments').where({ id: paymentId });
  const p = (await (options.lock ? q.forUpdate() : q).first('id', 'client_id', 'status', 'source', 'currency', 'amount', 'amount_refunded', 'dispute_status', 'reconciled_at')) as
    | { id: string; client_id: string | null; status: string; source: string; currency: string; amount: number; amount_refunded: number; dispute_status: string | null; reconciled_at: Date | null }
    | undefined;
  if (!p) throw new AppError('PAYMENT_NOT_FOUND');
  // The three sums in one statement, read after the payment's lock is held (a statement of its own,
  // so under READ COMMITTED it sees what committed while the lock was awaited).
  const sums = (await scope.db.raw(
    `select (select sum(amount) from allocations where installation_id = :inst and payment_id = :id and state = 'applied') as applied,
            (select sum(amount) from client_credits where installation_id = :inst and payment_id = :id) as credit,
            (select sum(amount) from ledger_reversals where installation_id = :inst and payment_id = :id and restored_at is null) as reversed`,
    { inst: scope.installationId, id: paymentId },
  )) as { rows: Array<{ applied: unknown; credit: unknown; reversed: unknown }> };
  const applied = num(sums.rows[0]?.applied);
  const credit = num(sums.rows[0]?.credit);
  const reversed = num(sums.rows[0]?.reversed);
  const amount = num(p.amount);
  return {
    id: p.id,
    clientId: p.client_id,
    status: p.status,
    source: p.source,
    currency: p.currency.trim(),
    amount,
    amountRefunded: num(p.amount_refunded),
    disputeStatus: p.dispute_status,
    reconciledAt: p.reconciled_at,
    applied,
    credit,
    reversed,
    unapplied: amount - applied - credit - reversed,
  };
}
