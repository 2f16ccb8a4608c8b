// The one place that reads the environment. `loadConfig` parses every variable with zod, reports
// every problem at once, and returns a frozen object that main.ts passes down. Nothing else in the
// server reads process.env.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const base64Key = z
  .string()
  .refine((v) => Buffer.from(v, 'base64').length === 32, 'must be 32 bytes, base64-encoded (openssl rand -base64 32)');

const envSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    DEMO_MODE: bool.optional(),
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    HOST: z.string().min(1).default('0.0.0.0'),
    PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
    DATABASE_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
      .optional(),
    DATA_DIR: z.string().min(1).default('./.data'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    TRUST_PROXY: z.string().default('loopback'),
    BODY_LIMIT: z.string().regex(/^\d+(b|kb|mb)$/i, 'like 100kb or 1mb').default('100kb'),
    ENCRYPTION_KEY: base64Key.optional(),
    ENCRYPTION_KEYS_PREVIOUS: z.string().optional(),
    MARKETPLACE_SHARED_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
    SESSION_IDLE_MINUTES: z.coerce.number().int().min(1).max(7 * 24 * 60).default(60),
    SESSION_MAX_HOURS: z.coerce.number().int().min(1).max(24 * 30).default(12),
    LOGIN_MAX_FAILURES: z.coerce.number().int().min(1).max(1000).default(5),
    LOGIN_WINDOW_MINUTES: z.coerce.number().int().min(1).max(24 * 60).default(15),
    JOBS_ENABLED: bool.default(true),
    CRON_MAINTENANCE: z.string().default('*/15 * * * *'),
    STRIPE_SECRET_KEY: z.string().regex(/^sk_(test|live)_/, 'must start with sk_test_ or sk_live_').optional(),
    STRIPE_PUBLISHABLE_KEY: z.string().regex(/^pk_(test|live)_/, 'must start with pk_test_ or pk_live_').optional(),
    STRIPE_CLIENT_ID: z.string().regex(/^ca_/, 'must start with ca_').optional(),
    STRIPE_EMULATOR_PORT: z.coerce.number().int().min(0).max(65535).default(12111),
    SMTP_URL: z.url({ protocol: /^smtps?$/, error: 'must be an smtp:// or smtps:// URL' }).optional(),
    MAIL_FROM: z
      .string()
      .regex(/^(?:[^<>\r\n]*<[^\s@<>]+@[^\s@<>]+>|[^\s@<>]+@[^\s@<>]+)$/, 'an address like billing@msp.example or "Billing <billing@msp.example>"')
      .optional(),
  });

type RawEnv = Record<string, string | undefined>;

/**
 * Rules across variables, checked on the raw strings so they are reported even when another
 * variable failed to parse (zod stops refining an object once a field is invalid).
 */
function crossFieldProblems(env: RawEnv): string[] {
  const problems: string[] = [];
  const production = env.NODE_ENV === 'production';
  const demo = env.DEMO_MODE === undefined ? !production : ['true', '1', 'yes'].includes(env.DEMO_MODE);
  if (!demo) {
    if (!env.ENCRYPTION_KEY) problems.push('ENCRYPTION_KEY: required outside demo mode');
    if (!env.MARKETPLACE_SHARED_SECRET) problems.push('MARKETPLACE_SHARED_SECRET: required outside demo mode');
    if (!env.PUBLIC_URL) problems.push('PUBLIC_URL: required outside demo mode');
    if (!env.DATABASE_URL && production) problems.push('DATABASE_URL: required in production (embedded PGlite is for demos and development)');
    if (env.PUBLIC_URL?.startsWith('http://') && production) problems.push('PUBLIC_URL: must be https in production');
  }
  const { STRIPE_SECRET_KEY: sk, STRIPE_PUBLISHABLE_KEY: pk } = env;
  if (Boolean(sk) !== Boolean(pk)) {
    problems.push(`${sk ? 'STRIPE_PUBLISHABLE_KEY' : 'STRIPE_SECRET_KEY'}: set STRIPE_SECRET_KEY and STRIPE_PUBLISHABLE_KEY together`);
  } else if (sk && pk && sk.includes('_live_') !== pk.includes('_live_')) {
    problems.push('STRIPE_PUBLISHABLE_KEY: test and live keys cannot be mixed');
  }
  for (const [i, k] of (env.ENCRYPTION_KEYS_PREVIOUS ?? '').split(',').filter(Boolean).entries()) {
    if (Buffer.from(k.trim(), 'base64').length !== 32) problems.push(`ENCRYPTION_KEYS_PREVIOUS.${i}: each key must be 32 bytes, base64-encoded`);
  }
  return problems;
}

