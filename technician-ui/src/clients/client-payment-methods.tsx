import { lazy, Suspense, useState } from 'react';
import type { PaymentMethodView } from '../../../server/portal-payment-methods/payment-method-view';
import type { EnteredBy, StaffPaymentMethodView } from '../../../server/staff-payment-methods/list-staff-payment-methods';
import type { StaffAutopayView } from '../../../server/staff-payment-methods/staff-autopay';
import { Badge } from '../../../ui-kit/components/badge';
import { EmptyState } from '../../../ui-kit/components/empty-state';
import { ErrorState } from '../../../ui-kit/components/error-state';
import { Loading } from '../../../ui-kit/components/loading';
import { TableRegion } from '../../../ui-kit/components/table-region';
import { formatDate, formatTimestamp } from '../../../ui-kit/dates';
import { useResource } from '../../../ui-kit/use-resource';
import { api } from '../api';
import { useLiveVersion } from '../live/live-context';
import { CHANNEL_WORDS } from './authorization-channel';
import { AutopaySwitch } from './autopay-switch';
import './client-payment-methods.css';

// Stripe.js and the add-method forms load only when a technician opens them; so does the deposits form.
const AddMethodPanel = lazy(() => import('./add-method-panel'));
const VerifyDepositsPanel = lazy(() => import('./verify-deposits-panel'));


function StatusBadge({ method }: { method: PaymentMethodView }) {
  switch (method.status) {
    case 'active':
      return <Badge tone="success">{method.type === 'us_bank_account' ? 'Verified' : 'Active'}</Badge>;
    case 'pending_verification':
      return <Badge tone="warning">Awaiting verification</Badge>;
    case 'verification_failed':
      return <Badge tone="danger">Verification failed</Badge>;
    case 'expired':
      return <Badge tone="neutral">Expired</Badge>;
    default: {
      const never: never = method.status;
      return <Badge tone="neutral">{String(never)}</Badge>;
    }
  }
}

/** "Added by Jane Tech on Dec 5 — client authorized by phone", "Added by the client", "Found in Stripe". */
function enteredByText(e: EnteredBy): { main: string; sub: string | null } {
  const on = formatTimestamp(e.at);
  switch (e.kind) {
    case 'technician':
      return {
        main: `Added by ${e.name ?? 'a technician'} · ${on}`,
        sub: e.authorization ? `Client authorized ${CHANNEL_WORDS[e.authorization.channel]}${e.authorization.mandate === 'offline' ? ' (offline mandate)' : ''}` : null,
      };
    case 'client':
      return { main: `Added by the client${e.name ? ` (${e.name})` : ''} · ${on}`, sub: null };
    default:
      return { main: `Found in Stripe · ${on}`, sub: null };
  }
}

type Notice = { tone: 'success' | 'info' | 'warning'; text: string } | null;

function savedNotice(method: PaymentMethodView): Notice {
  if (method.status === 'active') return { tone: 'success', text: `${method.label} was saved and is ready to use.` };
  if (method.status === 'pending_verification') {
    return { tone: 'info', text: `${method.label} was saved. ${method.statusText}. The client confirms the micro-deposits in the portal (or on Stripe’s verification page), or reads them out to you: “Enter deposits”.` };
  }
  return { tone: 'info', text: `${method.label}: ${method.statusText}.` };
}

