// The decline-code matrix, against the Stripe emulator's test cards and bank accounts through the
// real SDK: for each way a charge can fail, which attempts retry (and when), which stop, which emails
// go out (client: failure with the reason or the authentication link; staff: final failure), and
// what the technician's timeline says in plain words. Soft declines retry on the MSP's schedule
// (3, 5, 7 days after the first failure); ACH retries at most once; hard declines never retry.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAutopay } from '../../server/autopay/run-autopay';
import { getInvoiceAutopay } from '../../server/autopay/actions/autopay-views';
import { ManualClock } from '../../server/clock';
import { runNotifications } from '../../server/notifications/run-notifications';
import { makeInvoice, makeStaffUser } from '../support/factories';
import { addPayingClient, saveVerifiedBankAccount } from '../support/payment-fixtures';
import { startTestApp, type TestApp } from '../support/test-app';
import { connectInstallationToEmulator } from '../support/webhook-fixtures';

let app: TestApp;
const START = '2026-12-01T15:00:00Z'; // 10:00 in New York, after the 09:00 run time
const clock = new ManualClock(START);
const DAY = 86_400_000;
const at = (days: number) => new Date(new Date(START).getTime() + days * DAY);

beforeAll(async () => {
  // Bank debits settle when the test moves the emulator's clock (deterministic on a slow machine).
  app = await startTestApp({ clock, realPublicUrl: true, stripeEmulator: { bankSettlementDelayMs: 60_000 } });
});
afterAll(() => app?.close());

const knex = () => app.db.database.knex;
const ctx = () => app.runtime.ctx;

interface Row {
  name: string;
  /** A card test PaymentMethod, or a test bank account number. */
  method: string;
  failureCode: string;
  declineCode: string | null;
  kind: 'soft' | 'hard' | 'authentication_required';
  /** Days after the first failure of the first retry, or null for none. */
  retryAfterDays: number | null;
  plainWords: string;
  clientSubject: RegExp;
  clientText: string;
  staffFinal: boolean;
}

const FAILED = /^Action needed: automatic payment for invoice M-\d+ failed$/;
const MATRIX: Row[] = [
  { name: 'generic decline (pm_card_chargeCustomerFail)', method: 'pm_card_chargeCustomerFail', failureCode: 'card_declined', declineCode: 'generic_decline', kind: 'soft', retryAfterDays: 3, plainWords: 'The card was declined by its bank.', clientSubject: FAILED, clientText: 'again on Friday, December 4, 2026', staffFinal: false },
  { name: 'card: insufficient funds', method: 'pm_card_visa_chargeDeclinedInsufficientFunds', failureCode: 'card_declined', declineCode: 'insufficient_funds', kind: 'soft', retryAfterDays: 3, plainWords: 'There were not enough funds in the account.', clientSubject: FAILED, clientText: 'again on Friday, December 4, 2026', staffFinal: false },
  { name: 'card: processing error', method: 'pm_card_chargeDeclinedProcessingError', failureCode: 'processing_error', declineCode: 'processing_error', kind: 'soft', retryAfterDays: 3, plainWords: 'The card could not be processed because of a temporary problem.', clientSubject: FAILED, clientText: 'again on Friday, December 4, 2026', staffFinal: false },
  { name: 'card: lost', method: 'pm_card_visa_chargeDeclinedLostCard', failureCode: 'card_declined', declineCode: 'lost_card', kind: 'hard', retryAfterDays: null, plainWords: 'The card was reported lost.', clientSubject: FAILED, clientText: 'again automatically. Please update your payment method', staffFinal: true },
  { name: 'card: stolen', method: 'pm_card_visa_chargeDeclinedStolenCard', failureCode: 'card_declined', declineCode: 'stolen_card', kind: 'hard', retryAfterDays: null, plainWords: 'The card was reported stolen.', clientSubject: FAILED, clientText: 'again automatically. Please update your payment method', staffFinal: true },
  { name: 'card: expired', method: 'pm_card_chargeDeclinedExpiredCard', failureCode: 'expired_card', declineCode: 'expired_card', kind: 'hard', retryAfterDays: null, plainWords: 'The card has expired.', clientSubject: FAILED, clientText: 'again automatically. Please update your payment method', staffFinal: true },
  { name: 'card: authentication required', method: 'pm_card_authenticationRequired', failureCode: 'authentication_required', declineCode: 'authentication_required', kind: 'authentication_required', retryAfterDays: null, plainWords: 'The bank asked for extra verification of this payment.', clientSubject: /^Confirm your payment of \$\d+\.\d\d to /, clientText: '/portal/authenticate/', staffFinal: true },
  { name: 'ACH: account closed', method: '000111111113', failureCode: 'account_closed', declineCode: null, kind: 'hard', retryAfterDays: null, plainWords: 'The bank account is closed.', clientSubject: FAILED, clientText: 'What to do next: Add a different bank account or pay by card.', staffFinal: true },
  { name: 'ACH: no account', method: '000111111116', failureCode: 'no_account', declineCode: null, kind: 'hard', retryAfterDays: null, plainWords: 'The bank could not find this account.', clientSubject: FAILED, clientText: 'again automatically. Please update your payment method', staffFinal: true },
  { name: 'ACH: debit not authorized', method: '000333333335', failureCode: 'debit_not_authorized', declineCode: null, kind: 'hard', retryAfterDays: null, plainWords: 'The account holder told their bank this debit was not authorized.', clientSubject: FAILED, clientText: 'again automatically. Please update your payment method', staffFinal: true },
  { name: 'ACH: insufficient funds (retried once)', method: '000222222227', failureCode: 'insufficient_funds', declineCode: null, kind: 'soft', retryAfterDays: 3, plainWords: 'There were not enough funds in the account.', clientSubject: FAILED, clientText: 'again on Friday, December 4, 2026', staffFinal: false },
];

