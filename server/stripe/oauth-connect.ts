// "Connect with Stripe" (OAuth): authorize → callback with a `state` bound to the admin's session →
// token exchange with the platform key → sealed tokens. Refresh tokens renew access tokens before
// they expire (when Stripe says they do).
import Stripe from 'stripe';
import { actorOf } from '../audit/record-audit';
import type { StaffPrincipal } from '../auth/principal';
import { hashToken, newToken } from '../auth/tokens';
import { InstallationScope } from '../db/tenant-scope';
import { AppError } from '../http/app-error';
import type { AppContext } from '../http/context';
import { REQUIRED_PERMISSIONS } from './required-permissions';
import { saveConnection } from './save-connection';
import type { StripePlatform } from './stripe-platform';

const STATE_TTL_MS = 15 * 60_000;

function platformOf(ctx: AppContext): StripePlatform {
  if (!ctx.stripePlatform) throw new AppError('STRIPE_OAUTH_UNAVAILABLE');
  return ctx.stripePlatform;
}

export function oauthRedirectUri(ctx: AppContext): string {
  return `${ctx.config.publicUrl}/stripe/oauth/callback`;
}

/** Creates a single-use state bound to this session and returns Stripe's authorize URL. */
export async function startOAuth(ctx: AppContext, principal: StaffPrincipal): Promise<{ url: string }> {
  const platform = platformOf(ctx);
  const state = newToken();
  const now = ctx.clock.now();
  await new InstallationScope(ctx.db, principal.installationId).insert('oauth_states', {
    state_hash: hashToken(state),
    session_id: principal.sessionId,
    staff_user_id: principal.userId,
    expires_at: new Date(now.getTime() + STATE_TTL_MS),
    created_at: now,
  });
  const url = new URL(platform.authorizeUrl);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: platform.clientId,
    scope: 'read_write',
    state,
    redirect_uri: oauthRedirectUri(ctx),
  }).toString();
  return { url: url.toString() };
}

/**
 * Completes the flow the same browser session started: consumes the state (single use, 15 minutes,
 * same session), exchanges the code and saves the connection. A mismatched state changes nothing.
 */
export async function completeOAuth(
  ctx: AppContext,
  principal: StaffPrincipal,
  input: { state: string; code?: string | undefined; error?: string | undefined },
): Promise<{ installationId: string }> {
  const platform = platformOf(ctx);
  const consumed = (await ctx.db('oauth_states')
    .where({ state_hash: hashToken(input.state), session_id: principal.sessionId, installation_id: principal.installationId })
    .whereNull('used_at')
    .where('expires_at', '>', ctx.clock.now())
    .update({ used_at: ctx.clock.now() })
    .returning('state_hash')) as unknown[];
  if (consumed.length === 0) throw new AppError('STRIPE_OAUTH_STATE_INVALID');
  if (input.error || !input.code) throw new AppError('STRIPE_OAUTH_DENIED');
  let token: Stripe.OAuthToken;
  try {
    token = await ctx.stripe.forSecret(platform.secretKey).oauth.token({ grant_type: 'authorization_code', code: input.code });
  } catch (err) {
    if (err instanceof Stripe.errors.StripeError && (err.statusCode ?? 500) < 500) throw new AppError('STRIPE_OAUTH_STATE_INVALID', { cause: err });
    throw new AppError('STRIPE_UNAVAILABLE', { cause: err });
  }
  if (!token.access_token || !token.stripe_user_id || !token.stripe_publishable_key) throw new AppError('STRIPE_UNAVAILABLE');
  const expiresIn = (token as { expires_in?: number }).expires_in;
  await saveConnection(
    ctx,
    new InstallationScope(ctx.db, principal.installationId),
    {
      mode: 'oauth',
      accountId: token.stripe_user_id,
      livemode: Boolean(token.livemode),
      secret: token.access_token,
      refreshToken: token.refresh_token ?? null,
      accessTokenExpiresAt: expiresIn ? new Date(ctx.clock.now().getTime() + expiresIn * 1000) : null,
      publishableKey: token.stripe_publishable_key,
      permissions: REQUIRED_PERMISSIONS.map((p) => p.id),
    },
    actorOf(principal),
  );
  return { installationId: principal.installationId };
}

/**
 * Exchanges the refresh token for a new access token (and the new refresh token Stripe may rotate
 * in). Idempotent in effect: the connection always ends with the newest working pair.
 */
export async function refreshOAuthConnection(ctx: AppContext, installationId: string): Promise<boolean> {
  const platform = platformOf(ctx);
  const conn = (await ctx.db('stripe_connections')
    .where({ installation_id: installationId, mode: 'oauth', status: 'active' })
    .first('id', 'refresh_token_enc')) as { id: string; refresh_token_enc: string | null } | undefined;
  if (!conn?.refresh_token_enc) return false;
  const refreshToken = ctx.secrets.open(conn.refresh_token_enc, conn.id);
  const token = await ctx.stripe.forSecret(platform.secretKey).oauth.token({ grant_type: 'refresh_token', refresh_token: refreshToken });
  const expiresIn = (token as { expires_in?: number }).expires_in;
  await ctx.db('stripe_connections')
    .where({ id: conn.id })
    .update({
      secret_enc: ctx.secrets.seal(token.access_token!, conn.id),
      refresh_token_enc: ctx.secrets.seal(token.refresh_token ?? refreshToken, conn.id),
      access_token_expires_at: expiresIn ? new Date(ctx.clock.now().getTime() + expiresIn * 1000) : null,
      updated_at: ctx.clock.now(),
    });
  return true;
}

/** Connections whose access token expires within `withinMs` (bounded batch), for the refresh job. */
export async function connectionsNeedingRefresh(ctx: AppContext, withinMs: number): Promise<string[]> {
  return (await ctx.db('stripe_connections')
    .where({ mode: 'oauth', status: 'active' })
    .whereNotNull('refresh_token_enc')
    .where('access_token_expires_at', '<', new Date(ctx.clock.now().getTime() + withinMs))
    .limit(200)
    .pluck('installation_id')) as string[];
}

/** Revokes Settle's access to the account at Stripe (disconnect). Tolerates an already revoked grant. */
export async function deauthorizeOAuth(ctx: AppContext, accountId: string): Promise<void> {
  const platform = platformOf(ctx);
  try {
    await ctx.stripe.forSecret(platform.secretKey).oauth.deauthorize({ client_id: platform.clientId, stripe_user_id: accountId });
  } catch (err) {
    if (err instanceof Stripe.errors.StripeError && (err.statusCode ?? 500) < 500) return;
    throw err;
  }
}
