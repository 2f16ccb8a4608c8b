// The MSP's payment policy, kept in installations.settings (jsonb) and validated here, the only place
// that reads or writes it. Defaults are what a careful MSP would choose.
import { z } from 'zod';
import type { Clock } from '../clock';
import type { InstallationScope } from '../db/tenant-scope';
import { AppError } from '../http/app-error';
import { isValidTimeZone } from './local-date';

const days = z.number().int().min(1).max(60);

export const settingsSchema = z
  .object({
    paymentMethods: z.object({ card: z.boolean(), usBankAccount: z.boolean() }).strict(),
    autopay: z
      .object({
        /** Local time of the daily run, HH:MM in the installation's timezone. */
        runAt: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'Use a 24-hour time like 09:00.'),
        /** Days after the first failure on which soft declines are retried, ascending. */
        retryScheduleDays: z.array(days).max(8).refine((a) => a.every((d, i) => i === 0 || d > a[i - 1]!), 'Days must go up, e.g. 3, 5, 7.'),
        /** ACH debits are retried at most this many times (each failed debit costs the MSP a fee). */
        achMaxRetries: z.number().int().min(0).max(3),
        /** Invoices above this amount (minor units) are never charged automatically; null = no limit. */
        maxAmount: z.number().int().positive().nullable(),
        /** Email clients this many days before an automatic charge; null = no notice (the default). */
        upcomingNoticeDays: z.number().int().min(1).max(14).nullable().default(null),
      })
      .strict(),
    partialPayments: z.object({ allowed: z.boolean(), minimum: z.number().int().min(0) }).strict(),
    /** Underpayments up to this amount (minor units) may be accepted as paid, the rest written off. */
    underpaymentTolerance: z.number().int().min(0).max(100_000),
  })
  .strict();

export type InstallationSettings = z.infer<typeof settingsSchema>;

export const DEFAULT_SETTINGS: InstallationSettings = {
  paymentMethods: { card: true, usBankAccount: true },
  autopay: { runAt: '09:00', retryScheduleDays: [3, 5, 7], achMaxRetries: 1, maxAmount: null, upcomingNoticeDays: null },
  partialPayments: { allowed: false, minimum: 0 },
  underpaymentTolerance: 0,
};

export const profileSchema = z
  .object({
    currency: z.string().regex(/^[A-Z]{3}$/, 'A three-letter ISO currency code, like USD.'),
    timezone: z.string().refine(isValidTimeZone, 'An IANA timezone, like America/New_York.'),
  })
  .strict();

export interface InstallationSettingsView extends InstallationSettings {
  currency: string;
  timezone: string;
  /** ACH Direct Debit exists only for USD; the UI explains why it is unavailable otherwise. */
  achAvailable: boolean;
}

/** Stored settings merged over the defaults, so new settings get their default on old rows. */
export function resolveSettings(stored: unknown): InstallationSettings {
  const s = (stored && typeof stored === 'object' ? stored : {}) as Partial<InstallationSettings>;
  const merged = {
    paymentMethods: { ...DEFAULT_SETTINGS.paymentMethods, ...s.paymentMethods },
    autopay: { ...DEFAULT_SETTINGS.autopay, ...s.autopay },
    partialPayments: { ...DEFAULT_SETTINGS.partialPayments, ...s.partialPayments },
    underpaymentTolerance: s.underpaymentTolerance ?? DEFAULT_SETTINGS.underpaymentTolerance,
  };
  const parsed = settingsSchema.safeParse(merged);
  return parsed.success ? parsed.data : DEFAULT_SETTINGS;
}

export async function getInstallationSettings(scope: InstallationScope): Promise<InstallationSettingsView> {
  const row = (await scope.db('installations').where({ id: scope.installationId }).first('settings', 'currency', 'timezone')) as {
    settings: unknown;
    currency: string;
    timezone: string;
  };
  const settings = resolveSettings(row.settings);
  const achAvailable = row.currency === 'USD';
  return {
    ...settings,
    paymentMethods: { ...settings.paymentMethods, usBankAccount: settings.paymentMethods.usBankAccount && achAvailable },
    currency: row.currency,
    timezone: row.timezone,
    achAvailable,
  };
}

/**
 * Replaces the settings (and currency/timezone) after validation. Refuses ACH outside USD and a
 * currency change once invoices exist. Idempotent. Returns before/after for the audit log.
 */
export async function updateInstallationSettings(
  scope: InstallationScope,
  input: InstallationSettings & z.infer<typeof profileSchema>,
  clock: Clock,
): Promise<{ before: InstallationSettingsView; after: InstallationSettingsView }> {
  const before = await getInstallationSettings(scope);
  if (input.paymentMethods.usBankAccount && input.currency !== 'USD') {
    throw new AppError('VALIDATION_FAILED', { fields: [{ path: 'paymentMethods.usBankAccount', message: 'ACH Direct Debit is only available for USD.' }] });
  }
  if (!input.paymentMethods.card && !input.paymentMethods.usBankAccount) {
    throw new AppError('VALIDATION_FAILED', { fields: [{ path: 'paymentMethods', message: 'Turn on at least one way to pay.' }] });
  }
  if (input.currency !== before.currency) {
    const invoice = await scope.from('invoices').first('id');
    if (invoice) throw new AppError('VALIDATION_FAILED', { fields: [{ path: 'currency', message: 'The currency cannot change once invoices exist.' }] });
  }
  const { currency, timezone, ...settings } = input;
  await scope.db('installations').where({ id: scope.installationId }).update({ settings: JSON.stringify(settings), currency, timezone, updated_at: clock.now() });
  return { before, after: await getInstallationSettings(scope) };
}
