import { useId, useState } from 'react';
import { Link } from 'react-router-dom';
import { ConfirmDialog } from '../../../ui-kit/components/confirm-dialog';
import { describeError, ErrorState } from '../../../ui-kit/components/error-state';
import { Loading } from '../../../ui-kit/components/loading';
import { formatDate, formatTimestamp } from '../../../ui-kit/dates';
import { formatMoney } from '../../../ui-kit/money';
import { api } from '../api';
import { ClientAutopayBadge, PlanBadge } from './autopay-badges';
import { autopayChanged, useClientAutopay, type ClientAutopayView, type UpcomingChargeView } from './use-autopay';
import './autopay.css';

const SHOWN = 6;

function PauseResume({ clientId, clientName, view, onNotice }: { clientId: string; clientName: string; view: ClientAutopayView; onNotice: (text: string) => void }) {
  const reasonId = useId();
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const pausing = view.state !== 'paused';
  if (!view.enabled) return null;

  async function confirm() {
    setBusy(true);
    setError(null);
    try {
      await api.post(`/clients/${encodeURIComponent(clientId)}/autopay/${pausing ? 'pause' : 'resume'}`, pausing ? { reason } : undefined);
      setOpen(false);
      setReason('');
      onNotice(pausing ? `Autopay is paused for ${clientName}.` : `Autopay is back on for ${clientName}.`);
      autopayChanged();
    } catch (err) {
      setError(describeError(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <button type="button" className="btn btn--secondary btn--sm" onClick={() => setOpen(true)}>
        {pausing ? 'Pause autopay…' : 'Resume autopay…'}
      </button>
      <ConfirmDialog
        open={open}
        title={pausing ? `Pause autopay for ${clientName}?` : `Resume autopay for ${clientName}?`}
        confirmLabel={pausing ? 'Pause autopay' : 'Resume autopay'}
        busyLabel={pausing ? 'Pausing…' : 'Resuming…'}
        busy={busy}
        error={error}
        tone={pausing ? 'danger' : 'primary'}
        onConfirm={() => void confirm()}
        onCancel={() => {
          setOpen(false);
          setError(null);
        }}
      >
        {pausing ? (
          <div className="stack">
            <p>No invoice of this client is charged automatically until you resume. A charge already in progress finishes, and you can still charge an invoice now.</p>
            <div className="field">
              <label className="field__label" htmlFor={reasonId}>
                Reason
              </label>
              <textarea id={reasonId} className="input" rows={3} maxLength={300} value={reason} onChange={(e) => setReason(e.target.value)} aria-describedby={`${reasonId}-hint`} />
              <p className="field__hint" id={`${reasonId}-hint`}>
                The client sees this under Autopay in the billing portal.
              </p>
            </div>
          </div>
        ) : (
          <p>
            Autopay charges this client’s invoices on their due dates again, starting with the next run
            {view.method ? `, with ${view.method.label}` : ''}. Invoices already past due are charged at that run.
          </p>
        )}
      </ConfirmDialog>
    </>
  );
}

// The card already says why autopay is off or paused; each row just says it is not charged.
const NOT_CHARGED: Record<string, string> = { paused: 'Not charged while paused', autopay_off: 'Not charged automatically', no_method: 'Not charged: no usable method' };

function whenText(u: UpcomingChargeView): string {
  if (!u.nextChargeOn) return NOT_CHARGED[u.state] ?? u.note;
  if (u.state === 'retry_scheduled') return `Retry on ${formatDate(u.nextChargeOn)}`;
  return u.dueDate < u.nextChargeOn ? 'Past due: charges at the next run' : `Charges on ${formatDate(u.nextChargeOn)}`;
}

function Upcoming({ view }: { view: ClientAutopayView }) {
  const [all, setAll] = useState(false);
  if (view.upcoming.length === 0) return null;
  const shown = all ? view.upcoming : view.upcoming.slice(0, SHOWN);
  return (
    <div className="autopay-card__upcoming">
      <h3>Open invoices</h3>
      <ul className="autopay-upcoming" aria-label="Upcoming autopay charges">
        {shown.map((u) => (
          <li key={u.invoiceId}>
            <span>
              <Link to={`/invoices/${encodeURIComponent(u.invoiceId)}`}>{u.number}</Link> <PlanBadge state={u.state} />
            </span>
            <span className="autopay-upcoming__amount">{formatMoney(u.amountRemaining, u.currency)}</span>
            <span className="autopay-upcoming__when" title={u.note}>
              {whenText(u)}
            </span>
            <span className="autopay-upcoming__when">Due {formatDate(u.dueDate)}</span>
          </li>
        ))}
      </ul>
      {view.upcoming.length > SHOWN && (
        <p className="autopay-upcoming__more">
          <button type="button" className="btn btn--ghost btn--sm" onClick={() => setAll(!all)}>
            {all ? 'Show fewer' : `Show all ${view.upcoming.length}`}
          </button>
        </p>
      )}
    </div>
  );
}

const STATE_TEXT: Record<ClientAutopayView['state'], string> = {
  on: 'Charges invoices on their due dates.',
  off: 'The client has not turned on autopay. They do it in the billing portal, which records their authorization.',
  paused: 'Nothing is charged automatically until autopay is resumed.',
  not_ready: 'Autopay is on, but there is no card or bank account it can charge.',
};

/** On the client's Overview: autopay on/off/paused, its method and schedule, pause/resume, and what it charges next. */
export function ClientAutopayCard({ clientId, clientName, currency }: { clientId: string; clientName: string; currency: string }) {
  const { data, error, reload } = useClientAutopay(clientId);
  const [notice, setNotice] = useState<string | null>(null);
  return (
    <section className="card autopay-card" aria-labelledby="autopay-card-title">
      <div className="card__header">
        <div>
          <h2 className="card__title" id="autopay-card-title">
            Autopay {data && <ClientAutopayBadge state={data.state} />}
          </h2>
          {data && <p className="card__description">{STATE_TEXT[data.state]}</p>}
        </div>
        {data && <PauseResume clientId={clientId} clientName={clientName} view={data} onNotice={setNotice} />}
      </div>
      {error && !data ? (
        <div className="card__body">
          <ErrorState error={error} title="We couldn’t load autopay" onRetry={reload} />
        </div>
      ) : !data ? (
        <div className="card__body">
          <Loading label="Loading autopay…" />
        </div>
      ) : (
        <>
          <div className="card__body">
            {notice && (
              <p className="alert alert--success autopay-notice" role="status">
                {notice}
              </p>
            )}
            <dl className="autopay-card__facts">
              <div>
                <dt>Method</dt>
                <dd>{data.method?.label ?? 'None chosen'}</dd>
              </div>
              <div>
                <dt>Daily run</dt>
                <dd>
                  {data.schedule.runAt} <span className="muted">{(data.schedule.timezone.split('/').pop() ?? data.schedule.timezone).replaceAll('_', ' ')} time</span>
                </dd>
              </div>
              <div>
                <dt>Maximum per invoice</dt>
                <dd>{data.schedule.maxAmount === null ? 'No limit' : formatMoney(data.schedule.maxAmount, currency)}</dd>
              </div>
            </dl>
            {data.pause && (
              <div className="alert alert--warning autopay-card__pause" role="note">
                <strong className="alert__title">
                  Paused{data.pause.pausedAt ? ` ${formatTimestamp(data.pause.pausedAt)}` : ''}
                  {data.pause.pausedBy ? ` by ${data.pause.pausedBy}` : ''}
                </strong>
                <p>{data.pause.reason}</p>
              </div>
            )}
            {data.method?.problem && !data.pause && (
              <p className="alert alert--error autopay-card__problem" role="note">
                {data.method.problem} Ask the client to choose another card or bank account in the billing portal.
              </p>
            )}
          </div>
          <Upcoming view={data} />
        </>
      )}
    </section>
  );
}
