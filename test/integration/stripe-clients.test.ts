// Per-installation Stripe clients: credentials sealed at rest, opened only to build the SDK client,
// pointed at the emulator through the real `stripe` SDK.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../server/http/app-error';
import type { AppContext } from '../../server/http/context';
import { createStripeEmulator, type StripeEmulator } from '../../stripe-emulator/index';
import { makeInstallation } from '../support/factories';
import { testContext } from '../support/test-app';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

let tdb: TestDatabase;
let emulator: StripeEmulator;
let ctx: AppContext;

beforeAll(async () => {
  tdb = await createTestDatabase();
  emulator = await createStripeEmulator();
  ctx = testContext(tdb.database, { emulator });
});
afterAll(async () => {
  await emulator?.close();
  await tdb?.drop();
});

describe('StripeClients', () => {
  it("talks to the installation's connected account with its sealed key", async () => {
    const inst = await makeInstallation(tdb.database.knex);
    const [row] = (await inst.scope.insert('stripe_connections', { mode: 'restricted_key', account_id: 'acct_pending', livemode: false }).returning('id')) as Array<{ id: string }>;
    const secret = 'rk_test_settle_clients_test';
    await inst.scope.from('stripe_connections').where({ id: row!.id }).update({ secret_enc: ctx.secrets.seal(secret, row!.id) });
    const stored = JSON.stringify(await inst.scope.from('stripe_connections').select('*'));
    expect(stored).not.toContain(secret);

    const { stripe, connection } = await ctx.stripe.forInstallation(tdb.database.knex, inst.id);
    expect(connection.id).toBe(row!.id);
    const customer = await stripe.customers.create({ email: 'ap@client.example' }, { idempotencyKey: `test:${inst.id}` });
    expect(customer.id).toMatch(/^cus_/);
    expect((await stripe.customers.retrieve(customer.id)).id).toBe(customer.id);
  });

  it('says STRIPE_NOT_CONNECTED when the installation has no active connection', async () => {
    const inst = await makeInstallation(tdb.database.knex);
    await inst.scope.insert('stripe_connections', { mode: 'restricted_key', account_id: 'acct_x', livemode: false, status: 'disconnected', secret_enc: 'v1.x.y.z' });
    const failure = await ctx.stripe.forInstallation(tdb.database.knex, inst.id).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(AppError);
    expect((failure as AppError).code).toBe('STRIPE_NOT_CONNECTED');
  });
});
