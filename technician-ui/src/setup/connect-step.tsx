import { useState } from 'react';
import { isApiError } from '../../../ui-kit/api-client';
import { Badge } from '../../../ui-kit/components/badge';
import { ConfirmDialog } from '../../../ui-kit/components/confirm-dialog';
import { describeError } from '../../../ui-kit/components/error-state';
import { formatTimestamp } from '../../../ui-kit/dates';
import { RestrictedKeyForm } from './restricted-key-form';
import type { ConnectionMode, StripeConnectionView } from './types';
import { disconnectStripe, startStripeOAuth } from './use-setup';

export function connectionModeLabel(mode: ConnectionMode): string {
  switch (mode) {
    case 'oauth':
      return 'Connect with Stripe';
    case 'restricted_key':
      return 'Restricted key';
    case 'emulator':
      return 'Stripe emulator (demo)';
    default: {
      const unknown: never = mode;
      return String(unknown);
    }
  }
}

/** Test or live, as a badge; an unknown mode never reads as live. */
export function StripeModeBadge({ livemode }: { livemode: boolean | null }) {
  return livemode === true ? (
    <Badge tone="success" title="Real payments move real money">
      Live mode
    </Badge>
  ) : (
    <Badge tone="warning" title="No real money moves">
      Test mode
    </Badge>
  );
}

function ConnectedSummary({ connection }: { connection: StripeConnectionView }) {
  const missing = connection.permissions.filter((p) => !p.granted);
  return (
    <div className="stack setup-stack-sm">
      <div className="callout callout--success" role="status">
        <svg viewBox="0 0 20 20" aria-hidden="true" focusable="false">
          <circle cx="10" cy="10" r="8" fill="none" stroke="currentColor" strokeWidth="1.6" />
          <path d="m6.5 10.2 2.3 2.3 4.7-4.9" fill="none" stroke="currentColor" strokeWidth="1.7" strokeLinecap="round" strokeLinejoin="round" />
        </svg>
        <p>
          <strong>Stripe is connected.</strong>{' '}
          {connection.livemode === true
            ? 'Live mode: payments move real money.'
            : 'Test mode: no real money moves until you connect a live account.'}
        </p>
      </div>
      <dl className="definition-list">
        <div>
          <dt>Stripe account</dt>
          <dd className="mono" data-testid="stripe-account-id">
            {connection.accountId}
          </dd>
        </div>
        <div>
          <dt>Mode</dt>
          <dd>
            <StripeModeBadge livemode={connection.livemode} />
          </dd>
        </div>
        <div>
          <dt>Connection</dt>
          <dd>{connection.mode ? connectionModeLabel(connection.mode) : '—'}</dd>
        </div>
        {connection.connectedAt && (
          <div>
            <dt>Connected</dt>
            <dd>{formatTimestamp(connection.connectedAt)}</dd>
          </div>
        )}
      </dl>
      {missing.length > 0 && (
        <div className="callout callout--warning">
          <div>
            <strong className="alert__title">Some permissions are missing</strong>
            <ul className="setup-permissions">
              {missing.map((p) => (
                <li key={p.id}>
                  <strong>{p.label}</strong> — to {p.why}.
                </li>
              ))}
            </ul>
          </div>
        </div>
      )}
    </div>
  );
}

interface ConnectStepProps {
  connection: StripeConnectionView;
  readOnly: boolean;
  /** `?stripe=denied` after Stripe's page: explain, and offer both ways again. */
  denied: boolean;
  onConnected: (connection: StripeConnectionView) => void;
  onDisconnected: () => void;
  onContinue: () => void;
}

