import { useEffect, useRef } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { ErrorState } from '../../../ui-kit/components/error-state';
import { Loading } from '../../../ui-kit/components/loading';
import { PageHeader } from '../../../ui-kit/components/page-header';
import { useSession, useSessionContext } from '../auth/session';
import { ConnectStep } from './connect-step';
import { DoneStep } from './done-step';
import { MappingStep } from './mapping-step';
import { PaymentMethodsForm } from './payment-methods-form';
import './setup.css';
import { SETUP_STEPS, type SetupStep, type StripeConnectionView } from './types';
import { useConnection, useMappingCounts, useSettings, useWebhookHealth } from './use-setup';

const STEP_TITLES: Record<SetupStep, string> = {
  connect: 'Connect Stripe',
  methods: 'Payment methods',
  mapping: 'Client mapping',
  done: 'Done',
};

const STEP_DESCRIPTIONS: Record<SetupStep, string> = {
  connect: 'Connect the Stripe account your clients’ payments go to.',
  methods: 'Choose how clients can pay, when autopay runs, and how declines are retried.',
  mapping: 'Link each PSA client to a Stripe customer so they can pay and use autopay.',
  done: 'Check what you’ve set up.',
};

function isStep(value: string | null): value is SetupStep {
  return (SETUP_STEPS as readonly string[]).includes(value ?? '');
}

/** Where the wizard opens: the step in the address, else step 2 once Stripe is connected (and not just denied). */
function stepFrom(value: string | null, stripeReturn: string | null, connected: boolean): SetupStep {
  if (isStep(value)) return value;
  return connected && stripeReturn !== 'denied' ? 'methods' : 'connect';
}

function StepList({ current, connected }: { current: SetupStep; connected: boolean }) {
  const currentIndex = SETUP_STEPS.indexOf(current);
  return (
    <nav className="setup-steps" aria-label="Setup steps">
      <ol>
        {SETUP_STEPS.map((step, index) => {
          const complete = step === 'connect' ? connected : index < currentIndex;
          const state = step === current ? 'current' : complete ? 'complete' : 'upcoming';
          return (
            <li key={step} className={`setup-steps__item is-${state}`}>
              <Link
                className="setup-steps__link"
                to={`?step=${step}`}
                aria-current={step === current ? 'step' : undefined}
              >
                <span className="setup-steps__marker" aria-hidden="true">
                  {complete && step !== current ? (
                    <svg viewBox="0 0 16 16" focusable="false">
                      <path d="m4 8.2 2.6 2.6L12 5.4" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round" />
                    </svg>
                  ) : (
                    index + 1
                  )}
                </span>
                <span className="setup-steps__label">{STEP_TITLES[step]}</span>
                {complete && step !== current && <span className="sr-only"> (done)</span>}
              </Link>
            </li>
          );
        })}
      </ol>
    </nav>
  );
}

/**
 * The setup wizard: 1 Connect Stripe, 2 Payment methods and autopay policy, 3 Client mapping,
 * 4 Done (summary and webhook health). The step lives in the address (`?step=`), so Back works and
 * Stripe's redirect (`?stripe=connected|denied`) lands on the right one. Technicians see it read-only.
 */
export function SetupPage() {
  const session = useSession();
  const { refresh } = useSessionContext();
  const isAdmin = session.user.role === 'admin';
  const [params, setParams] = useSearchParams();
  const connection = useConnection();
  const settings = useSettings();
  const mapping = useMappingCounts(isAdmin);
  const stripeReturn = params.get('stripe');
  const connected = connection.data?.connection.connected ?? session.stripe.connected;
  const step = stepFrom(params.get('step'), stripeReturn, connected);
  const webhooks = useWebhookHealth(isAdmin && step === 'done');
  const headingRef = useRef<HTMLHeadingElement>(null);
  const previousStep = useRef(step);

  // A new step is new content: put keyboard and screen reader focus on its heading.
  useEffect(() => {
    if (previousStep.current === step) return;
    previousStep.current = step;
    window.scrollTo(0, 0);
    headingRef.current?.focus({ preventScroll: true });
  }, [step]);

  function goTo(next: SetupStep, extra: Record<string, string> = {}) {
    setParams({ step: next, ...extra });
  }

  function handleConnected(_next: StripeConnectionView) {
    connection.reload();
    void refresh();
    goTo('methods', { stripe: 'connected' });
  }

  function handleDisconnected() {
    connection.reload();
    webhooks.reload();
    void refresh();
    goTo('connect');
  }

  const view = connection.data?.connection;
  let body;
  if (connection.error && !view) {
    body = <ErrorState error={connection.error} title="We couldn’t load the Stripe connection" onRetry={connection.reload} />;
  } else if (settings.error && !settings.data) {
    body = <ErrorState error={settings.error} title="We couldn’t load your settings" onRetry={settings.reload} />;
  } else if (!view || !settings.data) {
    body = <Loading label="Loading setup…" />;
  } else {
    switch (step) {
      case 'connect':
        body = (
          <ConnectStep
            connection={view}
            readOnly={!isAdmin}
            denied={stripeReturn === 'denied'}
            onConnected={handleConnected}
            onDisconnected={handleDisconnected}
            onContinue={() => goTo('methods')}
          />
        );
        break;
      case 'methods':
        body = (
          <>
            {stripeReturn === 'connected' && view.connected && (
              <div className="alert alert--success setup-flash" role="status">
                <strong className="alert__title">Stripe is connected</strong>
                Account <span className="mono">{view.accountId}</span> is connected in{' '}
                {view.livemode === true ? 'live mode' : 'test mode'}. Next, choose how your clients can pay.
              </div>
            )}
            <PaymentMethodsForm
              key={JSON.stringify(settings.data.settings)}
              settings={settings.data.settings}
              readOnly={!isAdmin}
              onSaved={() => {
                settings.reload();
                goTo('mapping');
              }}
              onBack={() => goTo('connect')}
            />
          </>
        );
        break;
      case 'mapping':
        body = (
          <MappingStep
            isAdmin={isAdmin}
            connected={view.connected}
            mapping={mapping}
            onBack={() => goTo('methods')}
            onContinue={() => goTo('done')}
          />
        );
        break;
      case 'done':
        body = (
          <DoneStep
            isAdmin={isAdmin}
            connection={view}
            settings={settings.data.settings}
            mapping={mapping}
            webhooks={webhooks}
            onBack={() => goTo('mapping')}
          />
        );
        break;
      default: {
        const unknown: never = step;
        body = unknown;
      }
    }
  }

  const stepNumber = SETUP_STEPS.indexOf(step) + 1;
  return (
    <>
      <title>{`Setup: ${STEP_TITLES[step]} · Settle`}</title>
      <PageHeader title="Set up Settle" description="Four steps to take card and ACH payments for your PSA invoices." />
      {!isAdmin && (
        <div className="alert alert--info setup-readonly" role="note">
          You can look through the setup, but only an admin can change it.
        </div>
      )}
      <div className="setup">
        <StepList current={step} connected={connected} />
        <section className="setup__step" aria-labelledby="setup-step-title">
          <div className="setup__step-header">
            <p className="setup__step-count">
              Step {stepNumber} of {SETUP_STEPS.length}
            </p>
            <h2 className="setup__step-title" id="setup-step-title" tabIndex={-1} ref={headingRef}>
              {STEP_TITLES[step]}
            </h2>
            <p className="setup__step-description">{STEP_DESCRIPTIONS[step]}</p>
          </div>
          {body}
        </section>
      </div>
    </>
  );
}