const isBank = (r: Row) => /^\d+$/.test(r.method);
const emails = async (installationId: string, prefix: string) =>
  (await knex()('outbox').where({ installation_id: installationId, kind: 'email' }).where('dedupe_key', 'like', `${prefix}%`).select('dedupe_key', 'payload')) as Array<{ dedupe_key: string; payload: { to: string; subject: string; text: string } }>;
const flat = (text: string) => text.replace(/\s+/g, ' ');

describe('decline matrix', () => {
  it('retries soft declines on schedule (ACH once), stops on hard ones and authentication, and sends the right emails', { timeout: 120_000 }, async () => {
    const ctxNow = ctx();
    const inst = await connectInstallationToEmulator(ctxNow.db, ctxNow.secrets, app.emulator!);
    await knex()('installations').where({ id: inst.id }).update({ name: 'Northwind IT' });
    const admin = await makeStaffUser(inst.scope, { role: 'admin' });
    const cases: Array<{ row: Row; clientId: string; invoiceId: string; email: string }> = [];
    for (const [i, row] of MATRIX.entries()) {
      const p = await addPayingClient(app, inst, { name: `Matrix ${i}` });
      let methodId: string;
      if (isBank(row)) {
        methodId = (await saveVerifiedBankAccount(p, row.method)).id;
      } else {
        // A card saved while it worked, which its bank now declines (cards that decline cannot be
        // attached, as on Stripe): the autopay method references the test PaymentMethod directly.
        const [saved] = (await inst.scope.forClient(p.client.id).insert('payment_methods', { stripe_payment_method_id: row.method, type: 'card', brand: 'visa', last4: String(1000 + i), exp_month: 12, exp_year: 2030, status: 'active', added_by_kind: 'client' }).returning('id')) as Array<{ id: string }>;
        methodId = saved!.id;
      }
      await knex()('clients').where({ id: p.client.id }).update({ autopay_enabled: true, autopay_payment_method_id: methodId });
      const inv = await makeInvoice(inst.scope, p.client.id, { total: 5_000 + i, dueDate: '2026-11-30', number: `M-${i}` });
      cases.push({ row, clientId: p.client.id, invoiceId: inv.id, email: p.user.email });
    }

    // First run: cards answer at once; bank debits are processing until the bank returns them.
    const first = await runAutopay(ctx(), inst.id);
    expect(first.candidates).toBe(MATRIX.length);
    expect(first.processing).toBe(MATRIX.filter(isBank).length);
    app.emulator!.control.advanceTime(120);
    expect((await runAutopay(ctx(), inst.id)).resolved).toBe(MATRIX.filter(isBank).length);
    await runNotifications(ctx());

    for (const c of cases) {
      const label = c.row.name;
      const attempt = (await knex()('charge_attempts').where({ invoice_id: c.invoiceId }).first('id', 'status', 'failure_code', 'decline_code', 'next_retry_at')) as { id: string; status: string; failure_code: string | null; decline_code: string | null; next_retry_at: Date | null };
      // Off-session, authentication_required is a decline too (the intent cannot be confirmed without the cardholder).
      expect({ status: attempt.status, failure: attempt.failure_code, decline: attempt.decline_code }, label).toEqual({ status: 'failed', failure: c.row.failureCode, decline: c.row.declineCode });
      expect(attempt.next_retry_at, label).toEqual(c.row.retryAfterDays === null ? null : at(c.row.retryAfterDays));
      expect((await knex()('invoices').where({ id: c.invoiceId }).first('status', 'amount_paid')), label).toEqual({ status: 'open', amount_paid: 0 });

      // The technician's timeline says it in plain words.
      const view = await getInvoiceAutopay(ctx(), inst.scope, c.invoiceId);
      expect(view.attempts[0], label).toMatchObject({ declineKind: c.row.kind, reason: c.row.plainWords });
      expect(view.plan.state, label).toBe(c.row.retryAfterDays !== null ? 'retry_scheduled' : c.row.kind === 'authentication_required' ? 'needs_authentication' : 'stopped');

      // Emails: one to the client (reason, or the authentication link); staff only when autopay gave up.
      const toClient = await emails(inst.id, `attempt:${attempt.id}:failed`);
      expect(toClient.map((e) => e.payload.to), label).toEqual([c.email]);
      expect(toClient[0]!.payload.subject, label).toMatch(c.row.clientSubject);
      expect(flat(toClient[0]!.payload.text), label).toContain(c.row.clientText);
      if (c.row.kind !== 'authentication_required') expect(flat(toClient[0]!.payload.text), label).toContain(`Why: ${c.row.plainWords}`);
      const toStaff = await emails(inst.id, `attempt:${attempt.id}:final`);
      expect(toStaff.map((e) => e.payload.to), label).toEqual(c.row.staffFinal ? [admin.email] : []);
    }

    // Nothing is retried before its date.
    expect((await runAutopay(ctx(), inst.id)).candidates).toBe(0);

    // Three days later the soft declines are retried: cards get a third try 5 days after the first
    // failure; ACH has used its one retry and stops, and staff are told.
    clock.set(at(3));
    try {
      const retry = await runAutopay(ctx(), inst.id);
      expect(retry.candidates).toBe(MATRIX.filter((r) => r.retryAfterDays !== null).length);
      app.emulator!.control.advanceTime(120);
      await runAutopay(ctx(), inst.id);
      await runNotifications(ctx());
      for (const c of cases) {
        const label = c.row.name;
        const attempts = (await knex()('charge_attempts').where({ invoice_id: c.invoiceId }).orderBy('attempt_no').select('id', 'attempt_no', 'status', 'next_retry_at')) as Array<{ id: string; attempt_no: number; status: string; next_retry_at: Date | null }>;
        if (c.row.retryAfterDays === null) {
          expect(attempts.map((a) => a.attempt_no), label).toEqual([1]);
          continue;
        }
        expect(attempts.map((a) => [a.attempt_no, a.status]), label).toEqual([[1, 'failed'], [2, 'failed']]);
        const second = attempts[1]!;
        const finalToStaff = await emails(inst.id, `attempt:${second.id}:final`);
        if (isBank(c.row)) {
          expect(second.next_retry_at, label).toBeNull();
          expect(finalToStaff.map((e) => e.payload.to), label).toEqual([admin.email]);
          expect(flat((await emails(inst.id, `attempt:${second.id}:failed`))[0]!.payload.text), label).toContain('again automatically');
        } else {
          expect(second.next_retry_at, label).toEqual(at(5));
          expect(finalToStaff, label).toEqual([]);
        }
      }
    } finally {
      clock.set(START);
    }
  });
});