/** Step 1: Connect with Stripe (OAuth) or a restricted key; shows the connected account and its mode. */
export function ConnectStep({ connection, readOnly, denied, onConnected, onDisconnected, onContinue }: ConnectStepProps) {
  const [starting, setStarting] = useState(false);
  const [oauthError, setOauthError] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [disconnecting, setDisconnecting] = useState(false);
  const [disconnectError, setDisconnectError] = useState<string | null>(null);

  async function connectWithStripe() {
    if (starting) return;
    setStarting(true);
    setOauthError(null);
    try {
      const { url } = await startStripeOAuth();
      // Stripe's page (the emulator's offline) sends the browser back to /app/setup?stripe=…
      window.location.assign(url);
    } catch (error) {
      setStarting(false);
      setOauthError(
        isApiError(error) && error.code === 'STRIPE_OAUTH_UNAVAILABLE' ? error.message : `We couldn’t start connecting. ${describeError(error)}`,
      );
    }
  }

  async function disconnect() {
    if (disconnecting) return;
    setDisconnecting(true);
    setDisconnectError(null);
    try {
      await disconnectStripe();
      setDisconnecting(false);
      setConfirming(false);
      onDisconnected();
    } catch (error) {
      setDisconnecting(false);
      setDisconnectError(isApiError(error) && error.code === 'STRIPE_UNAVAILABLE' ? error.message : describeError(error));
    }
  }

  if (connection.connected) {
    return (
      <div className="stack">
        <section className="card">
          <div className="card__body">
            <ConnectedSummary connection={connection} />
          </div>
        </section>
        <div className="setup-actions">
          {!readOnly && (
            <button type="button" className="btn btn--danger-outline" onClick={() => setConfirming(true)}>
              Disconnect Stripe
            </button>
          )}
          <button type="button" className="btn btn--primary" onClick={onContinue}>
            Continue to payment methods
          </button>
        </div>
        <ConfirmDialog
          open={confirming}
          title="Disconnect Stripe?"
          confirmLabel="Disconnect"
          busyLabel="Disconnecting…"
          busy={disconnecting}
          error={disconnectError}
          onConfirm={disconnect}
          onCancel={() => {
            setDisconnectError(null);
            setConfirming(false);
          }}
        >
          <p>
            Settle stops taking payments at once: autopay pauses, the portal can’t take cards or bank payments, and Settle’s
            webhook endpoint is removed from account <span className="mono">{connection.accountId}</span>. Payments and
            invoices already recorded are kept.
          </p>
        </ConfirmDialog>
      </div>
    );
  }

  if (readOnly) {
    return (
      <section className="card">
        <div className="card__body">
          <div className="callout callout--neutral">
            <p>
              <strong>Stripe isn’t connected yet.</strong> An admin of your Settle installation needs to connect the MSP’s
              Stripe account before clients can pay.
            </p>
          </div>
        </div>
      </section>
    );
  }

  return (
    <div className="stack">
      {denied && (
        <div className="alert alert--warning" role="alert">
          <strong className="alert__title">Stripe access wasn’t granted</strong>
          Nothing was connected. You can try Connect with Stripe again, or paste a restricted key instead.
        </div>
      )}
      {connection.status === 'error' && (
        <div className="alert alert--error" role="alert">
          <strong className="alert__title">The last Stripe connection needs attention</strong>
          Settle couldn’t finish disconnecting it. Connect again, or try disconnecting once Stripe is reachable.
        </div>
      )}
      <div className="setup-options">
        <section className="card setup-option" aria-labelledby="setup-oauth-title">
          <div className="card__header">
            <div>
              <h3 className="card__title" id="setup-oauth-title">
                Connect with Stripe <Badge tone="accent">Recommended</Badge>
              </h3>
              <p className="card__description">
                Sign in to Stripe and approve Settle. No keys to copy; you can revoke access from Stripe at any time.
              </p>
            </div>
          </div>
          <div className="card__body stack setup-stack-sm">
            {oauthError && (
              <div className="alert alert--error" role="alert">
                {oauthError}
              </div>
            )}
            <div>
              <button type="button" className="btn btn--primary btn--lg" onClick={connectWithStripe} aria-disabled={starting}>
                {starting && <span className="spinner spinner--inline" aria-hidden="true" />}
                {starting ? 'Opening Stripe…' : 'Connect with Stripe'}
              </button>
            </div>
            <p className="field__hint">
              You’ll choose the account on Stripe’s page, then come back here. Test-mode accounts are marked “Test mode”
              everywhere in Settle.
            </p>
          </div>
        </section>
        <section className="card setup-option" aria-labelledby="setup-rk-title">
          <div className="card__header">
            <div>
              <h3 className="card__title" id="setup-rk-title">
                Or use a restricted key
              </h3>
              <p className="card__description">
                In Stripe: Developers → API keys → Create restricted key. Settle tests it and tells you exactly what’s
                missing.
              </p>
            </div>
          </div>
          <div className="card__body">
            <RestrictedKeyForm permissions={connection.permissions} onConnected={onConnected} />
          </div>
        </section>
      </div>
    </div>
  );
}
