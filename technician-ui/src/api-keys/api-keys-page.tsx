import { useState } from 'react';
import { ConfirmDialog } from '../../../ui-kit/components/confirm-dialog';
import { EmptyState } from '../../../ui-kit/components/empty-state';
import { describeError, ErrorState } from '../../../ui-kit/components/error-state';
import { Loading } from '../../../ui-kit/components/loading';
import { PageHeader } from '../../../ui-kit/components/page-header';
import { useSession } from '../auth/session';
import { ApiKeysTable } from './api-keys-table';
import { CreateApiKeyForm } from './create-api-key-form';
import { NewKeyPanel } from './new-key-panel';
import type { ApiKey, CreatedApiKey } from './types';
import { revokeApiKey, useApiKeys } from './use-api-keys';

function RevokeDialog({
  apiKey,
  onClose,
  onRevoked,
}: {
  apiKey: ApiKey | null;
  onClose: () => void;
  onRevoked: () => void;
}) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function confirm() {
    if (!apiKey || busy) return;
    setBusy(true);
    setError(null);
    try {
      await revokeApiKey(apiKey.id);
      setBusy(false);
      onRevoked();
    } catch (cause) {
      setBusy(false);
      setError(describeError(cause));
    }
  }

  return (
    <ConfirmDialog
      open={apiKey !== null}
      title={apiKey ? `Revoke “${apiKey.name}”?` : 'Revoke key?'}
      confirmLabel="Revoke key"
      busyLabel="Revoking…"
      busy={busy}
      error={error}
      onConfirm={confirm}
      onCancel={() => {
        setError(null);
        onClose();
      }}
    >
      <p>
        Anything using this key, such as your PSA integration, stops syncing with Settle immediately. This can’t be
        undone.
      </p>
    </ConfirmDialog>
  );
}

function AdminOnly() {
  return (
    <>
      <title>API keys · Settle</title>
      <PageHeader title="API keys" />
      <div className="card">
        <EmptyState title="Only admins can manage API keys">
          Ask an admin of your Settle installation if you need a key for an integration.
        </EmptyState>
      </div>
    </>
  );
}

function sortKeys(keys: ApiKey[]): ApiKey[] {
  return [...keys].sort((a, b) => Number(a.revokedAt !== null) - Number(b.revokedAt !== null));
}

/** Create, list and revoke the API keys your PSA uses to push clients and invoices. Admins only. */
export function ApiKeysPage() {
  const session = useSession();
  if (session.user.role !== 'admin') return <AdminOnly />;
  return <ApiKeys />;
}

function ApiKeys() {
  const keys = useApiKeys();
  const [created, setCreated] = useState<CreatedApiKey | null>(null);
  const [revoking, setRevoking] = useState<ApiKey | null>(null);
  const [announcement, setAnnouncement] = useState('');

  function handleCreated(next: CreatedApiKey) {
    setCreated(next);
    keys.reload();
  }

  function handleRevoked() {
    if (revoking) setAnnouncement(`Key “${revoking.name}” revoked.`);
    setRevoking(null);
    keys.reload();
  }

  let list;
  if (keys.error && !keys.data) {
    list = <ErrorState error={keys.error} title="We couldn’t load your API keys" onRetry={keys.reload} />;
  } else if (!keys.data) {
    list = <Loading label="Loading API keys…" />;
  } else if (keys.data.apiKeys.length === 0) {
    list = (
      <EmptyState title="No API keys yet">
        Create a key above, then paste it into your PSA’s Settle integration settings.
      </EmptyState>
    );
  } else {
    list = (
      <div className="table-scroll" role="region" aria-label="API keys" tabIndex={0} aria-busy={keys.loading}>
        <ApiKeysTable apiKeys={sortKeys(keys.data.apiKeys)} onRevoke={setRevoking} />
      </div>
    );
  }

  return (
    <>
      <title>API keys · Settle</title>
      <PageHeader
        title="API keys"
        description="Your PSA uses an API key to send clients and invoices to Settle and to receive payments back."
      />
      <div className="stack">
        <section className="card" aria-labelledby="create-key-title">
          <div className="card__header">
            <div>
              <h2 className="card__title" id="create-key-title">
                Create a key
              </h2>
              <p className="card__description">The full key is shown once, right after you create it.</p>
            </div>
          </div>
          <div className="card__body">
            {created ? (
              <NewKeyPanel created={created} onDone={() => setCreated(null)} />
            ) : (
              <CreateApiKeyForm onCreated={handleCreated} />
            )}
          </div>
        </section>

        <section className="card" aria-labelledby="keys-title">
          <div className="card__header">
            <h2 className="card__title" id="keys-title">
              Keys
            </h2>
          </div>
          {list}
        </section>
      </div>
      <p className="sr-only" role="status">
        {announcement}
      </p>
      <RevokeDialog apiKey={revoking} onClose={() => setRevoking(null)} onRevoked={handleRevoked} />
    </>
  );
}
