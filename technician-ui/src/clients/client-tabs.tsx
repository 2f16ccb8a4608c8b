import { Link, useSearchParams } from 'react-router-dom';
import { CLIENT_TABS } from '../extensions';

export const BUILT_IN_TABS = [
  { id: 'overview', title: 'Overview' },
  { id: 'invoices', title: 'Invoices' },
  { id: 'payments', title: 'Payments' },
  { id: 'methods', title: 'Payment methods' },
  { id: 'contacts', title: 'Contacts & portal access' },
] as const;

/** The tab in the URL (`?tab=payments`), so a tab can be linked to and survives a reload. */
export function useClientTab(): string {
  const [params] = useSearchParams();
  const tab = params.get('tab') ?? 'overview';
  const known = [...BUILT_IN_TABS.map((t) => t.id as string), ...CLIENT_TABS.map((t) => t.id)];
  return known.includes(tab) ? tab : 'overview';
}

export function ClientTabs({ current }: { current: string }) {
  const tabs = [...BUILT_IN_TABS, ...CLIENT_TABS.map((t) => ({ id: t.id, title: t.title }))];
  return (
    <nav className="tabs client-tabs" aria-label="Client sections">
      <ul className="tabs__list">
        {tabs.map((t) => (
          <li key={t.id}>
            <Link className="tabs__link" to={t.id === 'overview' ? '?' : `?tab=${t.id}`} aria-current={current === t.id ? 'page' : undefined} replace>
              {t.title}
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}
