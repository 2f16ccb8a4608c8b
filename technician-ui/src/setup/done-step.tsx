import { Link } from 'react-router-dom';
import { Badge } from '../../../ui-kit/components/badge';
import { ErrorState } from '../../../ui-kit/components/error-state';
import { Loading } from '../../../ui-kit/components/loading';
import { formatTimestamp } from '../../../ui-kit/dates';
import type { Tone } from '../../../ui-kit/invoice-status';
import { connectionModeLabel, StripeModeBadge } from './connect-step';
import { autopayInWords, methodsInWords, toleranceInWords } from './policy-text';
import type { EndpointHealth, InstallationSettingsView, StripeConnectionView, WebhookHealth } from './types';
import type { useMappingCounts, useWebhookHealth } from './use-setup';

interface EndpointDisplay {
  tone: Tone;
  label: string;
  text: string;
}

/** Every endpoint state in words; what to do about it when something is wrong. */
export function describeEndpoint(endpoint: EndpointHealth): EndpointDisplay {
  switch (endpoint.status) {
    case 'not_connected':
      return { tone: 'neutral', label: 'Not connected', text: 'Connect Stripe first; Settle then creates its webhook endpoint.' };
    case 'not_configured':
      return {
        tone: 'warning',
        label: 'Not set up',
        text: 'Settle hasn’t created its webhook endpoint in Stripe yet. Disconnect and connect Stripe again to create it.',
      };
    case 'missing':
      return {
        tone: 'danger',
        label: 'Missing',
        text: `Endpoint ${endpoint.endpointId} was deleted in Stripe, so payments won’t update. Disconnect and connect Stripe again to recreate it.`,
      };
    case 'unreachable':
      return {
        tone: 'warning',
        label: 'Couldn’t check',
        text: `Stripe didn’t answer when Settle checked endpoint ${endpoint.endpointId}. Try again in a moment.`,
      };
    case 'disabled':
      return {
        tone: 'danger',
        label: 'Disabled',
        text: `Stripe disabled endpoint ${endpoint.endpointId}, usually after repeated delivery failures. Enable it again in the Stripe dashboard (Developers → Webhooks).`,
      };
    case 'enabled': {
      const problems = [
        endpoint.urlMatches ? '' : 'it sends events to a different address than this Settle server',
        endpoint.eventsMatch ? '' : 'its event types differ from the ones Settle needs',
      ].filter(Boolean);
      return problems.length === 0
        ? { tone: 'success', label: 'Enabled', text: `Stripe sends payment events to this Settle server (endpoint ${endpoint.endpointId}).` }
        : {
            tone: 'warning',
            label: 'Needs attention',
            text: `Endpoint ${endpoint.endpointId} is enabled, but ${problems.join(' and ')}. Disconnect and connect Stripe again to fix it.`,
          };
    }
    default: {
      const unknown: never = endpoint;
      return { tone: 'neutral', label: 'Unknown', text: String(unknown) };
    }
  }
}

function WebhookHealthSummary({ health }: { health: WebhookHealth }) {
  const endpoint = describeEndpoint(health.endpoint);
  const failing = health.failing.length;
  const dead = health.deadLetters.length;
  return (
    <dl className="setup-rows">
      <div>
        <dt>Webhook endpoint</dt>
        <dd>
          <Badge tone={endpoint.tone}>{endpoint.label}</Badge>
          <span className="setup-dd-text">{endpoint.text}</span>
        </dd>
      </div>
      <div>
        <dt>Last event received</dt>
        <dd>{health.lastEventReceivedAt ? formatTimestamp(health.lastEventReceivedAt) : 'None yet'}</dd>
      </div>
      <div>
        <dt>Waiting to be processed</dt>
        <dd>{health.backlog.pending === 0 ? 'Nothing' : `${health.backlog.pending} ${health.backlog.pending === 1 ? 'event' : 'events'}`}</dd>
      </div>
      <div>
        <dt>Problems</dt>
        <dd>
          {failing === 0 && dead === 0 ? (
            'None'
          ) : (
            <>
              {failing > 0 && <Badge tone="warning">{`${failing} retrying`}</Badge>}{' '}
              {dead > 0 && <Badge tone="danger">{`${dead} need a person`}</Badge>}
            </>
          )}
        </dd>
      </div>
    </dl>
  );
}

