// `npm start` as a newcomer runs it: the real entry point in a child process, on an empty
// database. It migrates, seeds the demo, serves both apps, prints the logins, stops cleanly on
// SIGTERM, and a second start keeps the data.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toCount } from '../../server/db/database';
import { createDatabase } from '../../server/db/database';
import { DEMO_CLIENTS, DEMO_LOGINS } from '../../server/demo/seed-demo';
import { Agent } from '../support/http-agent';
import { ROOT } from '../support/template';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

let tdb: TestDatabase;
let env: Record<string, string>;

beforeAll(async () => {
  tdb = await createTestDatabase();
  await tdb.database.close();
  const dataDir = mkdtempSync(join(tmpdir(), 'settle-start-'));
  env = {
    PATH: process.env.PATH ?? '',
    PORT: '0',
    STRIPE_EMULATOR_PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    DATA_DIR: dataDir,
    ...(tdb.location.kind === 'postgres' ? { DATABASE_URL: tdb.location.url } : {}),
  };
});
afterAll(() => tdb?.drop());

function start(): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'server', 'main.ts')], { env, cwd: ROOT });
  let output = '';
  child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`did not start:\n${output}`)), 60_000);
    child.on('exit', (code) => reject(new Error(`exited ${code}:\n${output}`)));
    const check = setInterval(() => {
      const match = /Settle is running on (http:\/\/\S+)/.exec(output);
      if (match && output.includes('─'.repeat(64) + '\n\n')) {
        clearInterval(check);
        clearTimeout(timer);
        child.removeAllListeners('exit');
        resolve({ child, url: match[1]!, output: () => output });
      }
    }, 50);
  });
}

function stop(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    child.on('exit', (code) => resolve(code));
    child.kill('SIGTERM');
  });
}

describe('npm start', () => {
  it('starts on an empty database with demo data, serves both apps, and stops on SIGTERM', async () => {
    const { child, url, output } = await start();
    try {
      const text = output();
      expect(text).toContain('(demo data created just now)');
      expect(text).toContain(`${url}/app`);
      expect(text).toContain(`${url}/portal`);
      expect(text).toContain(`${DEMO_LOGINS.technician.email} / ${DEMO_LOGINS.technician.password}`);
      expect(text).toContain(`${DEMO_LOGINS.admin.email} / ${DEMO_LOGINS.admin.password}`);
      for (const c of DEMO_CLIENTS) expect(text).toContain(c.email);
      const emulatorUrl = /built-in emulator on (http:\/\/\S+)/.exec(text)?.[1];
      expect(emulatorUrl).toBeTruthy();
      const stripeApi = await fetch(`${emulatorUrl}/v1/customers`, { headers: { authorization: 'Bearer sk_test_demo' } });
      expect(stripeApi.status).toBe(200);
      expect((await fetch(`${url}/app/`)).headers.get('content-security-policy')).toContain(emulatorUrl);

      for (const path of ['/app/', '/portal/']) {
        const page = await fetch(url + path);
        expect(page.status).toBe(200);
        expect(await page.text()).toMatch(/<div id="root">/);
      }
      const tech = new Agent(url);
      expect((await tech.login('app', DEMO_LOGINS.technician.email, DEMO_LOGINS.technician.password)).status).toBe(200);
      expect((await tech.get('/api/app/clients')).body.total).toBe(6);
      // The demo is connected to the built-in emulator, in test mode, with Settle's webhook endpoint.
      const connection = (await tech.get('/api/app/stripe/connection')).body.connection;
      expect(connection).toMatchObject({ connected: true, mode: 'emulator', livemode: false });
      expect(connection.webhookEndpointId).toMatch(/^we_/);
      const client = new Agent(url);
      expect((await client.login('portal', DEMO_CLIENTS[0].email, DEMO_LOGINS.clientPassword)).status).toBe(200);
      expect((await client.get('/api/portal/invoices?filter=all')).body.total).toBeGreaterThan(0);
    } finally {
      expect(await stop(child)).toBe(0);
    }
  }, 120_000);

  it('keeps the data on a second start', async () => {
    const { child, url, output } = await start();
    try {
      expect(output()).not.toContain('demo data created just now');
      expect(output()).toContain('Demo logins');
      const tech = new Agent(url);
      await tech.login('app', DEMO_LOGINS.technician.email, DEMO_LOGINS.technician.password);
      expect((await tech.get('/api/app/clients')).body.total).toBe(6);
    } finally {
      expect(await stop(child)).toBe(0);
    }
  }, 120_000);

  it('seeded invoices that tell the truth: amounts derive from allocations, dates around today', async () => {
    const database = await createDatabase(
      tdb.location.kind === 'postgres' ? tdb.location : { kind: 'pglite', dataDir: join(env.DATA_DIR!, 'pglite') },
    );
    try {
      const knex = database.knex;
      expect(toCount(((await knex('installations').count({ n: '*' }).first()) as { n: unknown }).n)).toBe(1);
      expect(toCount(((await knex('portal_users').count({ n: '*' }).first()) as { n: unknown }).n)).toBe(6);
      const invoices = (await knex('invoices as i')
        .leftJoin(knex('allocations').groupBy('invoice_id').select('invoice_id', knex.raw('sum(amount) as allocated')).as('a'), 'a.invoice_id', 'i.id')
        .select('i.status', 'i.total', 'i.amount_paid', 'i.amount_remaining', 'i.due_date', 'a.allocated')) as Array<{
        status: string; total: number; amount_paid: number; amount_remaining: number; due_date: string; allocated: number | null;
      }>;
      expect(invoices.length).toBeGreaterThanOrEqual(20);
      expect(new Set(invoices.map((i) => i.status))).toEqual(new Set(['open', 'paid', 'partially_paid', 'void']));
      for (const inv of invoices) {
        expect(inv.amount_paid).toBe(toCount(inv.allocated ?? 0));
        if (inv.status !== 'void') expect(inv.amount_remaining).toBe(inv.total - inv.amount_paid);
      }
      const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'America/New_York' }).format(new Date());
      const due = invoices.filter((i) => i.status === 'open').map((i) => i.due_date);
      expect(due.some((d) => d < today)).toBe(true);
      expect(due.some((d) => d === today)).toBe(true);
      expect(due.some((d) => d > today)).toBe(true);
    } finally {
      await database.close();
    }
  });
});
