// How a saved payment method reads on screen. Pure, so it is easy to reason about.
import type { Tone } from '../../../ui-kit/invoice-status';
import type { PaymentMethodView } from './types';

/** True when a card's expiry month is before the current month. */
export function isCardExpired(method: Pick<PaymentMethodView, 'type' | 'expMonth' | 'expYear'>, now: Date = new Date()): boolean {
  if (method.type !== 'card' || method.expMonth === null || method.expYear === null) return false;
  const year = now.getFullYear();
  const month = now.getMonth() + 1;
  return method.expYear < year || (method.expYear === year && method.expMonth < month);
}

/** Verified, not expired: can be charged now (and chosen for autopay). */
export function isUsable(method: PaymentMethodView, now: Date = new Date()): boolean {
  return method.status === 'active' && !isCardExpired(method, now);
}

export function statusBadge(method: PaymentMethodView, now: Date = new Date()): { label: string; tone: Tone } {
  switch (method.status) {
    case 'pending_verification':
      return { label: 'Awaiting verification', tone: 'warning' };
    case 'active':
      return isCardExpired(method, now) ? { label: 'Expired', tone: 'danger' } : { label: 'Verified', tone: 'success' };
    case 'verification_failed':
      return { label: 'Verification failed', tone: 'danger' };
    case 'expired':
      return { label: 'Expired', tone: 'neutral' };
    default: {
      const unknown: never = method.status;
      return { label: String(unknown), tone: 'neutral' };
    }
  }
}

const capitalize = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/** "Expires 12/2034" for cards; "Checking · Company" for bank accounts. */
export function methodDetail(method: PaymentMethodView): string | null {
  if (method.type === 'card') {
    if (method.expMonth === null || method.expYear === null) return null;
    const when = `${String(method.expMonth).padStart(2, '0')}/${method.expYear}`;
    return isCardExpired(method) ? `Expired ${when}` : `Expires ${when}`;
  }
  const parts = [method.accountType, method.accountHolderType].filter((p): p is string => !!p).map(capitalize);
  return parts.length ? `${parts.join(' · ')} account` : 'Bank account';
}

/** Whether the method needs the client to enter micro-deposits now. */
export function needsVerification(method: PaymentMethodView): boolean {
  return method.status === 'pending_verification' && method.type === 'us_bank_account' && method.verification !== null;
}
