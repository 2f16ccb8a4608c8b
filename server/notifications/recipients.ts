// Who hears about what. A client's billing mail goes to its people who can act on it: active portal
// users and the PSA's billing contacts, or the client's own email when it has neither. Staff notices
// (final failures, disputes) go to the installation's staff who can still sign in.
import type { InstallationScope } from '../db/tenant-scope';

function unique(emails: Array<string | null | undefined>): string[] {
  const seen = new Map<string, string>();
  for (const raw of emails) {
    const email = raw?.trim();
    if (email && !seen.has(email.toLowerCase())) seen.set(email.toLowerCase(), email);
  }
  return [...seen.values()];
}

/** Active portal users and billing contacts of the client, else the client's email. Read-only. */
export async function clientRecipients(scope: InstallationScope, clientId: string): Promise<string[]> {
  const client = scope.forClient(clientId);
  const users = (await client.from('portal_users').whereNull('disabled_at').whereNotNull('password_hash').pluck('email')) as string[];
  const contacts = (await client.from('client_contacts').where({ is_billing: true }).whereNull('removed_from_psa_at').pluck('email')) as string[];
  const people = unique([...users, ...contacts]);
  if (people.length > 0) return people;
  const row = (await client.from('clients').first('email')) as { email: string | null } | undefined;
  return unique([row?.email]);
}

/** Staff (admins and technicians) of the installation who are not disabled. Read-only. */
export async function staffRecipients(scope: InstallationScope): Promise<string[]> {
  const rows = (await scope.from('staff_users').whereNull('disabled_at').orderBy('email').pluck('email')) as string[];
  return unique(rows);
}
