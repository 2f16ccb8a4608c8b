import { useState } from 'react';
import { isApiError } from '../../../ui-kit/api-client';
import { Badge } from '../../../ui-kit/components/badge';
import { EmptyState } from '../../../ui-kit/components/empty-state';
import { describeError, ErrorState } from '../../../ui-kit/components/error-state';
import { Loading } from '../../../ui-kit/components/loading';
import { PageHeader } from '../../../ui-kit/components/page-header';
import { formatTimestamp } from '../../../ui-kit/dates';
import { useSession } from '../auth/session';
import { describeEndpoint } from '../setup/done-step';
import { OutboxDeliveriesTable } from './outbox-deliveries-table';
import type { EventStatus, OutboxDeliveryView, ProblemDeliveries, PsaWebhookSettingsView, WebhookEventView, WebhookHealth } from './types';
import { PsaWebhookForm } from './psa-webhook-form';
import { retryOutboxDelivery, retryWebhookEvent, useProblemDeliveries, usePsaWebhook, useWebhookHealth } from './use-integrations';
import { WebhookEventsTable } from './webhook-events-table';
import './integrations.css';

interface Notice {
  tone: 'success' | 'info' | 'error';
  text: string;
}

function NoticeBanner({ notice, onDismiss }: { notice: Notice | null; onDismiss: () => void }) {
  if (!notice) return null;
  return (
    <div className={`alert alert--${notice.tone} integrations-notice`} role={notice.tone === 'error' ? 'alert' : 'status'}>
      <span>{notice.text}</span>
      <button type="button" className="btn btn--ghost btn--sm" onClick={onDismiss}>
        Dismiss
      </button>
    </div>
  );
}

/** Runs one retry at a time and turns its outcome (including "nothing to retry") into a notice. */
function useRetry(notRetryableCode: string, notRetryableText: string, onSettled: () => void) {
  const [retrying, setRetrying] = useState<string | null>(null);
  const [notice, setNotice] = useState<Notice | null>(null);

  async function retry(id: string, run: () => Promise<unknown>, successText: string) {
    if (retrying) return;
    setRetrying(id);
    setNotice(null);
    try {
      await run();
      setNotice({ tone: 'success', text: successText });
    } catch (error) {
      if (isApiError(error) && error.code === notRetryableCode) setNotice({ tone: 'info', text: notRetryableText });
      else setNotice({ tone: 'error', text: `We couldn’t retry it. ${describeError(error)}` });
    } finally {
      setRetrying(null);
      onSettled();
    }
  }

  return { retrying, notice, retry, dismiss: () => setNotice(null) };
}

const COUNTED: Array<{ label: string; statuses: EventStatus[]; tone?: 'warning' | 'danger' }> = [
  { label: 'Processed', statuses: ['processed'] },
  { label: 'Ignored', statuses: ['ignored'] },
  { label: 'Deferred', statuses: ['deferred'] },
  { label: 'Waiting', statuses: ['pending', 'processing'] },
  { label: 'Retrying', statuses: ['failed'], tone: 'warning' },
  { label: 'Dead letters', statuses: ['dead'], tone: 'danger' },
];

function Last24h({ counts }: { counts: WebhookHealth['last24h'] }) {
  return (
    <ul className="integrations-counts" aria-label="Events received in the last 24 hours, by status">
      {COUNTED.map(({ label, statuses, tone }) => {
        const n = statuses.reduce((sum, status) => sum + counts[status], 0);
        return (
          <li key={label} className={n > 0 && tone ? `integrations-count integrations-count--${tone}` : 'integrations-count'}>
            <span className="integrations-count__value">{n}</span>
            <span className="integrations-count__label">{label}</span>
          </li>
        );
      })}
    </ul>
  );
}

