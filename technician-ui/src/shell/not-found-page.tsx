import { Link } from 'react-router-dom';
import { EmptyState } from '../../../ui-kit/components/empty-state';

export function NotFoundPage() {
  return (
    <>
      <title>Page not found · Settle</title>
      <h1 className="sr-only">Page not found</h1>
      <div className="card">
        <EmptyState
          title="We couldn’t find that page"
          action={
            <Link className="btn btn--secondary" to="/clients">
              Go to clients
            </Link>
          }
        >
          The address may be mistyped, or the page may have moved.
        </EmptyState>
      </div>
    </>
  );
}
