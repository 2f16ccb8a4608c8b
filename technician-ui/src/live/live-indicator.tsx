import { useLiveStatus } from './live-context';
import './live.css';

/** "Live updates" in the top bar while updates stream in; says so when they stopped (reload to be sure). */
export function LiveIndicator() {
  const status = useLiveStatus();
  const label = status === 'live' ? 'Live updates' : status === 'connecting' ? 'Connecting…' : 'Updates stopped';
  const title =
    status === 'live'
      ? 'Payment and invoice statuses update on their own'
      : status === 'connecting'
        ? 'Reconnecting to live updates'
        : 'Live updates stopped; reload the page to see the latest';
  return (
    <span className={`live live--${status}`} title={title} role="status">
      <span className="live__dot" aria-hidden="true" />
      <span className="live__label">{label}</span>
    </span>
  );
}
