import type { Knex } from 'knex';
import type { PortalPrincipal, StaffPrincipal } from './principal';

export interface StaffSessionView {
  user: { id: string; email: string; name: string; role: StaffPrincipal['role'] };
  installation: { id: string; name: string; currency: string; timezone: string };
  /** Shown everywhere in the UI: which Stripe account and whether it is live or test mode. */
  stripe: { connected: boolean; livemode: boolean | null; accountId: string | null };
  csrfToken: string;
}

export interface PortalSessionView {
  user: { id: string; email: string; name: string };
  client: { id: string; name: string };
  msp: { name: string };
  csrfToken: string;
}

export async function staffSessionView(db: Knex, p: StaffPrincipal): Promise<StaffSessionView> {
  const inst = (await db('installations').where({ id: p.installationId }).first('id', 'name', 'currency', 'timezone')) as StaffSessionView['installation'];
  const connection = (await db('stripe_connections')
    .where({ installation_id: p.installationId, status: 'active' })
    .first('livemode', 'account_id')) as { livemode: boolean; account_id: string } | undefined;
  return {
    user: { id: p.userId, email: p.email, name: p.name, role: p.role },
    installation: { id: inst.id, name: inst.name, currency: inst.currency, timezone: inst.timezone },
    stripe: { connected: Boolean(connection), livemode: connection?.livemode ?? null, accountId: connection?.account_id ?? null },
    csrfToken: p.csrfToken,
  };
}

export async function portalSessionView(db: Knex, p: PortalPrincipal): Promise<PortalSessionView> {
  const row = (await db('clients as c')
    .join('installations as i', 'i.id', 'c.installation_id')
    .where({ 'c.id': p.clientId, 'c.installation_id': p.installationId })
    .first('c.id', 'c.name', 'i.name as msp_name')) as { id: string; name: string; msp_name: string };
  return {
    user: { id: p.userId, email: p.email, name: p.name },
    client: { id: row.id, name: row.name },
    msp: { name: row.msp_name },
    csrfToken: p.csrfToken,
  };
}
