// The pull side of the write-back: payments (with their allocations) changed after a cursor, oldest
// change first. A PSA that missed pushed deliveries, or prefers polling, catches up from here.
//
// The cursor is opaque (base64url of the position after the last row returned). Positions are
// (sync_txid, id): the transaction that last changed the payment, then the id to break ties among
// payments changed together. Only changes whose transaction is older than every transaction still
// running are returned, so a slow transaction that commits later can never land behind a cursor a
// reader already holds: nothing is skipped, and a payment reappears only when it changed again.
// A long-running transaction therefore delays the feed (never loses rows) — any transaction on the
// PostgreSQL server, since the snapshot horizon is server-wide: keep Settle's database on a server
// without long analytical transactions, or expect the feed to wait for them.
import type { InstallationScope } from '../db/tenant-scope';
import { AppError } from '../http/app-error';
import { selectPayments, toPaymentSnapshots, type PaymentRow, type PsaPaymentSnapshot } from './payment-snapshot';

export interface ListPaymentsSinceOptions {
  since?: string | undefined;
  limit: number;
}

export interface PaymentsPage {
  payments: PsaPaymentSnapshot[];
  /** Pass as `since` next time; unchanged when there was nothing new. Null only before any change. */
  nextCursor: string | null;
  hasMore: boolean;
}

interface Position {
  txid: number;
  id: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function encodeCursor(p: Position): string {
  return Buffer.from(JSON.stringify({ v: 1, t: p.txid, i: p.id })).toString('base64url');
}

export function decodeCursor(cursor: string): Position {
  try {
    const raw = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { v?: unknown; t?: unknown; i?: unknown };
    if (raw.v === 1 && Number.isSafeInteger(raw.t) && (raw.t as number) >= 0 && typeof raw.i === 'string' && UUID.test(raw.i)) {
      return { txid: raw.t as number, id: raw.i };
    }
  } catch {
    // fall through
  }
  throw new AppError('PSA_CURSOR_INVALID', { fields: [{ path: 'since', message: 'Not a cursor Settle returned.' }] });
}

/** Read-only. Pages through every payment change of the installation exactly once per change. */
export async function listPaymentsSince(scope: InstallationScope, options: ListPaymentsSinceOptions): Promise<PaymentsPage> {
  const after = options.since ? decodeCursor(options.since) : null;
  const query = selectPayments(scope)
    .whereRaw('payments.sync_txid < pg_snapshot_xmin(pg_current_snapshot())::text::bigint')
    .orderBy([{ column: 'payments.sync_txid' }, { column: 'payments.id' }])
    .limit(options.limit + 1);
  if (after) query.whereRaw('(payments.sync_txid, payments.id) > (?::bigint, ?::uuid)', [after.txid, after.id]);
  const rows = (await query) as PaymentRow[];
  const page = rows.slice(0, options.limit);
  const last = page[page.length - 1];
  return {
    payments: await toPaymentSnapshots(scope, page),
    nextCursor: last ? encodeCursor({ txid: last.sync_txid, id: last.id }) : (options.since ?? null),
    hasMore: rows.length > options.limit,
  };
}
