import { recordAudit, type AuditActor } from '../audit/record-audit';
import type { InstallationScope } from '../db/tenant-scope';
import { AppError } from '../http/app-error';
import type { AppContext } from '../http/context';

export interface NewConnection {
  mode: 'oauth' | 'restricted_key' | 'emulator';
  accountId: string;
  livemode: boolean;
  secret: string;
  refreshToken?: string | null;
  accessTokenExpiresAt?: Date | null;
  publishableKey: string;
  permissions: string[];
}

/**
 * Records a verified Stripe connection, sealing its secrets. Re-connecting the same account replaces
 * the credentials (key rotation); a different account is refused while one is connected, because
 * customer mappings belong to an account. Returns the connection id.
 */
export async function saveConnection(ctx: AppContext, scope: InstallationScope, input: NewConnection, actor: AuditActor): Promise<string> {
  return scope.transaction(async (tx) => {
    const current = (await tx.from('stripe_connections').whereNot('status', 'disconnected').forUpdate().first('id', 'account_id', 'livemode')) as
      | { id: string; account_id: string; livemode: boolean }
      | undefined;
    if (current && (current.account_id !== input.accountId || current.livemode !== input.livemode)) {
      throw new AppError('STRIPE_ACCOUNT_MISMATCH');
    }
    const now = ctx.clock.now();
    let id = current?.id;
    if (!id) {
      const [row] = (await tx.insert('stripe_connections', { mode: input.mode, account_id: input.accountId, livemode: input.livemode, connected_at: now }).returning('id')) as Array<{ id: string }>;
      id = row!.id;
    }
    await tx.from('stripe_connections').where({ id }).update({
      mode: input.mode,
      status: 'active',
      secret_enc: ctx.secrets.seal(input.secret, id),
      refresh_token_enc: input.refreshToken ? ctx.secrets.seal(input.refreshToken, id) : null,
      access_token_expires_at: input.accessTokenExpiresAt ?? null,
      publishable_key: input.publishableKey,
      permissions: JSON.stringify(input.permissions),
      updated_at: now,
    });
    await recordAudit(
      tx,
      { actor, action: current ? 'stripe.credentials_replaced' : 'stripe.connected', subjectType: 'stripe_connection', subjectId: id, details: { mode: input.mode, accountId: input.accountId, livemode: input.livemode } },
      ctx.clock,
    );
    return id;
  });
}
