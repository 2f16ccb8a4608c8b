// Inbound sync of clients from the PSA, up to 1,000 per batch, keyed by the PSA's ref.
//
// Merge semantics: a record sets the fields it carries; a field left out keeps its value
// (`billingEmail`, `contacts`). `contacts`, when present, is the PSA's whole list for that client:
// contacts are matched by email (case-insensitive); new ones are added, changed ones updated, and
// ones missing from the list are kept but marked not billing and `removed_from_psa_at` — never
// deleted, because a portal user (with its sign-in) may hang off a contact; a technician decides.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { recordAudits, type AuditEntry } from '../audit/record-audit';
import type { Clock } from '../clock';
import type { InstallationScope } from '../db/tenant-scope';
import {
  bulkInsert,
  bulkUpdate,
  inBatchTransaction,
  parseRecords,
  summarize,
  type BatchMeta,
  type BatchResult,
  type RecordResult,
} from './psa-batch';

const email = z
  .string()
  .trim()
  .max(320)
  .pipe(z.email('Enter a valid email address.'))
  .transform((e) => e.toLowerCase());

const contactSchema = z
  .object({
    email,
    name: z.string().trim().min(1, 'Name the contact.').max(200),
    phone: z.string().trim().max(50).nullable().optional(),
    isBilling: z.boolean().optional(),
  })
  .strict();

export const psaClientSchema = z
  .object({
    psaRef: z.string().trim().min(1, 'psaRef is required.').max(200),
    name: z.string().trim().min(1, 'Name the client.').max(300),
    billingEmail: email.nullable().optional(),
    contacts: z
      .array(contactSchema)
      .max(100, 'At most 100 contacts per client.')
      .superRefine((list, ctx) => {
        const seen = new Map<string, number>();
        list.forEach((c, i) => {
          const first = seen.get(c.email);
          if (first !== undefined) ctx.addIssue({ code: 'custom', path: [i, 'email'], message: `Same email as contact ${first}.` });
          else seen.set(c.email, i);
        });
      })
      .optional(),
  })
  .strict();

export type PsaClientInput = z.infer<typeof psaClientSchema>;

interface ClientRow {
  id: string;
  psa_ref: string;
  name: string;
  email: string | null;
}

interface ContactRow {
  id: string;
  client_id: string;
  name: string;
  email: string;
  phone: string | null;
  is_billing: boolean;
  removed_from_psa_at: Date | null;
}

interface ContactPlan {
  inserts: Array<Record<string, unknown>>;
  updates: Array<Record<string, unknown>>;
  added: number;
  updated: number;
  removed: number;
}

function planContacts(clientId: string, wanted: NonNullable<PsaClientInput['contacts']>, existing: ContactRow[], now: Date): ContactPlan {
  const plan: ContactPlan = { inserts: [], updates: [], added: 0, updated: 0, removed: 0 };
  const byEmail = new Map(existing.map((c) => [c.email.toLowerCase(), c]));
  for (const c of wanted) {
    const next = { name: c.name, phone: c.phone ?? null, is_billing: c.isBilling ?? false };
    const have = byEmail.get(c.email);
    byEmail.delete(c.email);
    if (!have) {
      plan.inserts.push({ id: randomUUID(), client_id: clientId, email: c.email, ...next, created_at: now, updated_at: now });
      plan.added += 1;
    } else if (have.name !== next.name || have.phone !== next.phone || have.is_billing !== next.is_billing || have.removed_from_psa_at) {
      plan.updates.push({ id: have.id, ...next, removed_from_psa_at: null, updated_at: now });
      plan.updated += 1;
    }
  }
  for (const gone of byEmail.values()) {
    if (gone.removed_from_psa_at && !gone.is_billing) continue;
    plan.updates.push({ id: gone.id, name: gone.name, phone: gone.phone, is_billing: false, removed_from_psa_at: gone.removed_from_psa_at ?? now, updated_at: now });
    plan.removed += 1;
  }
  return plan;
}

/**
 * Creates or updates the batch's clients (and their contacts) in one transaction, reporting each
 * record as created, updated, unchanged or error; invalid records do not stop valid ones.
 * Idempotent: the same batch again is all `unchanged` and writes nothing (no audit entries either).
 * Never deletes a client or a contact, never touches Stripe mapping or autopay fields.
 */