function WebhookSummary({ health }: { health: WebhookHealth }) {
  const endpoint = describeEndpoint(health.endpoint);
  const pending = health.backlog.pending;
  return (
    <dl className="integrations-rows">
      <div>
        <dt>Endpoint</dt>
        <dd>
          <Badge tone={endpoint.tone}>{endpoint.label}</Badge>
          <span className="integrations-dd-text">{endpoint.text}</span>
        </dd>
      </div>
      <div>
        <dt>Last event received</dt>
        <dd>{health.lastEventReceivedAt ? formatTimestamp(health.lastEventReceivedAt) : 'None yet'}</dd>
      </div>
      <div>
        <dt>Waiting to be processed</dt>
        <dd>
          {pending === 0 ? 'Nothing' : `${pending} ${pending === 1 ? 'event' : 'events'}`}
          {health.backlog.oldestPendingAt && (
            <span className="integrations-dd-text">Oldest received {formatTimestamp(health.backlog.oldestPendingAt)}</span>
          )}
        </dd>
      </div>
      <div>
        <dt>Last 24 hours</dt>
        <dd>
          <Last24h counts={health.last24h} />
        </dd>
      </div>
    </dl>
  );
}

function StripeWebhooksSection() {
  const health = useWebhookHealth();
  const { retrying, notice, retry, dismiss } = useRetry(
    'WEBHOOK_EVENT_NOT_RETRYABLE',
    'That event isn’t failed any more (it may already be queued or processed), so there was nothing to retry. The list is up to date.',
    health.reload,
  );

  function handleRetry(event: WebhookEventView) {
    void retry(
      event.id,
      () => retryWebhookEvent(event.id),
      `${event.type} event ${event.stripeEventId} is queued again. Settle processes it within a few seconds.`,
    );
  }

  let summary;
  let problems;
  if (health.error && !health.data) {
    summary = <ErrorState error={health.error} title="We couldn’t check Stripe webhooks" onRetry={health.reload} />;
  } else if (!health.data) {
    summary = <Loading label="Checking Stripe webhooks…" />;
  } else {
    summary = <WebhookSummary health={health.data} />;
    const events = [...health.data.deadLetters, ...health.data.failing];
    problems =
      events.length === 0 ? (
        <EmptyState title="No failed webhook events">Every event Stripe sent was processed or is on its way.</EmptyState>
      ) : (
        <div className="table-scroll" role="region" aria-label="Failed webhook events" tabIndex={0} aria-busy={health.loading}>
          <WebhookEventsTable events={events} retrying={retrying} onRetry={handleRetry} />
        </div>
      );
  }

  return (
    <section className="card integrations-card" aria-labelledby="stripe-webhooks-title">
      <div className="card__header">
        <div>
          <h2 className="card__title" id="stripe-webhooks-title">
            Stripe webhooks
          </h2>
          <p className="card__description">Stripe tells Settle about payments, refunds and disputes through webhooks.</p>
        </div>
        <button type="button" className="btn btn--secondary btn--sm" onClick={health.reload} aria-disabled={health.loading}>
          {health.loading ? 'Refreshing…' : 'Refresh'}
        </button>
      </div>
      <div className="card__body">{summary}</div>
      {problems && (
        <>
          <div className="integrations-subheader">
            <h3 className="integrations-subheader__title" id="failed-events-title">
              Failed and dead-lettered events
            </h3>
            <p className="card__description">
              Settle retries failed events on its own. Dead letters have used up their retries: fix the cause, then retry them.
            </p>
            <NoticeBanner notice={notice} onDismiss={dismiss} />
          </div>
          {problems}
        </>
      )}
    </section>
  );
}

function PsaWebhookSummary({ settings }: { settings: PsaWebhookSettingsView }) {
  return (
    <dl className="integrations-rows">
      <div>
        <dt>PSA webhook URL</dt>
        <dd>
          {settings.url ? (
            <span className="mono">{settings.url}</span>
          ) : (
            <>
              <Badge tone="warning">Not set</Badge>
              <span className="integrations-dd-text">
                Settle can’t send payments back to your PSA until its webhook URL is set below.
              </span>
            </>
          )}
        </dd>
      </div>
      <div>
        <dt>Signing secret</dt>
        <dd>{settings.hasSecret ? <Badge tone="success">Set</Badge> : <Badge tone="neutral">Not set</Badge>}</dd>
      </div>
    </dl>
  );
}

