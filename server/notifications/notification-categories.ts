// What Settle tells people about, and which of it a recipient may turn off. Receipts, failures,
// "authentication needed", a paused autopay and anything about security are essential: they are
// about money already moving (or not), so they are always sent. Upcoming-autopay notices and
// verification reminders are helpful but not needed: each email carries a one-click unsubscribe
// (RFC 8058) and a stored preference suppresses the category from then on.

export const NOTIFICATION_CATEGORIES = [
  'autopay_upcoming',
  'verification_reminder',
  'autopay_failed',
  'authentication_required',
  'autopay_paused',
  'final_failure',
  'dispute',
] as const;

export type NotificationCategory = (typeof NOTIFICATION_CATEGORIES)[number];

/** The categories a recipient may unsubscribe from. */
export const UNSUBSCRIBABLE = ['autopay_upcoming', 'verification_reminder'] as const;
export type UnsubscribableCategory = (typeof UNSUBSCRIBABLE)[number];

export function isUnsubscribable(category: string): category is UnsubscribableCategory {
  return (UNSUBSCRIBABLE as readonly string[]).includes(category);
}

/** How the preference page names a category: "emails about …". */
export const CATEGORY_LABELS: Record<UnsubscribableCategory, string> = {
  autopay_upcoming: 'upcoming automatic payments',
  verification_reminder: 'reminders to verify a bank account',
};