export async function upsertClients(scope: InstallationScope, items: unknown[], meta: BatchMeta, clock: Clock): Promise<BatchResult> {
  const parsed = parseRecords(items, psaClientSchema);
  const results: RecordResult[] = parsed.flatMap((p) => (p.ok ? [] : [{ index: p.index, psaRef: p.psaRef, status: 'error' as const, errors: p.errors }]));
  const valid = parsed.flatMap((p) => (p.ok ? [{ index: p.index, value: p.value }] : []));
  if (valid.length === 0) return summarize(results);

  const applied = await inBatchTransaction(scope, async (trx) => {
    const now = clock.now();
    const out: RecordResult[] = [];
    const existing = (await trx
      .from('clients')
      .whereIn('psa_ref', valid.map((v) => v.value.psaRef))
      .forUpdate()
      .select('id', 'psa_ref', 'name', 'email')) as ClientRow[];
    const byRef = new Map(existing.map((c) => [c.psa_ref, c]));
    const withContacts = valid.filter((v) => v.value.contacts && byRef.has(v.value.psaRef)).map((v) => byRef.get(v.value.psaRef)!.id);
    const contacts = withContacts.length
      ? ((await trx
          .from('client_contacts')
          .whereIn('client_id', withContacts)
          .select('id', 'client_id', 'name', 'email', 'phone', 'is_billing', 'removed_from_psa_at')) as ContactRow[])
      : [];
    const contactsByClient = new Map<string, ContactRow[]>();
    for (const c of contacts) contactsByClient.set(c.client_id, [...(contactsByClient.get(c.client_id) ?? []), c]);

    const clientInserts: Array<Record<string, unknown>> = [];
    const clientUpdates: Array<Record<string, unknown>> = [];
    const contactInserts: Array<Record<string, unknown>> = [];
    const contactUpdates: Array<Record<string, unknown>> = [];
    const audits: AuditEntry[] = [];
    const audit = (action: string, clientId: string, details: Record<string, unknown>) =>
      audits.push({ actor: meta.actor, action, subjectType: 'client', subjectId: clientId, clientId, details, ip: meta.ip, requestId: meta.requestId });

    for (const { index, value } of valid) {
      const have = byRef.get(value.psaRef);
      if (!have) {
        const id = randomUUID();
        clientInserts.push({ id, psa_ref: value.psaRef, name: value.name, email: value.billingEmail ?? null, created_at: now, updated_at: now });
        const plan = planContacts(id, value.contacts ?? [], [], now);
        contactInserts.push(...plan.inserts);
        audit('client.created', id, { psaRef: value.psaRef, name: value.name, billingEmail: value.billingEmail ?? null, contactsAdded: plan.added });
        out.push({ index, psaRef: value.psaRef, status: 'created', id });
        continue;
      }
      const changes: Record<string, { from: unknown; to: unknown }> = {};
      if (have.name !== value.name) changes.name = { from: have.name, to: value.name };
      if (value.billingEmail !== undefined && have.email !== value.billingEmail) changes.billingEmail = { from: have.email, to: value.billingEmail };
      if (Object.keys(changes).length) {
        clientUpdates.push({ id: have.id, name: value.name, email: value.billingEmail === undefined ? have.email : value.billingEmail, updated_at: now });
      }
      const plan = value.contacts ? planContacts(have.id, value.contacts, contactsByClient.get(have.id) ?? [], now) : null;
      if (plan) {
        contactInserts.push(...plan.inserts);
        contactUpdates.push(...plan.updates);
      }
      const contactChanges = plan && plan.added + plan.updated + plan.removed > 0 ? { added: plan.added, updated: plan.updated, removedFromPsa: plan.removed } : null;
      if (Object.keys(changes).length || contactChanges) {
        audit('client.updated', have.id, { psaRef: value.psaRef, changes, ...(contactChanges ? { contacts: contactChanges } : {}) });
        out.push({ index, psaRef: value.psaRef, status: 'updated', id: have.id });
      } else {
        out.push({ index, psaRef: value.psaRef, status: 'unchanged', id: have.id });
      }
    }

    await bulkInsert(trx, 'clients', clientInserts);
    await bulkUpdate(trx, 'clients', { name: 'text', email: 'text', updated_at: 'timestamptz' }, clientUpdates);
    await bulkInsert(trx, 'client_contacts', contactInserts);
    await bulkUpdate(trx, 'client_contacts', { name: 'text', phone: 'text', is_billing: 'boolean', removed_from_psa_at: 'timestamptz', updated_at: 'timestamptz' }, contactUpdates);
    await recordAudits(trx, audits, clock);
    return out;
  });
  return summarize([...results, ...applied]);
}
