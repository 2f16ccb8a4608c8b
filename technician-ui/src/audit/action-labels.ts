// Audit actions in words. Unknown actions (a feature added later) still read well: the family and
// the verb are turned into words ("refund.requested" → "Refund requested").

const LABELS: Record<string, string> = {
  'auth.login': 'Signed in',
  'auth.logout': 'Signed out',
  'staff.launched': 'Opened Settle from the PSA',
  'api_key.created': 'API key created',
  'api_key.revoked': 'API key revoked',
  'settings.updated': 'Payment settings changed',
  'psa_webhook.updated': 'PSA webhook URL changed',
  'stripe.connected': 'Stripe connected',
  'stripe.disconnected': 'Stripe disconnected',
  'installation.uninstalled': 'Settle uninstalled',
  'mapping.mapped': 'Client mapped to a Stripe customer',
  'mapping.unmapped': 'Client unmapped',
  'mapping.ignored': 'Client ignored for billing',
  'mapping.unignored': 'Client no longer ignored',
  'mapping.customer_created': 'Stripe customer created for client',
  'client.unmapped': 'Client unmapped',
  'invoice.created': 'Invoice received from the PSA',
  'invoice.updated': 'Invoice updated by the PSA',
  'payment_link.issued': 'Payment link issued',
  'payment_link.revoked': 'Payment link revoked',
  'payment.started': 'Payment started',
  'autopay.charge_started': 'Autopay charge started',
  'autopay.enabled': 'Autopay turned on',
  'autopay.disabled': 'Autopay turned off',
  'autopay.charged_now': 'Charged now by a technician',
  'autopay.invoice_skipped': 'Invoice skipped by autopay',
  'autopay.invoice_unskipped': 'Invoice back in autopay',
  'autopay.paused': 'Autopay paused',
  'autopay.resumed': 'Autopay resumed',
  'payment_method.setup_started': 'Payment method setup started',
  'payment_method.verified': 'Bank account verified',
  'payment_method.verification_failed': 'Bank verification failed',
  'payment_method.verification_reminder_sent': 'Verification reminder sent',
  'payment_method.removed': 'Payment method removed',
  'payment_method.default_set': 'Default payment method changed',
  'payment_method.mandate_recorded': 'Bank debit authorization recorded (offline)',
  'portal_user.invited': 'Portal invite sent',
  'portal_user.invite_resent': 'Portal invite resent',
  'portal_user.revoked': 'Portal access revoked',
  'portal_user.invite_accepted': 'Portal invite accepted',
  'portal_user.password_reset_requested': 'Portal password reset requested',
  'portal_user.password_reset': 'Portal password reset',
  'setup_link.sent': 'Setup link sent',
  'setup_link.created': 'Setup link created',
  'setup_link.opened': 'Setup link opened by the client',
  'receipt.resent': 'Receipt resent',
  'client.resynced': 'Resynced from Stripe',
  'webhook_event.retried': 'Webhook event retried',
  'outbox.retried': 'PSA delivery retried',
  'demo.seeded': 'Demo data created',
};

export function actionLabel(action: string): string {
  const known = LABELS[action];
  if (known) return known;
  const words = action.replace(/[._]/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

const ACTOR_TYPES: Record<string, string> = { staff: 'Staff', portal: 'Client contact', api_key: 'PSA API key', psa: 'PSA', system: 'Settle' };

export function actorTypeLabel(type: string): string {
  return ACTOR_TYPES[type] ?? type;
}