export interface Config {
  readonly env: 'development' | 'production' | 'test';
  readonly demoMode: boolean;
  readonly port: number;
  readonly host: string;
  readonly publicUrl: string;
  readonly secureCookies: boolean;
  readonly database: { readonly kind: 'postgres'; readonly url: string } | { readonly kind: 'pglite'; readonly dataDir: string };
  readonly dataDir: string;
  readonly logLevel: string;
  readonly trustProxy: string;
  readonly bodyLimit: string;
  /** Current key first, then previous keys still accepted for decryption (rotation). */
  readonly encryptionKeys: readonly Buffer[];
  /** Shared with the PSA marketplace: signs install, launch and uninstall requests. */
  readonly marketplaceSecret: string | null;
  readonly session: { readonly idleMinutes: number; readonly maxHours: number };
  readonly login: { readonly maxFailures: number; readonly windowMinutes: number };
  readonly jobs: { readonly enabled: boolean; readonly maintenanceCron: string };
  /** Outgoing email: sent through SMTP when smtpUrl is set, else kept in the outbox (demo mailbox). */
  readonly mail: { readonly smtpUrl: string | null; readonly from: string };
  readonly stripe:
    | { readonly mode: 'stripe'; readonly secretKey: string; readonly publishableKey: string; readonly clientId: string | null }
    | { readonly mode: 'emulator'; readonly port: number };
}

export type ConfigResult = { ok: true; config: Config } | { ok: false; problems: string[] };

/** Pure: parses an environment map into a Config, or lists every problem found. */
export function parseConfig(env: Record<string, string | undefined>, options: { cwd?: string } = {}): ConfigResult {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(cleaned);
  const problems = [
    ...(parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.length ? i.path.join('.') : 'environment'}: ${i.message}`)),
    ...crossFieldProblems(cleaned),
  ];
  if (!parsed.success || problems.length > 0) return { ok: false, problems };
  const e = parsed.data;
  const cwd = options.cwd ?? process.cwd();
  const demoMode = e.DEMO_MODE ?? e.NODE_ENV !== 'production';
  const dataDir = resolve(cwd, e.DATA_DIR);
  const publicUrl = (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, '');
  const encryptionKeys = [
    ...(e.ENCRYPTION_KEY ? [Buffer.from(e.ENCRYPTION_KEY, 'base64')] : []),
    ...(e.ENCRYPTION_KEYS_PREVIOUS ?? '').split(',').filter(Boolean).map((k) => Buffer.from(k.trim(), 'base64')),
  ];
  const config: Config = {
    env: e.NODE_ENV,
    demoMode,
    port: e.PORT,
    host: e.HOST,
    publicUrl,
    secureCookies: publicUrl.startsWith('https://'),
    database: e.DATABASE_URL ? { kind: 'postgres', url: e.DATABASE_URL } : { kind: 'pglite', dataDir: join(dataDir, 'pglite') },
    dataDir,
    logLevel: e.LOG_LEVEL,
    trustProxy: e.TRUST_PROXY,
    bodyLimit: e.BODY_LIMIT,
    encryptionKeys,
    marketplaceSecret: e.MARKETPLACE_SHARED_SECRET ?? null,
    session: { idleMinutes: e.SESSION_IDLE_MINUTES, maxHours: e.SESSION_MAX_HOURS },
    login: { maxFailures: e.LOGIN_MAX_FAILURES, windowMinutes: e.LOGIN_WINDOW_MINUTES },
    jobs: { enabled: e.JOBS_ENABLED, maintenanceCron: e.CRON_MAINTENANCE },
    mail: { smtpUrl: e.SMTP_URL ?? null, from: e.MAIL_FROM ?? `Settle <no-reply@${new URL(publicUrl).hostname}>` },
    stripe:
      e.STRIPE_SECRET_KEY && e.STRIPE_PUBLISHABLE_KEY
        ? { mode: 'stripe', secretKey: e.STRIPE_SECRET_KEY, publishableKey: e.STRIPE_PUBLISHABLE_KEY, clientId: e.STRIPE_CLIENT_ID ?? null }
        : { mode: 'emulator', port: e.STRIPE_EMULATOR_PORT },
  };
  return { ok: true, config: deepFreeze(config) };
}


/**
 * Boot-time loader: in demo mode missing secrets (ENCRYPTION_KEY, MARKETPLACE_SHARED_SECRET) are
 * generated once and kept in DATA_DIR/demo-secrets.json so they survive restarts. Outside demo mode
 * there are no defaults for secrets: parseConfig reports them missing.
 */
export function loadConfig(env: Record<string, string | undefined>, options: { cwd?: string } = {}): ConfigResult {
  const first = parseConfig(env, options);
  if (!first.ok || !first.config.demoMode) return first;
  if (first.config.encryptionKeys.length > 0 && first.config.marketplaceSecret) return first;
  const file = join(first.config.dataDir, 'demo-secrets.json');
  let secrets: { ENCRYPTION_KEY?: string; MARKETPLACE_SHARED_SECRET?: string } = {};
  if (existsSync(file)) secrets = JSON.parse(readFileSync(file, 'utf8')) as typeof secrets;
  const missing = !secrets.ENCRYPTION_KEY || !secrets.MARKETPLACE_SHARED_SECRET;
  secrets.ENCRYPTION_KEY ??= randomBytes(32).toString('base64');
  secrets.MARKETPLACE_SHARED_SECRET ??= randomBytes(32).toString('base64url');
  if (missing) {
    mkdirSync(first.config.dataDir, { recursive: true });
    writeFileSync(file, JSON.stringify(secrets, null, 2) + '\n', { mode: 0o600 });
  }
  return parseConfig({ ENCRYPTION_KEY: secrets.ENCRYPTION_KEY, MARKETPLACE_SHARED_SECRET: secrets.MARKETPLACE_SHARED_SECRET, ...env }, options);
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Buffer.isBuffer(value)) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
