import type { DashboardView } from '../../../server/dashboard/get-dashboard';
import { useResource } from '../../../ui-kit/use-resource';
import { api } from '../api';
import { useLiveVersion } from '../live/live-context';

export type Dashboard = DashboardView;

/** The dashboard's figures; reloads when a payment or invoice changes (live updates). */
export function useDashboard(days: 30 | 90) {
  const live = useLiveVersion('dashboard');
  return useResource(`dashboard:${days}#${live}`, (signal) => api.get<DashboardView>('/dashboard', { query: { days }, signal }), { keepPreviousData: true });
}
