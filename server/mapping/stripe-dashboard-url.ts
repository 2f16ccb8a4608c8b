/** The Stripe dashboard page of a customer; test-mode objects live under /test/. Pure. */
export function stripeDashboardCustomerUrl(customerId: string, livemode: boolean): string {
  return `https://dashboard.stripe.com/${livemode ? '' : 'test/'}customers/${encodeURIComponent(customerId)}`;
}
