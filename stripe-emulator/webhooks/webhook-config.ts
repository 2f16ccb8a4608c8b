import { z } from 'zod';

export interface WebhookDeliveryConfig {
  /** First retry delay after a failed delivery; doubles each attempt up to `retryMaxDelayMs`. */
  retryInitialDelayMs: number;
  retryMaxDelayMs: number;
  /** Total attempts per event and endpoint (Stripe retries for 3 days in live mode). */
  maxAttempts: number;
  /** A delivery not answered within this time counts as failed. */
  timeoutMs: number;
  /** Chaos mode: deliver batches in shuffled order. */
  outOfOrder: boolean;
  /** Chaos mode: probability that a delivery is sent twice. */
  duplicateRate: number;
  /** How long chaos mode gathers events before sending a shuffled batch. */
  batchWindowMs: number;
}

export const DEFAULT_WEBHOOK_CONFIG: WebhookDeliveryConfig = {
  retryInitialDelayMs: 1000,
  retryMaxDelayMs: 60 * 60 * 1000,
  maxAttempts: 16,
  timeoutMs: 10_000,
  outOfOrder: false,
  duplicateRate: 0,
  batchWindowMs: 50,
};

export const webhookConfigSchema = z.strictObject({
  retryInitialDelayMs: z.number().min(0).optional(),
  retryMaxDelayMs: z.number().min(0).optional(),
  maxAttempts: z.number().int().min(1).optional(),
  timeoutMs: z.number().min(1).optional(),
  outOfOrder: z.boolean().optional(),
  duplicateRate: z.number().min(0).max(1).optional(),
  batchWindowMs: z.number().min(0).optional(),
});