interface DoneStepProps {
  isAdmin: boolean;
  connection: StripeConnectionView;
  settings: InstallationSettingsView;
  mapping: ReturnType<typeof useMappingCounts>;
  webhooks: ReturnType<typeof useWebhookHealth>;
  onBack: () => void;
}

/** Step 4: everything chosen, in words, and whether Stripe's webhooks are reaching Settle. */
export function DoneStep({ isAdmin, connection, settings, mapping, webhooks, onBack }: DoneStepProps) {
  const counts = mapping.data?.counts;

  let webhookBody;
  if (!isAdmin) {
    webhookBody = (
      <dl className="setup-rows">
        <div>
          <dt>Webhook endpoint</dt>
          <dd>{connection.webhookEndpointId ? <span className="mono">{connection.webhookEndpointId}</span> : 'Not set up yet'}</dd>
        </div>
      </dl>
    );
  } else if (webhooks.error) {
    webhookBody = <ErrorState error={webhooks.error} title="We couldn’t check webhook health" onRetry={webhooks.reload} />;
  } else if (!webhooks.data) {
    webhookBody = <Loading label="Checking webhooks…" />;
  } else {
    webhookBody = <WebhookHealthSummary health={webhooks.data} />;
  }

  return (
    <div className="stack">
      {connection.connected ? (
        <div className="callout callout--success" role="status">
          <p>
            <strong>Settle is set up.</strong> Clients can pay their invoices in the portal and turn on autopay.
            {connection.livemode === true ? '' : ' You are in test mode: connect a live Stripe account when you’re ready for real payments.'}
          </p>
        </div>
      ) : (
        <div className="callout callout--warning" role="status">
          <p>
            <strong>Stripe isn’t connected yet,</strong> so clients can’t pay. Go back to step 1 to connect it.
          </p>
        </div>
      )}

      <section className="card" aria-labelledby="setup-summary-title">
        <div className="card__header">
          <h3 className="card__title" id="setup-summary-title">
            Summary
          </h3>
        </div>
        <div className="card__body">
          <dl className="setup-rows">
            <div>
              <dt>Stripe account</dt>
              <dd>
                {connection.connected ? (
                  <>
                    <span className="mono">{connection.accountId}</span> <StripeModeBadge livemode={connection.livemode} />
                    {connection.mode && <span className="setup-dd-text">Via {connectionModeLabel(connection.mode)}</span>}
                  </>
                ) : (
                  'Not connected'
                )}
              </dd>
            </div>
            <div>
              <dt>Payment methods</dt>
              <dd>{methodsInWords(settings.paymentMethods)}</dd>
            </div>
            <div>
              <dt>Autopay</dt>
              <dd>
                {autopayInWords(settings).map((sentence) => (
                  <span key={sentence} className="setup-dd-line">
                    {sentence}
                  </span>
                ))}
              </dd>
            </div>
            <div>
              <dt>Underpayments</dt>
              <dd>{toleranceInWords(settings)}</dd>
            </div>
            <div>
              <dt>Client mapping</dt>
              <dd>
                {!isAdmin
                  ? 'Managed by an admin'
                  : counts
                    ? `${counts.mapped} mapped · ${counts.unmapped} unmapped · ${counts.ignored} ignored`
                    : mapping.error
                      ? 'Couldn’t load'
                      : 'Loading…'}
              </dd>
            </div>
          </dl>
        </div>
      </section>

      <section className="card" aria-labelledby="setup-webhooks-title">
        <div className="card__header">
          <div>
            <h3 className="card__title" id="setup-webhooks-title">
              Webhook health
            </h3>
            <p className="card__description">Stripe tells Settle about payments through webhooks.</p>
          </div>
          {isAdmin && (
            <Link className="btn btn--secondary btn--sm" to="/settings/integrations">
              Integrations health
            </Link>
          )}
        </div>
        <div className="card__body">{webhookBody}</div>
      </section>

      <div className="setup-actions">
        <button type="button" className="btn btn--secondary" onClick={onBack}>
          Back
        </button>
        <Link className="btn btn--primary" to="/clients">
          Go to clients
        </Link>
      </div>
    </div>
  );
}
