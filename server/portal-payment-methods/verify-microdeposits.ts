// Verifying a bank account with the micro-deposits Stripe sent: two amounts in cents, or the
// 6-character code (SMxxxx) on a single deposit. Stripe decides; Settle validates the shape first (a
// typo must not burn one of the three attempts), records what happened, and answers in plain words.
// The client enters them in the portal; a technician may enter what the client reads out to them
// (same checks and attempts, audited as the technician's, `enteredBy: 'technician'`).
import type Stripe from 'stripe';
import { z } from 'zod';
import type { ClientScope } from '../db/tenant-scope';
import { AppError } from '../http/app-error';
import type { AppContext } from '../http/context';
import { loadPaymentMethod, paymentMethodView } from './list-payment-methods';
import { VERIFICATION_ATTEMPTS, type PaymentMethodRow, type PaymentMethodView } from './payment-method-view';
import { recordAudit, type AuditActor } from '../audit/record-audit';
import { installationScopeOfClient } from './portal-request';
import { isStripeError, portalStripe, stripeUnavailable } from './portal-stripe';
import { settleVerificationBookkeeping, syncMethodFromStripe } from './sync-method-state';

const cents = z.number().int().min(1).max(99);
const verifyInputSchema = z.union([
  z.object({ amounts: z.tuple([cents, cents]) }).strict(),
  z.object({ descriptorCode: z.string().regex(/^SM[A-Z0-9]{4}$/i) }).strict(),
]);

export type VerifyInput = { amounts: [number, number] } | { descriptorCode: string };

/** Parses the request body; any other shape is MICRODEPOSIT_INPUT_INVALID (nothing is sent to Stripe). */
export function parseVerifyInput(body: unknown): VerifyInput {
  const parsed = verifyInputSchema.safeParse(body ?? {});
  if (parsed.success) return parsed.data;
  const keys = body && typeof body === 'object' ? Object.keys(body) : [];
  const path = keys.includes('amounts') ? 'amounts' : keys.includes('descriptorCode') ? 'descriptorCode' : '(body)';
  const message =
    path === 'amounts'
      ? 'Enter exactly two amounts in cents, each between 1 and 99 (for $0.32 enter 32).'
      : path === 'descriptorCode'
        ? 'Enter the 6-character code that starts with SM, like SM11AA.'
        : 'Enter either the two deposit amounts or the code that starts with SM.';
  throw new AppError('MICRODEPOSIT_INPUT_INVALID', { fields: [{ path, message }] });
}

const MISMATCH_CODES = new Set(['payment_method_microdeposit_verification_amounts_mismatch', 'payment_method_microdeposit_verification_descriptor_code_mismatch']);
const EXCEEDED = 'payment_method_microdeposit_verification_attempts_exceeded';
const TIMEOUT = 'payment_method_microdeposit_verification_timeout';
const INPUT_CODES = new Set(['payment_method_microdeposit_verification_amounts_invalid', 'parameter_missing']);
const NOT_PENDING_CODES = new Set(['setup_intent_unexpected_state', 'payment_method_microdeposit_failed', 'payment_method_bank_account_already_verified']);

/** Stripe says how many attempts remain in the message ("You have 2 verification attempts remaining."). */
export function attemptsLeftFrom(message: string | undefined, row: Pick<PaymentMethodRow, 'verification_attempts_left' | 'microdeposit_type'>): number {
  const match = /(\d+)\s+(?:verification\s+)?attempts?\s+remaining/i.exec(message ?? '');
  if (match) return Number(match[1]);
  const before = row.verification_attempts_left ?? VERIFICATION_ATTEMPTS[row.microdeposit_type ?? 'amounts'];
  return Math.max(before - 1, 0);
}

function mismatchMessage(kind: 'amounts' | 'descriptor_code', attemptsLeft: number): string {
  const what = kind === 'amounts' ? 'Those amounts do not match the deposits we sent.' : 'That code does not match the one on the deposit we sent.';
  return `${what} You have ${attemptsLeft} attempt${attemptsLeft === 1 ? '' : 's'} left.`;
}

/** Who entered the deposits: the client in the portal, or a technician for them. */
export interface VerifyActor {
  audit: AuditActor;
  enteredBy: 'client' | 'technician';
  ip?: string | undefined;
  requestId?: string | undefined;
}

async function auditVerify(scope: ClientScope, actor: VerifyActor, action: string, subjectId: string, details: Record<string, unknown>, ctx: AppContext): Promise<void> {
  await recordAudit(
    installationScopeOfClient(scope),
    { actor: actor.audit, action, subjectType: 'payment_method', subjectId, clientId: scope.clientId, details: { ...details, enteredBy: actor.enteredBy }, ip: actor.ip, requestId: actor.requestId },
    ctx.clock,
  );
}

