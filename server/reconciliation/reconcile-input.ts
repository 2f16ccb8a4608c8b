// The matching engine's input: one zod schema that the CLI and the database side both validate with.
// Beyond the shape it checks what would make the answer meaningless: duplicate ids, an invoice or a
// payment naming a client that is not in the input, negative or fractional amounts, dates that do
// not parse. Every problem carries its path (`invoices[3].client_id`) so a person can fix the file.
import { z } from 'zod';

/** Ids are echoed back exactly as given; PSA ids are strings or integers. */
const id = z.union([z.string().min(1), z.number().int()]);
const text = z.string().nullish().transform((v) => v ?? null);
const minorUnits = z.number().int('Amounts are integers in minor units (cents).');
const currency = z.string().regex(/^[A-Za-z]{3}$/, 'A three-letter ISO currency code, like USD.');
const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}([T ].*)?$/, 'An ISO 8601 date, like 2025-03-01 or 2025-03-01T12:00:00Z.')
  .refine((s) => Number.isFinite(Date.parse(s)), 'Not a real date.');

export const reconcileClientSchema = z.object({ id, name: z.string(), email: text });

export const reconcileInvoiceSchema = z.object({
  id,
  client_id: id,
  number: z.string().min(1, 'An invoice needs its number.'),
  currency,
  /** What is still open on the invoice; 0 means paid (its number is still recognized in references). */
  amount_due: minorUnits.min(0, 'amount_due cannot be negative.'),
  issued_at: isoDate,
  due_date: isoDate,
});

export const reconcilePaymentSchema = z.object({
  id,
  client_id: id.nullable(),
  payer_name: text,
  payer_email: text,
  currency,
  amount: minorUnits.positive('A payment amount must be above zero.'),
  received_at: isoDate,
  reference: text,
});

export const reconcileSettingsSchema = z.object({
  /** Underpayments up to this many minor units are accepted as paid and the rest written off. */
  underpayment_tolerance: minorUnits.min(0, 'underpayment_tolerance cannot be negative.'),
});

const key = (v: string | number) => String(v);

export const reconcileInputSchema = z
  .object({
    clients: z.array(reconcileClientSchema),
    invoices: z.array(reconcileInvoiceSchema),
    payments: z.array(reconcilePaymentSchema),
    settings: reconcileSettingsSchema,
  })
  .superRefine((input, ctx) => {
    const unique = (list: ReadonlyArray<{ id: string | number }>, name: string) => {
      const seen = new Set<string>();
      list.forEach((item, i) => {
        if (seen.has(key(item.id))) ctx.addIssue({ code: 'custom', path: [name, i, 'id'], message: `Duplicate ${name.slice(0, -1)} id ${JSON.stringify(item.id)}.` });
        seen.add(key(item.id));
      });
    };
    unique(input.clients, 'clients');
    unique(input.invoices, 'invoices');
    unique(input.payments, 'payments');
    const clients = new Set(input.clients.map((c) => key(c.id)));
    input.invoices.forEach((inv, i) => {
      if (!clients.has(key(inv.client_id))) ctx.addIssue({ code: 'custom', path: ['invoices', i, 'client_id'], message: `Unknown client id ${JSON.stringify(inv.client_id)}.` });
    });
    input.payments.forEach((p, i) => {
      if (p.client_id !== null && !clients.has(key(p.client_id))) {
        ctx.addIssue({ code: 'custom', path: ['payments', i, 'client_id'], message: `Unknown client id ${JSON.stringify(p.client_id)}.` });
      }
    });
  });

export type ReconcileInput = z.input<typeof reconcileInputSchema>;
export type ReconcileClient = z.output<typeof reconcileClientSchema>;
export type ReconcileInvoice = z.output<typeof reconcileInvoiceSchema>;
export type ReconcilePayment = z.output<typeof reconcilePaymentSchema>;
export type ParsedReconcileInput = z.output<typeof reconcileInputSchema>;

/** "invoices[3].client_id: Unknown client id 9." — one line per problem, for stderr and API errors. */
export function describeInputProblems(error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    const path = issue.path.reduce<string>((out, part) => (typeof part === 'number' ? `${out}[${part}]` : out ? `${out}.${String(part)}` : String(part)), '');
    return `${path || '(input)'}: ${issue.message}`;
  });
}

export type ParseResult = { ok: true; input: ParsedReconcileInput } | { ok: false; problems: string[] };

/** Validates already-decoded JSON; the CLI and the database side call this before `reconcile`. */
export function parseReconcileInput(json: unknown): ParseResult {
  const parsed = reconcileInputSchema.safeParse(json);
  return parsed.success ? { ok: true, input: parsed.data } : { ok: false, problems: describeInputProblems(parsed.error) };
}