/** The client's saved cards and bank accounts, with verification progress, default, autopay and who entered each. */
export function ClientPaymentMethods({ clientId, canAdd = true, onChanged }: { clientId: string; canAdd?: boolean; onChanged?: () => void }) {
  const live = useLiveVersion(`client:${clientId}`);
  const [version, setVersion] = useState(0);
  const [adding, setAdding] = useState(false);
  const [verifyingId, setVerifyingId] = useState<string | null>(null);
  const [notice, setNotice] = useState<Notice>(null);
  const { data, error, reload } = useResource(`client-methods:${clientId}#${live}.${version}`, (signal) =>
    api.get<{ methods: StaffPaymentMethodView[]; autopay: StaffAutopayView }>(`/clients/${encodeURIComponent(clientId)}/payment-methods`, { signal }),
    // A reload after an action (or a live update) keeps the list and any open form on screen.
    { keepPreviousData: true },
  );

  const toolbar = (
    <div className="methods-toolbar">
      <p className="methods-toolbar__text">
        Prefer a setup link: the client enters their own details. When the client gives you their card or bank details and authorization by phone, in person or on paper, add them here.
      </p>
      {!adding && (
        <button
          type="button"
          className="btn btn--secondary"
          onClick={() => {
            setAdding(true);
            setVerifyingId(null);
            setNotice(null);
          }}
          disabled={!canAdd}
          title={canAdd ? undefined : 'Map this client to a Stripe customer first'}
        >
          Add on client’s behalf
        </button>
      )}
    </div>
  );
  const panel = adding && (
    <Suspense fallback={<div className="card add-method"><Loading label="Loading the secure form…" /></div>}>
      <AddMethodPanel
        clientId={clientId}
        onCancel={() => setAdding(false)}
        onDone={(method) => {
          setAdding(false);
          setNotice(savedNotice(method));
          setVersion((v) => v + 1);
        }}
      />
    </Suspense>
  );
  const verifying = data?.methods.find((m) => m.id === verifyingId && m.status === 'pending_verification');
  const verifyPanel = verifying?.verification && (
    <Suspense fallback={<div className="card verify-deposits"><Loading label="Loading…" /></div>}>
      <VerifyDepositsPanel
        key={verifying.id}
        clientId={clientId}
        method={{ ...verifying, verification: verifying.verification }}
        onChanged={() => setVersion((v) => v + 1)}
        onClose={(outcome) => {
          setVerifyingId(null);
          if (outcome) setNotice(outcome);
          setVersion((v) => v + 1);
        }}
      />
    </Suspense>
  );
  const noticeEl = (
    <p className={notice ? `methods-notice alert alert--${notice.tone}` : 'sr-only'} role="status">
      {notice?.text ?? ''}
    </p>
  );

  let list;
  if (error) list = <div className="card"><ErrorState error={error} title="We couldn’t load the payment methods" onRetry={reload} /></div>;
  else if (!data) list = <div className="card"><Loading label="Loading payment methods…" /></div>;
  else if (data.methods.length === 0) {
    list = (
      <div className="card">
        <EmptyState title="No saved payment methods">Send the client a setup link: they add a card or bank account themselves, on a secure page.</EmptyState>
      </div>
    );
  } else {
    list = (
      <TableRegion label="Payment methods">
        <table className="table table--stack">
          <thead>
            <tr>
              <th scope="col">Method</th>
              <th scope="col">Status</th>
              <th scope="col">Verification</th>
              <th scope="col">Added</th>
            </tr>
          </thead>
          <tbody>
            {data.methods.map((m) => {
              const entered = enteredByText(m.enteredBy);
              return (
                <tr key={m.id}>
                  <td className="is-primary">
                    <span className="cell-stack" style={{ justifyItems: 'start' }}>
                      <span>{m.label}</span>
                      <span className="flag-list">
                        {m.isDefault && <Badge tone="accent">Default</Badge>}
                        {m.isAutopay && <Badge tone="info">Autopay</Badge>}
                        {m.enteredBy.kind === 'technician' && <Badge tone="neutral">Technician-entered</Badge>}
                      </span>
                    </span>
                  </td>
                  <td className="is-badge" data-label="Status">
                    <span className="cell-stack" style={{ justifyItems: 'start' }}>
                      <StatusBadge method={m} />
                      <span className="cell-stack__sub">{m.statusText}</span>
                    </span>
                  </td>
                  <td data-label="Verification">
                    {m.verification ? (
                      <span className="cell-stack" style={{ justifyItems: 'start' }}>
                        {m.verification.arrivalDate && <span>Deposits arrive {formatDate(m.verification.arrivalDate)}</span>}
                        {m.verification.attemptsLeft !== null && <span className="cell-stack__sub">{m.verification.attemptsLeft} attempts left</span>}
                        {m.verification.expiresAt && <span className="cell-stack__sub">Verify by {formatTimestamp(m.verification.expiresAt)}</span>}
                        {m.hostedVerificationUrl && (
                          <a className="methods-link" href={m.hostedVerificationUrl} target="_blank" rel="noreferrer">
                            Stripe’s verification page
                          </a>
                        )}
                        {m.status === 'pending_verification' && m.verification && verifyingId !== m.id && (
                          <button
                            type="button"
                            className="btn btn--secondary btn--sm methods-verify"
                            aria-label={`Enter the deposits for ${m.label}`}
                            onClick={() => {
                              setVerifyingId(m.id);
                              setAdding(false);
                              setNotice(null);
                            }}
                          >
                            Enter deposits
                          </button>
                        )}
                      </span>
                    ) : (
                      <span className="muted">—</span>
                    )}
                  </td>
                  <td data-label="Added">
                    <span className="cell-stack entered-by" style={{ justifyItems: 'start' }}>
                      <span>{entered.main}</span>
                      {entered.sub && <span className="cell-stack__sub">{entered.sub}</span>}
                    </span>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </TableRegion>
    );
  }

  const autopay = data && (
    <AutopaySwitch
      clientId={clientId}
      autopay={data.autopay}
      methods={data.methods}
      canChange={canAdd}
      onChanged={(text) => {
        setNotice({ tone: 'success', text });
        setVersion((v) => v + 1);
        onChanged?.(); // the header's autopay badge
      }}
    />
  );

  return (
    <>
      {toolbar}
      {noticeEl}
      {panel}
      {verifyPanel}
      {autopay}
      {list}
    </>
  );
}
