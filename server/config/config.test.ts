import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig, parseConfig } from './config';

const key = Buffer.alloc(32, 1).toString('base64');

describe('parseConfig', () => {
  it('needs nothing in demo mode (the default outside production)', () => {
    const result = parseConfig({}, { cwd: '/srv/settle' });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.config).toMatchObject({
      demoMode: true,
      port: 3000,
      publicUrl: 'http://localhost:3000',
      database: { kind: 'pglite', dataDir: '/srv/settle/.data/pglite' },
      stripe: { mode: 'emulator', port: 12111 },
      secureCookies: false,
    });
    expect(Object.isFrozen(result.config)).toBe(true);
  });

  it('has no default secrets outside demo mode and reports every problem at once', () => {
    const result = parseConfig({ NODE_ENV: 'production', PORT: 'eighty', STRIPE_SECRET_KEY: 'sk_live_x' });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^PORT: /),
        expect.stringMatching(/^STRIPE_PUBLISHABLE_KEY: /),
      ]),
    );
    const second = parseConfig({ NODE_ENV: 'production' });
    expect(second.ok).toBe(false);
    if (second.ok) return;
    expect(second.problems).toEqual([
      'ENCRYPTION_KEY: required outside demo mode',
      'MARKETPLACE_SHARED_SECRET: required outside demo mode',
      'PUBLIC_URL: required outside demo mode',
      'DATABASE_URL: required in production (embedded PGlite is for demos and development)',
    ]);
  });

  it('accepts a complete production configuration', () => {
    const result = parseConfig({
      NODE_ENV: 'production',
      ENCRYPTION_KEY: key,
      MARKETPLACE_SHARED_SECRET: 'm'.repeat(40),
      ENCRYPTION_KEYS_PREVIOUS: Buffer.alloc(32, 2).toString('base64'),
      PUBLIC_URL: 'https://pay.msp.example/',
      DATABASE_URL: 'postgres://settle@db/settle',
      STRIPE_SECRET_KEY: 'sk_live_abc',
      STRIPE_PUBLISHABLE_KEY: 'pk_live_abc',
    });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.config.demoMode).toBe(false);
    expect(result.config.publicUrl).toBe('https://pay.msp.example');
    expect(result.config.secureCookies).toBe(true);
    expect(result.config.encryptionKeys).toHaveLength(2);
    expect(result.config.stripe).toMatchObject({ mode: 'stripe', publishableKey: 'pk_live_abc' });
  });

  it('rejects bad values with the variable named', () => {
    const result = parseConfig({
      ENCRYPTION_KEY: 'short',
      DATABASE_URL: 'mysql://x',
      PUBLIC_URL: 'ftp://x',
      LOG_LEVEL: 'loud',
      STRIPE_SECRET_KEY: 'sk_test_1',
      STRIPE_PUBLISHABLE_KEY: 'pk_live_1',
      DEMO_MODE: 'maybe',
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const vars = result.problems.map((p) => p.split(':')[0]);
    expect(vars).toEqual(expect.arrayContaining(['ENCRYPTION_KEY', 'DATABASE_URL', 'PUBLIC_URL', 'LOG_LEVEL', 'DEMO_MODE']));
  });

  it('refuses to mix test and live Stripe keys', () => {
    const result = parseConfig({ STRIPE_SECRET_KEY: 'sk_test_1', STRIPE_PUBLISHABLE_KEY: 'pk_live_1' });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toEqual(['STRIPE_PUBLISHABLE_KEY: test and live keys cannot be mixed']);
  });
});

describe('loadConfig', () => {
  it('generates a demo encryption key once and keeps it across restarts', () => {
    const dir = mkdtempSync(join(tmpdir(), 'settle-cfg-'));
    const first = loadConfig({ DATA_DIR: dir });
    const second = loadConfig({ DATA_DIR: dir });
    expect(first.ok && second.ok).toBe(true);
    if (!first.ok || !second.ok) return;
    expect(first.config.encryptionKeys[0]!.equals(second.config.encryptionKeys[0]!)).toBe(true);
    expect(JSON.parse(readFileSync(join(dir, 'demo-secrets.json'), 'utf8')).ENCRYPTION_KEY).toBe(first.config.encryptionKeys[0]!.toString('base64'));
  });

  it('never generates secrets outside demo mode', () => {
    const result = loadConfig({ DEMO_MODE: 'false', DATA_DIR: mkdtempSync(join(tmpdir(), 'settle-cfg-')) });
    expect(result.ok).toBe(false);
  });
});

describe('main.ts with a bad environment', () => {
  it('prints every problem and exits 1', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', join(import.meta.dirname, '..', 'main.ts')], {
      env: { PATH: process.env.PATH, NODE_ENV: 'production', PORT: '99999' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(run.status).toBe(1);
    for (const variable of ['PORT', 'ENCRYPTION_KEY', 'PUBLIC_URL', 'DATABASE_URL']) expect(run.stderr).toContain(`${variable}:`);
  });
});
