import { isApiError } from '../api-client';

/** A user-safe sentence for any error a screen can meet. */
export function describeError(error: unknown): string {
  if (isApiError(error)) {
    if (error.code === 'NETWORK_ERROR') return 'We couldn’t reach the server. Check your connection and try again.';
    if (error.status >= 500 || error.code === 'INVALID_RESPONSE') {
      return 'Something went wrong on our side. Try again in a moment.';
    }
    if (error.code === 'AUTH_FORBIDDEN') return 'You don’t have access to this. Ask an admin if you think you should.';
    return error.message;
  }
  return 'Something unexpected went wrong. Try again in a moment.';
}

interface ErrorStateProps {
  error: unknown;
  title?: string;
  /** Shows a "Try again" button. */
  onRetry?: () => void;
}

/** Error panel for a region that failed to load. */
export function ErrorState({ error, title = 'Something went wrong', onRetry }: ErrorStateProps) {
  return (
    <div className="state state--error" role="alert">
      <svg className="state__icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
        <circle cx="12" cy="12" r="10" fill="none" stroke="currentColor" strokeWidth="1.8" />
        <path d="M12 7v6M12 16.5v.5" stroke="currentColor" strokeWidth="2" strokeLinecap="round" />
      </svg>
      <h2 className="state__title">{title}</h2>
      <p className="state__text">{describeError(error)}</p>
      {onRetry && (
        <button type="button" className="btn btn--secondary" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}
