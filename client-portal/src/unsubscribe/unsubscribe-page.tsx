import { useEffect, useRef, useState } from 'react';
import { useParams } from 'react-router-dom';
import { ApiClient, isApiError } from '../../../ui-kit/api-client';
import { describeError } from '../../../ui-kit/components/error-state';
import { Loading } from '../../../ui-kit/components/loading';
import { useResource } from '../../../ui-kit/use-resource';
import type { EmailPreferenceView } from '../../../server/notifications/email-preferences';
import { AccessCard } from '../access/access-card';

/** Unsubscribe links work without signing in, so they have their own client (no session, no CSRF). */
const emailApi = new ApiClient({ basePath: '/api/email' });

interface PreferenceResponse {
  preference: EmailPreferenceView;
}

function LinkProblem({ error }: { error: unknown }) {
  const invalid = isApiError(error) && error.code === 'UNSUBSCRIBE_LINK_INVALID';
  return (
    <AccessCard showSignInLink={false} title={invalid ? 'This unsubscribe link doesn’t work' : 'We couldn’t open this link'}>
      <div className="alert alert--error" role="alert">
        {invalid ? 'It may have been copied incompletely. Use the “Stop these emails” link at the bottom of the latest email you received.' : describeError(error)}
      </div>
    </AccessCard>
  );
}

/**
 * /portal/unsubscribe/:token — the page behind "Stop these emails" in non-essential mail. Opening it
 * changes nothing (mail scanners open links); the person confirms with a button, and can undo it.
 */
export function UnsubscribePage() {
  const { token = '' } = useParams();
  const path = `/unsubscribe/${encodeURIComponent(token)}`;
  const loaded = useResource(`unsubscribe:${token}`, (signal) => emailApi.get<PreferenceResponse>(path, { signal, reportAuthRequired: false }));
  const [preference, setPreference] = useState<EmailPreferenceView | null>(null);
  const [changed, setChanged] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const statusRef = useRef<HTMLDivElement>(null);
  const current = preference ?? loaded.data?.preference ?? null;

  useEffect(() => {
    if (changed) statusRef.current?.focus();
  }, [changed, current?.subscribed]);

  if (loaded.error) {
    return (
      <>
        <title>Email preferences · Billing portal</title>
        <LinkProblem error={loaded.error} />
      </>
    );
  }
  if (!current) return <Loading label="Opening your email preferences…" fullPage />;

  async function change(subscribe: boolean) {
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      const res = await emailApi.post<PreferenceResponse>(subscribe ? `${path}/resubscribe` : path, undefined, { reportAuthRequired: false });
      setPreference(res.preference);
      setChanged(true);
    } catch (cause) {
      setError(cause);
    } finally {
      setBusy(false);
    }
  }

  const about = `emails from ${current.mspName} about ${current.categoryLabel}`;
  return (
    <>
      <title>Email preferences · Billing portal</title>
      <AccessCard
        showSignInLink={false}
        mspName={current.mspName}
        title={current.subscribed ? 'Stop these emails?' : 'You’re unsubscribed'}
        subtitle={
          current.subscribed ? (
            <>
              You’ll no longer get {about} at <strong>{current.email}</strong>.
            </>
          ) : (
            <>
              <strong>{current.email}</strong> no longer gets {about}.
            </>
          )
        }
      >
        {changed && (
          <div className="alert alert--success" role="status" tabIndex={-1} ref={statusRef}>
            {current.subscribed ? 'Done — these emails will come again.' : 'Done — we won’t send these emails any more.'}
          </div>
        )}
        {error !== null && (
          <div className="alert alert--error" role="alert">
            {describeError(error)}
          </div>
        )}
        <p className="muted">
          Receipts, failed payments and anything that needs you to act are still sent: they are about your money.
        </p>
        <div className="form-actions">
          {current.subscribed ? (
            <button type="button" className="btn btn--primary" onClick={() => void change(false)} aria-disabled={busy}>
              {busy ? 'Unsubscribing…' : 'Unsubscribe'}
            </button>
          ) : (
            <button type="button" className="btn btn--secondary" onClick={() => void change(true)} aria-disabled={busy}>
              {busy ? 'Subscribing…' : 'Subscribe again'}
            </button>
          )}
        </div>
      </AccessCard>
    </>
  );
}
