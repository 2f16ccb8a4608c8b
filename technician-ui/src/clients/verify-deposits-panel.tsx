import type { PaymentMethodView } from '../../../server/portal-payment-methods/payment-method-view';
import { isApiError } from '../../../ui-kit/api-client';
import { MicrodepositForm, type MicrodepositRequest } from '../../../ui-kit/components/microdeposit-form';
import { formatDate } from '../../../ui-kit/dates';
import { api } from '../api';

export type VerifyOutcome = { tone: 'success' | 'warning' | 'info'; text: string };

/** What the list says after a refused attempt that ends the form (the panel closes). */
function terminalOutcome(error: unknown, label: string): VerifyOutcome | null {
  if (!isApiError(error)) return null;
  switch (error.code) {
    case 'VERIFICATION_ATTEMPTS_EXCEEDED':
      return { tone: 'warning', text: `${label} can no longer be verified: too many attempts did not match. The client has to add the account again — send them a setup link.` };
    case 'VERIFICATION_EXPIRED':
      return { tone: 'warning', text: `The 10-day window to verify ${label} has closed. The client has to add the account again — send them a setup link.` };
    case 'VERIFICATION_NOT_PENDING':
      return { tone: 'info', text: `${label} is no longer waiting for verification (the client may have just verified it). The list shows its status now.` };
    default:
      return null;
  }
}

/**
 * Micro-deposits the client reads out to a technician (phone, in person), entered on their behalf:
 * the same checks and attempts as the portal, audited as the technician's.
 */
export default function VerifyDepositsPanel({
  clientId,
  method,
  onClose,
  onChanged,
}: {
  clientId: string;
  method: PaymentMethodView & { verification: NonNullable<PaymentMethodView['verification']> };
  onClose: (outcome: VerifyOutcome | null) => void;
  onChanged: () => void;
}) {
  const v = method.verification;
  const now = new Date();
  const today = `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}-${String(now.getDate()).padStart(2, '0')}`;
  const notArrived = v.arrivalDate !== null && v.arrivalDate > today;
  const attempts = v.attemptsLeft === null ? 'a limited number of attempts' : `${v.attemptsLeft} attempt${v.attemptsLeft === 1 ? '' : 's'} left`;
  return (
    <div className="verify-deposits">
      <MicrodepositForm
        microdepositType={v.microdepositType}
        title={`Enter the deposits for ${method.label}`}
        intro={
          <div className={`alert ${notArrived ? 'alert--warning' : 'alert--info'}`}>
            {notArrived && <strong className="alert__title">The deposits are expected {formatDate(v.arrivalDate!)}; the client may not see them yet.</strong>}
            Enter only what the client reads to you from their bank statement — never a guess. There are {attempts}; after the last wrong one the client has to add
            the account again.
          </div>
        }
        hints={{
          amounts: 'Two deposits of less than $1 described ACCTVERIFY on the client’s statement. For $0.32 enter 32; the order doesn’t matter.',
          code: 'The 6 characters starting with SM in the description of the $0.01 deposit on the client’s statement, e.g. SM11AA.',
        }}
        submitLabel="Verify for the client"
        secondaryAction={
          <button type="button" className="btn btn--secondary" onClick={() => onClose(null)}>
            Cancel
          </button>
        }
        submit={async (body: MicrodepositRequest) => {
          const { paymentMethod } = await api.post<{ paymentMethod: PaymentMethodView }>(`/clients/${encodeURIComponent(clientId)}/payment-methods/${encodeURIComponent(method.id)}/verify`, body);
          onClose(
            paymentMethod.status === 'active'
              ? { tone: 'success', text: `${paymentMethod.label} is verified and ready to use.` }
              : { tone: 'info', text: `${paymentMethod.label}: ${paymentMethod.statusText}.` },
          );
        }}
        onFailed={(error) => {
          const outcome = terminalOutcome(error, method.label);
          if (outcome) onClose(outcome);
          else onChanged(); // attempts left went down: the list shows it
        }}
      />
    </div>
  );
}
