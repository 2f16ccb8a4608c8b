import type Stripe from 'stripe';
import type { AccountState } from '../../core/account-state.js';
import type { Emulator } from '../../core/emulator.js';
import { invalidRequest } from '../../core/stripe-error.js';
import { applyMetadata } from '../../http/params.js';
import { emitEvent } from '../events/emit-event.js';
import { disputeBalanceTransaction } from './open-dispute.js';

const OPEN: string[] = ['needs_response', 'warning_needs_response', 'under_review', 'warning_under_review'];

function assertOpen(dispute: Stripe.Dispute, action: string): void {
  if (!OPEN.includes(dispute.status)) {
    throw invalidRequest(`This dispute is already closed (status: ${dispute.status}); you cannot ${action} it.`, { code: 'dispute_already_closed' });
  }
}

function decide(em: Emulator, account: AccountState, dispute: Stripe.Dispute, outcome: 'won' | 'lost', nowSec: number): void {
  dispute.status = outcome;
  dispute.is_charge_refundable = false;
  if (outcome === 'won') {
    dispute.balance_transactions.push(disputeBalanceTransaction(dispute, nowSec, 'reinstatement'));
    emitEvent(em, account, 'charge.dispute.funds_reinstated', dispute);
  }
  emitEvent(em, account, 'charge.dispute.closed', dispute);
}

/** Accepts the dispute (`disputes.close`): status `lost`, `charge.dispute.closed`. Refuses a closed dispute. */
export function closeDispute(em: Emulator, account: AccountState, dispute: Stripe.Dispute): Stripe.Dispute {
  assertOpen(dispute, 'close');
  decide(em, account, dispute, 'lost', em.clock.nowSeconds());
  return dispute;
}

export interface UpdateDisputeInput {
  evidence?: Record<string, string> | undefined;
  metadata?: Record<string, string> | '' | undefined;
  submit?: boolean | undefined;
}

/**
 * Updates evidence/metadata (`charge.dispute.updated`); `submit=true` sends it for review. Like
 * Stripe's test mode, `uncategorized_text` `winning_evidence` wins and `losing_evidence` loses
 * at once; other evidence leaves the dispute `under_review`.
 */
export function updateDispute(em: Emulator, account: AccountState, dispute: Stripe.Dispute, input: UpdateDisputeInput): Stripe.Dispute {
  if (input.evidence || input.submit) assertOpen(dispute, 'update');
  const before = structuredClone(dispute);
  if (input.evidence) {
    const evidence = dispute.evidence as unknown as Record<string, unknown>;
    for (const [k, v] of Object.entries(input.evidence)) evidence[k] = v === '' ? null : v;
    dispute.evidence_details.has_evidence = true;
  }
  dispute.metadata = applyMetadata(dispute.metadata, input.metadata);
  if (input.submit) {
    dispute.evidence_details.submission_count += 1;
    dispute.evidence_details.submission_method = 'manual';
    dispute.status = 'under_review';
  }
  emitEvent(em, account, 'charge.dispute.updated', dispute, before);
  const text = dispute.evidence.uncategorized_text;
  if (input.submit && (text === 'winning_evidence' || text === 'losing_evidence')) {
    decide(em, account, dispute, text === 'winning_evidence' ? 'won' : 'lost', em.clock.nowSeconds());
  }
  return dispute;
}