export async function verifyMicrodeposits(ctx: AppContext, scope: ClientScope, actor: VerifyActor, id: string, input: VerifyInput): Promise<PaymentMethodView> {
  const row = await loadPaymentMethod(scope, id);
  if (row.status === 'expired') throw new AppError('VERIFICATION_EXPIRED');
  if (row.status !== 'pending_verification' || row.type !== 'us_bank_account' || !row.microdeposit_type || !row.setup_intent_id) {
    throw new AppError('VERIFICATION_NOT_PENDING');
  }
  const kind = row.microdeposit_type;
  if (kind === 'amounts' && !('amounts' in input)) {
    throw new AppError('MICRODEPOSIT_INPUT_INVALID', { message: 'Enter the two deposit amounts in cents from your bank statement.', fields: [{ path: 'amounts', message: 'Required.' }] });
  }
  if (kind === 'descriptor_code' && !('descriptorCode' in input)) {
    throw new AppError('MICRODEPOSIT_INPUT_INVALID', { message: 'Enter the 6-character code that starts with SM from the $0.01 deposit.', fields: [{ path: 'descriptorCode', message: 'Required.' }] });
  }
  const stripe = await portalStripe(ctx, scope);
  const params: Stripe.SetupIntentVerifyMicrodepositsParams = 'amounts' in input ? { amounts: [...input.amounts] } : { descriptor_code: input.descriptorCode.toUpperCase() };

  try {
    await stripe.setupIntents.verifyMicrodeposits(row.setup_intent_id, params);
  } catch (err) {
    if (!isStripeError(err)) throw err;
    throw await recordFailure(ctx, scope, stripe, actor, row, err);
  }

  await syncMethodFromStripe(ctx, scope, stripe, row);
  await scope.transaction(async (tx) => {
    const after = await settleVerificationBookkeeping(tx, id, ctx.clock);
    await auditVerify(tx, actor, 'payment_method.verified', id, { via: 'microdeposits', microdepositType: kind, status: after.status }, ctx);
  });
  return paymentMethodView(scope, id, ctx.clock);
}

/** Records a refused verification and returns the error to answer with. */
async function recordFailure(ctx: AppContext, scope: ClientScope, stripe: Stripe, actor: VerifyActor, row: PaymentMethodRow, err: Stripe.errors.StripeError): Promise<AppError> {
  const code = err.code ?? '';
  const now = ctx.clock.now();
  const audit = (tx: ClientScope, outcome: string, details: Record<string, unknown> = {}) =>
    auditVerify(tx, actor, 'payment_method.verification_failed', row.id, { outcome, stripeCode: code, ...details }, ctx);

  if (MISMATCH_CODES.has(code)) {
    const attemptsLeft = attemptsLeftFrom(err.message, row);
    const message = mismatchMessage(row.microdeposit_type ?? 'amounts', attemptsLeft);
    await scope.transaction(async (tx) => {
      await tx
        .from('payment_methods')
        .where({ id: row.id, status: 'pending_verification' })
        .update({ verification_attempts_left: attemptsLeft, last_verification_error: message, updated_at: now });
      await audit(tx, 'mismatch', { attemptsLeft });
    });
    return new AppError('MICRODEPOSIT_MISMATCH', { message, cause: err });
  }

  if (code === EXCEEDED || code === TIMEOUT) {
    const exceeded = code === EXCEEDED;
    // Let the convergent sync record Stripe's new state first (best effort: the explicit update
    // below is what this request guarantees; the webhook and drift sweep converge the rest).
    await syncMethodFromStripe(ctx, scope, stripe, row).catch((syncErr: unknown) => {
      ctx.logger.warn({ err: syncErr, paymentMethodRowId: row.id }, 'could not re-sync the SetupIntent after a failed verification');
    });
    const message = exceeded ? 'Too many incorrect attempts.' : 'The 10-day verification window closed.';
    await scope.transaction(async (tx) => {
      await tx
        .from('payment_methods')
        .where({ id: row.id })
        .whereIn('status', ['pending_verification', exceeded ? 'verification_failed' : 'expired'])
        .update({
          status: exceeded ? 'verification_failed' : 'expired',
          ...(exceeded ? { verification_attempts_left: 0 } : {}),
          last_verification_error: message,
          updated_at: now,
        });
      await audit(tx, exceeded ? 'attempts_exceeded' : 'expired');
    });
    return new AppError(exceeded ? 'VERIFICATION_ATTEMPTS_EXCEEDED' : 'VERIFICATION_EXPIRED', { cause: err });
  }

  if (INPUT_CODES.has(code)) return new AppError('MICRODEPOSIT_INPUT_INVALID', { cause: err });

  if (NOT_PENDING_CODES.has(code)) {
    // Verified elsewhere (Stripe's hosted page) or failed meanwhile: record what Stripe says.
    await syncMethodFromStripe(ctx, scope, stripe, row).catch(() => undefined);
    await scope.transaction((tx) => settleVerificationBookkeeping(tx, row.id, ctx.clock)).catch(() => undefined);
    return new AppError('VERIFICATION_NOT_PENDING', { cause: err });
  }

  return stripeUnavailable(err);
}
