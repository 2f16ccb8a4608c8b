// Acknowledgements are group-committed: deliveries arriving together share one INSERT. Each one is
// still stored before its 200, every distinct event exactly once, also when Stripe sends the same
// event several times at the same moment.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toCount } from '../../server/db/database';
import { ensureWebhookEndpoint } from '../../server/webhooks/ensure-webhook-endpoint';
import { connectInstallationToEmulator, eventPayload, postWebhook, signedHeader, webhookSecretOf } from '../support/webhook-fixtures';
import { startTestApp, type TestApp } from '../support/test-app';

let app: TestApp;
let installationId: string;
let secret: string;

beforeAll(async () => {
  app = await startTestApp({ stripeEmulator: true });
  const connected = await connectInstallationToEmulator(app.db.database.knex, app.runtime.ctx.secrets, app.emulator!);
  installationId = connected.id;
  await ensureWebhookEndpoint(app.runtime.ctx, installationId);
  secret = await webhookSecretOf(app.db.database.knex, app.runtime.ctx.secrets, installationId);
});
afterAll(() => app?.close());

describe('webhook acknowledgements under concurrency', () => {
  it('stores 150 distinct events once each and the same event sent 10 times at once once', async () => {
    const distinct = Array.from({ length: 150 }, (_, i) => eventPayload('invoice.created', { id: `in_${i}`, object: 'invoice' }));
    const same = eventPayload('invoice.created', { id: 'in_same', object: 'invoice' });
    const deliveries = [...distinct, ...Array.from({ length: 10 }, () => same)];
    const results = await Promise.all(deliveries.map((p) => postWebhook(app.url, installationId, p, signedHeader(p, secret))));
    expect(results.map((r) => r.status)).toEqual(deliveries.map(() => 200));
    const count = await app.db.database.knex('stripe_events').where({ installation_id: installationId }).count({ n: '*' }).first();
    expect(toCount((count as { n: unknown }).n)).toBe(151);
    const sameRows = await app.db.database.knex('stripe_events').where({ installation_id: installationId, stripe_event_id: JSON.parse(same).id });
    expect(sameRows).toHaveLength(1);
  });

  it('a delivery with a bad signature in the middle of a burst is refused alone', async () => {
    const good = Array.from({ length: 20 }, (_, i) => eventPayload('invoice.created', { id: `in_b${i}`, object: 'invoice' }));
    const bad = eventPayload('invoice.created', { id: 'in_bad', object: 'invoice' });
    const results = await Promise.all([
      ...good.map((p) => postWebhook(app.url, installationId, p, signedHeader(p, secret))),
      postWebhook(app.url, installationId, bad, signedHeader(bad, 'whsec_wrong')),
    ]);
    expect(results.slice(0, 20).every((r) => r.status === 200)).toBe(true);
    expect(results[20]!.status).toBe(400);
    expect(await app.db.database.knex('stripe_events').where({ stripe_event_id: JSON.parse(bad).id }).first()).toBeUndefined();
  });
});
