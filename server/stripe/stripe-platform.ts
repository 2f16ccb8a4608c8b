// Settle's own Stripe identity as an OAuth platform ("Connect with Stripe"): its secret key (used
// only for the token exchange, refresh and deauthorization), its OAuth client id and where Stripe's
// authorize page is. In emulator mode these come from the emulator; with real keys, from config.
export interface StripePlatform {
  secretKey: string;
  clientId: string;
  authorizeUrl: string;
}

/** The emulator's platform: a fixed test key, and the client id the emulator derives for it. */
export async function emulatorPlatform(emulatorUrl: string): Promise<StripePlatform> {
  const secretKey = 'sk_test_settle_platform';
  const res = await fetch(`${emulatorUrl}/_emulator/accounts/keys`, { headers: { authorization: `Bearer ${secretKey}` } });
  if (!res.ok) throw new Error(`the Stripe emulator did not return platform keys (${res.status})`);
  const keys = (await res.json()) as { client_id: string };
  return { secretKey, clientId: keys.client_id, authorizeUrl: `${emulatorUrl}/oauth/authorize` };
}