/** Dead ones first (they need a person), then failing ones (still retrying); PSA write-backs only. */
function problemDeliveries(data: ProblemDeliveries): OutboxDeliveryView[] {
  return [...data.dead.deliveries, ...data.failing.deliveries].filter((delivery) => delivery.kind === 'psa_webhook');
}

function PsaDeliveriesSection() {
  const settings = usePsaWebhook();
  const deliveries = useProblemDeliveries();
  const { retrying, notice, retry, dismiss } = useRetry(
    'OUTBOX_DELIVERY_NOT_RETRYABLE',
    'That delivery was already sent, so there was nothing to retry. The list is up to date.',
    deliveries.reload,
  );

  function handleRetry(delivery: OutboxDeliveryView) {
    void retry(delivery.id, () => retryOutboxDelivery(delivery.id), 'The write-back is queued again. Settle sends it to your PSA within a minute.');
  }

  let summary;
  if (settings.error && !settings.data) {
    summary = <ErrorState error={settings.error} title="We couldn’t load the PSA webhook settings" onRetry={settings.reload} />;
  } else if (!settings.data) {
    summary = <Loading label="Loading PSA webhook settings…" />;
  } else {
    summary = (
      <>
        <PsaWebhookSummary settings={settings.data.psaWebhook} />
        <div className="integrations-form">
          <PsaWebhookForm settings={settings.data.psaWebhook} onSaved={settings.reload} />
        </div>
      </>
    );
  }

  let list;
  if (deliveries.error && !deliveries.data) {
    list = <ErrorState error={deliveries.error} title="We couldn’t load PSA deliveries" onRetry={deliveries.reload} />;
  } else if (!deliveries.data) {
    list = <Loading label="Loading PSA deliveries…" />;
  } else {
    const rows = problemDeliveries(deliveries.data);
    list =
      rows.length === 0 ? (
        <EmptyState title="No failed PSA deliveries">Every payment Settle sent back reached your PSA or is on its way.</EmptyState>
      ) : (
        <div className="table-scroll" role="region" aria-label="Failed PSA deliveries" tabIndex={0} aria-busy={deliveries.loading}>
          <OutboxDeliveriesTable deliveries={rows} retrying={retrying} onRetry={handleRetry} />
        </div>
      );
  }

  return (
    <section className="card integrations-card" aria-labelledby="psa-deliveries-title">
      <div className="card__header">
        <div>
          <h2 className="card__title" id="psa-deliveries-title">
            PSA write-back deliveries
          </h2>
          <p className="card__description">Settle tells your PSA about payments by calling its webhook.</p>
        </div>
        <button
          type="button"
          className="btn btn--secondary btn--sm"
          onClick={() => {
            settings.reload();
            deliveries.reload();
          }}
          aria-disabled={deliveries.loading || settings.loading}
        >
          {deliveries.loading || settings.loading ? 'Refreshing…' : 'Refresh'}
        </button>
      </div>
      <div className="card__body">{summary}</div>
      <div className="integrations-subheader">
        <h3 className="integrations-subheader__title">Failed deliveries</h3>
        <p className="card__description">Settle retries failed deliveries on its own and gives up after repeated failures.</p>
        <NoticeBanner notice={notice} onDismiss={dismiss} />
      </div>
      {list}
    </section>
  );
}

function AdminOnly() {
  return (
    <>
      <title>Integrations health · Settle</title>
      <PageHeader title="Integrations health" />
      <div className="card">
        <EmptyState title="Only admins can see integrations health">
          Ask an admin of your Settle installation if payments don’t seem to reach Settle or your PSA.
        </EmptyState>
      </div>
    </>
  );
}

/** Stripe webhooks into Settle and write-backs out to the PSA: what failed, and a retry. Admins only. */
export function IntegrationsPage() {
  const session = useSession();
  if (session.user.role !== 'admin') return <AdminOnly />;
  return (
    <>
      <title>Integrations health · Settle</title>
      <PageHeader
        title="Integrations health"
        description="Whether Stripe’s payment events reach Settle, and whether Settle’s updates reach your PSA."
      />
      <div className="stack">
        <StripeWebhooksSection />
        <PsaDeliveriesSection />
      </div>
    </>
  );
}
