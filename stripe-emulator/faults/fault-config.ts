import { z } from 'zod';

/** Fault injection knobs, applied to `/v1` requests only. Rates are probabilities 0–1. */
export interface FaultConfig {
  latencyMs: number;
  jitterMs: number;
  /** Requests per second allowed per account; 0 disables the limiter. */
  rateLimitPerSecond: number;
  errorRate: number;
  dropRate: number;
}

export const DEFAULT_FAULTS: FaultConfig = { latencyMs: 0, jitterMs: 0, rateLimitPerSecond: 0, errorRate: 0, dropRate: 0 };

const rate = z.number().min(0).max(1);
export const faultConfigSchema = z.strictObject({
  latencyMs: z.number().min(0).optional(),
  jitterMs: z.number().min(0).optional(),
  rateLimitPerSecond: z.number().min(0).optional(),
  errorRate: rate.optional(),
  dropRate: rate.optional(),
});
