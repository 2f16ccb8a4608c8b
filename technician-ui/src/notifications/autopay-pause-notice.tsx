import { formatTimestamp } from '../../../ui-kit/dates';
import { useResource } from '../../../ui-kit/use-resource';
import type { AutopayPauseView } from '../../../server/notifications/autopay-pause-view';
import { api } from '../api';

/**
 * On a client's page: when autopay paused itself (its card or bank account can no longer be charged),
 * why, since when and what to do. Renders nothing otherwise, and nothing if the check itself fails —
 * the page is about the client, and this notice is an extra.
 */
export function AutopayPauseNotice({ clientId }: { clientId: string }) {
  const pause = useResource(`autopay-pause:${clientId}`, (signal) => api.get<AutopayPauseView>(`/clients/${encodeURIComponent(clientId)}/autopay-pause`, { signal }));
  const view = pause.data?.pause;
  if (!view) return null;
  return (
    <div className="alert alert--warning" role="status">
      <strong className="alert__title">Autopay is paused{view.pausedAt ? ` since ${formatTimestamp(view.pausedAt)}` : ''}</strong>
      {view.reason} {view.nextStep}
    </div>
  );
}
